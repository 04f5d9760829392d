"""Scheduled ingestion against a loopback Prefect server, and the flow on Dask."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, SEEDS

pytestmark = [pytest.mark.flow, pytest.mark.seeds]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_extracts_a_report_dropped_in_the_folder_then_stops_cleanly(tmp_path):
    watched, out = tmp_path / "incoming", tmp_path / "extracted"
    watched.mkdir()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)  # serve starts its own loopback server
    serving = subprocess.Popen(
        [sys.executable, "-m", "caselit.cli", "serve", str(watched), "--out", str(out),
         "--cron", "* * * * *"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server_pid = None
    try:
        line = serving.stdout.readline()  # the first line says it is serving, or why not
        match = re.search(r"Prefect server http://127\.0\.0\.1:\d+/api, started here, pid (\d+)",
                          line)
        assert match, line + serving.stdout.read() if serving.poll() is not None else line
        server_pid = int(match.group(1))
        shutil.copy(SEEDS / "004_dad4986e1671c519.txt", watched / "new_report.txt")
        deadline = time.monotonic() + 120
        while not (out / "new_report.json").is_file() and time.monotonic() < deadline:
            time.sleep(2)
        assert (out / "new_report.json").is_file(), "no record two minutes after the drop"
    finally:
        serving.send_signal(signal.SIGTERM)
        serving.wait(60)
    assert serving.returncode is not None
    assert server_pid is not None and not alive(server_pid), "the Prefect server outlived serve"
    runs = [json.loads(line) for line in (out / "_runs.jsonl").read_text().splitlines()]
    assert runs[0]["done"] == 1 and runs[0]["failures"] == []


def test_the_flow_on_a_local_dask_cluster_gives_the_same_extractions(prefect_harness, tmp_path):
    from flows.ingest import run_ingest

    outputs = {}
    for runner in ("threads", "dask"):
        out = tmp_path / runner
        summary = run_ingest([str(SEEDS)], str(out), runner=runner, workers=2)
        assert (summary.done, summary.failed) == (5, 0)
        outputs[runner] = {path.name: json.loads(path.read_text()) for path in out.glob("0*.json")}
        for record in outputs[runner].values():
            record.pop("run")  # when and how long: differs by design
    assert len(outputs["dask"]) == 5 and outputs["dask"] == outputs["threads"]
