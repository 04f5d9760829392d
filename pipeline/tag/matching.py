"""Dictionary look-up over the raw characters of a text.

Tokenizers disagree about "EML4-ALK", "CPX-351" or "ALKþ"; lexicon entries are matched
here on words made of ASCII letters and digits instead, joined by one space or hyphen,
longest match first, so the same entry is found however a tokenizer would split it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping, TypeVar

T = TypeVar("T")

WORD = re.compile(r"[A-Za-z0-9]+")
JOINERS = frozenset(" -")


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    key: str


def words(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in WORD.finditer(text)]


def iter_phrases(text: str, spans: list[tuple[int, int]], first: int, max_words: int
                 ) -> Iterator[tuple[int, int]]:
    """Spans of 1..max_words consecutive words from word ``first``, longest first."""
    last = first
    while last + 1 < len(spans) and last - first + 1 < max_words:
        gap = text[spans[last][1]:spans[last + 1][0]]
        if len(gap) != 1 or gap not in JOINERS:
            break
        last += 1
    for end_word in range(last, first - 1, -1):
        yield spans[first][0], spans[end_word][1]


def find_terms(text: str, lookup: Mapping[str, T], *, max_words: int = 1,
               key: Callable[[str], str] = str,
               accept: Callable[[str, T], bool] | None = None) -> list[tuple[Match, T]]:
    """Non-overlapping (match, value) pairs for every phrase whose key is in ``lookup``.

    ``key`` maps a printed phrase to its look-up key (e.g. ``str.lower``); ``accept``
    can veto a hit given the printed phrase and its value (e.g. brand-name casing).
    """
    spans = words(text)
    found: list[tuple[Match, T]] = []
    index = 0
    while index < len(spans):
        advanced = False
        for start, end in iter_phrases(text, spans, index, max_words):
            printed = text[start:end]
            value = lookup.get(key(printed))
            if value is not None and (accept is None or accept(printed, value)):
                found.append((Match(start, end, key(printed)), value))
                while index < len(spans) and spans[index][0] < end:
                    index += 1
                advanced = True
                break
        if not advanced:
            index += 1
    return found
