"""Therapy lines from a stretch of text: the drugs and regimens it names, the best
response stated with them, the setting.

A stretch is a table cell ("Crizotinib", "Methotrexate and navelbine"), one step of a
course written as a chain ("Primary induction failure to 7+3 → MEC with CR. Relapsed
shortly after → alloHCT (MUD, busulfan, fludarabine and melphalan), alive in CR"), or a
sentence of the narrative. Regimen acronyms list their drugs wherever the document spells
them out ("7+3 (cytarabine and daunorubicin)"), and so does a combined product its
ingredients ("CPX-351: liposomal daunorubicin/cytarabine").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.assemble.entities import unique
from pipeline.assemble.spans import split_at
from pipeline.schema import Mention, Therapy

# Normal form of words that knowingly give no value: a response that cannot be given
# ("not evaluable"), "death" that is no patient's ("cell death").
NULL_WORD = "null"
# Where one step of a course ends: arrows, semicolons, sentence ends, "followed by", "then".
STEP_BREAKS = re.compile(r"(?:\s*(?:→|->|;|\.(?=\s+[A-Z])|\bfollowed\s+by\b|\bthen\b"
                         r"|,(?=\s*(?:followed|then)\b))\s*)+")
TRANSPLANT = re.compile(r"HCT|SCT|BMT|transplant", re.IGNORECASE)
DEFINITION_END = re.compile(r",\s*[A-Za-z0-9][A-Za-z0-9+\-/]{0,14}\s*:|;|\n|\)")


@dataclass
class Line:
    therapy: Therapy
    evidence: list[str]  # ids of the mentions it was built from


def treatments(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.type in ("drug", "regimen") and m.normalised]


def expansions(text: str, mentions: list[Mention]) -> dict[str, list[str]]:
    """Regimen or product -> the drugs the document says it stands for, from the brackets
    or definition right after one of its mentions."""
    drugs = [m for m in mentions if m.type == "drug" and m.normalised]
    found: dict[str, list[str]] = {}
    for mention in treatments(mentions):
        opening = re.match(r"\s*([(:])", text[mention.end:mention.end + 5])
        if opening is None or mention.normalised in found:
            continue
        start = mention.end + opening.end()
        if opening.group(1) == "(":
            close = text.find(")", start)
        else:
            end_match = DEFINITION_END.search(text, start)
            close = end_match.start() if end_match else -1
        if close == -1:
            continue
        inside = [d.normalised for d in drugs if start <= d.start and d.end <= close
                  and d.normalised != mention.normalised]
        if inside:
            head = [mention.normalised] if mention.type == "drug" else []
            found[mention.normalised] = unique(head + inside)
    return found


def line_drugs(named: list[Mention], expanded: dict[str, list[str]]) -> tuple[list[str], str | None]:
    drugs, regimen = [], None
    for mention in named:
        if mention.type == "regimen":
            regimen = regimen or mention.normalised
        else:
            drugs.append(mention.normalised)
        drugs += expanded.get(mention.normalised, [])
    return unique(drugs), regimen


def first_response(mentions: list[Mention]) -> Mention | None:
    """The first response that names a category (not "not evaluable", a bare
    "responded")."""
    return next((m for m in mentions if m.type == "response" and m.normalised != NULL_WORD),
                None)


def response_of(mention: Mention | None) -> str | None:
    if mention is None or mention.normalised == NULL_WORD:
        return None
    return mention.normalised


def within(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if start <= m.start and m.end <= end]


def line_from(mentions: list[Mention], expanded: dict[str, list[str]], *,
              printed: str | None = None, setting: str | None = None,
              response: Mention | None = None) -> Line | None:
    """One line from the mentions of a stretch of text. ``printed``: the words to keep as
    the regimen when no drug is named ("3 lines of chemotherapy"); None: no line then."""
    named = treatments(mentions)
    drugs, regimen = line_drugs(named, expanded)
    if not drugs and not regimen:
        if not printed:
            return None
        regimen = printed
    stated = response or first_response(mentions)
    settings = [m for m in mentions if m.type == "setting"]
    evidence = [m.id for m in [*named, *settings[:1], *([stated] if stated else [])]]
    return Line(Therapy(drugs=drugs, regimen=regimen, response=response_of(stated),
                        setting=setting or (settings[0].normalised if settings else None)),
                evidence)


def course_steps(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The steps of a course written as a chain, as character spans."""
    return split_at(STEP_BREAKS, text, start, end)


def course_lines(text: str, start: int, end: int, mentions: list[Mention],
                 expanded: dict[str, list[str]]) -> list[Line]:
    """A line per step that names a drug or regimen. Drugs named after a transplant in the
    same step ("alloHCT (MUD, busulfan, fludarabine and melphalan)") are its conditioning."""
    lines = []
    for step_start, step_end in course_steps(text, start, end):
        inside = within(mentions, step_start, step_end)
        named = treatments(inside)
        if not named:
            continue
        transplant = TRANSPLANT.search(text, step_start, named[0].start)
        conditioning = transplant is not None or any(
            m.type == "setting" and m.normalised == "conditioning" for m in inside)
        line = line_from(inside, expanded, setting="conditioning" if conditioning else None)
        if line is not None:
            lines.append(line)
    return lines
