"""Prefect settings for running offline, in one place.

Applied with ``os.environ.setdefault`` before Prefect is imported, so anything the user
sets (a real server in ``PREFECT_API_URL``, another ``PREFECT_HOME``) wins.

- ``PREFECT_HOME``: ``.prefect`` in the working directory (the project), not ``~/.prefect``.
- No telemetry: ``PREFECT_SERVER_ANALYTICS_ENABLED=false`` (otherwise one failed network
  look-up per server start).
- ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=120``: the embedded API's first start
  on an empty home took 17.6 s here, against a 20 s default.
- ``PREFECT_RESULTS_PERSIST_BY_DEFAULT=false`` and a results path inside the home: the
  manifest, not Prefect's result cache, decides what is reprocessed.
- Worker processes (``--task-runner processes`` or a local Dask cluster) report to the
  run's own API: without a server named, Prefect would start an ephemeral API server in
  every worker (about 225 MB and 4 s of start-up each, all writing one SQLite file).
  :func:`shared_api` starts the ephemeral server once and names it for the run.
- Logging: Prefect's own INFO lines would drown the progress bar, so WARNING; the
  embedded server's log at CRITICAL, because stopping it at exit cancels its pending
  event flush and logs that as an error that says nothing about the run.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.lifeline import reaper


def prefect_environment(home: Path | None = None) -> dict[str, str]:
    home = (home or Path.cwd() / ".prefect").resolve()
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(home / "results"),
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    }


def configure_prefect(home: Path | None = None) -> None:
    for name, value in prefect_environment(home).items():
        os.environ.setdefault(name, value)
    # Prefect creates its home without parents, and warns when it cannot.
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)


@contextmanager
def shared_api() -> Iterator[None]:
    """Within: the API named by ``PREFECT_API_URL``, or else Prefect's ephemeral server,
    started here once and named in the settings that tasks carry to worker processes. The
    server is stopped on the way out, and by this process's reaper if the process is
    killed (:mod:`pipeline.lifeline`): it never outlives the run."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    server = run_api_server()
    server.start()
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        process = server.server_process
        server.stop()
        if process is not None:
            reaper().forget(process.pid)


def run_api_server():
    """Prefect's ephemeral API server (the instance Prefect's own client would start),
    each of its processes watched by this process's reaper from the moment it starts."""
    from prefect.server.api.server import SubprocessASGIServer

    # defined here: this module is imported before Prefect, to configure it
    class WatchedServer(SubprocessASGIServer):
        def _run_uvicorn_command(self):
            process = super()._run_uvicorn_command()
            reaper().watch(process.pid)
            return process

    return WatchedServer()
