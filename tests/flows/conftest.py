"""Runs of the real command line for the fault-injection tests.

``caselit run`` goes in a process group of its own (so a test can kill the whole run) and
reports to the session's Prefect API, so no run waits for a server of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def case_report(index: int) -> str:
    """A short fictional case report; each index gives a different patient."""
    drugs = ["crizotinib", "alectinib", "lorlatinib", "brigatinib", "ceritinib", "entrectinib"]
    return (
        f"ALK-positive lung adenocarcinoma treated with {drugs[index % len(drugs)]}\n\n"
        "Case presentation\n"
        f"A {40 + index}-year-old woman presented with cough. Sequencing showed an EML4-ALK "
        f"fusion. She received {drugs[index % len(drugs)]} with a partial response and "
        "remains on treatment.\n"
    )


def write_reports(folder: Path, count: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(start, start + count):
        (folder / f"report{index:02d}.txt").write_text(case_report(index))
    return folder


@pytest.fixture
def cli_env(prefect_harness) -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}


def start_run(args: list[str], env: dict[str, str], **options) -> subprocess.Popen:
    """``caselit run ARGS`` in a new session: its process group holds the whole run."""
    return subprocess.Popen([sys.executable, "-m", "caselit.cli", "run", *args], cwd=ROOT,
                            env=env, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **options)
