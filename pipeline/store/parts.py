"""A document's rows of every table, as Parquet parts and CSV lines: the rows' declared
schemas and how a record's fields become them (:mod:`pipeline.store.tables` keeps the
datasets, the CSV files and their state).

While a run's workers extract, the run builds the parts of each document they have
committed (:class:`pipeline.store.tables.TableStager`, :func:`stage_document`), instead of
every document's alone after the workers are done (10-15 s of 1,000 documents' 70 s, one
core idle). It is the run, not the workers, that builds them: in a worker, pyarrow (and
pandas, which pyarrow imports on its first array) would cost about 95 MiB more in each,
while the run has them loaded already. The schemas are declared in Arrow's terms, with
the pandas metadata that gives a read its declared dtypes back.

A run appends the documents it stages to one file of its own (``_staged/<time>-<pid>.tables``,
:class:`StagedFile`), each an entry: a JSON line (the document's id, the commit stamp it
was built for, its rows, Parquet bytes and CSV bytes per table, a CRC-32 of the rest)
followed by the six Parquet parts and the six tables' CSV lines (gzip members).
:func:`pipeline.store.tables.update_tables` moves them into place when the stamp is the
document's committed one; an entry is not trusted further than its sizes and CRC (a
killed run's file may end torn), and without one (a long document's, streamed: not
staged) the parts are built from the record as before. One file, not one per document:
the update removes ``_staged/`` once it has taken the parts in, and by then the file
system has written the staged bytes out, where the unlink of each written file cost
2-4 ms (the blocks it frees are discarded): 1,000 documents' files took 2-3.5 s of the
run's end, one file 3 ms.
"""

from __future__ import annotations

import functools
import json
import os
import time
from itertools import compress
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from zlib_ng import zlib_ng

from pipeline.schema import CaseRecord, Extraction, Fusion, Variant

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


def mention_table(doc_id: str, columns: dict[str, list]) -> pa.Table:
    """A batch of mentions (columns of their fields, as
    :meth:`~pipeline.store.records.StoredRecord.column_batches` gives them) as the rows
    of the mentions table, built column by column."""
    return pa.Table.from_pydict({
        "doc_id": pa.repeat(pa.scalar(doc_id, pa.large_string()), len(columns["id"])),
        "mention_id": columns["id"], "type": columns["type"],
        "text": columns["text"], "normalised": columns["normalised"],
        "start": columns["start"], "end": columns["end"], "page": columns["page"],
        "section": columns["section"], "in_scope": columns["in_scope"],
        "sentence": columns["sentence"], "sentence_start": columns["sentence_start"],
        "sentence_end": columns["sentence_end"], "rule": columns["rule"],
        "modifiers": list(map(LIST_SEPARATOR.join, columns["modifiers"])),
    }, schema=SCHEMAS["mentions"])


class Evidence:
    """How often each (type, normal form) is mentioned in scope, and its first mention's
    id and sentence, counted as a record's mentions stream past."""

    def __init__(self):
        self.seen: dict[tuple[str, str], tuple[int, str, str]] = {}

    def add(self, columns: dict[str, list]) -> None:
        for in_scope, type_, normalised, mention_id, sentence in zip(
                columns["in_scope"], columns["type"], columns["normalised"], columns["id"],
                columns["sentence"]):
            if in_scope and normalised:
                key = (type_, normalised)
                count, first_id, first_sentence = self.seen.get(
                    key, (0, mention_id, sentence))
                self.seen[key] = (count + 1, first_id, first_sentence)


def entity_rows(extraction: Extraction, evidence: Evidence) -> list[dict]:
    """One row per document-level value, with how often and where it was first seen."""
    doc_id = extraction.document.id
    rows = []

    def add(kind: str, value: str, mention_key: tuple[str, str], **details) -> None:
        count, first_id, first_sentence = evidence.seen.get(mention_key, (0, None, None))
        rows.append({
            "doc_id": doc_id, "type": kind, "value": value, "mentions": count,
            "first_mention_id": first_id, "first_sentence": first_sentence, **details,
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



# A declared dtype -> its Arrow type and the pandas metadata's "pandas_type" (what
# pyarrow's Schema.from_pandas gives for an empty frame of that dtype).
ARROW_TYPES = {"string": (pa.large_string(), "object"), "Int64": (pa.int64(), "int64"),
               "Float64": (pa.float64(), "float64"), "boolean": (pa.bool_(), "bool")}


def pandas_metadata(columns: dict[str, str]) -> bytes:
    """What pandas needs of a schema's pandas metadata to give the declared dtypes back:
    the columns' names and types (not the versions that wrote it)."""
    described = [{"name": column, "field_name": column, "pandas_type": ARROW_TYPES[dtype][1],
                  "numpy_type": dtype, "metadata": None} for column, dtype in columns.items()]
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": described},
                      separators=(",", ":")).encode("utf-8")


PANDAS_METADATA = {name: pandas_metadata(columns) for name, columns in TABLES.items()}


def declared_schema(name: str) -> pa.Schema:
    """The Arrow schema of table ``name``'s declared columns, with the pandas dtypes in
    its metadata (so a read gives ``string``, ``Int64``... back)."""
    return pa.schema([(column, ARROW_TYPES[dtype][0]) for column, dtype in TABLES[name].items()],
                     metadata={"pandas": PANDAS_METADATA[name]})


SCHEMAS = {name: declared_schema(name) for name in TABLES}


# Arrow's CSV write options, with the header and without it, made once.
CSV_OPTIONS = {header: pa_csv.WriteOptions(include_header=header) for header in (False, True)}


def csv_lines(table: pa.Table, header: bool = False) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, write_options=CSV_OPTIONS[header])
    return sink.getvalue()


# gzip level of the CSV lines. Level 9 took 2.3 ms a document against 1.1 for 4% more CSV
# bytes (0.14 MB per 200 documents), which the parts' saving below more than pays for.
# Level 4 against 5: 2.43 against 2.96 ms a document to compress every table's lines
# (the bench corpus's first 100, median of 7 rounds alternated) for 3.5% more CSV bytes
# (0.6 MB per 1,000 documents); level 3 would put the output near three times its input
# (the mentions' lines alone +13%).
GZIP_LEVEL = 4
# zlib's window bits for a gzip member (16 + the 15 of a 32 KB window).
GZIP_WBITS = 31


def gzip_member(data: bytes | pa.Buffer) -> bytes:
    """``data`` as one gzip member, the same bytes for the same data (zlib-ng's header
    has no time stamp). Compressed by zlib-ng, whose level 4 gives standard gzip members
    0.8% smaller than zlib's in two thirds of the time (the bench corpus's first 100
    documents: 2.08 -> 1.40 ms a document, best of 5; callgrind of their staging, 8.8 ->
    4.3 M instructions a document of 43.8 -> 40.2 M). Called directly, not by
    ``gzip_ng.compress``, which copies the member to set the header's system byte."""
    return zlib_ng.compress(data, level=GZIP_LEVEL, wbits=GZIP_WBITS) if len(data) else b""


@functools.cache
def csv_header(name: str) -> bytes:
    """Table ``name``'s CSV header, a gzip member of its own. Made when first asked for:
    Arrow imports pandas with its first array (0.2-0.3 s), which a run then pays while
    its first documents are extracted, not before they can start."""
    return gzip_member(csv_lines(SCHEMAS[name].empty_table(), header=True))


# Per table, the type of its rows: a list of row dicts converts to it in one pass.
ROW_TYPES = {name: pa.struct(list(schema)) for name, schema in SCHEMAS.items()}


def arrow_rows(rows: list[dict], name: str) -> pa.Table:
    """Rows -> an Arrow table with exactly the declared columns and types of ``name`` (a
    column a row leaves out is null there). Converted as one array of rows: column by
    column, Arrow took 1.6 times as long (0.5 against 0.3 ms a document)."""
    columns = TABLES[name]
    unknown = set().union(*rows) - columns.keys()
    if unknown:
        raise ValueError(f"columns {sorted(unknown)} are not in the declared schema "
                         f"{list(columns)}")
    return pa.Table.from_struct_array(pa.array(rows, type=ROW_TYPES[name])
                                      ).replace_schema_metadata(SCHEMAS[name].metadata)


# Per table, its integer columns, stored as deltas (offsets grow row by row).
DELTA_COLUMNS = {name: [c for c, dtype in columns.items() if dtype == "Int64"]
                 for name, columns in TABLES.items()}
# zstd level of the compressed parts. Text columns are dictionary-encoded only where
# their values repeat row after row (a mention's doc id, type, section, rule, sentence): in the
# other tables, small, a dictionary page per column cost more bytes and time than zstd
# alone (the bench corpus's 200 first documents: 6.78 MB of parts at level 5 against 7.21
# MB with every text column dictionary-encoded at level 9; 2.4 against 3.5 ms a document).
# Level 3 against 5: 15.5 against 18.0 M instructions a document to write its parts
# (callgrind, the first 100), 6.89 against 6.77 MB for the first 200 (+1.8%).
ZSTD_LEVEL = 3
DICTIONARY_COLUMNS = {"mentions": ["doc_id", "type", "section", "rule", "sentence"]}


# A document's part of these tables is one row: compressed (zstd, a frame per column), it
# was larger (2,936 bytes against 2,769 for the seeds) and took 0.3 ms more to write.
UNCOMPRESSED = frozenset({"documents"})


def parquet_writer(where: Path | pa.NativeFile, name: str) -> pq.ParquetWriter:
    """A Parquet part of table ``name`` with a small footer: a part per document and table
    made the footers (serialised Arrow schema, pandas metadata, column statistics: 5-10 KB)
    weigh more than the rows. The pandas metadata alone gives a read its declared dtypes
    back; statistics would only serve filters on one document's rows. Integer columns are
    stored as deltas, repeating text columns dictionary-encoded (:data:`ZSTD_LEVEL`)."""
    compressed = name not in UNCOMPRESSED
    writer = pq.ParquetWriter(where, SCHEMAS[name], store_schema=False, write_statistics=False,
                              compression="zstd" if compressed else "none",
                              compression_level=ZSTD_LEVEL if compressed else None,
                              use_dictionary=DICTIONARY_COLUMNS.get(name, False),
                              column_encoding=dict.fromkeys(DELTA_COLUMNS[name],
                                                            "DELTA_BINARY_PACKED"))
    writer.add_key_value_metadata({"pandas": PANDAS_METADATA[name]})
    return writer



def fill_parts(parts: dict, record) -> None:
    """Every table's rows of ``record`` into its part (a long record's mentions in
    batches): ``parts`` per table, each a :class:`Part`; ``record`` with a ``doc_id``, its
    ``column_batches()``, then its ``head()`` (the Extraction's other fields)."""
    doc_id = record.doc_id
    evidence = Evidence()
    sentences: dict[str, str] = {}
    for columns in record.column_batches():
        if columns["id"]:
            parts["mentions"].add_table(mention_table(doc_id, columns))
        evidence.add(columns)
        sentences.update(compress(zip(columns["id"], columns["sentence"]),
                                  map(LINE_EVIDENCE_TYPES.__contains__, columns["type"])))
    head = record.head()
    parts["documents"].add([document_row(head)])
    parts["cases"].add([case_row(doc_id, case) for case in head.cases])
    parts["therapy_lines"].add([row for case in head.cases
                                for row in therapy_line_rows(doc_id, case, sentences)])
    parts["events"].add([row for case in head.cases for row in event_rows(doc_id, case)])
    parts["entities"].add(entity_rows(head, evidence))


STAGED = "_staged"
STAGED_SUFFIX = ".tables"


class Part:
    """One document's rows of one table, added in batches: a Parquet part (``parquet``,
    a writer) and the same rows as CSV lines (a gzip member per batch: :meth:`add_csv`)."""

    name: str
    parquet: pq.ParquetWriter
    rows: int

    def add(self, rows: list[dict]) -> None:
        if rows:
            self.add_table(arrow_rows(rows, self.name))

    def add_table(self, table: pa.Table) -> None:
        self.parquet.write_table(table)
        self.add_csv(table)
        self.rows += table.num_rows

    def add_csv(self, table: pa.Table) -> None:
        raise NotImplementedError


@functools.cache
def empty_part(name: str) -> bytes:
    """Table ``name``'s Parquet part of no rows, written once: a part holds nothing of its
    document but its rows (no id, path or time), so every document's empty part is these
    bytes. Most abstracts have no patient, and so no rows of cases, therapy lines or
    events (1,397, 1,666 and 1,507 of the 2,134 of ``benchmarks/same_records.py``), and a
    writer's set-up and close cost about 0.1 ms a part."""
    sink = pa.BufferOutputStream()
    parquet_writer(sink, name).close()
    return sink.getvalue().to_pybytes()


class PartInMemory(Part):
    """A :class:`Part` as the bytes of its Parquet part and of its CSV lines, the same
    bytes a part written to its file holds. Its writer is made with its first rows: a
    part of none is :func:`empty_part`."""

    def __init__(self, name: str):
        self.name = name
        self.sink: pa.BufferOutputStream | None = None
        self.members: list[bytes] = []
        self.rows = 0

    def add_table(self, table: pa.Table) -> None:
        if self.sink is None:
            self.sink = pa.BufferOutputStream()
            self.parquet = parquet_writer(self.sink, self.name)
        super().add_table(table)

    def add_csv(self, table: pa.Table) -> None:
        self.members.append(gzip_member(csv_lines(table)))

    def finish(self) -> tuple[bytes, bytes]:
        if self.sink is None:
            return empty_part(self.name), b""
        self.parquet.close()
        return self.sink.getvalue().to_pybytes(), b"".join(self.members)


def staged_crc(payload: bytes) -> int:
    """The CRC-32 of a staged entry's payload: zlib's, computed by zlib-ng (the same
    values, in a twentieth of the time: 93 against 4 us for a bench document's 120 KB)."""
    return zlib_ng.crc32(payload)


def staged_entry(record, stamp: str) -> bytes:
    """The document's parts of every table built from ``record`` (anything
    :func:`fill_parts` reads, a :class:`~pipeline.store.records.StoredRecord`), as an
    entry of a staged file for the commit ``stamp`` (see the module docstring)."""
    parts = {name: PartInMemory(name) for name in TABLES}
    fill_parts(parts, record)
    built = [parts[name].finish() for name in TABLES]
    payload = b"".join(parquet for parquet, _ in built) + b"".join(csv for _, csv in built)
    header = {"doc_id": record.doc_id, "stamp": stamp,
              "rows": [parts[name].rows for name in TABLES],
              "parquet_bytes": [len(parquet) for parquet, _ in built],
              "csv_bytes": [len(csv) for _, csv in built], "crc32": staged_crc(payload)}
    return json.dumps(header).encode("utf-8") + b"\n" + payload


class StagedFile:
    """A run's staged documents, appended to a file of ``_staged/`` created for it. Not
    fsynced: the update that uses them syncs the file system before its state lists
    them, and an entry torn by a crash fails its CRC."""

    def __init__(self, out_dir: str | Path):
        folder = Path(out_dir) / STAGED
        folder.mkdir(exist_ok=True)
        self.path = folder / f"{time.time_ns()}-{os.getpid()}{STAGED_SUFFIX}"
        self.file: BinaryIO = open(self.path, "xb", buffering=0)

    def add(self, record, stamp: str) -> None:
        """Stage ``record``'s parts for the commit ``stamp``; a failed write (a full disk)
        leaves the file as it was before it."""
        entry = staged_entry(record, stamp)
        end = self.file.tell()
        try:
            self.file.write(entry)
        except BaseException:
            self.file.truncate(end)
            self.file.seek(end)
            raise

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> "StagedFile":
        return self

    def __exit__(self, *_) -> None:
        self.close()


class Staged:
    """A staged document as read back: per table its rows, Parquet part and CSV lines."""

    def __init__(self, rows: list[int], parquet: list[bytes], csv: list[bytes]):
        self.rows, self.parquet, self.csv = rows, parquet, csv


# Where a staged entry is: its file, the offset of its payload, its header.
Entry = tuple[Path, int, dict]
# A staged entry's header line is far shorter than this; a longer one is damage.
HEADER_LIMIT = 1 << 16


def entries_of(path: Path) -> dict[tuple[str, str], Entry]:
    """(doc id, stamp) -> where its entry is, for the entries of the staged file ``path``
    up to the first whose header cannot be read or whose payload runs past the end."""
    found = {}
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            while file.tell() < size:
                header = json.loads(file.readline(HEADER_LIMIT))
                sizes = [*header["parquet_bytes"], *header["csv_bytes"]]
                if (len(sizes) != 2 * len(TABLES) or min(sizes) < 0
                        or not isinstance(header["crc32"], int)
                        or len(header["rows"]) != len(TABLES)):
                    break
                offset = file.tell()
                if offset + sum(sizes) > size:
                    break
                found[(header["doc_id"], header["stamp"])] = (path, offset, header)
                file.seek(offset + sum(sizes))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return found


def staged_entries(out_dir: Path) -> dict[tuple[str, str], Entry]:
    """(doc id, stamp) -> where its entry is, over every staged file of ``out_dir``."""
    found = {}
    for path in sorted((Path(out_dir) / STAGED).glob(f"*{STAGED_SUFFIX}")):
        found.update(entries_of(path))
    return found


def read_staged(entries: dict[tuple[str, str], Entry], doc_id: str, stamp: str
                ) -> Staged | None:
    """The document's parts staged for ``stamp`` (of ``entries``, :func:`staged_entries`)
    when read whole (right sizes and CRC); else None."""
    if (doc_id, stamp) not in entries:
        return None
    path, offset, header = entries[(doc_id, stamp)]
    sizes = [*header["parquet_bytes"], *header["csv_bytes"]]
    try:
        with path.open("rb") as file:
            file.seek(offset)
            payload = file.read(sum(sizes))
    except OSError:
        return None
    if len(payload) != sum(sizes) or staged_crc(payload) != header["crc32"]:
        return None
    view, pieces, start = memoryview(payload), [], 0
    for size in sizes:
        pieces.append(bytes(view[start:start + size]))
        start += size
    return Staged(header["rows"], pieces[:len(TABLES)], pieces[len(TABLES):])
