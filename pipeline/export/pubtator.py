"""Records in the PubTator format: ``ID|t|title``, ``ID|a|text``, then one line per
mention, ``ID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>identifier`` (genes: the NCBI Gene
ID, then the HGNC ID in a seventh column), a blank line after each document.

The format has a title line and one text line: the document's first line is the title,
the rest of the text (after the white space that follows the title) is the text line,
its line breaks and tabs written as spaces (the same length, so offsets hold). Offsets
are PubTator's: the text line starts one character after the title. The ID is the PMID
where the record has one, else the document's id. Case records have no place in the
format: they are in the BioC export.
"""

from __future__ import annotations

from typing import Iterable

from pipeline.export.annotations import annotated
from pipeline.lexicons import Identifiers
from pipeline.schema import Document, Extraction

FLAT = str.maketrans("\t\n\r", "   ")


def pubtator_id(document: Document) -> str:
    stated = document.metadata.pmid if document.metadata else None
    return stated or document.id


def split_title(text: str) -> tuple[str, int]:
    """(title, where the text line starts in ``text``)."""
    line_end = text.find("\n")
    title = text if line_end == -1 else text[:line_end]
    rest = len(title)
    while rest < len(text) and text[rest].isspace():
        rest += 1
    return title.rstrip(), rest


def pubtator_document(document: Document, record: Extraction, ids: Identifiers) -> str:
    doc_id = pubtator_id(document)
    text = document.text
    title, rest = split_title(text)
    body = text[rest:].rstrip().translate(FLAT)
    shift = rest - (len(title) + 1)  # text-line offsets count from len(title) + 1
    lines = [f"{doc_id}|t|{title.translate(FLAT)}", f"{doc_id}|a|{body}"]
    for mention in record.mentions:
        if mention.start < len(title):
            start, end = mention.start, min(mention.end, len(title))
        elif mention.start >= rest:
            start, end = mention.start - shift, mention.end - shift
        else:
            continue  # in the white space between title and text
        found = annotated(mention, ids)
        columns = [doc_id, str(start), str(end), mention.text.translate(FLAT), found.type,
                   found.identifier]
        if "hgnc_id" in found.infons and mention.type in ("gene", "rearranged_gene"):
            columns.append(found.infons["hgnc_id"])
        lines.append("\t".join(columns))
    return "\n".join(lines) + "\n"


def pubtator_text(records: Iterable[tuple[Document, Extraction]], ids: Identifiers) -> str:
    return "\n".join(pubtator_document(document, record, ids) for document, record in records)
