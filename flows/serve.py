"""Scheduled ingestion: the ingest flow served as a Prefect deployment on a cron schedule.

Prefect's embedded (ephemeral) API cannot fire schedules, so :func:`serve` uses the
server named by ``PREFECT_API_URL``, or starts ``prefect server start`` on 127.0.0.1
(SQLite in the Prefect home), waits until it answers, and stops it on the way out, also
on SIGTERM or SIGINT; if serve is killed outright, its reaper stops the server
(:mod:`pipeline.lifeline`). Each scheduled run is the same incremental flow as
``caselit run``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Callable, Iterator

from flows.settings import free_port, healthy
from pipeline.lifeline import reaper, stopped_by_signals

DEPLOYMENT = "caselit-scheduled-ingest"
HEALTH_TIMEOUT = 120.0  # seconds; a first start on an empty home took 17 s here
# A server started here schedules and a runner picks up runs within seconds, not the
# default minute: a report dropped in the folder is extracted at the next cron tick.
LOCAL_SERVER_ENV = {"PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5"}
RUNNER_ENV = {"PREFECT_RUNNER_POLL_FREQUENCY": "5"}
# How long the runner's flow runs are given to end once serving stops: a run stopped then
# reports its final state to the server, which must still be up to answer (stopped
# first, the run's Prefect client retried its call for minutes and serve waited on it)
FLOW_RUN_GRACE = 60.0  # seconds


def end_flow_runs(grace: float) -> None:
    """Wait up to ``grace`` seconds for the flow runs the runner started (this process's
    multiprocessing children) to end, then terminate those still running."""
    deadline = time.monotonic() + grace
    for child in multiprocessing.active_children():
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.terminate()
            child.join(5)


def stop(process: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM to the server's process group, SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def prefect_server(log: Path) -> Iterator[tuple[str, int | None]]:
    """(API URL, pid of a server started here or None): the server in ``PREFECT_API_URL``
    when set, otherwise a local one for as long as the context lasts."""
    named = os.environ.get("PREFECT_API_URL")
    if named:
        yield named, None
        return
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    prefect = Path(sys.executable).with_name("prefect")
    env = {**os.environ, **LOCAL_SERVER_ENV}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    reaper().watch(process.pid, group=True)  # stopped even if serve is killed
    try:
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while not healthy(api_url):
            if process.poll() is not None:
                raise RuntimeError(f"prefect server exited with {process.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not answer in {HEALTH_TIMEOUT:.0f} s; "
                                   f"see {log}")
            time.sleep(0.5)
        yield api_url, process.pid
    finally:
        stop(process)
        reaper().forget(process.pid, group=True)


def serve(inputs: list[str], out_dir: str, *, cron: str, gold_dir: str | None = None,
          fetching: dict | None = None, announce: Callable[[str], None] = print) -> None:
    """Serve the ingest flow on ``cron`` until SIGTERM or SIGINT. ``fetching``: the
    flow's fetch parameters (queries, fetch_dir, fetch_max, base_url), for a schedule
    that fetches new PubMed articles before each ingestion."""
    home = Path(os.environ["PREFECT_HOME"])
    parameters = {"inputs": [str(Path(i).resolve()) for i in inputs],
                  "out_dir": str(Path(out_dir).resolve()), "force": False,
                  "gold_dir": str(Path(gold_dir).resolve()) if gold_dir else None}
    if fetching:
        parameters.update(fetching, fetch_dir=str(Path(fetching["fetch_dir"]).resolve()))
    try:
        with stopped_by_signals(), prefect_server(home / "server.log") as (api_url, pid):
            os.environ["PREFECT_API_URL"] = api_url
            os.environ.update(RUNNER_ENV)
            from flows.ingest import ingest  # Prefect reads the API URL when first used

            started = f"started here, pid {pid}" if pid else "from PREFECT_API_URL"
            announce(f"serving {DEPLOYMENT} on '{cron}': {', '.join(inputs)} -> {out_dir} "
                     f"(Prefect server {api_url}, {started})")
            # Prefect's runner takes SIGTERM over and stops itself; its stop coroutine is
            # never awaited on that path, which it reports as a warning of no consequence
            warnings.filterwarnings("ignore", message="coroutine 'Runner.astop' was never awaited")
            try:
                with contextlib.suppress(KeyboardInterrupt):
                    ingest.serve(name=DEPLOYMENT, cron=cron, print_starting_message=False,
                                 parameters=parameters)
            finally:
                end_flow_runs(FLOW_RUN_GRACE)
    finally:
        announce("stopped serving")
