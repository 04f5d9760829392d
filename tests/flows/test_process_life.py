"""Nothing a run starts outlives it: its Prefect API server and the document workers end
with it, however it ends (SIGTERM, or its process killed outright), also
while a worker is busy on a document."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest

from flows.settings import healthy
from pipeline.faults import STALL_AT
from pipeline.worker import PROCESS_NAME
from tests.flows.conftest import case_report, start_run, write_reports

pytestmark = [pytest.mark.flow, pytest.mark.faults]



def own_api_env(tmp_path) -> dict[str, str]:
    """No API named: the run starts its own Prefect server, which must end with it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    return env


def busy_run(tmp_path, env):
    """A run with a document worker busy on a report it never finishes reading (a stall
    point); returns it and every process of its tree."""
    raw = write_reports(tmp_path / "raw", 2)
    (raw / "zz_slow.txt").write_text(case_report(2))  # a worker is busy with it when stopped
    run = start_run([str(raw), "--out", str(tmp_path / "out"), "--workers", "1"],
                    {**env, STALL_AT: "read:zz_slow.txt"})
    journal = tmp_path / "out" / "_journal.jsonl"
    while not journal.is_file() or journal.read_text().count("report") < 2:
        assert run.poll() is None, run.communicate()[0]
        time.sleep(0.2)
    time.sleep(1)  # the worker is on the slow text now
    tree = psutil.Process(run.pid).children(recursive=True)
    assert PROCESS_NAME in [process.name() for process in tree]  # a document worker
    return run, tree


def commands(processes) -> str:
    return " ".join(" ".join(process.cmdline()) for process in processes)


def gone(processes, within: float = 30.0) -> str:
    """The commands of the processes still running after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        left = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not left or time.monotonic() > deadline:
            return commands(left)
        time.sleep(0.2)


def test_sigterm_ends_the_run_and_all_it_started(tmp_path, cli_env):
    """``timeout 300 caselit run`` once left a run tokenizing at 100% CPU for 30 minutes."""
    run, tree = busy_run(tmp_path, cli_env)
    run.send_signal(signal.SIGTERM)
    printed, _ = run.communicate(timeout=60)
    assert run.returncode == 128 + signal.SIGTERM, printed
    assert "stopped by SIGTERM: the documents finished before it are committed" in printed
    assert gone(tree) == ""


def test_a_run_killed_outright_leaves_nothing_behind(tmp_path):
    """Its own Prefect API included (a server process of its own, it once answered on,
    with two workers; now a thread of the run)."""
    run, tree = busy_run(tmp_path, own_api_env(tmp_path))
    ports = [connection.laddr.port for connection in psutil.Process(run.pid).net_connections()
             if connection.status == psutil.CONN_LISTEN]
    assert any(healthy(f"http://127.0.0.1:{port}/api") for port in ports)
    run.kill()  # SIGKILL to the run's process alone: no clean-up of its own
    run.wait()
    assert gone(tree) == ""
    assert not any(healthy(f"http://127.0.0.1:{port}/api") for port in ports)
