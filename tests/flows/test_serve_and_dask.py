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
        # the next cron minute, then a flow run: on a loaded machine that can take minutes
        deadline = time.monotonic() + 300
        while not (out / "new_report.json").is_file() and time.monotonic() < deadline:
            time.sleep(2)
        assert (out / "new_report.json").is_file(), "no record five minutes after the drop"
    finally:
        serving.send_signal(signal.SIGTERM)
        serving.wait(120)
    assert serving.returncode is not None
    assert server_pid is not None and not alive(server_pid), "the Prefect server outlived serve"
    runs = [json.loads(line) for line in (out / "_runs.jsonl").read_text().splitlines()]
    assert runs[0]["done"] == 1 and runs[0]["failures"] == []


@pytest.mark.faults
def test_serve_killed_outright_leaves_no_server_behind(tmp_path):
    """kill -9 of serve used to leave its Prefect server answering, orphaned."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    serving = subprocess.Popen(
        [sys.executable, "-m", "caselit.cli", "serve", str(tmp_path), "--out",
         str(tmp_path / "out")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    line = serving.stdout.readline()
    match = re.search(r"started here, pid (\d+)", line)
    assert match, line + (serving.stdout.read() if serving.poll() is not None else "")
    serving.kill()
    serving.wait()
    server, deadline = int(match.group(1)), time.monotonic() + 30
    while alive(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(server), "the Prefect server outlived serve"


def test_the_flow_on_processes_and_a_local_dask_cluster_gives_the_same_extractions(
        prefect_harness, tmp_path):
    from flows.ingest import run_ingest

    outputs = {}
    for runner in ("threads", "processes", "dask"):
        out = tmp_path / runner
        summary = run_ingest([str(SEEDS)], str(out), runner=runner, workers=2)
        assert (summary.done, summary.failed, summary.task_runner) == (5, 0, runner)
        outputs[runner] = {path.name: json.loads(path.read_text()) for path in out.glob("0*.json")}
        for record in outputs[runner].values():
            record.pop("run")  # when and how long: differs by design
    assert len(outputs["dask"]) == 5 and outputs["dask"] == outputs["threads"]
    assert outputs["processes"] == outputs["threads"]


def test_worker_processes_report_to_the_runs_one_prefect_server(tmp_path):
    """Without a server named, each worker process would start its own ephemeral Prefect
    server (about 225 MB each, all writing one SQLite file); the run's own API is a thread
    of the run."""
    import psutil

    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(seed, raw / seed.name)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    log = tmp_path / "run.log"
    with log.open("w") as printed:
        run = subprocess.Popen([sys.executable, "-m", "caselit.cli", "run", str(raw), "--out",
                                str(tmp_path / "out"), "--task-runner", "processes",
                                "--workers", "2"],
                               cwd=ROOT, env=env, stdout=printed, stderr=subprocess.STDOUT)
    servers = set()
    while run.poll() is None:
        try:
            tree = psutil.Process(run.pid).children(recursive=True)
            # one Prefect starts by itself (its prefect.server.api.server): an app factory
            # served by uvicorn; the run's own is a thread of the run
            servers |= {p.pid for p in tree if ":create_app" in " ".join(p.cmdline())}
        except psutil.Error:  # a process ended while being read
            pass
        time.sleep(0.1)
    printed = log.read_text()
    assert run.returncode == 0, printed
    assert re.search(r"task runner\s*│\s*processes", printed)
    assert len(list((tmp_path / "out").glob("0*.json"))) == 2
    assert not servers


def test_auto_runs_on_threads_whose_document_workers_use_every_core():
    from flows.start import choose_runner

    assert choose_runner("auto") == "threads"
    assert choose_runner("dask") == "dask" and choose_runner("processes") == "processes"
