"""pandas tables rebuilt from the per-document JSON records, with declared schemas.

``documents`` (one row per document: its bibliographic fields, source and warnings),
``cases``, ``therapy_lines`` (one row per line of a patient's therapy), ``events`` (each
patient's timeline), ``mentions`` and ``entities`` are written as Parquet and CSV twins. List
fields are joined with "; " and nested ones (therapies, evidence) stored as JSON text,
so the Parquet and CSV files hold the same values. Offsets are character offsets into
the document text, end exclusive.

Records are streamed: each is read, turned into rows and appended in batches, so memory
stays flat however many documents the folder holds (holding every record at once cost
about 1 MB per document).

The tables are derived data. ``_tables.json`` says what they were built from (a digest of
the committed manifest entries) and how many rows each holds; it is removed before a
rebuild and written after the last table is in place, so tables that a crash left half
replaced, or that are older than the manifest, never pass for current
(:func:`tables_current`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from pipeline.atomic import atomic_path, atomic_write_text, fsync_directory
from pipeline.faults import crash_point
from pipeline.schema import CaseRecord, Extraction, Fusion, Mention, Variant
from pipeline.store.records import StoredRecord

LIST_SEPARATOR = "; "

# Column -> pandas dtype. The store refuses to write a frame that differs.
CASE_COLUMNS = {
    "doc_id": "string", "case_id": "string", "source": "string", "table": "string",
    "row": "Int64", "age_years": "Float64", "sex": "string", "diagnosis": "string",
    "primary_site": "string", "fusions": "string", "rearranged_genes": "string",
    "variants": "string", "therapies": "string", "detection_methods": "string",
    "status": "string", "notes": "string", "evidence": "string",
}
MENTION_COLUMNS = {
    "doc_id": "string", "mention_id": "string", "type": "string", "text": "string",
    "normalised": "string", "start": "Int64", "end": "Int64", "page": "Int64",
    "section": "string", "in_scope": "boolean", "sentence": "string",
    "sentence_start": "Int64", "sentence_end": "Int64", "rule": "string",
    "modifiers": "string",
}
ENTITY_COLUMNS = {
    "doc_id": "string", "type": "string", "value": "string", "gene": "string",
    "hgvs": "string", "five_prime": "string", "three_prime": "string",
    "five_prime_exon": "Int64", "three_prime_exon": "Int64", "unresolved": "boolean",
    "mentions": "Int64", "first_mention_id": "string", "first_sentence": "string",
}
EVENT_COLUMNS = {
    "doc_id": "string", "case_id": "string", "position": "Int64", "kind": "string",
    "value": "string", "therapy": "Int64", "method": "string", "modifiers": "string",
    "start": "Int64", "end": "Int64", "mention_ids": "string", "first_mention_id": "string",
}
DOCUMENT_COLUMNS = {
    "doc_id": "string", "title": "string", "journal": "string", "year": "Int64",
    "doi": "string", "pmid": "string", "pmcid": "string", "source_type": "string",
    "source_path": "string", "pages": "Int64", "warnings": "string",
}
THERAPY_LINE_COLUMNS = {
    "doc_id": "string", "case_id": "string", "line": "Int64", "drugs": "string",
    "regimen": "string", "setting": "string", "response": "string", "sentence": "string",
    "first_mention_id": "string", "mention_ids": "string", "response_mention_ids": "string",
}
# cases first: the first table is replaced before the others (see write_tables)
TABLES = {"cases": CASE_COLUMNS, "documents": DOCUMENT_COLUMNS,
          "therapy_lines": THERAPY_LINE_COLUMNS, "mentions": MENTION_COLUMNS,
          "entities": ENTITY_COLUMNS, "events": EVENT_COLUMNS}
# Mentions a therapy line's evidence names: their sentences are kept while a record's
# mentions stream past, for the line's evidence sentence.
LINE_EVIDENCE_TYPES = frozenset({"drug", "regimen", "treatment", "setting", "response"})
TABLE_SUFFIXES = (".parquet", ".csv")
TABLES_STATE = "_tables.json"


def fusion_label(fusion: Fusion) -> str:
    exons = (f" (exon {fusion.five_prime_exon}::exon {fusion.three_prime_exon})"
             if fusion.five_prime_exon is not None or fusion.three_prime_exon is not None else "")
    return fusion.name + exons


def variant_label(variant: Variant) -> str:
    return f"{variant.gene}:{variant.hgvs}" if variant.gene else variant.hgvs


def case_row(doc_id: str, case: CaseRecord) -> dict:
    return {
        "doc_id": doc_id, "case_id": case.case_id, "source": case.source, "table": case.table,
        "row": case.row, "age_years": case.age_years, "sex": case.sex,
        "diagnosis": case.diagnosis, "primary_site": case.primary_site,
        "fusions": LIST_SEPARATOR.join(fusion_label(f) for f in case.fusions),
        "rearranged_genes": LIST_SEPARATOR.join(case.rearranged_genes),
        "variants": LIST_SEPARATOR.join(variant_label(v) for v in case.variants),
        "therapies": json.dumps([t.model_dump() for t in case.therapies]),
        "detection_methods": LIST_SEPARATOR.join(case.detection_methods),
        "status": case.status, "notes": case.notes, "evidence": json.dumps(case.evidence),
    }


def event_rows(doc_id: str, case: CaseRecord) -> list[dict]:
    """A patient's timeline, one event per row in story order; its sentence and page are
    its first mention's (join on ``first_mention_id``)."""
    return [{
        "doc_id": doc_id, "case_id": case.case_id, "position": position, "kind": e.kind,
        "value": e.value, "therapy": e.therapy, "method": e.method,
        "modifiers": LIST_SEPARATOR.join(e.modifiers), "start": e.start, "end": e.end,
        "mention_ids": LIST_SEPARATOR.join(e.evidence),
        "first_mention_id": e.evidence[0] if e.evidence else None,
    } for position, e in enumerate(case.timeline)]


def document_row(extraction: Extraction) -> dict:
    """A document's bibliographic fields (a literature file's own, else read from the
    text), where it came from and what its reading warned of."""
    stated = extraction.run.metadata
    return {
        "doc_id": extraction.document.id, "title": extraction.document.title,
        "journal": stated.journal if stated else None, "year": extraction.document.year,
        "doi": extraction.document.doi, "pmid": stated.pmid if stated else None,
        "pmcid": stated.pmcid if stated else None, "source_type": extraction.run.media_type,
        "source_path": extraction.run.source.path, "pages": extraction.run.pages,
        "warnings": LIST_SEPARATOR.join(extraction.run.warnings),
    }


def therapy_line_rows(doc_id: str, case: CaseRecord, sentences: dict[str, str]) -> list[dict]:
    """A patient's therapy lines in order (``line`` 1-based); the evidence sentence is
    the one of the line's first mention (``therapies[i]`` in the case's evidence)."""
    rows = []
    for index, therapy in enumerate(case.therapies):
        ids = case.evidence.get(f"therapies[{index}]", [])
        first = next((i for i in ids if i in sentences), ids[0] if ids else None)
        rows.append({
            "doc_id": doc_id, "case_id": case.case_id, "line": index + 1,
            "drugs": LIST_SEPARATOR.join(therapy.drugs), "regimen": therapy.regimen,
            "setting": therapy.setting, "response": therapy.response,
            "sentence": sentences.get(first) if first else None, "first_mention_id": first,
            "mention_ids": LIST_SEPARATOR.join(ids),
            "response_mention_ids": LIST_SEPARATOR.join(
                case.evidence.get(f"therapies[{index}].response", [])),
        })
    return rows


def mention_rows(doc_id: str, mentions: list[Mention]) -> list[dict]:
    return [{
        "doc_id": doc_id, "mention_id": m.id, "type": m.type, "text": m.text,
        "normalised": m.normalised, "start": m.start, "end": m.end, "page": m.page,
        "section": m.section, "in_scope": m.in_scope, "sentence": m.sentence,
        "sentence_start": m.sentence_start, "sentence_end": m.sentence_end, "rule": m.rule,
        "modifiers": LIST_SEPARATOR.join(m.modifiers),
    } for m in mentions]


class Evidence:
    """How often each (type, normal form) is mentioned in scope, and its first mention,
    counted as a record's mentions stream past."""

    def __init__(self):
        self.seen: dict[tuple[str, str], tuple[int, Mention]] = {}

    def add(self, mentions: list[Mention]) -> None:
        for mention in mentions:
            if mention.in_scope and mention.normalised:
                key = (mention.type, mention.normalised)
                count, first = self.seen.get(key, (0, mention))
                self.seen[key] = (count + 1, first)


def entity_rows(extraction: Extraction, evidence: Evidence) -> list[dict]:
    """One row per document-level value, with how often and where it was first seen."""
    doc_id = extraction.document.id
    rows = []

    def add(kind: str, value: str, mention_key: tuple[str, str], **details) -> None:
        count, first = evidence.seen.get(mention_key, (0, None))
        rows.append({
            "doc_id": doc_id, "type": kind, "value": value, "mentions": count,
            "first_mention_id": first.id if first else None,
            "first_sentence": first.sentence if first else None, **details,
        })

    for gene in extraction.genes:
        add("gene", gene, ("gene", gene))
    for unresolved in extraction.unresolved_genes:
        add("unresolved_gene", unresolved.symbol, ("unresolved_gene", unresolved.symbol),
            unresolved=True)
    for fusion in extraction.fusions:
        add("fusion", fusion_label(fusion), ("fusion", fusion.name),
            five_prime=fusion.five_prime, three_prime=fusion.three_prime,
            five_prime_exon=fusion.five_prime_exon, three_prime_exon=fusion.three_prime_exon,
            unresolved=fusion.unresolved)
    for gene in extraction.rearranged_genes:
        add("rearranged_gene", gene, ("rearranged_gene", gene), gene=gene)
    for variant in extraction.variants:
        add("variant", variant_label(variant), ("variant", variant.hgvs),
            gene=variant.gene, hgvs=variant.hgvs)
    for drug in extraction.drugs:
        add("drug", drug, ("drug", drug))
    for regimen in extraction.regimens:
        add("regimen", regimen, ("regimen", regimen))
    return rows


def frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """Rows -> DataFrame with exactly the declared columns and dtypes."""
    for row in rows:
        unknown = set(row) - set(columns)
        if unknown:
            raise ValueError(f"columns {sorted(unknown)} are not in the declared schema "
                             f"{list(columns)}")
    return pd.DataFrame(rows, columns=list(columns)).astype(columns)


class TableSink:
    """Appends rows to ``<name>.parquet`` and ``<name>.csv`` through temporary files."""

    BATCH_ROWS = 20_000

    def __init__(self, name: str, parquet_path: Path, csv_path: Path):
        self.columns = TABLES[name]
        self.schema = pa.Schema.from_pandas(frame([], self.columns), preserve_index=False)
        self.parquet = pq.ParquetWriter(parquet_path, self.schema)
        self.csv = pa_csv.CSVWriter(csv_path, self.schema)
        self.pending: list[dict] = []
        self.rows = 0

    def add(self, rows: list[dict]) -> None:
        self.pending.extend(rows)
        self.rows += len(rows)
        if len(self.pending) >= self.BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        table = pa.Table.from_pandas(frame(self.pending, self.columns), schema=self.schema,
                                     preserve_index=False)
        self.parquet.write_table(table)
        self.csv.write_table(table)
        self.pending = []

    def close(self) -> None:
        self.flush()
        self.parquet.close()
        self.csv.close()


def table_files(out_dir: Path) -> list[Path]:
    return [out_dir / f"{name}{suffix}" for name in TABLES for suffix in TABLE_SUFFIXES]


def write_tables(records: Iterable[StoredRecord], out_dir: Path) -> dict[str, int]:
    """Stream records into every table, a long record's mentions in batches; each file is
    replaced atomically at the end. Returns the rows written per table."""
    targets = table_files(out_dir)
    with contextlib.ExitStack() as stack:
        # Files are replaced in the reverse order of entry, the first target first. A
        # crash between two replacements leaves tables of two builds, which the state file
        # gives away; the crash point sits there.
        temporary = {target: stack.enter_context(atomic_path(target)) for target in targets[1:]}
        stack.callback(crash_point, "tables")
        temporary[targets[0]] = stack.enter_context(atomic_path(targets[0]))
        sinks = {name: TableSink(name, temporary[out_dir / f"{name}.parquet"],
                                 temporary[out_dir / f"{name}.csv"]) for name in TABLES}
        for record in records:
            evidence = Evidence()
            sentences: dict[str, str] = {}
            for mentions in record.mention_batches():
                sinks["mentions"].add(mention_rows(record.doc_id, mentions))
                evidence.add(mentions)
                sentences.update((m.id, m.sentence) for m in mentions
                                 if m.type in LINE_EVIDENCE_TYPES)
            head = record.head()
            sinks["documents"].add([document_row(head)])
            sinks["cases"].add([case_row(head.document.id, case) for case in head.cases])
            sinks["therapy_lines"].add([row for case in head.cases
                                        for row in therapy_line_rows(head.document.id, case,
                                                                     sentences)])
            sinks["events"].add([row for case in head.cases
                                 for row in event_rows(head.document.id, case)])
            sinks["entities"].add(entity_rows(head, evidence))
        for sink in sinks.values():
            sink.close()
    return {name: sink.rows for name, sink in sinks.items()}


def built_from(entries: Iterable[tuple[str, str]]) -> str:
    """Digest of what the tables hold: (doc id, commit stamp) of every record in them."""
    digest = hashlib.sha256()
    for doc_id, stamp in sorted(entries):
        digest.update(f"{doc_id}\0{stamp}\n".encode("utf-8"))
    return digest.hexdigest()


def read_state(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / TABLES_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def tables_current(out_dir: Path, source: str) -> bool:
    """The tables were completely built from ``source`` (a :func:`built_from` digest)
    and are all in place with the rows they were written with."""
    state = read_state(out_dir)
    if not state or state.get("built_from") != source:
        return False
    if not all(path.is_file() for path in table_files(out_dir)):
        return False
    try:
        return all(pq.ParquetFile(out_dir / f"{name}.parquet").metadata.num_rows == rows
                   for name, rows in state.get("rows", {}).items())
    except (OSError, pa.ArrowException):
        return False


def build_tables(records: Iterable[StoredRecord], out_dir: Path, source: str) -> dict[str, int]:
    """Rebuild every table, then record what it was built from."""
    (out_dir / TABLES_STATE).unlink(missing_ok=True)
    fsync_directory(out_dir)
    rows = write_tables(records, out_dir)
    atomic_write_text(out_dir / TABLES_STATE, json.dumps({"built_from": source, "rows": rows},
                                                         indent=1))
    return rows
