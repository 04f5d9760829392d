"""BioC XML and BioC JSON -> one :class:`ArticleReading` per ``<document>``.

Parsed with the ``bioc`` package (the BioC format's own Python library, maintained by
its authors, on lxml), so BioC files from PubTator3, PMC's BioC service and caselit's
own export are read the same way.

Each passage is put in the text at its own ``offset``: offsets in the document's text
are the BioC offsets, so annotations, and caselit's export of the document, line up with
the file. Gaps between passages are filled with white space (a line break for a gap of
one, as PubTator's title and abstract); a passage that overlaps the one before is laid
out after it, with a warning, its BioC offsets kept in the source map. Each passage is
a section: its kind from the ``section_type`` infon (PMC's TITLE, ABSTRACT, CASE... or a
caselit kind), else its ``type`` infon (``resources/literature.yaml``); heading passages
(``title_1``...) and passages with a ``heading`` infon give the section its heading.
Tables are read from table passages laid out as text (caption line, tab-separated rows).

Document ids: a BioC document's ``id``; an id of digits only is a PMID and reads as
``PMID<n>``.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from pipeline.errors import BadInputError, Errors, Warnings
from pipeline.read.article import ArticleReading, in_scope, kind_scopes, literature_rules
from pipeline.read.sections import segment
from pipeline.read.textmap import Piece, assemble
from pipeline.read.xmlsource import syntax_message
from pipeline.schema import ArticleMetadata, Section

XML_TYPE = "application/bioc+xml"
JSON_TYPE = "application/bioc+json"
HEADING_TYPE = re.compile(r"^(?:abstract_)?title(?:_\d+)?$", re.IGNORECASE)
YEAR = re.compile(r"(?:19|20)\d\d")


def document_id(raw: str | None) -> str | None:
    raw = (raw or "").strip()
    return f"PMID{raw}" if raw.isdigit() else raw or None


def load_collection(path: str | Path, data: bytes, as_json: bool):
    import bioc
    from bioc import biocjson
    from lxml import etree

    if as_json:
        try:
            return biocjson.decoder.parse_collection(complete_json(json.loads(data)))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            reason = f"{type(error).__name__}: {error}"
            raise BadInputError(path, Errors.E020.format(reason=reason)) from None
    try:
        collection = bioc.biocxml.load(io.BytesIO(data))
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (0, 0)
        raise BadInputError(path, Errors.E017.format(line=line, column=column,
                                                     message=syntax_message(error))) from None
    except (ValueError, TypeError) as error:
        raise BadInputError(path, Errors.E018.format(found=str(error))) from None
    return collection


def complete_json(data) -> dict:
    """A BioC JSON collection with the keys the ``bioc`` decoder needs filled in (files
    from web services leave empty lists out; PubTator3 wraps documents in a list)."""
    if isinstance(data, list):
        data = {"documents": data}
    if isinstance(data, dict) and "PubTator3" in data:
        data = {"documents": data["PubTator3"]}
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise ValueError("no 'documents' list")
    collection = {"source": "", "date": "", "key": "", "infons": {}, **data}
    for document in collection["documents"]:
        document.setdefault("infons", {})
        document.setdefault("relations", [])
        document.setdefault("annotations", [])
        for passage in document.setdefault("passages", []):
            for key, empty in (("infons", {}), ("sentences", []), ("annotations", []),
                               ("relations", [])):
                passage.setdefault(key, empty)
            for annotation in passage["annotations"]:
                annotation.setdefault("infons", {})
                annotation.setdefault("text", "")
    return collection


def member_ids(collection) -> list[str]:
    return [doc_id for doc_id in (document_id(d.id) for d in collection.documents) if doc_id]


def read_bioc(path: str | Path, data: bytes, as_json: bool) -> dict[str, ArticleReading]:
    collection = load_collection(path, data, as_json)
    readings = {}
    for document in collection.documents:
        doc_id = document_id(document.id)
        if doc_id is not None:
            readings[doc_id] = bioc_reading(path, document, doc_id,
                                            JSON_TYPE if as_json else XML_TYPE)
    return readings


def passage_text(passage) -> str:
    if passage.text is not None:
        return passage.text
    text = ""
    for sentence in passage.sentences:
        start = sentence.offset - passage.offset
        text += " " * max(0, start - len(text)) + (sentence.text or "")
    return text


def passage_kind(passage) -> str:
    rules = literature_rules()
    section_type = str(passage.infons.get("section_type") or "").lower()
    passage_type = str(passage.infons.get("type") or "").lower()
    if section_type in kind_scopes() or section_type in ("title", "table", "figure_caption",
                                                         "front_matter"):
        return section_type
    return (rules.bioc_section_types.get(section_type)
            or rules.bioc_passage_types.get(passage_type)
            or ("title" if passage_type == "title" else "front_matter"))


def bioc_reading(path: str | Path, document, doc_id: str, media_type: str) -> ArticleReading:
    pieces: list[Piece] = []
    sections: list[Section] = []
    warnings: list[str] = []
    cursor = 0
    for passage in document.passages:
        text = passage_text(passage)
        offset = int(passage.offset)
        if offset < cursor:
            warnings.append(Warnings.W005.format(path=path, member=doc_id, offset=offset,
                                                 end=cursor))
            start = cursor + (2 if cursor else 0)
        else:
            start = offset
        gap = start - cursor
        if gap:
            pieces.append(Piece("\n" if gap == 1 else " " * (gap - 2) + "\n\n"))
        pieces.append(Piece(text, 1, offset, offset + len(text)))
        cursor = start + len(text)
        if text.strip():
            kind = passage_kind(passage)
            scope = passage.infons.get("in_scope")
            heading = passage.infons.get("heading") or (
                text.strip() if HEADING_TYPE.match(str(passage.infons.get("type") or ""))
                and kind != "title" else None)
            sections.append(Section(kind=kind, heading=heading, start=start, end=cursor,
                                    in_scope=in_scope(kind) if scope is None
                                    else str(scope).lower() == "true"))
    text, source_map = assemble(pieces)
    _, tables = segment(text)
    return ArticleReading(doc_id=doc_id, media_type=media_type, text=text,
                          source_map=source_map, sections=sections, tables=tables,
                          metadata=metadata(document, text, sections), warnings=warnings)


def metadata(document, text: str, sections: list[Section]) -> ArticleMetadata:
    infons = {**{key.lower(): value for key, value in document.infons.items()}}
    for passage in document.passages[:1]:
        infons.update({key.lower(): value for key, value in passage.infons.items()
                       if key.lower() not in infons})
    title = next((text[s.start:s.end].strip() for s in sections if s.kind == "title"), None)
    year = YEAR.search(str(infons.get("year") or ""))
    pmid = str(infons.get("article-id_pmid") or infons.get("pmid") or "") or None
    if pmid is None and document.id and str(document.id).isdigit():
        pmid = str(document.id)
    pmcid = str(infons.get("article-id_pmc") or infons.get("pmcid") or "") or None
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    return ArticleMetadata(title=title or None, journal=infons.get("journal") or None,
                           year=int(year.group()) if year else None,
                           doi=infons.get("article-id_doi") or infons.get("doi") or None,
                           pmid=pmid, pmcid=pmcid)
