"""Export stage: an output folder -> the formats the field's tools exchange.

Front door: :func:`export_folder` (``caselit export``). Each committed record is exported
with its read document (``_documents/<doc-id>.json``): BioC XML or JSON (passages, every
mention as an annotation, each case record as a relation) or PubTator (title and text
lines, one line per mention). Offsets are the record's: character offsets into the
document's text (in PubTator, into its title and text lines, as the format has them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from pipeline.errors import Errors
from pipeline.schema import Document, Extraction

FORMATS = ("bioc-json", "bioc-xml", "pubtator")

__all__ = ["FORMATS", "export_folder", "exported_records"]


def exported_records(out_dir: str | Path) -> Iterator[tuple[Document, Extraction]]:
    """(document, record) of every record in the folder, in id order."""
    from pipeline.store import read_document_record, read_record, record_paths

    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FileNotFoundError(Errors.E203.format(folder=out_dir, what="output"))
    for path in record_paths(out_dir):
        record = read_record(path)
        yield read_document_record(out_dir, record.document.id), record


def export_folder(out_dir: str | Path, fmt: str) -> str:
    """The folder's records in ``fmt`` (one of :data:`FORMATS`), as text."""
    from pipeline.lexicons import identifiers

    if fmt not in FORMATS:
        raise ValueError(Errors.E022.format(value=fmt, allowed=", ".join(FORMATS)))
    ids = identifiers()
    records = exported_records(out_dir)
    if fmt == "pubtator":
        from pipeline.export.pubtator import pubtator_text

        return pubtator_text(records, ids)
    from pipeline.export.bioc_out import bioc_text

    return bioc_text(records, ids, as_json=fmt == "bioc-json")
