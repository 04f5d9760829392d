"""A run's head start: what the flow will wait for, started before Prefect is imported.

A run with a few documents is mostly fixed cost, two parts of which need not wait for
one another: this process importing Prefect and the flow and serving the run's Prefect
API (about 3 s of CPU, :class:`flows.settings.ApiServer`), and the document workers
loading the tagger (about 2 s each). One after the other they made a one-document run
take 11-17 s; started together they overlap on the machine's cores. This module imports
no Prefect, so that :func:`head_start` can run first.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flows.settings import defer_prefect_collections
from pipeline.worker import POOL


def choose_runner(kind: str) -> str:
    """``auto``: threads. Each thread drives a document worker process, so the threads
    use every core; Prefect's worker processes would add a process (and a tagger) per
    worker for nothing. Measured on 2 cores, 300 text documents: threads 32 s (peak RSS of
    the process tree 1.3 GB), processes 35 s (2.0 GB)."""
    return "threads" if kind == "auto" else kind


@contextmanager
def head_start(documents: int, runner: str, workers: int) -> Iterator[None]:
    """Within: with the ``threads`` runner, whose document workers are this process's, as
    many workers as will be busy starting. What the run did not take over is stopped on
    the way out."""
    if runner == "threads":
        POOL.start_ahead(min(workers, documents))
    try:
        yield
    finally:
        if runner == "threads":
            POOL.close()


def pool_worker_start() -> None:
    """The initializer of the ``processes`` runner's worker processes: their document
    worker started at once, loading the tagger (about 2 s of CPU) while the process
    imports the flow and Prefect's task engine and receives its first chunk, instead of
    after; and Prefect's collections imported only when used (see
    :func:`flows.settings.defer_prefect_collections`). The document worker dies with the
    process, as one started for its first chunk does."""
    POOL.start_ahead(1)
    defer_prefect_collections()
