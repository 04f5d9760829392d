"""The figures of a diff report that quality floors and ``--fail-under`` hold.

Three sections:

- ``document_f1`` — micro F1 of each document-level set (and the fusion-details tier);
- ``case_f1`` — micro F1 of case detection and of each per-case list and therapy field;
- ``case_agreement`` — the share of *all* gold cases whose field agrees (of all gold line
  pairs for line order): a missed case counts as disagreeing, so pairing more cases can
  only raise it.

``--fail-under F1`` holds every document-level entity type (today's meaning);
``--fail-under FIELD=VALUE`` holds one case field, named as in the report or without its
``case.`` prefix (``cases=0.9``, ``therapy_drugs=0.85``, ``diagnosis=0.8``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from pipeline.evaluate.documents import SET_FIELDS
from pipeline.evaluate.report import ACCURACY_METHODS, CASE_SCORE_FIELDS
from pipeline.schema import DiffReport

SECTIONS = ("document_f1", "case_f1", "case_agreement")
MEASURES = {"document_f1": "F1", "case_f1": "F1",
            "case_agreement": "agreement over all gold cases"}

# --fail-under FIELD=VALUE: accepted name -> (section, field as in the report).
THRESHOLD_FIELDS = {
    **{name.removeprefix("case."): ("case_f1", name) for name in CASE_SCORE_FIELDS},
    **{name: ("case_f1", name) for name in CASE_SCORE_FIELDS},
    **{name: ("case_agreement", name) for name in ACCURACY_METHODS},
}
UNKNOWN_FIELD = ("unknown field {name!r} for --fail-under FIELD=VALUE; allowed: {allowed} "
                 "(a number alone holds the document-level entity sets)")


def figures(report: DiffReport) -> dict[str, dict[str, float]]:
    """Section -> field -> figure; an agreement with no gold case to agree on is left out."""
    return {
        "document_f1": {score.field: score.f1 for score in report.scores},
        "case_f1": {score.field: score.f1 for score in report.case_scores},
        "case_agreement": {a.field: a.of_gold for a in report.case_accuracy
                           if a.of_gold is not None},
    }


def threshold_field(name: str) -> str:
    """The report's name of a case field given to ``--fail-under``; ValueError naming the
    allowed fields when there is none."""
    if name not in THRESHOLD_FIELDS:
        raise ValueError(UNKNOWN_FIELD.format(name=name, allowed=", ".join(THRESHOLD_FIELDS)))
    return THRESHOLD_FIELDS[name][1]


@dataclass(frozen=True)
class Shortfall:
    section: str
    field: str
    figure: float
    threshold: float

    def __str__(self) -> str:
        return f"{self.field} {MEASURES[self.section]} {self.figure:.3f} < {self.threshold}"


def below(report: DiffReport, thresholds: Iterable[tuple[str | None, float]]) -> list[Shortfall]:
    """The figures under their threshold: ``(None, F1)`` holds every document-level entity
    type (fusion details are a second tier of fusions, not a type), ``(field, value)`` one
    case field (:func:`threshold_field`)."""
    measured = figures(report)
    shortfalls = []
    for name, threshold in thresholds:
        held = ([("document_f1", field) for field in SET_FIELDS] if name is None
                else [THRESHOLD_FIELDS[name]])
        shortfalls += [Shortfall(section, field, measured[section][field], threshold)
                       for section, field in held
                       if field in measured[section] and measured[section][field] < threshold]
    return shortfalls
