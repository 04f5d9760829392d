"""Prefect settings for running offline, in one place.

Applied with ``os.environ.setdefault`` before Prefect is imported, so anything the user
sets (a real server in ``PREFECT_API_URL``, another ``PREFECT_HOME``) wins.

- ``PREFECT_HOME``: ``.prefect`` in the working directory (the project), not ``~/.prefect``.
- No telemetry: ``PREFECT_SERVER_ANALYTICS_ENABLED=false`` (otherwise one failed network
  look-up per server start), and ``DO_NOT_TRACK=1`` for Prefect's client, which in an
  interactive terminal marks "first flow run" milestones and sends them to its analytics
  service whenever the API it reports to has analytics on (a real server a user names).
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

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.errors import Errors
from pipeline.lifeline import reaper

# What Prefect's client gives the ephemeral server it starts (no UI, the ephemeral set of
# services) but its "final" option, which collects every object once the app is built
# (0.3-0.5 s): flows.server_app freezes them instead (see there). No registering of block
# types at its start either: that imports every installed
# Prefect collection (prefect-dask brings Dask's distributed) to write their block schemas
# to the database, about 0.8 s of CPU and 30 MB for blocks a run never uses. A
# `prefect server start` on the same home registers them as usual. Nor does py-key-value
# (the server's task queue, docket, stores results in memory with it) check its own calls'
# types at run time, which it sets up while it is imported: 0.07 s of the server's start.
EPHEMERAL_SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                        "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
                        "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
                        "PY_KEY_VALUE_DISABLE_BEARTYPE": "true"}


# A flow run's heartbeats tell a lasting server that the run is alive; the ephemeral
# server ends with the run and has no use for them. Their thread sleeps in steps of a
# second and is joined when the flow ends, which held every run up by 0-1 s.
NO_HEARTBEATS = {"flows.heartbeat_frequency": None}


def prefect_environment(home: Path | None = None) -> dict[str, str]:
    home = (home or Path.cwd() / ".prefect").resolve()
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
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
def shared_api(server: "ApiServer | None" = None) -> Iterator[None]:
    """Within: the API named by ``PREFECT_API_URL``, or else Prefect's ephemeral server
    (``server`` when one was started ahead, see :mod:`flows.start`), named in the settings
    that tasks carry to worker processes. The server is stopped on the way out, and by
    this process's reaper if the process is killed (:mod:`pipeline.lifeline`): it never
    outlives the run."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        if server is not None:  # started ahead, but a profile names an API: not needed
            server.stop()
        yield
        return
    server = server or ApiServer()
    try:
        server.start()
        server.wait_until_healthy()
        with temporary_settings(updates={PREFECT_API_URL: server.api_url,
                                         **NO_HEARTBEATS}), \
                named_process_wide(server.api_url):
            yield
    finally:
        server.stop()


@contextmanager
def named_process_wide(api_url: str) -> Iterator[None]:
    """The API also in the environment and Prefect's process-wide settings, for what does
    not carry the run's settings context: a thread Prefect starts on its own (the process
    pool's forwarding of its workers' events) would otherwise start an ephemeral server
    of its own."""
    from prefect.context import refresh_global_settings_context

    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url
    refresh_global_settings_context()
    try:
        yield
    finally:
        if before is None:
            del os.environ["PREFECT_API_URL"]
        else:
            os.environ["PREFECT_API_URL"] = before
        refresh_global_settings_context()


class ApiServer:
    """Prefect's ephemeral API server: the command Prefect's own client runs when no API is
    named (``SubprocessASGIServer``), started here without importing Prefect's server
    package into this process (2 s of imports), so that it can start before this process
    has imported Prefect and come up while it does; its app is Prefect's, built with the
    garbage collector held off (:mod:`flows.server_app`). Its process is watched by this
    process's reaper from the moment it starts."""

    PORT_TAKEN = 3  # uvicorn's exit status when it cannot bind its port

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        if self.process is not None:
            return
        self.port = free_port()
        project_dir = Path(importlib.util.find_spec("flows").origin).parent.parent
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(project_dir), "--factory",
             "flows.server_app:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, **EPHEMERAL_SERVER_ENV})
        reaper().watch(self.process.pid)

    def wait_until_healthy(self) -> None:
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 120))
        deadline = time.monotonic() + timeout
        while not healthy(self.api_url):
            if self.process.poll() == self.PORT_TAKEN:  # taken since it was found free
                self.stop()
                self.start()
            elif self.process.poll() is not None:
                raise RuntimeError(Errors.E901.format(status=self.process.returncode))
            if time.monotonic() > deadline:
                raise RuntimeError(Errors.E902.format(seconds=timeout))
            time.sleep(0.05)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reaper().forget(process.pid)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False



def defer_prefect_collections() -> None:
    """In a task runner's worker process: each installed Prefect collection (the
    ``prefect.collections`` entry points: prefect-dask) imported when first used rather
    than when Prefect looks for block types. Prefect imports every collection the first
    time it reads a block, as it does reading the run's context (its result storage) in
    a worker process; prefect-dask brings Dask's distributed and numpy, 31 MB in a process
    that only hands documents to its document worker."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="prefect.collections"):
        if entry.module not in sys.modules:
            defer_import(entry.module)


def defer_import(name: str) -> None:
    """``name`` in ``sys.modules`` as a module whose code runs when one of its attributes
    is first asked for (a module ``__getattr__``, PEP 562). Its ``__spec__`` and
    ``__path__`` are there from the start, so that importing it, or one of its submodules,
    does not run it."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)

    def run_then_get(attribute: str):
        del module.__getattr__
        spec.loader.exec_module(module)
        return getattr(module, attribute)

    module.__getattr__ = run_then_get
    sys.modules[name] = module
