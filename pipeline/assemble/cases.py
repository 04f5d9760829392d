"""Case records: the authors' own patients from the narrative
(:mod:`pipeline.assemble.narrative_cases`) and every patient row of a literature-review
table (:mod:`pipeline.assemble.table_cases`)."""

from __future__ import annotations

from pipeline.assemble.narrative_cases import narrative_cases
from pipeline.assemble.table_cases import table_cases
from pipeline.assemble.therapies import expansions
from pipeline.schema import CaseRecord, Document, Mention


def case_records(document: Document, mentions: list[Mention]) -> list[CaseRecord]:
    expanded = expansions(document.text, mentions)
    return narrative_cases(document, mentions, expanded) + table_cases(document, mentions, expanded)
