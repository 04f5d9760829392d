"""Literature files: which kind a ``.xml`` or ``.json`` file is, which articles it holds,
and the reading of one of them.

- JATS (``<article>``, PMC's full texts): one article, id the file's stem;
- MEDLINE (``<PubmedArticleSet>``): one article per ``<PubmedArticle>``, id ``PMID<n>``;
- BioC XML (``<collection>``) and BioC JSON: one article per document, id its own.

A file holding several articles is read once per worker process (the readings of the
last few files are kept, keyed by the hash of their bytes), not once per article.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from pathlib import Path

from pipeline.errors import BadInputError, Errors, NotLiteratureError
from pipeline.read.article import ArticleReading

SUFFIXES = (".xml", ".json")


def sniff(path: Path, data: bytes) -> tuple[str, list[str] | None]:
    """(format, the ids of the articles the file holds, or None for one article named by
    the file's stem). BadInputError for a file that is none of these formats."""
    if path.suffix.lower() == ".json":
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError) as error:
            raise BadInputError(path, Errors.E020.format(reason=str(error))) from None
        from pipeline.read.biocfiles import complete_json, document_id

        try:
            documents = complete_json(parsed)["documents"]
        except (ValueError, AttributeError, TypeError) as error:
            raise NotLiteratureError(path, Errors.E020.format(reason=str(error))) from None
        return "bioc-json", [i for i in (document_id(str(d.get("id", ""))) for d in documents) if i]
    from pipeline.read.xmlsource import parse_xml
    from pipeline.xmltree import children, local_name

    xml = parse_xml(path, data, locate_text=False)
    root = local_name(xml.root)
    if root == "article":
        return "jats", None
    if root in ("PubmedArticleSet", "PubmedArticle"):
        from pipeline.read.medline import member_ids

        return "medline", member_ids(xml.root)
    if root == "collection":
        from pipeline.read.biocfiles import document_id

        ids = []
        for document in children(xml.root, "document"):
            found = children(document, "id")
            doc_id = document_id(found[0].text if found else None)
            if doc_id:
                ids.append(doc_id)
        return "bioc-xml", ids
    raise NotLiteratureError(path, Errors.E018.format(found=f"root element <{root}>"))


def members(path: Path) -> list[str] | None:
    """The ids of the articles a literature file holds (None: one, named by the stem)."""
    return sniff(path, path.read_bytes())[1]


CACHED_FILES = 4
_readings: OrderedDict[tuple[str, str], dict[str, ArticleReading]] = OrderedDict()


def readings(path: str, data: bytes) -> dict[str, ArticleReading]:
    """Every article of the file, read once for the last few files."""
    key = (path, hashlib.sha256(data).hexdigest())
    if key not in _readings:
        _readings[key] = read_articles(path, data)
        while len(_readings) > CACHED_FILES:
            _readings.popitem(last=False)
    return _readings[key]


def read_articles(path: str, data: bytes) -> dict[str, ArticleReading]:
    kind, _ = sniff(Path(path), data)
    if kind == "medline":
        from pipeline.read.medline import read_medline

        return read_medline(path, data)
    if kind in ("bioc-xml", "bioc-json"):
        from pipeline.read.biocfiles import read_bioc

        return read_bioc(path, data, as_json=kind == "bioc-json")
    from pipeline.read.jats import read_jats

    return {"": read_jats(path, data, doc_id="")}


def read_literature(path: Path, data: bytes, member: str | None, doc_id: str) -> ArticleReading:
    """The article ``member`` of the file (its only article when None), as ``doc_id``."""
    found = readings(str(path), data)
    if member is None:
        if len(found) != 1:
            raise BadInputError(path, Errors.E019.format(
                member=doc_id, known=", ".join(sorted(found)) or "none"))
        reading = next(iter(found.values()))
    elif member in found:
        reading = found[member]
    else:
        raise BadInputError(path, Errors.E019.format(member=member,
                                                     known=", ".join(sorted(found)) or "none"))
    return ArticleReading(**{**reading.__dict__, "doc_id": doc_id})
