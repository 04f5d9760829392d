"""A run's head start: what the flow will wait for, started before Prefect is imported.

A run with a few documents is mostly fixed cost, two parts of which need not wait for
one another: this process importing Prefect and the flow and serving the run's Prefect
API (about 3 s of CPU, :class:`flows.settings.ApiServer`), and the document workers
loading the tagger (about 2 s each). One after the other they made a one-document run
take 11-17 s; started together they overlap on the machine's cores. This module imports
no Prefect, so that :func:`head_start` can run first.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from flows.settings import defer_prefect_collections
from pipeline.collector import collector_spared
from pipeline.worker import POOL, Plan


def choose_runner(kind: str) -> str:
    """``auto``: threads. Each thread drives a document worker process, so the threads
    use every core; Prefect's worker processes would add a process (and a tagger) per
    worker for nothing. Measured on 2 cores, 300 text documents: threads 32 s (peak RSS of
    the process tree 1.3 GB), processes 35 s (2.0 GB)."""
    return "threads" if kind == "auto" else kind


@dataclass
class PoolAhead:
    """The ``processes`` runner's worker processes, started before this process imports
    Prefect, and the queue through which they send Prefect their events and logs (as
    Prefect's own pool does, :class:`flows.ingest.ProcessesStartedAhead`)."""

    executor: ProcessPoolExecutor
    messages: Any  # a multiprocessing queue
    workers: int


# the pool started ahead for this run, until the flow's task runner takes it
AHEAD: list[PoolAhead] = []


def start_pool_ahead(workers: int, plan: Plan | None = None) -> None:
    """``workers`` worker processes of the ``processes`` runner, started now: each one
    starts its document worker (the tagger's load) and imports Prefect and the flow while
    this process imports Prefect and starts the run's API, instead of after the flow's
    first chunk asks for it (a ten-changed run: about 3.5 s of its 8-10 s). ``plan``: the
    documents the document worker of a one-process pool extracts ahead."""
    context = multiprocessing.get_context("spawn")  # as Prefect's pool
    messages = context.Queue()
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=pool_process_start, initargs=(messages, plan))
    # the pool starts a process per call while none is idle: one each
    for _ in range(workers):
        executor.submit(started)
    AHEAD.append(PoolAhead(executor, messages, workers))


def take_pool_ahead(workers: int) -> PoolAhead | None:
    """The pool started ahead, once, when it has ``workers`` processes."""
    if AHEAD and AHEAD[0].workers == workers:
        return AHEAD.pop()
    return None


def started() -> None:
    """The call that makes the pool start a process."""


@contextmanager
def head_start(documents: int, runner: str, workers: int, plan: Plan | None = None
               ) -> Iterator[None]:
    """Within: with the ``threads`` runner, whose document workers are this process's, as
    many workers as will be busy starting; with ``processes``, its worker processes (see
    :func:`start_pool_ahead`); ``plan``, the documents a run's one document worker will be
    handed first, for it to extract while it waits for them
    (:class:`pipeline.worker.Ahead`). What the run did not take over is stopped on the
    way out."""
    if runner == "threads":
        POOL.start_ahead(min(workers, documents), plan)
    elif runner == "processes":
        start_pool_ahead(min(workers, documents), plan)
    try:
        yield
    finally:
        if runner == "threads":
            POOL.close()
        while AHEAD:
            ahead = AHEAD.pop()
            ahead.executor.shutdown(wait=True, cancel_futures=True)
            ahead.messages.close()


def pool_worker_start(plan: Plan | None = None) -> None:
    """The initializer of the ``processes`` runner's worker processes: their document
    worker started at once, loading the tagger (about 2 s of CPU) while the process
    imports the flow and Prefect's task engine and receives its first chunk, instead of
    after; and Prefect's collections imported only when used (see
    :func:`flows.settings.defer_prefect_collections`). The document worker dies with the
    process, as one started for its first chunk does."""
    POOL.start_ahead(1, plan)
    defer_prefect_collections()


def pool_process_start(messages, plan: Plan | None = None) -> None:
    """The initializer of a worker process started ahead (:func:`start_pool_ahead`): its
    document worker started first, then what Prefect's own initializer does (events and
    logs sent to the run through ``messages``), then the imports of the flow's first
    task, while the document worker loads the tagger."""
    pool_worker_start(plan)
    with collector_spared():
        from prefect.task_runners import _initialize_process_pool_worker

        _initialize_process_pool_worker(messages)
        import flows.ingest  # noqa: F401
        import prefect.task_engine  # noqa: F401
