"""Records and their documents on disk: written as a pair, read whole or streamed.

``<doc-id>.json`` is the Extraction, ``_documents/<doc-id>.json`` the read Document. A
long document's record holds hundreds of thousands of mentions (the benchmark's 30 MB
text: about 700,000, a 450 MB record): its mentions are written to a file as they are
found (:class:`MentionFile`) and spliced into the record, and the table rebuild reads
them back one at a time (:class:`StoredRecord`), so neither holds them all.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from pydantic import ValidationError

from pipeline.atomic import TEMPORARY_GLOB, TEMPORARY_SUFFIX, atomic_paths
from pipeline.errors import Errors, RecordError
from pipeline.schema import Document, Extraction, Mention
from pipeline.store.manifest import record_path

DOCUMENTS = "_documents"
# The record's mention list as model_dump_json(indent=2) writes it when empty, and the
# two halves it is opened into for a spliced list.
MENTIONS_SLOT = '\n  "mentions": [],'
MENTIONS_OPEN = '\n  "mentions": ['
MENTIONS_CLOSE = "],"
STREAMED_BYTES = 32 * 2**20  # records larger than this are read mention by mention
READ_CHUNK = 1 << 20
MENTION_BATCH = 1000


def document_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / DOCUMENTS / f"{doc_id}.json"


def write_record(document: Document, extraction: Extraction, out_dir: str | Path,
                 mentions: Path | None = None) -> Path:
    """Write the document and its record as a pair: both completely written before either
    replaces its predecessor (the document first), so a failed write leaves the old pair
    in step. ``mentions``: a file holding the record's mentions (a long document's,
    written piece by piece), spliced into the record in place of its empty list."""
    out_dir = Path(out_dir)
    target = record_path(out_dir, document.id)
    with atomic_paths([document_path(out_dir, document.id), target]) as (text, record):
        text.write_text(document.model_dump_json(), encoding="utf-8")
        if mentions is None:
            record.write_text(extraction.model_dump_json(indent=2), encoding="utf-8")
        else:
            write_spliced(record, extraction, mentions)
    return target


def write_spliced(record: Path, extraction: Extraction, mentions: Path) -> None:
    head, tail = extraction.model_dump_json(indent=2).split(MENTIONS_SLOT, 1)
    with record.open("w", encoding="utf-8") as out, mentions.open(encoding="utf-8") as found:
        out.write(head + MENTIONS_OPEN)
        shutil.copyfileobj(found, out)
        out.write(MENTIONS_CLOSE + tail)


class MentionFile:
    """A long document's mentions as JSON, comma-separated, in a temporary file beside the
    record (removed on exit), for :func:`write_record`."""

    def __init__(self, out_dir: str | Path):
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".mentions.", suffix=TEMPORARY_SUFFIX,
                                        dir=out_dir)
        self.path = Path(name)
        self.file = os.fdopen(handle, "w", encoding="utf-8")
        self.count = 0

    def add(self, mentions: list[Mention]) -> None:
        for mention in mentions:
            self.file.write(("," if self.count else "") + mention.model_dump_json())
            self.count += 1
        self.file.flush()  # the record is written from the file, not from this handle

    def __enter__(self) -> "MentionFile":
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def read_record(path: str | Path) -> Extraction:
    path = Path(path)
    try:
        return Extraction.model_validate_json(path.read_bytes())
    except ValidationError as error:
        raise RecordError(Errors.E201.format(file=path, reason=error)) from None


def read_document_record(out_dir: str | Path, doc_id: str) -> Document:
    return Document.model_validate_json(document_path(Path(out_dir), doc_id).read_bytes())



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
    """A record read for the tables: its mentions in batches (:meth:`mention_batches`),
    then the rest (:meth:`head`, the Extraction without its mentions)."""

    def __init__(self, path: Path):
        self.path = path
        self.doc_id = path.stem  # records are named by their document's id
        self.rest: Extraction | None = None

    def mention_batches(self) -> Iterator[list[Mention]]:
        if self.path.stat().st_size <= STREAMED_BYTES:
            record = read_record(self.path)
            self.rest = record.model_copy(update={"mentions": []})
            yield record.mentions
            return
        yield from self.streamed()

    def head(self) -> Extraction:
        assert self.rest is not None, "read the mentions first"
        return self.rest

    def streamed(self) -> Iterator[list[Mention]]:
        decoder = json.JSONDecoder()
        with self.path.open(encoding="utf-8") as file:
            buffer = ""
            while MENTIONS_OPEN not in buffer:
                more = file.read(READ_CHUNK)
                if not more:
                    raise RecordError(Errors.E201.format(file=self.path, reason="no mention list"))
                buffer += more
            before, buffer = buffer.split(MENTIONS_OPEN, 1)
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
                batch.append(Mention.model_validate(found))
                if len(batch) == MENTION_BATCH:
                    yield batch
                    batch = []
            yield batch
            after = buffer[position + 1:] + file.read()
        rest = before + MENTIONS_SLOT.rstrip(",") + after
        try:
            self.rest = Extraction.model_validate_json(rest)
        except ValidationError as error:
            raise RecordError(Errors.E201.format(file=self.path, reason=error)) from None
