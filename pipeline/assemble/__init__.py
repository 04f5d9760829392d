"""Assemble stage: a read Document and its mentions -> one :class:`Extraction`.

Front door: :func:`assemble`.
"""

from __future__ import annotations


from pipeline import __version__
from pipeline.assemble.cases import case_records
from pipeline.assemble.document_info import document_info
from pipeline.assemble.entities import entity_sets
from pipeline.schema import Document, Extraction, Mention, RunInfo, now_iso

__all__ = ["assemble"]


def assemble(document: Document, mentions: list[Mention], *, fingerprint: str) -> Extraction:
    run = RunInfo(
        pipeline_version=__version__,
        fingerprint=fingerprint,
        source=document.source,
        media_type=document.media_type,
        pages=len(document.pages),
        extracted_at=now_iso(),
        warnings=list(document.warnings),
        metadata=document.metadata,
    )
    return Extraction(
        document=document_info(document),
        cases=case_records(document, mentions),
        mentions=mentions,
        run=run,
        **entity_sets(mentions),
    )
