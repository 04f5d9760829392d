"""The whole path for one file, without a flow: read -> tag -> assemble.

Used by ``caselit extract``; a run's document workers call the same front doors, and
write a long document's mentions to its record as they go
(:func:`pipeline.worker.extract_document`).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.assemble import assemble
from pipeline.pieces import extract_in_pieces, is_long
from pipeline.read import read_document
from pipeline.schema import Document, Extraction, Mention, SourceFile
from pipeline.settings import get_limits
from pipeline.tag import tag, tagger_fingerprint


def extract(source: SourceFile | str | Path, fingerprint: str | None = None
            ) -> tuple[Document, Extraction]:
    document = read_document(source)
    return document, extract_read(document, fingerprint or tagger_fingerprint())


def extract_read(document: Document, fingerprint: str) -> Extraction:
    """A read document's extraction, a long one joined from its pieces in memory."""
    size = get_limits().piece_chars
    if not is_long(document, size):
        return assemble(document, tag(document), fingerprint=fingerprint)
    mentions: list[Mention] = []
    extraction = extract_in_pieces(document, fingerprint, size, mentions.extend)
    return extraction.model_copy(update={"mentions": mentions})
