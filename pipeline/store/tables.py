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

During a run, each committed document's parts and CSV lines are built while the workers
extract the next ones and staged for its commit (:class:`TableStager`,
:mod:`pipeline.store.parts`); the update moves them into place. A document without
staged parts (a long one, one left queued, one of a run that was killed) has its parts
built from its record by the update.

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
import hashlib
import json
import os
import queue
import shutil
import threading
from pathlib import Path
from typing import BinaryIO, Iterable, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.atomic import TEMPORARY_SUFFIX, atomic_path, atomic_write_text, replace_unsynced
from pipeline.errors import Errors
from pipeline.faults import crash_point
from pipeline.schema import SourceFile
from pipeline.store.manifest import record_path, stamp_of
# the row and schema names, where callers of this module have found them
from pipeline.store.parts import (LIST_SEPARATOR, SCHEMAS, STAGED, TABLES,  # noqa: F401
                                  Entry, Part, Staged, StagedFile, arrow_rows, csv_header,
                                  csv_lines, fill_parts, gzip_member, parquet_writer,
                                  read_staged, staged_entries)
from pipeline.store.records import STREAMED_BYTES, StoredRecord

TABLES_STATE = "_tables.json"
PART_SUFFIX = ".parquet"
CSV_SUFFIX = ".csv.gz"
COPY_CHUNK = 1 << 20


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
        self.target.write(csv_header(name))
        self.previous = previous
        self.source = previous[0].open("rb") if previous else None

    def add(self, table: pa.Table) -> int:
        """Write ``table``'s rows as a gzip member (none when there are none); returns its
        bytes."""
        member = gzip_member(csv_lines(table))
        self.target.write(member)
        return len(member)

    def add_lines(self, lines: bytes) -> int:
        """Write a document's CSV lines as built already (gzip members); returns their
        bytes."""
        self.target.write(lines)
        return len(lines)

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


class DocumentPart(Part):
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

    def add_csv(self, table: pa.Table) -> None:
        self.csv_bytes += self.view.add(table)

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


def place_staged(out_dir: Path, doc_id: str, stamp: str, staged: Staged,
                 views: dict[str, CsvView]) -> dict:
    """Replace ``doc_id``'s part of every table with the parts staged for its commit
    (written beside their place and renamed over it, as :class:`DocumentPart` does);
    returns its state entry. A failed write (a full disk) leaves no temporary file."""
    for name, parquet in zip(TABLES, staged.parquet):
        replace_unsynced(part_path(out_dir, name, doc_id), parquet)
    return {"stamp": stamp, "rows": staged.rows,
            "csv_bytes": [views[name].add_lines(lines) for name, lines in zip(TABLES, staged.csv)]}


class TableStager:
    """Builds the table parts of documents committed during a run, in a thread of the run
    while its workers extract the next ones, and stages them for :func:`update_tables`
    (in a :class:`~pipeline.store.parts.StagedFile`). A document is staged from its record,
    which its worker has written from a validated Extraction and committed (its mentions
    are not validated again); one the stager cannot stage (a long
    record, which is built in batches by the update, or an error, which the update will
    meet and raise) is left to the update, as are those still queued when the run stops
    on an error."""

    def __init__(self, out_dir: str | Path, fingerprint: str):
        self.out_dir = Path(out_dir)
        self.fingerprint = fingerprint
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True, name="caselit-table-stager")

    def __enter__(self) -> "TableStager":
        self.thread.start()
        return self

    def __exit__(self, error_type, *_) -> None:
        if error_type is not None:  # the run is stopping: what is queued is left
            self.closing.set()
        self.queue.put(None)  # else the documents queued are staged first
        self.thread.join()

    def add(self, source: SourceFile, extracted_at: str) -> None:
        """Stage the document of ``source``, extracted at ``extracted_at`` and committed
        (for the stamp that commit gave it)."""
        self.queue.put((source.doc_id, stamp_of(source, self.fingerprint, extracted_at)))

    def run(self) -> None:
        staged = None
        try:
            while (item := self.queue.get()) is not None and not self.closing.is_set():
                doc_id, stamp = item
                path = record_path(self.out_dir, doc_id)
                try:
                    if path.stat().st_size <= STREAMED_BYTES:
                        staged = staged or StagedFile(self.out_dir)
                        staged.add(StoredRecord(path, checked=False), stamp)
                except Exception:  # noqa: BLE001 - see the docstring: the update builds it
                    continue
        finally:
            if staged is not None:
                staged.close()


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
        offset, spans = len(csv_header(name)), {}
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
                 previous_csv: dict[str, tuple[Path, dict[str, tuple[int, int]]]] | None,
                 staged: dict[tuple[str, str], Entry]) -> dict[str, dict]:
    """Every committed document's rows in the tables: the kept ones' parts left alone
    (their CSV lines copied, or rendered from the parts when ``previous_csv`` is None),
    the others' parts those staged for their commit (of ``staged``), else rewritten from their
    records; the CSV files replaced at the end. Returns the state entry of every
    document."""
    documents = {}
    with contextlib.ExitStack() as stack:
        views = {name: CsvView(name, stack.enter_context(atomic_path(csv_path(out_dir, name)))
                               .open("wb"), previous_csv[name] if previous_csv else None)
                 for name in TABLES}
        for doc_id in in_part_order(committed):
            if doc_id not in kept:
                parts = read_staged(staged, doc_id, committed[doc_id])
                documents[doc_id] = (
                    place_staged(out_dir, doc_id, committed[doc_id], parts, views) if parts
                    else write_document(out_dir, doc_id, committed[doc_id], views))
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
    documents = write_tables(out_dir, committed, kept, previous_csv, staged_entries(out_dir))
    os.sync()  # the new parts and their renames, durable before the state lists them
    rows = write_state(out_dir, built_from(committed.items()), documents)
    # used, or of commits no longer current (a document extracted again since)
    shutil.rmtree(out_dir / STAGED, ignore_errors=True)
    return rows
