"""A run's head start: what the flow will wait for, started before Prefect is imported.

A run with a few documents is mostly fixed cost, three parts of which need not wait for
one another: this process importing Prefect and the flow (about 2 s), Prefect's ephemeral
API server coming up in its own process (about 3.5 s), and the document workers loading
the tagger (about 2 s each). One after the other they made a one-document
run take 11-17 s; started together they overlap on the machine's cores. This module
imports no Prefect, so that :func:`api_server_ahead` and :func:`workers_ahead` can run
first.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from flows.settings import ApiServer


def choose_runner(kind: str) -> str:
    """``auto``: threads. Each thread drives a document worker process, so the threads
    use every core; Prefect's worker processes would add a process (and a tagger) per
    worker for nothing. Measured on 2 cores, 300 text documents: threads 32 s (peak RSS of
    the process tree 1.3 GB), processes 35 s (2.0 GB)."""
    return "threads" if kind == "auto" else kind


@contextmanager
def api_server_ahead(dask_address: str | None = None) -> Iterator[ApiServer | None]:
    """Within: Prefect's ephemeral API server starting, to be handed to
    :func:`flows.ingest.run_ingest`; None when an API is named in the environment or the
    workers are on a remote Dask cluster, which cannot reach it. Of the head start it
    takes longest to come up (3-3.5 s of CPU), so a run starts it first, before it has
    planned (about 0.6 s of imports and plan); one that then finds nothing to do stops it
    during its imports, having spent some 0.5 s of CPU on another core. Stopped on the way
    out."""
    server = None
    if not (dask_address or os.environ.get("PREFECT_API_URL")):
        server = ApiServer()
        server.start()
    try:
        yield server
    finally:
        if server is not None:
            server.stop()


@contextmanager
def workers_ahead(runner: str, workers: int) -> Iterator[None]:
    """Within: with the ``threads`` runner, whose document workers are this process's,
    ``workers`` of them starting (loading the tagger); stopped on the way out unless the
    run took them over."""
    from pipeline.worker import POOL  # here: 0.4 s of imports the API server need not wait for

    if runner == "threads":
        POOL.start_ahead(workers)
    try:
        yield
    finally:
        if runner == "threads":
            POOL.close()
