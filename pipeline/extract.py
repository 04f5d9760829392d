"""The whole path for one file, without a flow: read -> tag -> assemble.

Used by ``caselit extract``; the Prefect flow calls the same stage front doors as tasks.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.assemble import assemble
from pipeline.read import read_document
from pipeline.schema import Document, Extraction, SourceFile
from pipeline.tag import tag, tagger_fingerprint


def extract(source: SourceFile | str | Path, fingerprint: str | None = None
            ) -> tuple[Document, Extraction]:
    document = read_document(source)
    mentions = tag(document)
    return document, assemble(document, mentions, fingerprint=fingerprint or tagger_fingerprint())
