"""Case records: paired with the gold's, then compared field by field.

Narrative patients pair by ``case_id`` (index, index-2...); table rows by table name and
row number, whatever their ids. Unpaired gold cases are missed, unpaired extracted ones
spurious; only paired cases have their fields compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from math import comb
from typing import Callable

from pipeline.evaluate.evidence import Evidence, with_evidence
from pipeline.evaluate.strategies import (Counts, exact, line_value, same_age, same_words,
                                          therapy_lines)
from pipeline.schema import Annotations, CaseRecord, DiffItem, Mention

# Scalar fields: how two values are compared, and its name for the report.
SCALARS: dict[str, tuple[Callable[[object, object], bool], str]] = {
    "age_years": (same_age, "equal within 0.05 years"),
    "sex": (lambda a, b: a == b, "exact"),
    "diagnosis": (same_words, "gold's words within ours: every word of the gold's name, in "
                              "any order, but function words (of, the...) and stage and course "
                              "words (metastatic, relapsed, stage IV, grade 2...), after case, "
                              "punctuation, hyphens, British/US spelling and plurals are "
                              "folded; ours may say more"),
    "primary_site": (same_words, "gold's words within ours (as diagnosis)"),
    "status": (lambda a, b: a == b, "exact"),
}
SET_FIELDS = ("fusions", "rearranged_genes", "variants", "detection_methods")
THERAPY_FIELDS = ("therapy_lines", "therapy_drugs", "therapy_responses", "therapy_settings")
ORDER_FIELD = "therapy_line_order"
CASES_FIELD = "cases"


def table_name(name: str | None) -> str:
    return re.sub(r"\s+", " ", (name or "").strip().lower())


def case_key(case: CaseRecord) -> tuple:
    if case.source == "table":
        return ("table", table_name(case.table), case.row)
    return ("narrative", case.case_id)


def case_values(case: CaseRecord, name: str) -> list[str]:
    values = getattr(case, name)
    if name == "fusions":
        return [fusion.name for fusion in values]
    if name == "variants":
        return [f"{variant.gene}:{variant.hgvs}" for variant in values]
    return list(values)


@dataclass
class CaseComparison:
    """All paired cases of one document, compared."""

    counts: dict[str, Counts] = field(default_factory=dict)
    agreed: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    gold_total: dict[str, int] = field(default_factory=dict)
    items: list[DiffItem] = field(default_factory=list)
    paired: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    def agree(self, name: str, agreed: int, total: int) -> None:
        self.agreed[name] = self.agreed.get(name, 0) + agreed
        self.total[name] = self.total.get(name, 0) + total


def compare_cases(predicted: Annotations, gold: Annotations) -> CaseComparison:
    doc_id = gold.document.id
    evidence = Evidence(predicted)
    ours = {case_key(case): case for case in predicted.cases}
    theirs = {case_key(case): case for case in gold.cases}
    result = CaseComparison(counts={name: Counts() for name in SET_FIELDS + THERAPY_FIELDS})
    for key, case in theirs.items():
        if key not in ours:
            result.missed.append(case.case_id)
            result.items.append(DiffItem(doc_id=doc_id, field=CASES_FIELD, kind="FN",
                                         gold=case.case_id, case_id=case.case_id))
    for key, case in ours.items():
        if key not in theirs:
            result.spurious.append(case.case_id)
            result.items.append(with_evidence(
                DiffItem(doc_id=doc_id, field=CASES_FIELD, kind="FP", value=case.case_id,
                         case_id=case.case_id), evidence.for_case(case, "age_years")))
    for key in (k for k in theirs if k in ours):
        result.paired += 1
        compare_pair(ours[key], theirs[key], doc_id, evidence, result)
    result.gold_total = {name: len(gold.cases) for name in SCALARS}
    result.gold_total[ORDER_FIELD] = sum(comb(len(case.therapies), 2) for case in gold.cases)
    return result


def compare_pair(ours: CaseRecord, theirs: CaseRecord, doc_id: str, evidence: Evidence,
                 result: CaseComparison) -> None:
    case_id = theirs.case_id
    for name, (same, _) in SCALARS.items():
        mine, gold = getattr(ours, name), getattr(theirs, name)
        agreed = same(mine, gold)
        result.agree(name, int(agreed), 1)
        if not agreed:
            result.items.append(with_evidence(
                DiffItem(doc_id=doc_id, field=f"case.{name}", kind="mismatch",
                         value=None if mine is None else str(mine),
                         gold=None if gold is None else str(gold), case_id=case_id),
                evidence.for_case(ours, name)))
    for name in SET_FIELDS:
        add(result, name, exact(case_values(ours, name), case_values(theirs, name)), doc_id,
            case_id, partial(evidence.for_case, ours, name))
    lines = therapy_lines(ours.therapies, theirs.therapies)
    for name, counts in zip(THERAPY_FIELDS, (lines.lines, lines.drugs, lines.responses,
                                             lines.settings)):
        add(result, name, counts, doc_id, case_id, partial(therapy_evidence, evidence, ours))
    result.agree(ORDER_FIELD, lines.order_agreed, lines.order_total)


def therapy_evidence(evidence: Evidence, case: CaseRecord, label: str) -> Mention | None:
    """The case's mention of a per-line value: a drug, response or setting, or a line's
    first drug (its regimen when it names none)."""
    return evidence.for_case(case, "therapies", line_value(label).split(", ")[0])


def add(result: CaseComparison, name: str, counts: Counts, doc_id: str, case_id: str,
        mention_of: Callable[[str], Mention | None]) -> None:
    result.counts[name].extend(counts)
    result.items += [with_evidence(DiffItem(doc_id=doc_id, field=f"case.{name}", kind="FP",
                                            value=value, case_id=case_id), mention_of(value))
                     for value in counts.fp]
    result.items += [DiffItem(doc_id=doc_id, field=f"case.{name}", kind="FN", gold=value,
                              case_id=case_id) for value in counts.fn]
