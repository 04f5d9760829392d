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
- Logging: Prefect's own INFO lines would drown the progress bar, so WARNING; the
  embedded server's log at CRITICAL, because stopping it at exit cancels its pending
  event flush and logs that as an error that says nothing about the run.
"""

from __future__ import annotations

import os
from pathlib import Path


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
