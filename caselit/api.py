"""caselit's Python API, for notebooks and scripts: no CLI, no flow, no output folder.

    import caselit

    record = caselit.extract("raw/imt_alk_child.txt")        # a file ...
    record = caselit.extract("A 54-year-old man with ...")   # ... or a report's text
    record.cases[0].therapies, record.genes, record.mentions[0].sentence

    record, doc = caselit.extract_with_doc("report.xml")     # and the spaCy Doc
    [(span.text, span.label_) for span in doc.spans["caselit"]]

    records = caselit.extract_articles("pubmed_result.xml")  # every article of a file
    document = caselit.read("PMC9900001.xml")                # the read Document only
    bioc_xml = caselit.export("extracted", "bioc-xml")       # an output folder as BioC
    caselit.fetch_pubmed("ALK fusion case report", "raw")    # PubMed -> raw/PMID<n>.xml

Sources are a path (``str`` or ``Path``) or a report's text: a ``str`` holding no line
break that ends with a suffix caselit reads (``.txt``, ``.pdf``, ``.xml``, ``.json``) is a
path, and one that names no file is an error, never read as text. Everything returned is
the pipeline's own models (``pipeline.schema``): offsets are character offsets into the
document's text, end exclusive.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import BadInputError, Errors
from pipeline.schema import Document, Extraction

__all__ = ["export", "extract", "extract_articles", "extract_with_doc", "fetch_pmc",
           "fetch_pubmed", "read"]

SPAN_KEY = "caselit"  # doc.spans[SPAN_KEY]: every mention, labelled by its type


def as_path(source: str | Path) -> Path | None:
    """The file ``source`` names, None for a report's text; FileNotFoundError for a
    path-like string that names no file."""
    from pipeline.read import SUPPORTED_SUFFIXES

    if isinstance(source, Path):
        path = source
    elif "\n" not in source and source.strip().lower().endswith(SUPPORTED_SUFFIXES):
        path = Path(source.strip())
    else:
        return None
    if not path.is_file():
        raise FileNotFoundError(Errors.E506.format(path=path))
    return path


def read(source: str | Path, doc_id: str = "text") -> Document:
    """The read Document of a file (its only or first article) or of a report's text
    (named ``doc_id``)."""
    from pipeline.read import read_document, read_text

    path = as_path(source)
    return read_text(str(source), doc_id) if path is None else read_document(path)


def extract(source: str | Path, doc_id: str = "text") -> Extraction:
    """The extraction of a file or a report's text: gold-shaped fields, case records,
    every mention with its provenance. A file of several articles (MEDLINE, BioC) is an
    error naming them: see :func:`extract_articles`."""
    from pipeline.extract import extract_read
    from pipeline.tag import tagger_fingerprint

    return extract_read(single(source, doc_id), tagger_fingerprint())


def extract_with_doc(source: str | Path, doc_id: str = "text"):
    """(the extraction, the tagged spaCy Doc); ``doc.spans["caselit"]`` holds every
    mention as a span labelled by its type (``gene``, ``drug``, ``variant``...)."""
    from pipeline.assemble import assemble
    from pipeline.tag import tag_with_doc, tagger_fingerprint

    document = single(source, doc_id)
    doc, mentions = tag_with_doc(document)
    spans = [doc.char_span(m.start, m.end, label=m.type, alignment_mode="expand")
             for m in mentions]
    doc.spans[SPAN_KEY] = [span for span in spans if span is not None]
    return assemble(document, mentions, fingerprint=tagger_fingerprint()), doc


def extract_articles(path: str | Path) -> list[Extraction]:
    """The extraction of every article of a file (one for a text, PDF or JATS file)."""
    from pipeline.extract import extract
    from pipeline.read import sources_of
    from pipeline.tag import tagger_fingerprint

    found = as_path(path if isinstance(path, Path) else str(path))
    if found is None:
        raise FileNotFoundError(Errors.E506.format(path=path))
    fingerprint = tagger_fingerprint()
    return [extract(source, fingerprint)[1] for source in sources_of(found)]


def single(source: str | Path, doc_id: str) -> Document:
    from pipeline.read import read_document, read_text, sources_of

    path = as_path(source)
    if path is None:
        return read_text(str(source), doc_id)
    sources = sources_of(path)
    if len(sources) > 1:
        raise BadInputError(path, Errors.E023.format(count=len(sources), ids=", ".join(
            s.doc_id for s in sources[:5]) + (", ..." if len(sources) > 5 else "")))
    return read_document(sources[0])


def export(out_dir: str | Path, fmt: str) -> str:
    """An output folder's records as ``bioc-xml``, ``bioc-json`` or ``pubtator`` text."""
    from pipeline.export import export_folder

    return export_folder(out_dir, fmt)


def fetch_pubmed(query: str, folder: str | Path, *, since: str | None = None,
                 max_results: int = 20, base_url: str | None = None):
    """The newest articles of a PubMed query into ``folder`` (see ``caselit fetch``)."""
    from pipeline.sources import client_for, fetch_pubmed as fetch

    return fetch(query, folder, since=since, max_results=max_results,
                 client=client_for(base_url))


def fetch_pmc(ids: list[str], folder: str | Path, *, base_url: str | None = None):
    """PMC articles as JATS into ``folder`` (see ``caselit fetch pmc``)."""
    from pipeline.sources import client_for, fetch_pmc as fetch

    return fetch(ids, folder, client=client_for(base_url))
