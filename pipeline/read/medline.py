"""PubMed / MEDLINE XML (``<PubmedArticleSet>`` of ``<PubmedArticle>``) -> one
:class:`ArticleReading` per article, id ``PMID<n>``.

Each article is its title, then its abstract under an "Abstract" heading: the labelled
parts of a structured abstract (``<AbstractText Label="CASE PRESENTATION">``) each under
its label, as a section of kind ``abstract``. Journal, year, DOI and PMCID come from the
citation and its id list.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import BadInputError, Errors
from pipeline.read.article import ArticleReading, ArticleWriter
from pipeline.read.textmap import Piece
from pipeline.read.xmlsource import InlineRules, XmlFile, inline_pieces, parse_xml, plain_text
from pipeline.schema import ArticleMetadata
from pipeline.xmltree import children, descendants, first, local_name

MEDIA_TYPE = "application/pubmed+xml"
INLINE = InlineRules()
ROOTS = ("PubmedArticleSet", "PubmedArticle")
YEAR = re.compile(r"(?:19|20)\d\d")


def is_medline(root) -> bool:
    return local_name(root) in ROOTS


def articles(root) -> list:
    return [root] if local_name(root) == "PubmedArticle" else descendants(root, "PubmedArticle")


def article_id(article) -> str | None:
    pmid = first(article, "MedlineCitation/PMID")
    number = (pmid.text or "").strip() if pmid is not None else ""
    return f"PMID{number}" if number else None


def member_ids(root) -> list[str]:
    return [doc_id for doc_id in map(article_id, articles(root)) if doc_id]


def read_medline(path: str | Path, data: bytes) -> dict[str, ArticleReading]:
    """Every article of the file, by its id."""
    xml = parse_xml(path, data)
    if not is_medline(xml.root):
        raise BadInputError(path, Errors.E018.format(found=f"root element <{local_name(xml.root)}>"))
    readings = {}
    for article in articles(xml.root):
        doc_id = article_id(article)
        if doc_id is not None:
            readings[doc_id] = medline_reading(xml, article, doc_id)
    return readings


def medline_reading(xml: XmlFile, article, doc_id: str) -> ArticleReading:
    citation = first(article, "MedlineCitation/Article")
    writer = ArticleWriter()
    title = first(citation, "ArticleTitle") if citation is not None else None
    writer.title(inline_pieces(xml, title, INLINE) if title is not None else [])
    abstract = first(citation, "Abstract") if citation is not None else None
    if abstract is not None:
        writer.heading([Piece("Abstract")], "abstract")
        for part in children(abstract, "AbstractText"):
            label = part.get("Label")
            if label:
                writer.heading([Piece(label.capitalize() if label.isupper() else label)],
                               "abstract")
            writer.paragraph(inline_pieces(xml, part, INLINE))
    text, source_map, sections, tables = writer.finish()
    return ArticleReading(doc_id=doc_id, media_type=MEDIA_TYPE, text=text,
                          source_map=source_map, sections=sections, tables=tables,
                          metadata=metadata(xml, article, citation, title, doc_id))


def metadata(xml: XmlFile, article, citation, title, doc_id: str) -> ArticleMetadata:
    ids = {}
    for node in descendants(article, "ArticleId"):
        ids.setdefault((node.get("IdType") or "").lower(), (node.text or "").strip())
    if citation is not None:
        for node in children(citation, "ELocationID"):
            if (node.get("EIdType") or "").lower() == "doi":
                ids.setdefault("doi", (node.text or "").strip())
    journal = first(citation, "Journal/Title") if citation is not None else None
    return ArticleMetadata(
        title=plain_text(inline_pieces(xml, title, INLINE)) or None if title is not None else None,
        journal=(journal.text or "").strip() or None if journal is not None else None,
        year=publication_year(citation), doi=ids.get("doi") or None,
        pmid=doc_id.removeprefix("PMID"), pmcid=ids.get("pmc") or None)


def publication_year(citation) -> int | None:
    if citation is None:
        return None
    for path in ("Journal/JournalIssue/PubDate/Year", "Journal/JournalIssue/PubDate/MedlineDate",
                 "ArticleDate/Year"):
        node = first(citation, path)
        found = YEAR.search(node.text or "") if node is not None else None
        if found:
            return int(found.group())
    return None
