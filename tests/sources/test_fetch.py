"""``caselit fetch`` against a loopback HTTP server (pytest-httpserver) serving fictional
E-utilities answers written for these tests (fixtures/); NCBI is never called."""

import json
import time
from pathlib import Path

import pytest

from caselit.cli import main
from pipeline.read import discover, read_document
from pipeline.schema import SourceFile
from pipeline.settings import NcbiSettings
from pipeline.sources import EUtils
from pipeline.store import Manifest, commit

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setenv("CASELIT_NCBI_BACKOFF", "0.05")
    monkeypatch.delenv("CASELIT_NCBI_API_KEY", raising=False)
    monkeypatch.setenv("CASELIT_NCBI_EMAIL", "curator@example.org")


def serve_answers(httpserver, pmc="efetch_pmc.xml"):
    """esearch finds two PMIDs; efetch gives their PubMed records and, for the one in
    PMC, its JATS full text."""
    httpserver.expect_request("/esearch.fcgi").respond_with_data(
        (FIXTURES / "esearch.json").read_text(), content_type="application/json")
    httpserver.expect_request("/efetch.fcgi", query_string={
        "db": "pubmed", "id": "99000041,99000042", "retmode": "xml", "tool": "caselit",
        "email": "curator@example.org"}).respond_with_data(
        (FIXTURES / "efetch_pubmed.xml").read_bytes(), content_type="text/xml")
    httpserver.expect_request("/efetch.fcgi", query_string={
        "db": "pmc", "id": "9900041", "retmode": "xml", "tool": "caselit",
        "email": "curator@example.org"}).respond_with_data(
        (FIXTURES / pmc).read_bytes(), content_type="text/xml")


def requests_to(httpserver, tool):
    return [request for request, _ in httpserver.log if request.path == f"/{tool}.fcgi"]


def fetch_pubmed(httpserver, raw, out, *extra):
    return main(["fetch", "pubmed", "ALK fusion case report", "--out", str(raw), "--extracted",
                 str(out), "--base-url", httpserver.url_for("/").rstrip("/"), *extra])


def test_fetch_pubmed_writes_jats_when_open_access_and_the_record_otherwise(httpserver,
                                                                          tmp_path, capsys):
    serve_answers(httpserver)
    raw, out = tmp_path / "raw", tmp_path / "out"
    assert fetch_pubmed(httpserver, raw, out, "--since", "2025-01-31", "--max", "5") == 0
    (search,) = requests_to(httpserver, "esearch")
    assert (search.args["term"], search.args["retmax"], search.args["mindate"],
            search.args["datetype"]) == ("ALK fusion case report", "5", "2025/01/31", "edat")
    assert sorted(p.name for p in raw.iterdir()) == ["PMID99000041.xml", "PMID99000042.xml"]
    assert (raw / "PMID99000041.xml").read_text().count("<article ") == 1  # the full text
    assert "<PubmedArticleSet>" in (raw / "PMID99000042.xml").read_text()
    documents = {s.doc_id: read_document(s) for s in discover([raw]).sources}
    assert sorted(documents) == ["PMID99000041", "PMID99000042"]
    assert documents["PMID99000041"].media_type == "application/jats+xml"
    assert "switched to brigatinib" in documents["PMID99000041"].text
    assert documents["PMID99000042"].media_type == "application/pubmed+xml"
    printed = capsys.readouterr().out
    assert "fetched" in printed and "(jats)" in printed and "(pubmed)" in printed


def test_a_pmc_article_without_its_full_text_is_kept_as_its_pubmed_record(httpserver, tmp_path):
    serve_answers(httpserver, pmc="efetch_pmc_closed.xml")
    raw = tmp_path / "raw"
    assert fetch_pubmed(httpserver, raw, tmp_path / "out") == 0
    assert "<PubmedArticleSet>" in (raw / "PMID99000041.xml").read_text()


def test_a_second_fetch_skips_ids_already_fetched_or_extracted(httpserver, tmp_path, capsys):
    serve_answers(httpserver)
    raw, out = tmp_path / "raw", tmp_path / "out"
    assert fetch_pubmed(httpserver, raw, out) == 0
    fetched = len(requests_to(httpserver, "efetch"))
    assert fetched == 2
    capsys.readouterr()
    assert fetch_pubmed(httpserver, raw, out) == 0
    assert len(requests_to(httpserver, "efetch")) == fetched  # nothing fetched again
    assert capsys.readouterr().out.count("already fetched") == 2
    # an article extracted earlier (in the output folder's manifest) is skipped, though
    # its file is no longer in the folder
    (raw / "PMID99000042.xml").unlink()
    out.mkdir()
    commit(out, SourceFile(path=str(tmp_path / "elsewhere.xml"), doc_id="PMID99000042",
                           sha256="0" * 64, size=1), "fingerprint", "2026-12-01T00:00:00+00:00")
    assert "PMID99000042" in Manifest.load(out).entries
    assert fetch_pubmed(httpserver, raw, out) == 0
    assert len(requests_to(httpserver, "efetch")) == fetched
    assert not (raw / "PMID99000042.xml").exists()


def test_429_and_503_are_retried_with_back_off(httpserver, tmp_path):
    httpserver.expect_ordered_request("/esearch.fcgi").respond_with_data("slow down", status=429)
    httpserver.expect_ordered_request("/esearch.fcgi").respond_with_data("busy", status=503)
    serve_answers(httpserver)
    started = time.monotonic()
    assert fetch_pubmed(httpserver, tmp_path / "raw", tmp_path / "out") == 0
    assert len(requests_to(httpserver, "esearch")) == 3
    assert time.monotonic() - started >= 0.05 + 0.1  # two back-offs, doubling
    assert (tmp_path / "raw" / "PMID99000042.xml").is_file()


def test_an_answer_that_stays_unavailable_fails_with_the_url_and_reason(httpserver, tmp_path,
                                                                         capsys, monkeypatch):
    monkeypatch.setenv("CASELIT_NCBI_RETRIES", "2")
    httpserver.expect_request("/esearch.fcgi").respond_with_data("busy", status=503)
    assert fetch_pubmed(httpserver, tmp_path / "raw", tmp_path / "out") == 2
    error = capsys.readouterr().err.replace("\n", "")
    assert "esearch.fcgi" in error and "HTTP 503" in error and "after 3 attempt(s)" in error
    assert len(requests_to(httpserver, "esearch")) == 3


def test_an_efetch_that_fails_lists_its_ids_as_failed(httpserver, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CASELIT_NCBI_RETRIES", "1")
    httpserver.expect_request("/esearch.fcgi").respond_with_data(
        (FIXTURES / "esearch.json").read_text(), content_type="application/json")
    httpserver.expect_request("/efetch.fcgi").respond_with_data("gone", status=404)
    assert fetch_pubmed(httpserver, tmp_path / "raw", tmp_path / "out") == 1
    printed = capsys.readouterr().out.replace("\n", " ")
    assert printed.count("failed") >= 2 and "HTTP 404" in printed
    assert len(requests_to(httpserver, "efetch")) == 1  # a 404 is not tried again


def test_fetch_pmc_writes_each_article_as_jats_named_by_its_pmcid(httpserver, tmp_path, capsys):
    serve_answers(httpserver)
    raw = tmp_path / "raw"
    assert main(["fetch", "pmc", "PMC9900041", "not-an-id", "--out", str(raw), "--extracted",
                 str(tmp_path / "out"), "--base-url", httpserver.url_for("/").rstrip("/")]) == 1
    assert [p.name for p in raw.iterdir()] == ["PMC9900041.xml"]
    assert "not a PMC id" in capsys.readouterr().out.replace("\n", " ")
    (source,) = discover([raw]).sources
    assert read_document(source).metadata.pmcid == "PMC9900041"


def test_requests_are_spaced_by_the_rate_limit(httpserver):
    httpserver.expect_request("/esearch.fcgi").respond_with_data(
        (FIXTURES / "esearch.json").read_text())
    for key, interval in ((None, 1 / 3), ("a-key", 1 / 10)):
        waits, now = [], [100.0]
        client = EUtils(NcbiSettings(base_url=httpserver.url_for("/").rstrip("/"), api_key=key),
                        sleep=waits.append, clock=lambda: now[0])
        for _ in range(3):
            assert client.esearch("ALK", retmax=2) == ["99000041", "99000042"]
        assert waits == pytest.approx([interval, interval])
    assert requests_to(httpserver, "esearch")[-1].args["api_key"] == "a-key"


@pytest.mark.flow
def test_serve_with_a_query_fetches_then_ingests_once(prefect_harness, httpserver, tmp_path,
                                                      capsys):
    serve_answers(httpserver)
    raw, out = tmp_path / "raw", tmp_path / "out"
    command = ["serve", "--query", "ALK fusion case report", "--raw", str(raw), "--out", str(out),
               "--once", "--base-url", httpserver.url_for("/").rstrip("/")]
    assert main(command) == 0
    records = sorted(p.stem for p in out.glob("*.json") if not p.name.startswith("_"))
    assert records == ["PMID99000041", "PMID99000042"]
    state = json.loads((out / "_fetch.json").read_text())
    since = state["ALK fusion case report"]
    # the next cycle asks only for what is new since this one, and fetches nothing again
    assert main(command) == 0
    last = requests_to(httpserver, "esearch")[-1]
    assert last.args["mindate"] == since and len(requests_to(httpserver, "efetch")) == 2
    assert "skipped (unchanged)" in capsys.readouterr().out


@pytest.mark.flow
def test_the_scheduled_flow_fetches_before_it_plans(prefect_harness, httpserver, tmp_path):
    from flows.ingest import ingest

    serve_answers(httpserver)
    raw, out = tmp_path / "raw", tmp_path / "out"
    summary = ingest([], str(out), queries=["ALK fusion case report"], fetch_dir=str(raw),
                     base_url=httpserver.url_for("/").rstrip("/"))
    assert summary.done == 2 and summary.failed == 0
    assert sorted(o.doc_id for o in summary.outcomes) == ["PMID99000041", "PMID99000042"]


def test_a_cycle_whose_search_fails_lists_the_query_and_keeps_its_date(httpserver, tmp_path,
                                                                      monkeypatch):
    from pipeline.sources import client_for, fetch_new

    monkeypatch.setenv("CASELIT_NCBI_RETRIES", "1")
    httpserver.expect_request("/esearch.fcgi").respond_with_data("busy", status=503)
    out = tmp_path / "out"
    out.mkdir()
    (out / "_fetch.json").write_text(json.dumps({"ALK": "2026/11/30"}))
    (result,) = fetch_new(["ALK"], tmp_path / "raw", out,
                          client=client_for(httpserver.url_for("/").rstrip("/")))
    assert (result.id, result.status) == ("ALK", "failed") and "HTTP 503" in result.reason
    assert json.loads((out / "_fetch.json").read_text()) == {"ALK": "2026/11/30"}
    assert requests_to(httpserver, "esearch")[0].args["mindate"] == "2026/11/30"
