"""Shared fixtures: reference data from ../shared, no network, one Prefect harness."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA_DIR = SHARED / "data"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
PDFS = SHARED / "pdfs"

# Reference data is read from ../shared (never copied into the project); fail loudly,
# not skip, when it is missing: CI always has it beside the clone.
os.environ.setdefault("CASELIT_DATA_DIR", str(DATA_DIR))
# Prefect keeps its state inside the project during tests, as in normal runs.
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect" / "tests"))


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: resolving it is already a network look-up


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Any connection off this machine fails the test: nothing may phone home."""
    original_connect = socket.socket.connect
    original_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise AssertionError(f"network access attempted: {address!r}")
        return original_connect(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None and not _is_loopback(host if isinstance(host, str) else host.decode()):
            raise AssertionError(f"name look-up attempted: {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.getaddrinfo = guarded_getaddrinfo
    yield
    socket.socket.connect = original_connect
    socket.getaddrinfo = original_getaddrinfo


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One embedded Prefect API for every flow test (starting one costs seconds)."""
    results = tmp_path_factory.mktemp("prefect-results")
    os.environ["PREFECT_RESULTS_LOCAL_STORAGE_PATH"] = str(results)
    import flows  # noqa: F401  (offline settings before Prefect is imported)
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def gene_lexicon():
    from pipeline.lexicons import gene_lexicon as load

    return load()


@pytest.fixture(scope="session")
def drug_lexicon():
    from pipeline.lexicons import drug_lexicon as load

    return load()


@pytest.fixture(scope="session")
def nlp():
    from pipeline.tag import load_tagger

    return load_tagger()


@pytest.fixture
def report_text() -> str:
    """A short case report written for these tests (fictional patient)."""
    return (
        "Crizotinib resistance in EML4-ALK lung cancer\n"
        "\n"
        "Abstract\n"
        "We report a 58-year-old woman with anaplastic lymphoma kinase (ALK) positive "
        "lung adenocarcinoma.\n"
        "\n"
        "Case presentation\n"
        "A 58-year-old woman presented with dyspnoea. Sequencing showed an EML4-ALK fusion. "
        "She received crizotinib with a partial response. At progression, NGS found "
        "ALK c.3604G>A (p.Gly1202Arg), and she was switched to lorlatinib.\n"
        "\n"
        "References\n"
        "1. Someone A. Alectinib versus crizotinib. J Example 2019;1:1-2.\n"
    )
