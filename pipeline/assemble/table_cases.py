"""Case records for the patient rows of literature-review tables (``table1-row3``).

A row's record holds only what the row says, read by what each column's header says it
holds (``resources/case_columns.yaml``): age and sex from the patient mention of its
Age/sex cell, the site cell, the diagnosis cell or else the disease the caption names,
the fusions, variants and detection methods tagged anywhere in the row, the status words
of the row, and therapy lines from therapy columns (with the response of an "Outcome"
column right after each), from a free-text course column, or, when the caption gives
the treatment all rows share ("cases ... receiving first-line alectinib"), one line per
row with the row's best response. A cell's footnote mark ("SD for 6 months*") brings in
the footnote's first sentence, as a further line when it names a drug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.assemble.entities import merge_fusions, unique
from pipeline.assemble.spans import Placed
from pipeline.assemble.therapies import (NULL_WORD, Line, first_response, therapy_evidence,
                                         treatments, within)
from pipeline.assemble.timeline import IGNORED_IN_TABLES, stretch_lines
from pipeline.resources import check_keys, check_type, load_resource
from pipeline.schema import (CaseRecord, Document, Mention, Table, TableCell, TableRow,
                             Therapy, Variant)

FILE = "case_columns.yaml"


@dataclass(frozen=True)
class ColumnRules:
    roles: tuple[tuple[str, re.Pattern], ...]
    patient_headers: re.Pattern
    reference_headers: re.Pattern
    patient_captions: re.Pattern
    empty_cells: re.Pattern
    response_after_therapy: re.Pattern
    footnote_marks: re.Pattern

    @classmethod
    def from_dict(cls, data: dict) -> "ColumnRules":
        keys = ["roles", "patient_headers", "reference_headers", "patient_captions",
                "empty_cells", "response_after_therapy", "footnote_marks"]
        check_keys(data, file=FILE, where="top level", required=keys)
        roles = check_type(data["roles"], dict, file=FILE, where="top level", key="roles",
                           description="a mapping of role to pattern")
        patterns = {key: re.compile(check_type(data[key], str, file=FILE, where="top level",
                                               key=key, description="a pattern"), re.IGNORECASE)
                    for key in keys[1:]}
        return cls(tuple((role, re.compile(pattern, re.IGNORECASE))
                         for role, pattern in roles.items()), **patterns)


@lru_cache(maxsize=1)
def column_rules() -> ColumnRules:
    return ColumnRules.from_dict(load_resource(FILE))


def column_roles(header: list[str], rules: ColumnRules) -> list[str | None]:
    roles: list[str | None] = []
    for name in header:
        if roles and roles[-1] == "therapy" and rules.response_after_therapy.search(name):
            roles.append("line_response")  # "First-line | Outcome": that line's response
            continue
        roles.append(next((role for role, pattern in rules.roles if pattern.search(name)), None))
    return roles


def is_patient_table(table: Table, rules: ColumnRules) -> bool:
    if not table.rows:
        return False
    if any(rules.patient_headers.search(name) for name in table.header):
        return True
    return bool(rules.patient_captions.search(table.caption or "")
                and any(rules.reference_headers.search(name) for name in table.header))


def table_key(table: Table) -> str:
    """"Table 1" -> "table1", the case id prefix the guidelines use."""
    return re.sub(r"[^a-z0-9]", "", table.name.lower())


def footnote_spans(text: str, table: Table, rules: ColumnRules) -> dict[str, tuple[int, int]]:
    """Footnote mark -> the span of the first sentence of the footnote it starts."""
    spans = {}
    for note in table.footnotes:
        match = re.match(rf"\s*({rules.footnote_marks.pattern})\s*", note)
        at = text.find(note, table.start, table.end)
        if match is None or at == -1:
            continue
        sentence_end = re.search(r"\.(?:\s|$)", note[match.end():])
        end = match.end() + (sentence_end.start() if sentence_end else len(note) - match.end())
        spans[match.group(1)] = (at + match.end(), at + end)
    return spans


@dataclass
class TableContext:
    """What every row of one table shares."""

    table: Table
    mentions: Placed  # the table's own: its rows' are found among them
    roles: list[str | None]
    header_settings: list[str | None]  # "First-line" -> first-line, per column
    caption: tuple[int, int]
    caption_mentions: list[Mention]
    # the lines of a caption that names treatments, read once: each row takes a copy of
    # the first (:func:`with_caption_line` gives it the row's response)
    caption_lines: list[Line]
    footnotes: dict[str, tuple[int, int]]
    expanded: dict[str, list[str]]

    def role(self, cell: TableCell) -> str | None:
        return self.roles[cell.column] if cell.column < len(self.roles) else None


def covered(line: Line, course: list[Line]) -> bool:
    """A therapy column's line that the course column already tells ("TKI: Crizotinib"
    beside "... → crizotinib with MRD-CR")."""
    return bool(line.therapy.drugs) and any(
        set(line.therapy.drugs) <= set(other.therapy.drugs) for other in course)


def footnote_lines(text: str, row: TableRow, mentions: list[Mention], context: TableContext,
                   rules: ColumnRules) -> list[Line]:
    lines = []
    for cell in row.cells:
        mark = re.search(rf"({rules.footnote_marks.pattern})\s*$", text[cell.start:cell.end])
        if mark and mark.group(1) in context.footnotes:
            start, end = context.footnotes[mark.group(1)]
            lines += stretch_lines(text, start, end, mentions, context.expanded, IGNORED_IN_TABLES)
    return lines


def column_lines(text: str, row: TableRow, row_mentions: list[Mention], context: TableContext,
                 rules: ColumnRules) -> list[Line]:
    """A line per filled therapy cell, with the response of the "Outcome" cell after it:
    the cell's lines each take theirs when it prints one per line ("A -> B" with "PD ->
    PR"), or else all take its first."""
    lines = []
    for cell in row.cells:
        printed = rules.footnote_marks.sub("", text[cell.start:cell.end]).strip()
        if context.role(cell) != "therapy" or rules.empty_cells.match(printed):
            continue
        responses: list[Mention] = []
        following = row.cells[cell.column + 1] if cell.column + 1 < len(row.cells) else None
        if following is not None and context.role(following) == "line_response":
            responses = [m for m in within(row_mentions, following.start, following.end)
                         if m.type == "response" and m.normalised != NULL_WORD]
        told = stretch_lines(text, cell.start, cell.end, row_mentions, context.expanded,
                             IGNORED_IN_TABLES) or [
            Line(Therapy(regimen=printed), [])]  # "3 lines of chemotherapy": as printed
        paired = responses if len(responses) == len(told) else responses[:1] * len(told)
        for line, response in zip(told, paired or [None] * len(told)):
            line.therapy.setting = context.header_settings[cell.column] or line.therapy.setting
            if response is not None:
                line.therapy.response = response.normalised
                line.response_evidence = [response.id]
        lines += told
    return lines


def with_caption_line(lines: list[Line], row: TableRow,
                      row_mentions: list[Mention], context: TableContext) -> list[Line]:
    """The treatment the caption says every row had ("cases ... receiving first-line
    alectinib"), with the row's best response: it completes the row's own line for those
    drugs, or comes first when the row tells no such line."""
    best = next((first_response(within(row_mentions, cell.start, cell.end))
                 for cell in row.cells if context.role(cell) == "response"), None)
    if not context.caption_lines:
        return lines
    shared = row_copy(context.caption_lines[0])
    if best is not None:
        shared.therapy.response, shared.response_evidence = best.normalised, [best.id]
    for line in lines:
        if set(shared.therapy.drugs) <= set(line.therapy.drugs):
            line.therapy.response = line.therapy.response or shared.therapy.response
            line.therapy.setting = line.therapy.setting or shared.therapy.setting
            line.evidence += shared.evidence
            line.response_evidence = line.response_evidence or shared.response_evidence
            return lines
    return [shared, *lines]


def row_copy(line: Line) -> Line:
    """A row's own copy of a line that every row shares: the row changes its therapy and
    evidence."""
    return Line(line.therapy.model_copy(update={"drugs": list(line.therapy.drugs)}),
                list(line.evidence), list(line.response_evidence), dict(line.stated))


def row_lines(text: str, row: TableRow, row_mentions: list[Mention], mentions: list[Mention],
              context: TableContext, rules: ColumnRules) -> list[Line]:
    lines = column_lines(text, row, row_mentions, context, rules)
    for cell in row.cells:
        if context.role(cell) == "outcome":
            course = stretch_lines(text, cell.start, cell.end, row_mentions, context.expanded,
                             IGNORED_IN_TABLES)
            lines = [line for line in lines if not covered(line, course)] + course
    if treatments(context.caption_mentions):
        lines = with_caption_line(lines, row, row_mentions, context)
    return lines + footnote_lines(text, row, mentions, context, rules)


def first_normal(mentions: list[Mention], kind: str) -> Mention | None:
    return next((m for m in mentions if m.type == kind and m.normalised), None)


def normal(mention: Mention | None) -> str | None:
    return mention.normalised if mention else None


def row_case(text: str, row: TableRow, mentions: list[Mention], context: TableContext,
             rules: ColumnRules) -> CaseRecord:
    inside = context.mentions.within(row.start, row.end)
    placed = Placed(inside)  # each cell's are found among them
    evidence: dict[str, list[str]] = {}

    def keep(field: str, found: list[Mention]) -> None:
        if found:
            evidence[field] = [m.id for m in found]

    patient = first_normal(inside, "patient")
    keep("age_years", [patient] if patient else [])
    keep("sex", [patient] if patient and patient.patient.sex else [])
    site = diagnosis = None
    for cell in row.cells:
        in_cell = placed.within(cell.start, cell.end)
        printed = text[cell.start:cell.end].strip()
        if context.role(cell) == "site" and not rules.empty_cells.match(printed):
            found = first_normal(in_cell, "site")
            site = found.normalised if found else printed.lower()
            keep("primary_site", [found] if found else [])
        if context.role(cell) == "diagnosis" and not rules.empty_cells.match(printed):
            found = first_normal(in_cell, "disease")
            diagnosis = found.normalised if found else printed.lower()
            keep("diagnosis", [found] if found else [])
    if diagnosis is None and (named := first_normal(context.caption_mentions, "disease")):
        diagnosis = named.normalised
        keep("diagnosis", [named])
    fusions = [m for m in inside if m.type == "fusion" and m.fusion is not None]
    rearranged = [m for m in inside if m.type == "rearranged_gene" and m.normalised]
    variants = [m for m in inside if m.type == "variant" and m.variant is not None
                and m.variant.gene]
    methods = [m for m in inside if m.type == "detection_method"]
    status = [m for m in inside if m.type == "status" and m.normalised != NULL_WORD]
    lines = row_lines(text, row, inside, mentions, context, rules)
    for field, found in (("fusions", fusions), ("rearranged_genes", rearranged),
                         ("variants", variants), ("detection_methods", methods),
                         ("status", status[-1:])):
        keep(field, found)
    evidence.update(therapy_evidence(lines))
    return CaseRecord(
        case_id=f"{table_key(context.table)}-row{row.number}",
        source="table",
        table=context.table.name,
        row=row.number,
        age_years=patient.patient.age_years if patient else None,
        sex=patient.patient.sex if patient else None,
        diagnosis=diagnosis,
        primary_site=site,
        fusions=merge_fusions(m.fusion for m in fusions),  # with the exons the row states
        rearranged_genes=unique(m.normalised for m in rearranged),
        variants=unique([Variant(gene=m.variant.gene, hgvs=m.variant.hgvs) for m in variants],
                        key=lambda v: (v.gene, v.hgvs)),
        therapies=[line.therapy for line in lines],
        detection_methods=unique(m.normalised for m in methods),
        status=status[-1].normalised if status else None,
        evidence=evidence,
    )


def table_cases(document: Document, mentions: list[Mention],
                expanded: dict[str, list[str]]) -> list[CaseRecord]:
    rules = column_rules()
    text = document.text
    records = []
    placed = None  # the document's mentions, placed once a patient table asks for them
    for table in document.tables:
        if not is_patient_table(table, rules):
            continue
        header, rows = table.layout(text)
        caption_end = text.find("\n", table.start, table.end)
        placed = placed or Placed(mentions)
        inside = Placed(placed.within(table.start, table.end))
        caption = (table.start, table.end if caption_end == -1 else caption_end)
        caption_mentions = inside.within(*caption)
        context = TableContext(
            table=table,
            mentions=inside,
            roles=column_roles(table.header, rules),
            header_settings=[normal(first_normal(inside.within(c.start, c.end), "setting"))
                             for c in header],
            caption=caption,
            caption_mentions=caption_mentions,
            caption_lines=(stretch_lines(text, *caption, caption_mentions, expanded,
                                         IGNORED_IN_TABLES)
                           if treatments(caption_mentions) else []),
            footnotes=footnote_spans(text, table, rules),
            expanded=expanded,
        )
        records += [row_case(text, row, mentions, context, rules) for row in rows]
    return records
