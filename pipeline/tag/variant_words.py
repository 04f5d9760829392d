"""Protein changes described in words, normalised to HGVS with ``described_in_words``.

    "the glycine at position 161 was replaced with a stop codon"   -> p.Gly161Ter
    "a methionine-->valine substitution at codon 404"              -> p.Met404Val
    "aspartic acid to histidine substitution at amino acid position 401" -> p.Asp401His
    "arginine 124-to-cysteine"                                     -> p.Arg124Cys
    "glycine at position 303 by glutamic acid"                     -> p.Gly303Glu
    "a substitution of glycine by arginine at ALK codon 1202"      -> p.Gly1202Arg
    "replacing valine with glutamic acid at position 600"          -> p.Val600Glu

Names and stop words come from ``resources/amino_acids.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter

from pipeline.resources import check_keys, check_str_list, check_type, load_resource
from pipeline.tag.matching import ascii_runs, folds_onto_ascii, lower_keeping_offsets

FILE = "amino_acids.yaml"
POSITION = r"(?:at\s+)?(?:amino\s+acid\s+|residue\s+|codon\s+|position\s+)+(?P<position>\d{1,5})"
REPLACED = r"(?:was\s+|is\s+|were\s+)?(?:replaced|substituted|changed|mutated|converted)\s+(?:by|with|to|into)"
ARROW = r"\s*(?:-->|->|→|>|-to-|\s+to\s+)\s*"


@dataclass(frozen=True)
class WordChange:
    start: int
    end: int
    hgvs: str


@lru_cache(maxsize=1)
def vocabulary() -> tuple[dict[str, str], tuple[str, ...]]:
    data = check_keys(load_resource(FILE), file=FILE, where="top level",
                      required=["amino_acids", "stop_words"])
    names = check_type(data["amino_acids"], dict, file=FILE, where="top level",
                       key="amino_acids", description="a mapping of name to code")
    stops = check_str_list(data["stop_words"], file=FILE, where="top level", key="stop_words")
    return {name.lower(): code for name, code in names.items()}, tuple(stops)


def alternation(words) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def patterns() -> tuple[re.Pattern, ...]:
    names, stops = vocabulary()
    residue, stop = alternation(names), alternation(stops)
    ref = rf"(?P<ref>{residue})"
    alt = rf"(?:an?\s+)?(?P<alt>{residue}|{stop})"
    gene = r"(?:\s+(?:of|in)\s+(?:the\s+)?[A-Z][A-Za-z0-9-]{1,10}(?:\s+(?:gene|protein))?)?"
    return tuple(re.compile(p, re.IGNORECASE) for p in (
        # glycine at position 161 (of NF2) was replaced with a stop codon / by glutamic acid
        rf"\b{ref}\s+{POSITION}{gene},?\s+(?:{REPLACED}\s+|by\s+){alt}\b",
        # methionine-->valine substitution at codon 404; aspartic acid to histidine ... 401
        rf"\b{ref}{ARROW}{alt}\s+(?:substitution|change|mutation|transition)\s+{POSITION}\b",
        # arginine 124-to-cysteine; glutamic acid 4 to lysine
        rf"\b{ref}[\s-]*(?P<position>\d{{1,5}}){ARROW}{alt}\b",
        # (a substitution, replacement or change of) glycine by arginine at (ALK) codon
        # 1202, (replacing) valine with glutamic acid at position 600, the words corpora
        # annotate ("of X for Y" reads the other way round and is left out)
        rf"(?:(?<=substitution\sof\s)|(?<=replacement\sof\s)|(?<=change\sof\s)"
        rf"|(?<=replacing\s)|(?<=substituting\s))"
        rf"{ref}\s+(?:by|with|to)\s+{alt}\s+at\s+(?:the\s+)?"
        rf"(?:[A-Z][A-Za-z0-9-]{{1,10}}\s+)?(?:amino\s+acid\s+|residue\s+|codon\s+|position\s+)+"
        rf"(?P<position>\d{{1,5}})\b",
    ))


def code(word: str) -> str:
    names, _ = vocabulary()
    return names.get(" ".join(word.lower().split()), "Ter")


@lru_cache(maxsize=1)
def residue_starts() -> re.Pattern:
    """Where an amino acid's name starts a word: every pattern's match starts there."""
    names, _ = vocabulary()
    return re.compile(rf"\b(?=(?:{alternation(names)}))", re.IGNORECASE)


# letters: those of the shortest names ("serine", "lysine"); three let through the runs of
# common words ("metastasis", "protein", "his"), each then compared with every name
NAME_HEAD = 6


@lru_cache(maxsize=1)
def residue_names() -> tuple[tuple[str, ...], frozenset[str]] | None:
    """The names and their first NAME_HEAD letters, when each starts with that many ASCII
    letters (and so a run of letters and digits starting as a name does starts so too)."""
    names = tuple(vocabulary()[0])
    if not all(name[:NAME_HEAD].isascii() and name[:NAME_HEAD].isalpha()
               and len(name) >= NAME_HEAD for name in names):
        return None
    return names, frozenset(name[:NAME_HEAD] for name in names)


def residue_positions(text: str) -> list[int]:
    """Where :func:`residue_starts` matches: tried only at the runs of ASCII letters and
    digits whose text starts as a name does (a name starts a word), as the regex would
    find them in a text holding a character re folds onto an ASCII letter."""
    starts, names = residue_starts(), residue_names()
    if names is None or folds_onto_ascii(text):
        return [match.start() for match in starts.finditer(text)]
    names, heads = names
    lowered, runs = lower_keeping_offsets(text), ascii_runs(text)
    # the runs' first letters screen them at C speed, then the names themselves
    headed = compress(range(len(runs.starts)), map(
        heads.__contains__, map(itemgetter(slice(NAME_HEAD)), runs.lowered)))
    return [start for start in map(runs.starts.__getitem__, headed)
            if lowered.startswith(names, start) and starts.match(text, start)]


def find_word_changes(text: str) -> list[WordChange]:
    """Each pattern's matches, as its ``finditer`` would give them, tried only where a
    residue's name starts (rare in a text: one scan instead of one per pattern)."""
    starts = residue_positions(text)
    found: list[WordChange] = []
    for pattern in patterns() if starts else ():
        end = 0
        for start in starts:
            match = pattern.match(text, start) if start >= end else None
            if match is None:
                continue
            end = match.end()
            if any(f.start < match.end() and match.start() < f.end for f in found):
                continue
            hgvs = f"p.{code(match.group('ref'))}{match.group('position')}{code(match.group('alt'))}"
            found.append(WordChange(match.start(), match.end(), hgvs))
    return sorted(found, key=lambda change: change.start)
