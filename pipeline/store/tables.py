"""Tables derived from the per-document JSON records, with declared schemas, updated by
document: a change of k documents rewrites the rows of those k, never every record.

``documents`` (one row per document: its bibliographic fields, source and warnings),
``cases``, ``therapy_lines`` (one row per line of a patient's therapy), ``events`` (each
patient's timeline), ``mentions`` and ``entities``. Each is written twice:

- ``<table>.parquet/``: a Parquet dataset, one part per document (``<doc-id>.parquet``;
  every table has a part for every document, empty or not, so each part carries the
  schema). ``pd.read_parquet("extracted/cases.parquet")`` reads the folder as one table,
  its parts in file-name order (Arrow sorts the files it discovers and skips ``.``- and
  ``_``-prefixed ones, so a temporary file is never read);
- ``<table>.csv.gz``: one gzip-compressed CSV file, the same rows in the same order, each
  with its sentence beside it where the table has one. It is assembled anew on each
  update, but without re-reading records: the header and each document's lines are
  compressed as a gzip member of their own (a file of several members is one gzip
  stream to ``gunzip``, pandas, R and DuckDB), so a kept document's member is copied as
  bytes from the previous file, at the offsets ``_tables.json`` gives. Compressed, the
  mentions table with a sentence on every row is 0.1 MB for 10 reports; plain, it was
  1.2 MB, three times their input on its own.

List fields are joined with "; " and nested ones (therapies, evidence) stored as JSON
text, so the Parquet and CSV files hold the same values. Offsets are character offsets
into the document text, end exclusive. A long record's mentions are streamed in batches,
so memory stays flat however long a document is.

The tables are derived data. ``_tables.json`` says what they were built from (a digest of
the committed manifest entries), how many rows each holds, and per document its commit
stamp and its rows and CSV bytes per table. An update first writes the state without the
documents it is about to change (and without a digest), replaces their parts, assembles
the CSV files, then writes the final state. A crash in between leaves tables that never
pass for current (:func:`tables_current`); the next update trusts only the parts the
state still lists, rewrites the others from their records and, since the CSV files in
place may be of either update, renders every kept document's CSV lines from its Parquet
parts (the recovery reads Parquet parts, not records).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
from pathlib import Path
from typing import BinaryIO, Iterable, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from pipeline.atomic import TEMPORARY_SUFFIX, atomic_path, atomic_write_text
from pipeline.errors import Errors
from pipeline.faults import crash_point
from pipeline.schema import CaseRecord, Extraction, Fusion, Mention, Variant
from pipeline.store.manifest import record_path
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
TABLES = {"cases": CASE_COLUMNS, "documents": DOCUMENT_COLUMNS,
          "therapy_lines": THERAPY_LINE_COLUMNS, "mentions": MENTION_COLUMNS,
          "entities": ENTITY_COLUMNS, "events": EVENT_COLUMNS}
# Mentions a therapy line's evidence names: their sentences are kept while a record's
# mentions stream past, for the line's evidence sentence.
LINE_EVIDENCE_TYPES = frozenset({"drug", "regimen", "treatment", "setting", "response"})
TABLES_STATE = "_tables.json"
PART_SUFFIX = ".parquet"
CSV_SUFFIX = ".csv.gz"
COPY_CHUNK = 1 << 20


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


def declared_schema(columns: dict[str, str]) -> pa.Schema:
    """The Arrow schema of the declared columns, with the pandas dtypes in its metadata
    (so a read gives ``string``, ``Int64``... back)."""
    empty = pd.DataFrame(columns=list(columns)).astype(columns)
    return pa.Schema.from_pandas(empty, preserve_index=False)


SCHEMAS = {name: declared_schema(columns) for name, columns in TABLES.items()}


def csv_lines(table: pa.Table, header: bool = False) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, write_options=pa_csv.WriteOptions(include_header=header))
    return sink.getvalue()


def gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member, the same bytes for the same data (no time stamp)."""
    return gzip.compress(data, mtime=0) if data else b""


HEADERS = {name: gzip_member(csv_lines(schema.empty_table(), header=True).to_pybytes())
           for name, schema in SCHEMAS.items()}


def arrow_rows(rows: list[dict], name: str) -> pa.Table:
    """Rows -> an Arrow table with exactly the declared columns and types of ``name``."""
    columns = TABLES[name]
    for row in rows:
        unknown = set(row) - set(columns)
        if unknown:
            raise ValueError(f"columns {sorted(unknown)} are not in the declared schema "
                             f"{list(columns)}")
    return pa.Table.from_pylist(rows, schema=SCHEMAS[name])


def dataset_path(out_dir: Path, name: str) -> Path:
    return out_dir / f"{name}.parquet"


def csv_path(out_dir: Path, name: str) -> Path:
    return out_dir / f"{name}{CSV_SUFFIX}"


def part_path(out_dir: Path, name: str, doc_id: str) -> Path:
    return dataset_path(out_dir, name) / f"{doc_id}{PART_SUFFIX}"


def table_paths(out_dir: Path) -> list[Path]:
    """Every table's dataset folder and CSV file."""
    return [path for name in TABLES for path in (dataset_path(out_dir, name),
                                                 csv_path(out_dir, name))]


def in_part_order(doc_ids: Iterable[str]) -> list[str]:
    """Documents in the order a dataset's parts are read (by file name), which is the
    CSV files' order too."""
    return sorted(doc_ids, key=lambda doc_id: f"{doc_id}{PART_SUFFIX}")


def listed_parts(out_dir: Path) -> dict[str, set[str]]:
    """Per table, the documents that have a part in its dataset folder (OSError when a
    folder is missing or a file)."""
    listed = {}
    for name in TABLES:
        with os.scandir(dataset_path(out_dir, name)) as entries:
            listed[name] = {entry.name[:-len(PART_SUFFIX)] for entry in entries
                            if entry.name.endswith(PART_SUFFIX) and not entry.name.startswith(".")}
    return listed


class CsvView:
    """A table's CSV file assembled in part order: a kept document's lines copied from the
    previous file (``previous``: its path and each document's byte range in it), a
    rewritten document's lines rendered from its rows."""

    def __init__(self, name: str, target: BinaryIO,
                 previous: tuple[Path, dict[str, tuple[int, int]]] | None):
        self.target = target
        self.target.write(HEADERS[name])
        self.previous = previous
        self.source = previous[0].open("rb") if previous else None

    def add(self, table: pa.Table) -> int:
        """Write ``table``'s rows as a gzip member (none when there are none); returns its
        bytes."""
        member = gzip_member(csv_lines(table).to_pybytes())
        self.target.write(member)
        return len(member)

    def copy(self, doc_id: str) -> int:
        """Copy ``doc_id``'s lines from the previous file; returns their bytes."""
        path, ranges = self.previous
        offset, size = ranges[doc_id]
        self.source.seek(offset)
        left = size
        while left:
            chunk = self.source.read(min(left, COPY_CHUNK))
            if not chunk:
                raise OSError(Errors.E205.format(file=path, doc_id=doc_id, state=TABLES_STATE))
            self.target.write(chunk)
            left -= len(chunk)
        return size

    def close(self) -> None:
        if self.source:
            self.source.close()
        self.target.close()


def pandas_metadata(schema: pa.Schema) -> bytes:
    """What pandas needs of a schema's pandas metadata to give the declared dtypes back:
    the columns' names and types (not the versions that wrote it)."""
    written = json.loads(schema.metadata[b"pandas"])
    columns = [{key: column[key] for key in ("name", "field_name", "pandas_type", "numpy_type",
                                             "metadata")} for column in written["columns"]]
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": columns},
                      separators=(",", ":")).encode("utf-8")


PANDAS_METADATA = {name: pandas_metadata(schema) for name, schema in SCHEMAS.items()}
# Per table, (text columns: dictionary-encoded, for repeated values such as a mention's
# sentence; integer columns: as deltas, for offsets that grow row by row).
ENCODED_COLUMNS = {name: ([c for c, dtype in columns.items() if dtype == "string"],
                          [c for c, dtype in columns.items() if dtype == "Int64"])
                   for name, columns in TABLES.items()}


def parquet_writer(path: Path, name: str) -> pq.ParquetWriter:
    """A Parquet part of table ``name`` with a small footer: a part per document and table
    made the footers (serialised Arrow schema, pandas metadata, column statistics: 5-10 KB)
    weigh more than the rows. The pandas metadata alone gives a read its declared dtypes
    back; statistics would only serve filters on one document's rows. Text columns are
    dictionary-encoded (a mention's sentence is stored once per part), integer columns
    as deltas."""
    strings, numbers = ENCODED_COLUMNS[name]
    writer = pq.ParquetWriter(path, SCHEMAS[name], store_schema=False, write_statistics=False,
                              compression="zstd", compression_level=9, use_dictionary=strings,
                              column_encoding=dict.fromkeys(numbers, "DELTA_BINARY_PACKED"))
    writer.add_key_value_metadata({"pandas": PANDAS_METADATA[name]})
    return writer


class DocumentPart:
    """One document's rows of one table: its Parquet part, and the same rows as lines of
    the table's CSV view (a gzip member per batch of rows).

    The part is written beside its place under a temporary name and renamed over it when
    closed, so a reader sees a document's old part or its new one. It is not fsynced:
    :func:`update_tables` syncs the file system once before the state lists the part
    (an fsync per part cost 1.6 ms, 9.5 s for the 6,000 parts of 1,000 documents)."""

    def __init__(self, name: str, path: Path, view: CsvView):
        self.name = name
        self.path = path
        # the folder is locked by its run, and a document is written by one writer: the
        # temporary name need not be random
        self.temporary = path.with_name(f".{path.name}{TEMPORARY_SUFFIX}")
        self.parquet = parquet_writer(self.temporary, name)
        self.view = view
        self.rows = self.csv_bytes = 0

    def add(self, rows: list[dict]) -> None:
        if rows:
            table = arrow_rows(rows, self.name)
            self.parquet.write_table(table)
            self.csv_bytes += self.view.add(table)
            self.rows += len(rows)

    def close(self) -> None:
        self.parquet.close()
        os.replace(self.temporary, self.path)

    def abort(self) -> None:
        """After a failed write (a full disk): the part's writer let go and its temporary
        file removed, the part in place left as it was."""
        try:
            self.parquet.close()
        except OSError:
            # its close failed too: not tried again when the writer is collected, which
            # would print the error as an ignored exception
            self.parquet.is_open = False
        self.temporary.unlink(missing_ok=True)


def write_document(out_dir: Path, doc_id: str, stamp: str, views: dict[str, CsvView]) -> dict:
    """Replace ``doc_id``'s part of every table with its record's rows; returns its state
    entry. When a write fails (a full disk), every part of the document is let go, its
    temporary files removed, and the error raised."""
    record = StoredRecord(record_path(out_dir, doc_id))
    parts: dict[str, DocumentPart] = {}
    try:
        for name in TABLES:
            parts[name] = DocumentPart(name, part_path(out_dir, name, doc_id), views[name])
        fill_parts(parts, record)
        for part in parts.values():
            part.close()
    except BaseException:
        for part in parts.values():
            part.abort()
        raise
    return {"stamp": stamp, "rows": [parts[name].rows for name in TABLES],
            "csv_bytes": [parts[name].csv_bytes for name in TABLES]}


def fill_parts(parts: dict[str, DocumentPart], record: StoredRecord) -> None:
    """Every table's rows of ``record`` into its part (a long record's mentions in
    batches)."""
    doc_id = record.doc_id
    evidence = Evidence()
    sentences: dict[str, str] = {}
    for mentions in record.mention_batches():
        parts["mentions"].add(mention_rows(doc_id, mentions))
        evidence.add(mentions)
        sentences.update((m.id, m.sentence) for m in mentions if m.type in LINE_EVIDENCE_TYPES)
    head = record.head()
    parts["documents"].add([document_row(head)])
    parts["cases"].add([case_row(doc_id, case) for case in head.cases])
    parts["therapy_lines"].add([row for case in head.cases
                                for row in therapy_line_rows(doc_id, case, sentences)])
    parts["events"].add([row for case in head.cases for row in event_rows(doc_id, case)])
    parts["entities"].add(entity_rows(head, evidence))


def rendered_again(out_dir: Path, doc_id: str, entry: dict, views: dict[str, CsvView]) -> dict:
    """A kept document's CSV lines rendered from its Parquet parts (after a crash, when
    the CSV files in place may be of either update)."""
    written = [views[name].add(pq.read_table(part_path(out_dir, name, doc_id)))
               for name in TABLES]
    return {**entry, "csv_bytes": written}


def csv_ranges(out_dir: Path, state: dict) -> dict[str, tuple[Path, dict[str, tuple[int, int]]]] | None:
    """Per table, where each document's lines are in the CSV file in place, when that file
    is the one the final state ``state`` describes (else None)."""
    if not state.get("built_from"):
        return None
    documents = state["documents"]
    ranges = {}
    for index, name in enumerate(TABLES):
        path = csv_path(out_dir, name)
        offset, spans = len(HEADERS[name]), {}
        for doc_id in in_part_order(documents):
            size = documents[doc_id]["csv_bytes"][index]
            spans[doc_id] = (offset, size)
            offset += size
        try:
            if path.stat().st_size != offset:
                return None
        except OSError:
            return None
        ranges[name] = (path, spans)
    return ranges


def write_tables(out_dir: Path, committed: Mapping[str, str], kept: dict[str, dict],
                 previous_csv: dict[str, tuple[Path, dict[str, tuple[int, int]]]] | None
                 ) -> dict[str, dict]:
    """Every committed document's rows in the tables: the kept ones' parts left alone
    (their CSV lines copied, or rendered from the parts when ``previous_csv`` is None),
    the others' parts rewritten from their records; the CSV files replaced at the end.
    Returns the state entry of every document."""
    documents = {}
    with contextlib.ExitStack() as stack:
        views = {name: CsvView(name, stack.enter_context(atomic_path(csv_path(out_dir, name)))
                               .open("wb"), previous_csv[name] if previous_csv else None)
                 for name in TABLES}
        for doc_id in in_part_order(committed):
            if doc_id not in kept:
                documents[doc_id] = write_document(out_dir, doc_id, committed[doc_id], views)
                crash_point("tables")  # this document's parts replaced, later ones not yet
            elif previous_csv:
                documents[doc_id] = {**kept[doc_id],
                                     "csv_bytes": [views[name].copy(doc_id) for name in TABLES]}
            else:
                documents[doc_id] = rendered_again(out_dir, doc_id, kept[doc_id], views)
        for view in views.values():
            view.close()
    return documents


def built_from(entries: Iterable[tuple[str, str]]) -> str:
    """Digest of what the tables hold: (doc id, commit stamp) of every record in them."""
    digest = hashlib.sha256()
    for doc_id, stamp in sorted(entries):
        digest.update(f"{doc_id}\0{stamp}\n".encode("utf-8"))
    return digest.hexdigest()


def read_state(out_dir: Path) -> dict:
    """``_tables.json``; empty when missing, unreadable or of the one-file tables."""
    try:
        state = json.loads((out_dir / TABLES_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and "documents" in state else {}


def row_counts(documents: dict[str, dict]) -> dict[str, int]:
    return {name: sum(entry["rows"][index] for entry in documents.values())
            for index, name in enumerate(TABLES)}


def write_state(out_dir: Path, source: str | None, documents: dict[str, dict]) -> dict[str, int]:
    """Record what the tables hold (``source`` None: an update in progress); returns the
    rows per table."""
    rows = row_counts(documents)
    atomic_write_text(out_dir / TABLES_STATE, json.dumps(
        {"built_from": source, "rows": rows, "documents": documents}))
    return rows


def tables_current(out_dir: Path, source: str) -> bool:
    """The tables were completely built from ``source`` (a :func:`built_from` digest):
    every dataset holds a part for each document of the state and no other, and each CSV
    file is as long as the lines the state counts."""
    state = read_state(out_dir)
    if state.get("built_from") != source:
        return False
    try:
        listed = listed_parts(out_dir)
    except OSError:
        return False
    documents = state["documents"]
    if (any(found != documents.keys() for found in listed.values())
            or state.get("rows") != row_counts(documents)):
        return False
    return csv_ranges(out_dir, state) is not None


def prepare_datasets(out_dir: Path) -> None:
    """A dataset folder per table; a table file of the one-file layout is in the way and
    goes, as does a plain ``<table>.csv`` of earlier versions (tables are derived: their
    rows are written again)."""
    for name in TABLES:
        path = dataset_path(out_dir, name)
        if path.is_file():
            path.unlink()
        path.mkdir(parents=True, exist_ok=True)
        (out_dir / f"{name}.csv").unlink(missing_ok=True)


def update_tables(out_dir: Path, committed: Mapping[str, str]) -> dict[str, int]:
    """Bring the tables to the committed records (doc id -> commit stamp): the parts of a
    document whose stamp changed are rewritten from its record, those of a document no
    longer committed removed, every other document's rows kept. Returns the rows per
    table."""
    out_dir = Path(out_dir)
    previous = read_state(out_dir)
    prepare_datasets(out_dir)
    listed = listed_parts(out_dir)
    kept = {doc_id: entry for doc_id, entry in previous.get("documents", {}).items()
            if committed.get(doc_id) == entry["stamp"]
            and all(doc_id in found for found in listed.values())}
    previous_csv = csv_ranges(out_dir, previous)
    write_state(out_dir, None, kept)  # until the end, only the kept parts are known good
    for name, found in listed.items():
        for doc_id in found - committed.keys():
            part_path(out_dir, name, doc_id).unlink()
    documents = write_tables(out_dir, committed, kept, previous_csv)
    os.sync()  # the new parts and their renames, durable before the state lists them
    return write_state(out_dir, built_from(committed.items()), documents)
