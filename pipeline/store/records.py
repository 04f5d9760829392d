"""Records and their documents on disk: written as a pair, read whole or streamed.

``<doc-id>.json`` is the Extraction, ``_documents/<doc-id>.json`` the read Document, both
in the compact format of :mod:`pipeline.store.compact`: the record's mentions point into
the document's text by offsets instead of repeating their sentences, so a record is read
with its document's text (:func:`read_record`). Records of format 1 (the Extraction as
pydantic wrote it, before ``record_format``) read as they are.

A long document's record holds hundreds of thousands of mentions (the benchmark's 30 MB
text: about 700,000): its mentions are written to a file as they are found
(:class:`MentionFile`) and spliced into the record, and the table rebuild reads them back
one at a time (:class:`StoredRecord`), so neither holds them all.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

import orjson
from pydantic import ValidationError

from pipeline.atomic import TEMPORARY_GLOB, TEMPORARY_SUFFIX, atomic_files
from pipeline.errors import Errors, RecordError
from pipeline.schema import Document, Extraction, Mention
from pipeline.store.compact import (COLUMN_FIELDS, FORMAT_KEY, HEAD_KEYS, MENTIONS_KEY,
                                    RECORD_FORMAT, RECORD_TAIL, Derived, MentionDecoder,
                                    MentionEncoder, document_fields, document_json,
                                    extraction_fields, record_head, record_json, stored_format)
from pipeline.store.manifest import record_path

DOCUMENTS = "_documents"
# A format 1 record's mention list as model_dump_json(indent=2) wrote it, opened.
MENTIONS_OPEN_V1 = '\n  "mentions": ['
STREAMED_BYTES = 4 * 2**20  # records larger than this (50,000 mentions) are read mention by mention
READ_CHUNK = 1 << 20
MENTION_BATCH = 1000


def document_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / DOCUMENTS / f"{doc_id}.json"


def write_record(document: Document, extraction: Extraction, out_dir: str | Path,
                 mentions: "MentionFile | None" = None) -> Path:
    """Write the document and its record as a pair: both completely written before either
    replaces its predecessor (the document first), so a failed write leaves the old pair
    in step. ``mentions``: the record's mentions written piece by piece (a long
    document's), spliced into the record."""
    out_dir = Path(out_dir)
    target = record_path(out_dir, document.id)
    with atomic_files([document_path(out_dir, document.id), target]) as (text, record):
        text.write(document_json(document).encode("utf-8"))
        if mentions is None:
            record.write(record_json(extraction, document).encode("utf-8"))
        else:
            write_spliced(record, extraction, mentions)
    return target


def write_spliced(record: BinaryIO, extraction: Extraction, mentions: "MentionFile") -> None:
    with mentions.path.open("rb") as found:  # rows the MentionFile wrote as UTF-8
        record.write(record_head(extraction, mentions.encoder).encode("utf-8"))
        shutil.copyfileobj(found, record)
        record.write(RECORD_TAIL.encode("utf-8"))


class MentionFile:
    """A long document's mentions as record rows, comma-separated, in a temporary file
    beside the record (removed on exit), for :func:`write_record`; ``document``: the one
    whose text the rows point into."""

    def __init__(self, out_dir: str | Path, document: Document):
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".mentions.", suffix=TEMPORARY_SUFFIX,
                                        dir=out_dir)
        self.path = Path(name)
        self.file = os.fdopen(handle, "w", encoding="utf-8")
        self.encoder = MentionEncoder(Derived.of(document))

    @property
    def count(self) -> int:
        return self.encoder.count

    def add(self, mentions: list[Mention]) -> None:
        if mentions:
            self.file.write(("," if self.count else "") + self.encoder.rows_json(mentions))
        self.file.flush()  # the record is written from the file, not from this handle

    def __enter__(self) -> "MentionFile":
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def derived_from_copy(record: Path) -> Derived:
    """What a format 2 record's mentions leave to its document copy (text, pages,
    sections), read from the copy."""
    path = document_path(record.parent, record.stem)
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise RecordError(Errors.E201.format(
            file=record, reason=f"its document copy {path} is missing")) from None
    return Derived(data["text"], data["pages"], data.get("sections", []))  # none: left out


def extraction_from(data: dict, path: Path, derived: Derived | None = None) -> Extraction:
    """A record's JSON, of either format, as its Extraction (RecordError when invalid);
    ``derived``: of its document, read from the copy when not given."""
    try:
        if stored_format(data) == 1:
            return Extraction.model_validate(data)
        return Extraction.model_validate(extraction_fields(
            data, derived or derived_from_copy(path)))
    except (ValidationError, ValueError, KeyError, TypeError) as error:
        raise RecordError(Errors.E201.format(file=path, reason=error)) from None


def head_and_mention_columns(data: dict, path: Path) -> tuple[Extraction, dict[str, list]]:
    """A format 2 record's JSON as its Extraction without mentions (RecordError when
    invalid) and its mentions as columns (:meth:`MentionDecoder.columns`), not validated."""
    try:
        decoder = MentionDecoder(derived_from_copy(path), data)
        columns = decoder.columns(data["mentions"])
        head = Extraction.model_validate({key: value for key, value in data.items()
                                          if key not in HEAD_KEYS and key != "mentions"})
        return head, columns
    except (ValidationError, ValueError, KeyError, TypeError, IndexError) as error:
        raise RecordError(Errors.E201.format(file=path, reason=error)) from None


def mention_columns(mentions: list[Mention]) -> dict[str, list]:
    """Mentions as columns of their :data:`COLUMN_FIELDS`."""
    return {name: [getattr(mention, name) for mention in mentions] for name in COLUMN_FIELDS}


def read_json_object(path: Path) -> dict:
    """A record's JSON object (RecordError when it is not one). Parsed by orjson, as its
    document copy is (:func:`derived_from_copy`): the values the json module gives, in
    0.3 ms for the two files of a bench corpus record against 0.8 (its JSONDecodeError
    is a ValueError)."""
    try:
        data = orjson.loads(path.read_bytes())
    except ValueError as error:
        raise RecordError(Errors.E201.format(file=path, reason=error)) from None
    if not isinstance(data, dict):
        raise RecordError(Errors.E201.format(file=path, reason="not a JSON object"))
    return data


def read_record(path: str | Path) -> Extraction:
    path = Path(path)
    return extraction_from(read_json_object(path), path)


def read_document_record(out_dir: str | Path, doc_id: str) -> Document:
    data = json.loads(document_path(Path(out_dir), doc_id).read_bytes())
    if FORMAT_KEY in data:
        data = document_fields(data)
    return Document.model_validate(data)


def remove_record(out_dir: Path, doc_id: str) -> None:
    """Delete a record and its document copy (the record first: a record is what counts)."""
    for path in (record_path(out_dir, doc_id), document_path(out_dir, doc_id)):
        path.unlink(missing_ok=True)


def remove_leftovers(out_dir: Path) -> int:
    """Delete the temporary files a killed run left (``.*.tmp``) in the folder and its
    subfolders (document copies, table datasets); call with the folder locked, so none is
    a running writer's. Returns how many."""
    leftovers = [*out_dir.glob(TEMPORARY_GLOB), *out_dir.glob(f"*/{TEMPORARY_GLOB}")]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return len(leftovers)


class StoredRecord:
    """A record read for the tables: its mentions in batches (:meth:`mention_batches`, or
    as columns: :meth:`column_batches`), then the rest (:meth:`head`, the Extraction
    without its mentions).

    ``checked=False``: a record of the current format, not streamed, has its mentions
    read as columns straight from its stored rows, without validating each mention (the
    rest is validated): for one that a worker of the same run wrote from its validated
    Extraction just before (:class:`~pipeline.store.tables.TableStager`), where
    validating some 400 mentions again, and a dict and an object per mention, cost about
    4 ms a document."""

    def __init__(self, path: Path, checked: bool = True):
        self.path = path
        self.doc_id = path.stem  # records are named by their document's id
        self.checked = checked
        self.rest: Extraction | None = None

    def mention_batches(self) -> Iterator[list[Mention]]:
        if self.path.stat().st_size > STREAMED_BYTES:
            yield from self.streamed()
            return
        yield self.validated(read_json_object(self.path))

    def validated(self, data: dict) -> list[Mention]:
        record = extraction_from(data, self.path)
        self.rest = record.model_copy(update={"mentions": []})
        return record.mentions

    def column_batches(self) -> Iterator[dict[str, list]]:
        """The mentions in batches, each as columns of their :data:`COLUMN_FIELDS`."""
        if self.checked or self.path.stat().st_size > STREAMED_BYTES:
            yield from map(mention_columns, self.mention_batches())
            return
        data = read_json_object(self.path)
        if stored_format(data) == RECORD_FORMAT:
            self.rest, columns = head_and_mention_columns(data, self.path)
            yield columns
        else:
            yield mention_columns(self.validated(data))

    def head(self) -> Extraction:
        assert self.rest is not None, "read the mentions first"
        return self.rest

    def streamed(self) -> Iterator[list[Mention]]:
        """The mentions read one JSON value at a time, then the rest of the record."""
        decoder = json.JSONDecoder()
        with self.path.open(encoding="utf-8") as file:
            buffer = file.read(READ_CHUNK)
            opening = MENTIONS_KEY if buffer.startswith(f'{{"{FORMAT_KEY}"') else MENTIONS_OPEN_V1
            while opening not in buffer:
                more = file.read(READ_CHUNK)
                if not more:
                    raise RecordError(Errors.E201.format(file=self.path, reason="no mention list"))
                buffer += more
            before, buffer = buffer.split(opening, 1)
            if opening == MENTIONS_KEY:  # format 2: the mention list is the last field
                head = json.loads(before + "}")
                derived = derived_from_copy(self.path)
                as_mention = MentionDecoder(derived, head).mention
            else:
                as_mention = Mention.model_validate
            position, batch = 0, []
            while True:
                while position < len(buffer) and buffer[position] in " \t\r\n,":
                    position += 1
                if buffer.startswith("]", position):
                    break
                try:
                    found, position = decoder.raw_decode(buffer, position)
                except json.JSONDecodeError:
                    more = file.read(READ_CHUNK)
                    if not more:
                        raise RecordError(Errors.E201.format(
                            file=self.path, reason="the mention list ends early")) from None
                    buffer, position = buffer[position:] + more, 0
                    continue
                batch.append(as_mention(found))
                if len(batch) == MENTION_BATCH:
                    yield batch
                    batch = []
            yield batch
            after = buffer[position + 1:] + file.read()
        if opening == MENTIONS_KEY:
            self.rest = extraction_from({**head, "mentions": []}, self.path, derived)
            return
        try:
            self.rest = Extraction.model_validate_json(before + opening + "]" + after)
        except ValidationError as error:
            raise RecordError(Errors.E201.format(file=self.path, reason=error)) from None
