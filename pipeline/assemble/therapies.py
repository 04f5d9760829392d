"""What therapy lines are made of, in the narrative and in tables alike: the treatments
a stretch names, the drugs a regimen or product stands for, a line with its evidence.
(:mod:`pipeline.assemble.timeline` reads the lines themselves.)

Regimen acronyms list their drugs wherever the document spells them out ("7+3
(cytarabine and daunorubicin)", "procarbazine-CCNU-vincristine (PCV)"), and so does a
combined product its ingredients ("CPX-351: liposomal daunorubicin/cytarabine").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.assemble.entities import unique
from pipeline.schema import Mention, Therapy

# Normal form of words that knowingly give no value: a response that cannot be given
# ("not evaluable"), "death" that is no patient's ("cell death").
NULL_WORD = "null"
ENDED = "ended"  # a status word that ends the story with no word on the patient
DISEASE_PRESENT = "disease_present"  # "sign of recurrence": alive when the text denies it
DEFINITION_END = re.compile(r",\s*[A-Za-z0-9][A-Za-z0-9+\-/]{0,14}\s*:|;|\n|\)")


@dataclass
class Line:
    therapy: Therapy
    evidence: list[str]  # ids of the mentions it was built from: treatments and setting
    response_evidence: list[str] = field(default_factory=list)  # of its response
    stated: dict[str, str] = field(default_factory=dict)  # every response stated: id -> category


def therapy_evidence(lines: list[Line]) -> dict[str, list[str]]:
    """A record's evidence for its lines: every line's mentions together (``therapies``)
    and each line's own (``therapies[0]``, ``therapies[0].response``)."""
    if not lines:
        return {}
    evidence = {"therapies": unique(i for line in lines
                                    for i in line.evidence + line.response_evidence)}
    for number, line in enumerate(lines):
        evidence[f"therapies[{number}]"] = line.evidence
        if line.response_evidence:
            evidence[f"therapies[{number}].response"] = line.response_evidence
    return evidence


def treatments(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.type in ("drug", "regimen") and m.normalised]


# Drugs printed as one name before a regimen's acronym: "procarbazine-CCNU-vincristine (PCV)".
JOINED_DRUGS = re.compile(r"\s*(?:[-\u2010\u2011/+,]|\band\b)\s*")


def spelled_before(text: str, mention: Mention, drugs: list[Mention]) -> list[str]:
    """The drugs joined into one name right before a regimen in brackets ("A-B-C (ABC)")."""
    if mention.type != "regimen" or not text[:mention.start].rstrip().endswith("("):
        return []
    end = text.rfind("(", 0, mention.start)
    run: list[Mention] = []
    for drug in sorted((d for d in drugs if d.end <= end), key=lambda d: d.end, reverse=True):
        gap = text[drug.end:run[0].start if run else end]
        if not (gap.strip() == "" if not run else JOINED_DRUGS.fullmatch(gap)):
            break
        run.insert(0, drug)
    return [d.normalised for d in run] if len(run) > 1 else []


def expansions(text: str, mentions: list[Mention]) -> dict[str, list[str]]:
    """Regimen or product -> the drugs the document says it stands for, from the brackets
    or definition right after one of its mentions, or the drugs joined into one name right
    before its acronym in brackets."""
    drugs = [m for m in mentions if m.type == "drug" and m.normalised]
    found: dict[str, list[str]] = {}
    for mention in treatments(mentions):
        before = spelled_before(text, mention, drugs)
        if before and mention.normalised not in found:
            found[mention.normalised] = unique(before)
            continue
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


def within(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if start <= m.start and m.end <= end]
