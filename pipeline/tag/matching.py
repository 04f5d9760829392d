"""Dictionary look-up over the raw characters of a text.

Tokenizers disagree about "EML4-ALK", "CPX-351" or "ALKþ"; lexicon entries are matched
here on words made of ASCII letters, Greek letters and digits instead, joined by one space
or hyphen,
longest match first, so the same entry is found however a tokenizer would split it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Mapping, TypeVar

T = TypeVar("T")

WORD = re.compile(r"[A-Za-z0-9\u0391-\u03a9\u03b1-\u03c9]+")  # Greek letters too: "PDGFRα"
# Lower-cases ASCII letters only, so the lowered text keeps every offset of the original
# (str.lower() turns some characters into two).
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=4)
def lower_keeping_offsets(text: str) -> str:
    """The text in lower case, every character where it was: ``str.lower()`` (many times
    faster than a translation table) unless it turns a character into two ("İ"), then ASCII
    letters only. Cached: the taggers of one document lower the same text several times."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(ASCII_LOWER)


_STARTS: dict[int, tuple[Mapping, frozenset[str]]] = {}


def first_words(lookup: Mapping[str, object]) -> frozenset[str]:
    """The words a lookup's keys begin with, computed once per lookup (the lexicons live
    for the whole process; the lookup itself is held, so its id is never reused)."""
    cached = _STARTS.get(id(lookup))
    if cached is None or cached[0] is not lookup:
        starts = frozenset(match.group(0) for key in lookup if (match := WORD.match(key)))
        cached = _STARTS[id(lookup)] = (lookup, starts)
    return cached[1]


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    key: str


def find_terms(text: str, lookup: Mapping[str, T], *, max_words: int = 1, lower: bool = False,
               accept: Callable[[str, T], bool] | None = None,
               respellings: Callable[[str], tuple[str, ...]] | None = None,
               by_first_word: bool = False, joiners: str = " -") -> list[tuple[Match, T]]:
    """Non-overlapping (match, value) pairs for every phrase whose key is in ``lookup``.

    A phrase is 1..``max_words`` words joined by single spaces or hyphens, tried longest
    first; its key is the printed phrase, lower-cased when ``lower``. ``accept``
    can veto a hit given the printed phrase and its value (e.g. brand-name casing).
    ``respellings`` gives other keys to try when a phrase's own key is not in ``lookup``
    ("IGF-1" -> "IGF1"); the match's ``key`` is then the key found. ``by_first_word``
    skips a word no key begins with, without building its phrases: a large speed-up for
    long phrase lists, valid when respellings keep a phrase's first word. ``joiners`` are
    the characters that may join a phrase's words: "-" alone when no key (nor any
    respelling of a spaced phrase) holds a space, which spares a look-up per word.
    """
    source = lower_keeping_offsets(text) if lower else text
    spans = [match.span() for match in WORD.finditer(text)]
    count = len(spans)
    joined = [index + 1 < count and spans[index + 1][0] - spans[index][1] == 1
              and text[spans[index][1]] in joiners for index in range(count)]
    found: list[tuple[Match, T]] = []
    starts = first_words(lookup) if by_first_word else None
    index = 0
    while index < count:
        if starts is not None and source[spans[index][0]:spans[index][1]] not in starts:
            index += 1
            continue
        last = index
        while last + 1 < count and last - index + 1 < max_words and joined[last]:
            last += 1
        for end_word in range(last, index - 1, -1):
            start, end = spans[index][0], spans[end_word][1]
            key = source[start:end]
            value = lookup.get(key)
            if value is None and respellings is not None:
                for other in respellings(key):
                    value = lookup.get(other)
                    if value is not None:
                        key = other
                        break
            if value is not None and (accept is None or accept(text[start:end], value)):
                found.append((Match(start, end, key), value))
                index = end_word
                break
        index += 1
    return found
