"""A run's head start: what a process of the run starts before it is needed."""

import os
import subprocess
import sys

import psutil

from tests.conftest import ROOT

POOL_WORKER = """
from flows.start import pool_worker_start
from pipeline.worker import POOL, READY

pool_worker_start()
POOL.started_ahead()
(worker,) = POOL.idle
assert worker.connection.poll(120) and worker.connection.recv() == READY
print(worker.process.pid)
"""


def test_a_task_runners_worker_process_starts_its_document_worker_at_once_which_ends_with_it():
    """Before any chunk: the ``processes`` runner's initializer has a document worker
    loading the tagger (it says it is ready), and the worker ends with the process."""
    done = subprocess.run([sys.executable, "-c", POOL_WORKER], cwd=ROOT, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    worker = int(done.stdout.split()[-1])
    try:
        psutil.Process(worker).wait(timeout=30)  # raises TimeoutExpired if it lives on
    except psutil.NoSuchProcess:
        pass
    assert not psutil.pid_exists(worker)


PROCESSES_AHEAD = """
import sys
from pathlib import Path

from flows.start import AHEAD, head_start

raw, out, use = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "run"
with head_start(1, "processes", 1):
    (ahead,) = AHEAD
    pid = ahead.executor.submit(__import__("os").getpid).result(timeout=120)
    if use:
        from flows.ingest import run_ingest

        summary = run_ingest([str(raw)], out, workers=1, runner="processes")
        assert not AHEAD, "the flow's task runner did not take the pool"
        print(summary.done, summary.task_runner)
print(pid)
"""


def run_processes_ahead(tmp_path, use: str) -> list[str]:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "report.txt").write_text(
        "A 61-year-old man with lung adenocarcinoma harbouring an EML4-ALK fusion received "
        "alectinib and had a partial response.\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    done = subprocess.run([sys.executable, "-c", PROCESSES_AHEAD, str(raw), str(tmp_path / "out"),
                           use], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def gone(pid: int) -> bool:
    try:
        psutil.Process(pid).wait(timeout=30)
    except psutil.NoSuchProcess:
        pass
    return not psutil.pid_exists(pid)


def test_a_processes_run_takes_over_the_worker_process_started_ahead_which_ends_with_it(
        tmp_path):
    """The ``processes`` runner's worker process, started before Prefect is imported, is
    the flow's: its task runner takes the pool over (none is left), the document is
    extracted, and the process is gone once the run is."""
    done, runner, pid = run_processes_ahead(tmp_path, "run")
    assert (done, runner) == ("1", "processes")
    assert (tmp_path / "out" / "report.json").exists()
    assert gone(int(pid))


def test_a_worker_process_started_ahead_for_a_run_that_never_starts_its_flow_is_stopped(
        tmp_path):
    (pid,) = run_processes_ahead(tmp_path, "skip")
    assert gone(int(pid))


def test_a_processes_runs_tasks_carry_the_runs_settings_as_built(prefect_harness):
    """What the ``processes`` runner sends with each task: Prefect's context and
    environment, with the run's settings as built (a worker process only unpickles them)
    rather than dumped to a dict it builds them from again; the worker's settings within
    the task's context are the run's."""
    import cloudpickle
    from prefect.context import get_settings_context, hydrated_context
    from prefect.settings import PREFECT_API_URL, Settings

    from flows.ingest import context_for_workers

    context, environment = context_for_workers()
    sent = cloudpickle.loads(cloudpickle.dumps(context))
    assert isinstance(sent["settings_context"]["settings"], Settings)
    assert environment["PREFECT_API_URL"] == PREFECT_API_URL.value()
    run_settings = get_settings_context().settings
    with hydrated_context(sent):
        assert get_settings_context().settings == run_settings
        assert PREFECT_API_URL.value() == run_settings.api.url
