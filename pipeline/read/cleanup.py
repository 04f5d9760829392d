"""Text clean-up shared by the readers: glyph repairs, citation markers, hyphen joins.

Rules are data (``resources/cleanup.yaml``); these small functions apply them, each
testable on the sentence that motivated it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Container, NamedTuple

from pipeline.resources import check_keys, check_str_list, check_type, load_resource
from pipeline.screens import Screened, needed_character, screened_if_slow

FILE = "cleanup.yaml"
# A numbered or bulleted item ("1. Leukemia Service, ...", "- Fletcher CD, ..."): its own
# paragraph in both readers.
LIST_ITEM = re.compile(r"^\s*(?:[-•–*]|\d{1,3}[.)]|[a-z][.)])\s")
# A citation marker once it is known to be raised: numbers, ranges, lists, brackets,
# footnote and affiliation marks ("5,6", "9–11", "[1]", "[18-23]", "1*", "2#").
CITATION = re.compile(r"^[\[(]?(?:\d{1,3}[a-z]?[*#†‡]?|[*#†‡§¶])(?:\s?[,–—-]\s?(?:\d{1,3}[a-z]?[*#†‡]?|[*#†‡]))*[\])]?$")


class GlyphRepair(NamedTuple):
    """A glyph repair of ``resources/cleanup.yaml``: its pattern, what a match becomes, the
    pattern as a text's edits look for it (screened if slow: most repairs start with a
    look-behind, which re would try at every position of a report) and a character every
    match holds (no text without it needs the repair: most texts hold none of them)."""

    pattern: re.Pattern
    replacement: str
    finder: "re.Pattern | Screened"
    needs: str | None

    @classmethod
    def of(cls, pattern: re.Pattern, replacement: str) -> "GlyphRepair":
        return cls(pattern, replacement, screened_if_slow(pattern), needed_character(pattern))

    def needed_in(self, text: str) -> bool:
        return self.needs is None or self.needs in text


@dataclass(frozen=True)
class CleanupRules:
    glyph_repairs: tuple[GlyphRepair, ...]
    exponent_units: frozenset[str]
    suspension_words: frozenset[str]
    # any character a glyph repair needs, to pass over in one search the many words of a
    # PDF no repair applies to; None when some repair needs no known character
    any_needed: re.Pattern | None = None


def any_needed(repairs: tuple[GlyphRepair, ...]) -> re.Pattern | None:
    if any(repair.needs is None for repair in repairs):
        return None
    return re.compile("[" + "".join(re.escape(repair.needs) for repair in repairs) + "]")


@lru_cache(maxsize=1)
def cleanup_rules() -> CleanupRules:
    data = check_keys(load_resource(FILE), file=FILE, where="top level",
                      required=["glyph_repairs", "exponent_units", "suspension_words"])
    repairs = check_type(data["glyph_repairs"], dict, file=FILE, where="top level",
                         key="glyph_repairs", description="a mapping of regex to replacement")
    try:
        compiled = tuple(GlyphRepair.of(re.compile(pattern), replacement)
                         for pattern, replacement in repairs.items())
    except re.error as error:
        raise ValueError(f"{FILE}: glyph_repairs: bad regex: {error}") from None
    units = check_str_list(data["exponent_units"], file=FILE, where="top level", key="exponent_units")
    words = check_str_list(data["suspension_words"], file=FILE, where="top level",
                           key="suspension_words")
    return CleanupRules(compiled, frozenset(units), frozenset(words), any_needed(compiled))


def repair_glyphs(text: str) -> str:
    """'ALKþ NSCLC' -> 'ALK+ NSCLC'; '6.8�6.4 cm' -> '6.8×6.4 cm'; ligatures spelled out."""
    rules = cleanup_rules()
    if rules.any_needed is not None and not rules.any_needed.search(text):
        return text  # no repair applies
    for repair in rules.glyph_repairs:
        if repair.needed_in(text):  # else no match: the text is left as it is
            text = repair.pattern.sub(repair.replacement, text)
    return text


def is_citation(raised: str, before: str) -> bool:
    """Is a raised run of characters a citation or footnote mark (to drop), rather than an
    exponent ("10⁻⁵", "mg/m²") to keep? ``before`` is the text just before it."""
    raised = raised.strip()
    if not raised or raised[0] in "-−+⁻⁺":
        return False
    if re.search(r"(?:^|[^0-9])10$", before):  # 4×10^5: a power of ten
        return False
    unit = re.search(r"(?:^|[\s/\d(])([a-zµμ]{1,2})$", before)
    if raised in ("2", "3") and unit and unit.group(1) in cleanup_rules().exponent_units:
        return False
    return bool(CITATION.match(raised))


def join_hyphenated(left: str, right: str, vocabulary: Container[str]) -> str:
    """How to join a line ending "left-" with a line starting "right".

    Returns the separator: "" (a word the typesetter split: "rearrange-" + "ment"), "-"
    (a real hyphen: "EML4-" + "ALK", "non-" + "small" when the document writes
    "non-small" elsewhere) or "- " (a suspended hyphen: "first- and second-line").
    """
    if right.lower() in cleanup_rules().suspension_words:
        return "- "
    capitals = sum(char.isupper() for char in left)
    if (not left.isalpha() or not right[:1].isalpha() or capitals > 1
            or (capitals == 1 and not left[0].isupper()) or right[:1].isupper()):
        return "-"  # symbols, codes and names keep their hyphen: EML4-ALK, FLAG-IDA
    head = re.match(r"[a-z]+", right)
    joined, hyphenated = (left + (head.group(0) if head else right)).lower(), (
        f"{left}-{head.group(0) if head else right}".lower())
    if hyphenated in vocabulary and joined not in vocabulary:
        return "-"
    return ""
