"""A run killed with SIGKILL to its whole process group, at its worst moments, then run
again: the same records and tables as a run never killed, and only the unfinished
documents done again.

The kill comes from the run itself at a named point (``CASELIT_CRASH_AT``, see
:mod:`pipeline.faults`): after the third document is committed (mid-extraction), with one
document's table parts replaced and the later ones not (the table update, on new tables
and on tables where only changed documents are rewritten), with the compacted manifest
written but not yet renamed (the manifest write).
"""

from __future__ import annotations

import gzip
import json
import shutil
import signal

import pandas as pd
import pytest

from flows.ingest import run_ingest
from pipeline.store import TABLES, Manifest
from tests.flows.conftest import start_run, write_reports

pytestmark = [pytest.mark.flow, pytest.mark.faults]

REPORTS = 8


def records(out):
    """Every record and document copy, without the time of the run that made it."""
    found = {}
    for path in sorted(out.glob("*.json")) + sorted((out / "_documents").glob("*.json")):
        if not path.name.startswith("_"):
            data = json.loads(path.read_text())
            data.pop("run", None)
            found[f"{path.parent.name}/{path.name}"] = data
    return found


def tables(out):
    return {f"{name}{suffix}": (pd.read_parquet(out / f"{name}.parquet") if suffix == ".parquet"
                                else gzip.decompress((out / f"{name}.csv.gz").read_bytes()))
            for name in TABLES for suffix in (".parquet", ".csv.gz")}


def assert_same_output(out, clean):
    assert records(out) == records(clean)
    assert not list(out.rglob("*.tmp"))  # nothing half-written is left
    for name, table in tables(clean).items():
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(tables(out)[name], table)
        else:
            assert tables(out)[name] == table, name


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory, prefect_harness):
    """The output of one uninterrupted run over the reports."""
    folder = tmp_path_factory.mktemp("clean")
    raw = write_reports(folder / "raw", REPORTS)
    summary = run_ingest([str(raw)], str(folder / "out"), workers=2)
    assert summary.done == REPORTS
    return raw, folder / "out"


def killed_run(raw, out, env, point):
    run = start_run([str(raw), "--out", str(out), "--workers", "2"],
                    {**env, "CASELIT_CRASH_AT": point})
    printed, _ = run.communicate(timeout=300)
    assert run.returncode == -signal.SIGKILL, printed


@pytest.mark.parametrize("point", ["commit:3", "manifest"])
def test_a_run_killed_mid_extraction_or_in_its_manifest_write_is_finished_by_the_next(
        clean_run, tmp_path, cli_env, point):
    raw, clean = clean_run
    out = tmp_path / "out"
    killed_run(raw, out, cli_env, point)
    committed = set(Manifest.load(out).entries)
    assert 3 <= len(committed) <= REPORTS
    again = run_ingest([str(raw)], str(out), workers=2)
    assert {o.doc_id for o in again.outcomes} == {f"report{i:02d}" for i in range(REPORTS)} - committed
    assert again.skipped == len(committed) and again.failed == 0
    assert_same_output(out, clean)
    assert not (out / "_journal.jsonl").exists()


def test_a_run_killed_while_replacing_older_tables_is_rebuilt_by_the_next(clean_run, tmp_path,
                                                                          cli_env):
    raw, clean = clean_run
    out = tmp_path / "out"
    run_ingest([str(path) for path in sorted(raw.iterdir())[:5]], str(out), workers=2)
    cases_before = len(pd.read_parquet(out / "cases.parquet"))
    killed_run(raw, out, cli_env, "tables")
    # the kill left one new table beside older ones
    assert len(pd.read_parquet(out / "cases.parquet")) > cases_before
    assert len(pd.read_parquet(out / "mentions.parquet")) < len(pd.read_parquet(clean / "mentions.parquet"))
    again = run_ingest([str(raw)], str(out), workers=2)
    assert (again.done, again.skipped, again.tables_rebuilt) == (0, REPORTS, True)
    assert_same_output(out, clean)


def test_a_run_killed_while_updating_the_rows_of_changed_documents_is_finished_by_the_next(
        clean_run, tmp_path, cli_env):
    raw, _ = clean_run
    raw = shutil.copytree(raw, tmp_path / "raw")
    out = tmp_path / "out"
    run_ingest([str(raw)], str(out), workers=2)
    changed = ["report02", "report05"]
    for doc_id in changed:
        path = raw / f"{doc_id}.txt"
        path.write_text(path.read_text().replace("cough", "dyspnoea and weight loss"))
    killed_run(raw, out, cli_env, "tables")
    # the kill came with the first changed document's rows replaced, the second's not
    mentions = pd.read_parquet(out / "mentions.parquet")
    assert "dyspnoea" in " ".join(mentions[mentions.doc_id == "report02"].sentence)
    assert "dyspnoea" not in " ".join(mentions[mentions.doc_id == "report05"].sentence)
    again = run_ingest([str(raw)], str(out), workers=2)
    assert (again.done, again.skipped, again.tables_rebuilt) == (0, REPORTS, True)
    uninterrupted = tmp_path / "uninterrupted" / "out"  # records are compared by folder name
    run_ingest([str(raw)], str(uninterrupted), workers=2)
    assert_same_output(out, uninterrupted)
