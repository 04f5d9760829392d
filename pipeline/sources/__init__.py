"""Sources stage: literature fetched from NCBI E-utilities into an input folder.

Front doors: :func:`fetch_pubmed` (a PubMed query: esearch, then efetch), :func:`fetch_pmc`
(PMC ids), :func:`fetch_new` (what each query found since its last fetch: a scheduled
cycle). Each article becomes one file named by its id, the id ``caselit run`` gives its
document: ``PMID<n>.xml`` for a PubMed article (its JATS full text when PMC has the article
open access, with a body; else its PubMed record), ``PMC<n>.xml`` for a PMC article.
Already-fetched ids are skipped: a file of that name in the folder, or a document of that
id in the output folder's manifest. Files are written atomically. An efetch that fails
after its retries fails the ids it asked for (each listed with the reason), and the
others go on; an esearch that fails stops the fetch (nothing to go on with).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pipeline.atomic import atomic_write_bytes, atomic_write_text
from pipeline.errors import Errors, FetchError
from pipeline.settings import NcbiSettings
from pipeline.sources.eutils import EUtils

__all__ = ["EUtils", "Fetched", "client_for", "fetch_new", "fetch_pmc", "fetch_pubmed",
           "fetched_ids"]

EFETCH_BATCH = 100
FETCH_STATE = "_fetch.json"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
PMC_ID = re.compile(r"^(?:PMC)?(\d+)$", re.IGNORECASE)
SINCE = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})$")


@dataclass(frozen=True)
class Fetched:
    """What became of one id."""

    id: str
    status: Literal["fetched", "skipped", "failed"]
    path: str | None = None
    form: Literal["jats", "pubmed"] | None = None
    reason: str = ""


def client_for(base_url: str | None = None) -> EUtils:
    settings = NcbiSettings.from_env()
    if base_url:
        settings = NcbiSettings(base_url=base_url.rstrip("/"), api_key=settings.api_key,
                                email=settings.email, retries=settings.retries,
                                backoff=settings.backoff)
    return EUtils(settings)


def fetched_ids(folder: Path, extracted: Path | None = None) -> set[str]:
    """Ids already fetched into ``folder`` or extracted into ``extracted``."""
    from pipeline.store import Manifest

    known = {path.stem for path in folder.glob("*.xml")} if folder.is_dir() else set()
    if extracted is not None and extracted.is_dir():
        known |= set(Manifest.load(extracted).entries)
    return known


def parse_answer(body: bytes, what: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError as error:
        raise FetchError(Errors.E511.format(what=what, reason=f"not XML ({error})")) from None


def element_bytes(element) -> bytes:
    from lxml import etree

    return XML_DECLARATION + etree.tostring(element, encoding="utf-8")


def pubmed_records(body: bytes) -> dict[str, tuple[bytes, str | None]]:
    """PMID -> (the article as a one-article PubmedArticleSet, its PMCID or None)."""
    from lxml import etree

    from pipeline.xmltree import descendants, first

    root = parse_answer(body, "efetch from pubmed")
    records = {}
    for article in descendants(root, "PubmedArticle"):
        pmid = first(article, "MedlineCitation/PMID")
        if pmid is None or not (pmid.text or "").strip():
            continue
        pmcid = next(((node.text or "").strip() for node in descendants(article, "ArticleId")
                      if node.get("IdType") == "pmc"), None)
        wrapper = etree.Element("PubmedArticleSet")
        wrapper.append(article)
        records[pmid.text.strip()] = (element_bytes(wrapper), pmcid or None)
    return records


def pmc_articles(body: bytes) -> dict[str, tuple[bytes, bool]]:
    """PMCID -> (the JATS article, whether it has a body: the full text is open)."""
    from pipeline.xmltree import children, descendants, first

    root = parse_answer(body, "efetch from pmc")
    articles = {}
    for article in descendants(root, "article"):
        meta = first(article, "front/article-meta")
        ids = {node.get("pub-id-type"): (node.text or "").strip()
               for node in (children(meta, "article-id") if meta is not None else [])}
        number = PMC_ID.match(ids.get("pmc") or ids.get("pmcid") or ids.get("pmcaid") or "")
        if number:
            articles[f"PMC{number.group(1)}"] = (element_bytes(article),
                                                 first(article, "body") is not None)
    return articles


def batches(ids: list[str]) -> list[list[str]]:
    return [ids[start:start + EFETCH_BATCH] for start in range(0, len(ids), EFETCH_BATCH)]


def write_article(folder: Path, doc_id: str, data: bytes, form: str) -> Fetched:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc_id}.xml"
    atomic_write_bytes(path, data)
    return Fetched(doc_id, "fetched", str(path), form)


def fetch_pubmed(query: str, folder: str | Path, *, since: str | None = None,
                 max_results: int = 20, extracted: str | Path | None = None,
                 client: EUtils | None = None) -> list[Fetched]:
    """The newest ``max_results`` PubMed articles matching ``query`` (entered since
    ``since``, YYYY-MM-DD or YYYY/MM/DD), each as ``PMID<n>.xml`` in ``folder``."""
    folder = Path(folder)
    client = client or client_for()
    pmids = client.esearch(query, retmax=max_results, since=since_date(since))
    known = fetched_ids(folder, Path(extracted) if extracted else None)
    results = [Fetched(f"PMID{p}", "skipped", reason="already fetched")
               for p in pmids if f"PMID{p}" in known]
    for batch in batches([p for p in pmids if f"PMID{p}" not in known]):
        try:
            records = pubmed_records(client.efetch("pubmed", batch))
            open_access = {pmid: pmcid for pmid, (_, pmcid) in records.items() if pmcid}
            full_texts = (pmc_articles(client.efetch("pmc", [PMC_ID.match(p).group(1) for p in
                                                             open_access.values()
                                                             if PMC_ID.match(p)]))
                          if open_access else {})
        except FetchError as error:
            results += [Fetched(f"PMID{p}", "failed", reason=str(error)) for p in batch]
            continue
        for pmid in batch:
            doc_id = f"PMID{pmid}"
            if pmid not in records:
                results.append(Fetched(doc_id, "failed", reason=Errors.E511.format(
                    what="efetch from pubmed", reason="the answer has no such article")))
                continue
            record, pmcid = records[pmid]
            article, has_body = full_texts.get((pmcid or "").upper(), (None, False))
            if article is not None and has_body:
                results.append(write_article(folder, doc_id, article, "jats"))
            else:
                results.append(write_article(folder, doc_id, record, "pubmed"))
    return results


def fetch_pmc(ids: list[str], folder: str | Path, *, extracted: str | Path | None = None,
              client: EUtils | None = None) -> list[Fetched]:
    """PMC articles as JATS, each as ``PMC<n>.xml`` in ``folder``."""
    folder = Path(folder)
    client = client or client_for()
    known = fetched_ids(folder, Path(extracted) if extracted else None)
    results, wanted = [], []
    for raw in ids:
        number = PMC_ID.match(raw.strip())
        if number is None:
            results.append(Fetched(raw, "failed", reason=Errors.E511.format(
                what=raw, reason="not a PMC id (PMC followed by digits)")))
        elif f"PMC{number.group(1)}" in known:
            results.append(Fetched(f"PMC{number.group(1)}", "skipped", reason="already fetched"))
        else:
            wanted.append(number.group(1))
    for batch in batches(wanted):
        try:
            articles = pmc_articles(client.efetch("pmc", batch))
        except FetchError as error:
            results += [Fetched(f"PMC{n}", "failed", reason=str(error)) for n in batch]
            continue
        for number in batch:
            doc_id = f"PMC{number}"
            if doc_id in articles:
                results.append(write_article(folder, doc_id, articles[doc_id][0], "jats"))
            else:
                results.append(Fetched(doc_id, "failed", reason=Errors.E511.format(
                    what="efetch from pmc", reason="the answer has no such article")))
    return results


def since_date(text: str | None) -> str | None:
    if not text:
        return None
    match = SINCE.match(text.strip())
    if match is None:
        raise ValueError(Errors.E511.format(what=f"--since {text!r}",
                                            reason="a date is needed, YYYY-MM-DD"))
    return "/".join(match.groups())


def fetch_new(queries: list[str], folder: str | Path, out_dir: str | Path, *,
              max_results: int = 20, client: EUtils | None = None) -> list[Fetched]:
    """One scheduled cycle: for each query, the articles entered since its last cycle
    (``<out_dir>/_fetch.json`` keeps the date of each query's last fetch), into
    ``folder``; ids already fetched or extracted are skipped. A query whose search fails
    is listed as failed and keeps its date: the cycle ingests what it has."""
    out_dir = Path(out_dir)
    state_path = out_dir / FETCH_STATE
    try:
        before = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    state = dict(before)
    client = client or client_for()
    today = datetime.now(timezone.utc).strftime("%Y/%m/%d")
    results = []
    for query in queries:
        try:
            results += fetch_pubmed(query, folder, since=state.get(query),
                                    max_results=max_results, extracted=out_dir, client=client)
        except FetchError as error:  # the next cycle asks again from the same date
            results.append(Fetched(query, "failed", reason=str(error)))
            continue
        state[query] = today
    if state != before:
        out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(state_path, json.dumps(state, indent=1, sort_keys=True))
    return results
