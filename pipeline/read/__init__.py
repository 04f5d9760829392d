"""Read stage: source files -> :class:`~pipeline.schema.Document`.

Front doors: :func:`discover` (files and folders -> identified sources) and
:func:`read_document` (one source -> Document with text, pages, sections, tables).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from pipeline.errors import BadInputError, Errors, Warnings
from pipeline.faults import stall_point
from pipeline.read.discover import (LITERATURE_SUFFIXES, SUPPORTED_SUFFIXES, Discovery, discover,
                                    sources_of)
from pipeline.read.sections import segment
from pipeline.read.text import clean_text, decode_text
from pipeline.read.textmap import assemble
from pipeline.schema import Document, Page, SourceFile
from pipeline.settings import get_limits

READ_ATTEMPTS = 3

__all__ = ["Discovery", "SUPPORTED_SUFFIXES", "discover", "read_document", "read_text",
           "source_for", "sources_of", "text_document"]


def source_for(path: str | Path) -> SourceFile:
    """Identify one file (for callers that skip discovery, e.g. ``caselit extract``); a
    literature file of several articles is its first article (:func:`sources_of` lists
    them all)."""
    path = Path(path)
    if not path.is_file():
        raise BadInputError(path, Errors.E005)
    return sources_of(path)[0]


def file_state(path: Path) -> tuple[int, int, int]:
    try:
        status = path.stat()
    except FileNotFoundError:
        raise BadInputError(path, Errors.E005) from None
    return status.st_ino, status.st_size, status.st_mtime_ns


def read_document(source: SourceFile | str | Path) -> Document:
    """Read a .txt or .pdf file into a Document; BadInputError names file and reason.

    The Document's source is what was read: the hash and size of the bytes read, not of
    the file as it was listed. A file that changes while it is read is read again, up to
    :data:`READ_ATTEMPTS` times, then refused (still being written?); one that changed
    since it was listed is read as it is now, with a warning in the record.
    """
    if not isinstance(source, SourceFile):
        source = source_for(source)
    path = Path(source.path)
    stall_point("read", str(path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise BadInputError(path, Errors.E004.format(suffix=suffix or "(none)",
                                                     allowed=", ".join(SUPPORTED_SUFFIXES)))
    for _ in range(READ_ATTEMPTS):
        before = file_state(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BadInputError(path, Errors.E005) from None
        reading = read_bytes(path, suffix, data, source)
        if file_state(path) == before and len(data) == before[1]:
            break
    else:
        raise BadInputError(path, Errors.E014.format(attempts=READ_ATTEMPTS))
    text, pages, source_map, warnings, media_type, structure = reading
    read = SourceFile(path=source.path, doc_id=source.doc_id,
                      sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                      member=source.member)
    if source.sha256 and read.sha256 != source.sha256:
        warnings = [*warnings, Warnings.W004.format(path=path, listed=source.size, read=read.size)]
    refuse_overlong_words(path, text, get_limits().max_word_chars)
    sections, tables, metadata = structure if structure else (*segment(text), None)
    return Document(id=source.doc_id, source=read, media_type=media_type, text=text,
                    pages=pages, sections=sections, tables=tables, source_map=source_map,
                    warnings=warnings, metadata=metadata)


def read_bytes(path: Path, suffix: str, data: bytes, source: SourceFile | None = None) -> tuple:
    """(text, pages, source map, warnings, media type, structure) of a file whose bytes
    are ``data`` (a PDF's engines read the file itself, which the caller checks did not
    change). ``structure`` is (sections, tables, metadata) for a literature file, whose
    structure is read from its markup, and None for the others, segmented from their
    text."""
    if suffix in LITERATURE_SUFFIXES:
        from pipeline.read.literature import read_literature

        doc_id = source.doc_id if source is not None else path.stem
        member = source.member if source is not None else None
        found = read_literature(path, data, member, doc_id)
        return (found.text, [Page(number=1, start=0, end=len(found.text))], found.source_map,
                found.warnings, found.media_type, (found.sections, found.tables, found.metadata))
    if suffix == ".pdf":
        from pipeline.read.pdf import read_pdf

        reading = read_pdf(path, data)
        return (reading.text, reading.pages, reading.source_map, reading.warnings,
                "application/pdf", None)
    raw, warnings = decode_text(data, str(path))
    text, source_map = assemble(clean_text(raw))
    return (text, [Page(number=1, start=0, end=len(text))], source_map, warnings, "text/plain",
            None)


@lru_cache(maxsize=4)
def overlong_word(limit: int) -> re.Pattern:
    # anchored at a word's first character, so each character is looked at a bounded
    # number of times: linear in the text
    return re.compile(rf"(?<!\S)\S{{{limit + 1}}}")


def refuse_overlong_words(path: Path, text: str, limit: int) -> None:
    """BadInputError for a text with a run of more than ``limit`` characters without a
    space: no prose holds one, and tokenizing it takes time quadratic in its length."""
    if spaced_throughout(text, limit):
        return
    found = overlong_word(limit).search(text)
    if found:
        length = len(re.compile(r"\S+").match(text, found.start()).group())
        raise BadInputError(path, Errors.E013.format(length=length, offset=found.start(),
                                                     limit=limit))


WHITE_SPACE = re.compile(r"\s")


def spaced_throughout(text: str, limit: int) -> bool:
    """Whether each whole stretch of ``limit // 2`` characters (from the start, one after
    another) holds white space: then no run of more than ``limit`` characters lacks it,
    for such a run covers one of those stretches. Found by a search for each stretch's
    first space, not by trying the run's pattern at every word of the text."""
    size = max(1, limit // 2)
    return all(WHITE_SPACE.search(text, start, start + size)
               for start in range(0, len(text) - size + 1, size))


def read_text(text: str, doc_id: str = "text") -> Document:
    """A Document of ``text`` as if it were a .txt file's content: cleaned (markup,
    citation marks, hard wraps), sectioned, its source map into ``text`` (for the Python
    API, where a notebook has a report's text rather than a file)."""
    data = text.encode("utf-8")
    path = f"<{doc_id}>"
    raw, warnings = decode_text(data, path)
    clean, source_map = assemble(clean_text(raw))
    refuse_overlong_words(Path(path), clean, get_limits().max_word_chars)
    sections, tables = segment(clean)
    source = SourceFile(path=path, doc_id=doc_id, sha256=hashlib.sha256(data).hexdigest(),
                        size=len(data))
    return Document(id=doc_id, source=source, media_type="text/plain", text=clean,
                    pages=[Page(number=1, start=0, end=len(clean))], sections=sections,
                    tables=tables, source_map=source_map, warnings=warnings)


def text_document(text: str, doc_id: str = "text") -> Document:
    """A Document for text already clean (corpus abstracts, tests): no edits, one page,
    offsets equal to the given text's."""
    source = SourceFile(path=f"<{doc_id}>", doc_id=doc_id, sha256="", size=len(text))
    sections, tables = segment(text)
    return Document(id=doc_id, source=source, media_type="text/plain", text=text,
                    pages=[Page(number=1, start=0, end=len(text))], sections=sections,
                    tables=tables)
