"""Where a missed gold value is printed in the document, so a false negative can be read
in context ("CARS was printed here, and not extracted")."""

from __future__ import annotations

import re

from pipeline.hgvs_syntax import THREE_LETTER
from pipeline.schema import DiffItem, Document

ONE_LETTER = {three: one for one, three in THREE_LETTER.items() if one not in "*X"}
ONE_LETTER["Ter"] = "*"
PROTEIN = re.compile(r"^p\.([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|\n\s*\n")


def word(text: str, *, case_blind: bool = False) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(text)}(?![A-Za-z0-9])",
                      re.IGNORECASE if case_blind else 0)


def patterns(field: str, value: str) -> list[re.Pattern]:
    """What a gold value looks like in print, most specific first."""
    if field in ("genes", "rearranged_genes", "unresolved_genes"):
        return [word(value)]
    if field in ("drugs", "regimens"):
        return [word(value, case_blind=True)]
    if field == "fusions":
        five, three = value.split("::")
        return [re.compile(rf"(?<![A-Za-z0-9]){re.escape(five)}\W{{1,3}}{re.escape(three)}"
                           rf"(?![A-Za-z0-9])"), word(five)]
    if field == "variants":
        gene, _, change = value.partition(":")
        found = [re.compile(re.escape(change))]
        protein = PROTEIN.match(change)
        if protein and protein.group(1) in ONE_LETTER and protein.group(3) in ONE_LETTER:
            short = f"{ONE_LETTER[protein.group(1)]}{protein.group(2)}{ONE_LETTER[protein.group(3)]}"
            found.append(re.compile(rf"(?<![A-Za-z0-9]){re.escape(short)}(?![A-Za-z0-9])"))
        return found
    return []


def sentence_around(text: str, start: int, end: int, in_table: bool) -> tuple[int, int]:
    """The sentence holding ``start:end``; in a table, its row."""
    if in_table:
        right = text.find("\n", end)
        return text.rfind("\n", 0, start) + 1, right if right != -1 else len(text)
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in SENTENCE_END.finditer(text, end)), len(text))
    return left, right


def locate(document: Document, item: DiffItem) -> DiffItem:
    """The missed value's first in-scope printing, as the item's sentence and highlight."""
    if item.kind != "FN" or item.gold is None:
        return item
    for pattern in patterns(item.field, item.gold):
        for match in pattern.finditer(document.text):
            section = document.section_at(match.start())
            if section is not None and not section.in_scope:
                continue
            left, right = sentence_around(document.text, match.start(), match.end(),
                                          section is not None and section.kind == "table")
            raw = document.text[left:right]
            lead = len(raw) - len(raw.lstrip())
            sentence = raw.strip()
            start = match.start() - left - lead
            return item.model_copy(update={
                "sentence": sentence, "highlight": (start, start + len(match.group(0))),
                "page": document.page_at(match.start()),
                "note": item.note or "printed here, not extracted"})
    return item
