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

import importlib.machinery
import importlib.util
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.errors import Errors

# py-key-value (the API's task queue, docket, keeps results in memory with it) checks its
# own calls' types at run time unless told not to, which it sets up while it is
# imported: 0.07 s of the API's start (and with them off, :mod:`flows.server_app` imports it
# without its import hook).
NO_RUNTIME_TYPE_CHECKS = ("PY_KEY_VALUE_DISABLE_BEARTYPE", "true")


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
def shared_api() -> Iterator[None]:
    """Within: the API named by ``PREFECT_API_URL``, or else the run's own
    (:class:`ApiServer`), named in the settings that tasks carry to worker processes. The
    run's own is stopped on the way out; a thread of this process, it never outlives the
    run."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        yield
        return
    server = ApiServer()
    try:
        server.start()
        server.wait_until_healthy()
        with settings_in_force(server.settings), named_process_wide(server):
            yield
    finally:
        server.stop()


def run_settings(api_url: str):
    """Prefect's settings for a run with its own API, built once (each build reads the
    environment and the profiles: 0.05-0.1 s of CPU): the API at ``api_url``, no
    heartbeats, and the server's own (:func:`server_settings`), which only the API server
    reads. The run, the server's app and the thread serving it share them."""
    from prefect.settings import PREFECT_API_URL, get_current_settings

    return get_current_settings().copy_with_update(
        updates={PREFECT_API_URL: api_url, **NO_HEARTBEATS, **server_settings()})


@contextmanager
def settings_in_force(settings) -> Iterator[None]:
    """Within: Prefect's settings context holds ``settings`` (as
    ``prefect.settings.temporary_settings`` does, with settings already built)."""
    from prefect.context import SettingsContext, get_settings_context

    with SettingsContext(profile=get_settings_context().profile, settings=settings):
        yield


@contextmanager
def named_process_wide(server: "ApiServer") -> Iterator[None]:
    """The API also in the environment and Prefect's process-wide settings, for what does
    not carry the run's settings context: a thread Prefect starts on its own (the process
    pool's forwarding of its workers' events) would otherwise start an ephemeral server
    of its own. The process-wide settings are the run's, not built again from the
    environment; the ones before are put back as they were."""
    import prefect.context

    before = os.environ.get("PREFECT_API_URL"), prefect.context.GLOBAL_SETTINGS_CONTEXT
    os.environ["PREFECT_API_URL"] = server.api_url
    prefect.context.GLOBAL_SETTINGS_CONTEXT = prefect.context.SettingsContext(
        profile=before[1].profile, settings=server.settings)
    try:
        yield
    finally:
        if before[0] is None:
            del os.environ["PREFECT_API_URL"]
        else:
            os.environ["PREFECT_API_URL"] = before[0]
        prefect.context.GLOBAL_SETTINGS_CONTEXT = before[1]


class ApiServer:
    """The run's own Prefect API: Prefect's app (:mod:`flows.server_app`) as Prefect's
    ephemeral mode serves it (no UI, the services of an ephemeral server), but served by
    uvicorn in a thread of this process rather than in a process of its own (Prefect's
    ``SubprocessASGIServer``). The app's imports are then the second half of the run's
    own: Prefect's client, pydantic, SQLAlchemy and FastAPI are imported once, not again in
    a second interpreter (which took 3.1-3.7 s of CPU to start, this 1.5-2 s), and the
    API ends with the process however the process ends, with no process to reap. Its
    socket is bound before it starts, so no other process can take its port.

    Where Prefect's client starts its server differently: no "final" option (a collection
    over every object once the app is built, 0.3-0.5 s: :mod:`flows.server_app` freezes
    them instead), and no registering of block types at its start, which imports every
    installed Prefect collection (prefect-dask brings Dask's distributed) to write their
    block schemas to the database, about 0.8 s of CPU and 30 MB for blocks a run never
    uses (a ``prefect server start`` on the same home registers them as usual)."""

    def __init__(self):
        self.thread: threading.Thread | None = None
        self.server = None  # uvicorn's
        self.socket: socket.socket | None = None
        self.failure: BaseException | None = None
        self.settings = None  # Prefect's, for the run and its API (run_settings)

    @property
    def port(self) -> int | None:
        return self.socket.getsockname()[1] if self.socket is not None else None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> None:
        """Import Prefect's server and build its app here (imports are not shared safely
        between threads), then serve it in a thread, both with the run's settings
        (:func:`run_settings`), built once its socket says the API's address."""
        if self.thread is not None:
            return
        os.environ.setdefault(*NO_RUNTIME_TYPE_CHECKS)
        import uvicorn

        from flows.server_app import create_app

        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.settings = run_settings(self.api_url)
        with settings_in_force(self.settings):
            app = create_app(ephemeral=True)
        # log_config None: uvicorn's own logging configuration would close every handler
        # of the run's process (Prefect's too) to install its own
        self.server = uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="error",
                                                    lifespan="on"))
        self.failure = None
        self.thread = threading.Thread(target=self.serve, daemon=True, name="caselit-api-server")
        self.thread.start()

    def serve(self) -> None:
        try:
            with settings_in_force(self.settings):
                self.server.run(sockets=[self.socket])
        except BaseException as error:  # noqa: BLE001 - said by wait_until_healthy
            self.failure = error

    def wait_until_healthy(self) -> None:
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 120))
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError(Errors.E901.format(error=self.failure))
            if time.monotonic() > deadline:
                raise RuntimeError(Errors.E902.format(seconds=timeout))
            time.sleep(0.01)

    def stop(self) -> None:
        thread, self.thread = self.thread, None
        if thread is None:
            return
        self.server.should_exit = True
        thread.join(timeout=5)
        if thread.is_alive():
            self.server.force_exit = True
            thread.join()
        self.socket.close()


def server_settings() -> dict:
    """The settings the run's API is built and served with (see :class:`ApiServer`): no
    registering of block types at its start."""
    from prefect.settings import (PREFECT_API_BLOCKS_REGISTER_ON_START,
                                  PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION)

    return {PREFECT_API_BLOCKS_REGISTER_ON_START: False,
            PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION: False}


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



# Prefect's notification and webhook blocks, which ``import prefect`` imports (its package
# ``prefect.blocks`` imports them to register their types): their module-level HTTP
# transports build four SSL contexts, about 0.2 s of CPU, in a process that never sends a
# notification nor calls a webhook.
PREFECT_BLOCKS_UNUSED_IN_WORKERS = ("prefect.blocks.notifications", "prefect.blocks.webhook")


def defer_prefect_collections() -> None:
    """In a task runner's worker process: each installed Prefect collection (the
    ``prefect.collections`` entry points: prefect-dask) imported when first used rather
    than when Prefect looks for block types. Prefect imports every collection the first
    time it reads a block, as it does reading the run's context (its result storage) in
    a worker process; prefect-dask brings Dask's distributed and numpy, 31 MB in a process
    that only hands documents to its document worker. Likewise Prefect's notification and
    webhook blocks (:data:`PREFECT_BLOCKS_UNUSED_IN_WORKERS`), when Prefect is not yet
    imported: their types are registered when one of them is first asked for, and a
    worker asks for none (only a server's automations and a user's code load them)."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="prefect.collections"):
        defer_import(entry.module)
    for name in PREFECT_BLOCKS_UNUSED_IN_WORKERS:
        defer_import(name)


def defer_import(name: str) -> None:
    """``name`` in ``sys.modules`` as a module whose code runs when one of its attributes
    is first asked for (a module ``__getattr__``, PEP 562). Its ``__spec__`` and
    ``__path__`` are there from the start, so that importing it, or one of its submodules,
    does not run it; nor are its packages imported to find it. A module already imported
    stays as it is."""
    if name in sys.modules:
        return
    spec = spec_unimported(name)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)

    def run_then_get(attribute: str):
        del module.__getattr__
        spec.loader.exec_module(module)
        return getattr(module, attribute)

    module.__getattr__ = run_then_get
    sys.modules[name] = module


def spec_unimported(name: str):
    """The spec of module ``name``, found along its packages' paths without importing
    them (``importlib.util.find_spec`` imports a submodule's packages: for
    ``prefect.blocks.webhook``, all of Prefect)."""
    top, *rest = name.split(".")
    spec = importlib.util.find_spec(top)  # a top-level one's packages: none
    for depth in range(1, len(rest) + 1):
        if spec is None or spec.submodule_search_locations is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(".".join([top, *rest[:depth]]),
                                                        spec.submodule_search_locations)
    return spec
