"""Case records: the authors' own patient from the narrative, and every patient row of
a literature-review table (:mod:`pipeline.assemble.table_cases`).

The authors' own patient is first described in the case narrative ("A 23-year-old man
presented with..."); abstracts and untitled front matter describe it too. Patients in
figure captions or the discussion are other people's.
"""

from __future__ import annotations

from pipeline.assemble.table_cases import table_cases
from pipeline.assemble.therapies import expansions
from pipeline.schema import CaseRecord, Document, Mention

NARRATIVE_KINDS = frozenset({"case", "abstract", "front_matter", "results"})


def index_case(mentions: list[Mention]) -> CaseRecord | None:
    described = [m for m in mentions
                 if m.type == "patient" and m.in_scope and m.section in NARRATIVE_KINDS
                 and m.patient is not None]
    if not described:
        return None
    first_with_sex = next((m for m in described if m.patient.sex), described[0])
    patient = first_with_sex.patient
    return CaseRecord(
        case_id="index",
        source="narrative",
        age_years=patient.age_years,
        sex=patient.sex,
        evidence={field: [first_with_sex.id] for field, value
                  in (("age_years", patient.age_years), ("sex", patient.sex)) if value is not None},
    )


def case_records(document: Document, mentions: list[Mention]) -> list[CaseRecord]:
    index = index_case(mentions)
    expanded = expansions(document.text, mentions)
    return ([index] if index else []) + table_cases(document, mentions, expanded)
