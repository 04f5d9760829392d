"""What a text states about a fusion beyond its two genes: exons, transcripts, breakpoints.

Helpers of the fusion tagger (:mod:`pipeline.tag.fusions`), which decides which fusion a
detail belongs to:

- exon notations: two exon numbers, each with a letter or two ("H6::A20", "E13; A20",
  "KI24; A20", "EX31:EX13", "e19a2"). They are no genes (H6 is an alias of HMX1): the
  tagger reads one as the exons of the fusion printed just before it, when each letter
  is "exon" (:attr:`FusionRules.exon_prefixes`) or begins that side's symbol;
- transcripts and breakpoints stated for a gene in a sentence about a breakpoint
  ("Schematic of STRN (NM_003162) ... breakpoint in intron 3 (c.413-2055)");
- exon statements after a printed pair ("ALK-PTPN3: exon 10 and 11 of ALK inserted
  between exons 2 and 3 of PTPN3"), which back the printed order.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import compress

from pipeline.screens import ASCII_RUN_CHARACTERS, holds_other_digits, places_of
from pipeline.tag.matching import (RememberedRuns, ascii_runs, folds_onto_ascii,
                                   lower_keeping_offsets, matches_at)
from pipeline.tag.tags import Tag

# "H6::A20", "E13; A20", "EX31:EX13", "exon 6::exon 20"; a sub-variant letter ("E6a")
# is dropped: the exon is the number. "e19a2" (BCR::ABL1 style) has no separator; only
# with "e" first, since "b2a2" counts BCR exons in another (M-bcr) numbering.
EXON_NOTATION = re.compile(
    r"(?<![A-Za-z0-9])(?P<p1>[Ee]xon\s?|[A-Za-z]{1,2})(?P<n1>\d{1,3})[ab]?\s*(?:::|:|;|-|–)\s*"
    r"(?P<p2>[Ee]xon\s?|[A-Za-z]{1,2})(?P<n2>\d{1,3})[ab]?(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9])(?P<q1>e)(?P<m1>\d{1,2})(?P<q2>[a-z])(?P<m2>\d{1,2})(?![A-Za-z0-9])"
)
# What every exon notation holds, a cheap test before EXON_NOTATION, which tries every
# position of a text (most texts hold none): its separator (the last character of "::")
# after the first exon's number, its letter or a space, then the second side's letters and
# a digit; or "e", a number, a letter and a digit. Each starts with characters re finds by
# a fast scan.
EXON_NOTATION_MARKS = (
    re.compile(r"[:;\-–](?:(?<=[\d\s:].)|(?<=\d[ab].))\s*(?:[Ee]xon\s?|[A-Za-z]{1,2})\d"),
    re.compile(r"e\d{1,2}[a-z]\d"),
)
# Where an exon notation starts: at a run of ASCII letters and digits (no such character
# before it) that is the whole of its first side but the separator: "E13", "KI24a",
# "Exon", "exon6", "e19a2". EXON_NOTATION is tried at those runs only (each run's verdict
# remembered), not at every position of a text (where its digits are ASCII: \d).
FIRST_SIDE_RUN = re.compile(r"[Ee]xon(?:\d{1,3}[ab]?)?|[A-Za-z]{1,2}\d{1,3}[ab]?|e\d{1,2}[a-z]\d{1,2}")
FIRST_SIDE_RUNS = RememberedRuns(lambda run: FIRST_SIDE_RUN.fullmatch(run) is not None)
# (the look-behind after the "N": re finds the letter by a fast scan, not at every position)
TRANSCRIPT = re.compile(r"N(?<![A-Za-z0-9_]N)[MR]_\d{4,9}(?:\.\d+)?(?![A-Za-z0-9])")
# A position with no edit after it: "c.413-2055", "c.3173-193" (an edit would make it a
# variant: "c.3173-1G>A").
# (the look-behind after the "c" or "g", as in TRANSCRIPT; re scans for a class of
# characters first ([cg]) no faster than it tries each position, so the pattern is tried
# only where str.find finds one of BARE_POSITION_STARTS: :func:`bare_positions`)
BARE_POSITION = re.compile(r"[cg](?<![A-Za-z0-9.][cg])\.[-*]?\d+(?:[+-]\d+)?(?![A-Za-z0-9>_+.-])")
BARE_POSITION_STARTS = ("c.", "g.")
# A transcript that prefixes a change ("NM_004304.5:c.3604G>A") belongs to a variant.
VARIANT_AFTER = re.compile(r"^\)?\s*:\s*(?:p\.|[cgnr]\.\S*?(?:>|del|ins|dup|inv))")
GENE_BEFORE_TRANSCRIPT = re.compile(r"^\s*(?:transcripts?|mRNA)?\s*[(\[]?\s*$")
GENE_AFTER_TRANSCRIPT = re.compile(r"^\s*[(\[]\s*$")
# "exon 10 and 11 of ALK", "exons 2 and 3 of PTPN3", "intron 3 of STRN"; "ALK exon 20"
EXONS_OF_GENE = re.compile(
    r"\b(?:exons?|introns?)\s+\d+[ab]?(?:\s*(?:,|and|or|to|-|–)\s*\d+[ab]?)*\s+of\s+(?:the\s+)?"
    r"(?P<gene>[A-Za-z][A-Za-z0-9-]*)", re.IGNORECASE)
GENE_EXONS = re.compile(r"(?P<gene>[A-Za-z][A-Za-z0-9-]*)\s+(?:exons?|introns?)\s+\d", re.IGNORECASE)
# A word each of the two holds (lower case): they are tried where one stands
STATEMENT_WORDS = ("exon", "intron")
GENE_CHARACTERS = frozenset(ASCII_RUN_CHARACTERS + "-")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])|\n")
SENTENCE_REACH = 600


@dataclass(frozen=True)
class ExonNotation:
    start: int
    end: int
    first_prefix: str
    first_exon: int
    second_prefix: str
    second_exon: int


@dataclass(frozen=True)
class GeneDetail:
    """A transcript or breakpoint stated for one gene (its approved symbol)."""

    start: int
    end: int
    gene: str
    kind: str  # "transcript" | "breakpoint"
    value: str


def sentence_bounds(text: str, offset: int) -> tuple[int, int]:
    """The sentence around ``offset``: between sentence ends or line breaks, within reach."""
    low = max(0, offset - SENTENCE_REACH)
    start = low
    for match in SENTENCE_BREAK.finditer(text, low, offset):
        start = match.end()
    after = SENTENCE_BREAK.search(text, offset, offset + SENTENCE_REACH)
    return start, after.start() if after else min(len(text), offset + SENTENCE_REACH)


def find_exon_notations(text: str) -> list[ExonNotation]:
    if not any(mark.search(text) for mark in EXON_NOTATION_MARKS):
        return []
    notations = []
    for match in exon_notation_matches(text):
        if match.group("p1") is not None:
            parts = match.group("p1", "n1", "p2", "n2")
        else:
            parts = match.group("q1", "m1", "q2", "m2")
        notations.append(ExonNotation(match.start(), match.end(), parts[0].strip(), int(parts[1]),
                                      parts[2].strip(), int(parts[3])))
    return notations


def exon_notation_matches(text: str) -> list[re.Match]:
    """``EXON_NOTATION.finditer(text)``, tried only at the runs that can be a first side
    (:data:`FIRST_SIDE_RUN`)."""
    if holds_other_digits(text):
        return list(EXON_NOTATION.finditer(text))
    runs = ascii_runs(text)
    return matches_at(EXON_NOTATION, text, runs.starts, compress(
        range(len(runs.starts)), map(FIRST_SIDE_RUNS.__getitem__, runs.printed)))


def prefix_fit(prefix: str, printed: str, symbol: str | None,
               exon_prefixes: frozenset[str]) -> str | None:
    """How an exon notation's letters fit a partner: "specific" when they begin its printed
    or approved symbol ("KI" for KIF5B), "generic" when they only say "exon", else None."""
    lowered = prefix.lower()
    if printed.lower().startswith(lowered) or (symbol or "").lower().startswith(lowered):
        return "specific"
    return "generic" if prefix in exon_prefixes else None


def exon_statement_follows(text: str, end: int, printed: set[str]) -> bool:
    """Whether the rest of the sentence after a pair states exons of both its genes
    ("ALK-PTPN3  Exon 10 and 11 of ALK inserted between exons 2 and 3 of PTPN3"); the
    exons of one gene alone ("ALK-EML4, with ALK exon 20") say nothing of the order."""
    if folds_onto_ascii(text):  # re reads a character as an ASCII letter: every position
        sentence_end = sentence_bounds(text, end)[1]
        matches = [match for pattern in (EXONS_OF_GENE, GENE_EXONS)
                   for match in pattern.finditer(text, end, sentence_end)]
    else:
        # within a sentence's reach first: most pairs have no statement word after them
        words = statement_words(lower_keeping_offsets(text), end, end + SENTENCE_REACH)
        if not words:
            return False
        sentence_end = sentence_bounds(text, end)[1]
        matches = (exons_of_gene(text, words, sentence_end)
                   + gene_exons(text, words, end, sentence_end))
    return printed <= {match.group("gene") for match in matches}


def statement_words(lowered: str, start: int, end: int) -> list[int]:
    """Where a statement word (:data:`STATEMENT_WORDS`) starts in ``lowered[start:end]``."""
    return sorted(at for word in STATEMENT_WORDS for at in places_of(lowered, word, start, end))


def exons_of_gene(text: str, words: list[int], end: int) -> list[re.Match]:
    """``EXONS_OF_GENE.finditer(text, words[0], end)``: each match starts at a statement
    word, so it is tried at those only (in a text where re reads no other character as an
    ASCII letter)."""
    found, free = [], 0
    for at in words:
        if at >= free and (match := EXONS_OF_GENE.match(text, at, end)) is not None:
            found.append(match)
            free = match.end()
    return found


def gene_exons(text: str, words: list[int], start: int, end: int) -> list[re.Match]:
    """``GENE_EXONS.finditer(text, start, end)``, tried only at the gene a statement word
    (``words``, in order) can follow: the gene is the end of the letters, digits and
    hyphens before the white space before the word, from their first letter not inside
    an earlier match (where finditer, trying each position in turn, first matches)."""
    found, free = [], start
    for at in words:
        gene_end = at
        while gene_end > free and text[gene_end - 1].isspace():
            gene_end -= 1
        first = gene_end
        while first > free and text[first - 1] in GENE_CHARACTERS:
            first -= 1
        while first < gene_end and not text[first].isalpha():
            first += 1
        if gene_end == at or first == gene_end:
            continue
        match = GENE_EXONS.match(text, first, end)
        if match is not None:
            found.append(match)
            free = match.end()
    return found


def find_gene_details(text: str, genes: list[Tag], breakpoint_words: re.Pattern) -> list[GeneDetail]:
    """Transcripts and bare breakpoint positions stated for a gene in a sentence that
    speaks of a breakpoint. A transcript goes with the gene printed right before it
    ("STRN (NM_003162)") or right after it in parentheses ("NM_003162 (STRN)"); a
    breakpoint with the nearest gene printed before it in its sentence."""
    details: list[GeneDetail] = []
    starts = [gene.start for gene in genes]
    for matches, kind in ((TRANSCRIPT.finditer(text), "transcript"),
                          (bare_positions(text), "breakpoint")):
        for match in matches:
            sentence_start, sentence_end = sentence_bounds(text, match.start())
            if not breakpoint_words.search(text, sentence_start, match.start() if kind == "breakpoint"
                                           else sentence_end):
                continue
            if kind == "transcript" and VARIANT_AFTER.match(text, match.end()):
                continue
            gene = detail_gene(text, genes, starts, match, kind, sentence_start)
            if gene is not None:
                details.append(GeneDetail(match.start(), match.end(), gene, kind, match.group()))
    return details


def bare_positions(text: str) -> list[re.Match]:
    """``BARE_POSITION.finditer(text)``, tried only where a match can start: at each "c."
    and "g." of the text."""
    starts = sorted(at for start in BARE_POSITION_STARTS for at in places_of(text, start))
    return matches_at(BARE_POSITION, text, starts, range(len(starts)))


def detail_gene(text: str, genes: list[Tag], starts: list[int], match: re.Match, kind: str,
                sentence_start: int) -> str | None:
    index = bisect.bisect_left(starts, match.start()) - 1
    before = genes[index] if index >= 0 and genes[index].start >= sentence_start else None
    if kind == "breakpoint":
        return before.normalised if before else None
    if before and GENE_BEFORE_TRANSCRIPT.match(text[before.end:match.start()]):
        return before.normalised
    after = genes[index + 1] if index + 1 < len(genes) else None
    if after and GENE_AFTER_TRANSCRIPT.match(text[match.end():after.start]):
        return after.normalised
    return None
