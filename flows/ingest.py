"""Ingest case reports: (fetch ->) discover -> read -> tag -> assemble -> write (-> evaluate).

A task extracts a chunk of documents (read, tag, assemble, write and commit each in
turn), because Prefect's per-task overhead (about 10-85 ms of the run's and as much of
its API server's, more on Dask) rivals the ~80 ms a document takes. Chunks shrink as the
work left does (half of what is left per worker, from 64 documents down to 4), so the
workers stay busy to the end and finish within a few documents of each other: 1,000
documents on 2 workers are 25 chunks, not the 63 of a fixed 16. Chunks run concurrently
on the task runner. Within
a chunk, I/O errors are retried twice per document; a bad file or an unexpected error
becomes that document's listed failure, and the batch goes on. Each document is
committed as it finishes, so a run killed at any point is finished by the next one.
The whole run holds the output folder's lock.
"""

from __future__ import annotations

import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path

import flows  # noqa: F401  (Prefect settings before Prefect)
from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.runtime import task_run
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.progress import report
from flows.settings import shared_api
from flows.start import pool_worker_start, take_pool_ahead
from pipeline.batch import Batch, finish_batch, outcome_failed, plan_batch
from pipeline.schema import DiffReport, DocumentOutcome, RunSummary, SourceFile
from pipeline.sources import Fetched, client_for, fetch_new
from pipeline.store import append_run, output_lock, remove_leftovers
from pipeline.store.output import Writes
from pipeline.worker import document_workers, extract_chunk, workers_for

MAX_CHUNK = 64
MIN_CHUNK = 4


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def fetch(queries: list[str], fetch_dir: str, out_dir: str, fetch_max: int,
          base_url: str | None) -> list[Fetched]:
    """New PubMed articles of each query since its last cycle, into ``fetch_dir``; what
    became of each id is published as the Prefect artifact ``caselit-fetch``."""
    results = fetch_new(queries, fetch_dir, out_dir, max_results=fetch_max,
                        client=client_for(base_url))
    lines = [f"- {r.id}: {r.status}" + (f" ({r.form})" if r.form else "")
             + (f": {r.reason}" if r.reason else "") for r in results]
    create_markdown_artifact(markdown="\n".join(lines) or "nothing new", key="caselit-fetch",
                             description=f"PubMed fetch into {fetch_dir}")
    return results


@task(cache_policy=NO_CACHE)
def plan(inputs: list[str], out_dir: str, force: bool) -> Batch:
    """Clear what a killed run left half-written, then decide what to do. The tables'
    imports (pandas, Arrow: 0.5-1 s in a new process) are made here, before any document
    is committed, not at the end: a scheduled run (``caselit serve``) stopped once its
    records are in must not still be importing them while its server goes away."""
    import pipeline.store.tables  # noqa: F401

    remove_leftovers(Path(out_dir))
    return plan_batch(inputs, out_dir, force=force)


def chunk_name() -> str:
    items = task_run.parameters["items"]
    return f"extract-{items[0][0].doc_id}+{len(items) - 1}"


@task(cache_policy=NO_CACHE, task_run_name=chunk_name)
def extract_documents(items: list[tuple[SourceFile, str]], out_dir: str, fingerprint: str,
                      run_pid: int | None = None) -> list[DocumentOutcome]:
    """A chunk of documents, one after the other, in a document worker."""
    return extract_chunk(items, out_dir, fingerprint, run_pid)


def chunks(todo: list, workers: int) -> list[list]:
    """``todo`` in chunks taken in order, each half of what is left per worker, at most
    :data:`MAX_CHUNK` and at least :data:`MIN_CHUNK` (or a quarter of a small run's
    documents per worker). Chunks shrink so that workers finish together; one worker has
    none to finish with, and takes chunks of :data:`MAX_CHUNK` (ten changed documents: one
    task instead of three, each of which costs the run, its API and a pool worker
    process 0.1-0.2 s of CPU)."""
    workers = max(1, workers)
    smallest = MAX_CHUNK if workers == 1 else min(MIN_CHUNK, math.ceil(len(todo) / (4 * workers)))
    parts, start = [], 0
    while start < len(todo):
        size = max(smallest, min(MAX_CHUNK, math.ceil((len(todo) - start) / (2 * workers))))
        parts.append(todo[start:start + size])
        start += size
    return parts


@task(cache_policy=NO_CACHE)
def finish(batch: Batch, outcomes: list[DocumentOutcome], started: float, prune: bool
           ) -> RunSummary:
    return finish_batch(batch, outcomes, started, prune=prune)


@task(cache_policy=NO_CACHE)
def log_run(summary: RunSummary) -> None:
    """The run's line in _runs.jsonl (when the folder still takes it), and its summary
    as a Prefect artifact."""
    with Writes().attempt():
        append_run(summary.out_dir, summary)
    lines = [f"documents done {summary.done}, skipped {summary.skipped}, failed {summary.failed}"
             f" in {summary.seconds:.1f} s"]
    lines += [f"- failed: {failure.path}: {failure.reason}" for failure in summary.failures]
    create_markdown_artifact(markdown="\n".join(lines), key="caselit-run-summary",
                             description=f"caselit run into {summary.out_dir}")


@task(cache_policy=NO_CACHE)
def evaluate(batch: Batch, gold_dir: str) -> DiffReport:
    """Gold diff of the run's documents: reports in _diff/, summary as a Prefect artifact."""
    # imported here: a Prefect worker process, which only extracts, need not load pandas
    from pipeline.evaluate import diff_folder, to_markdown, write_reports

    report = diff_folder(batch.out_dir, gold_dir, batch.doc_ids)
    write_reports(report, batch.out_dir)
    create_markdown_artifact(markdown=to_markdown(report, items=False), key="caselit-gold-diff",
                             description=f"Gold diff of {len(report.documents)} document(s)")
    return report


def task_runner_in_use():
    return FlowRunContext.get().task_runner


def run_pid() -> int | None:
    """This process, which task runner workers on this machine end with; None for a
    remote Dask cluster, whose workers live on."""
    return None if getattr(task_runner_in_use(), "address", None) else os.getpid()


def collect(futures, parts: list[list], stager) -> list[DocumentOutcome]:
    """Outcomes as chunks finish, each document done handed to the ``stager`` to build its
    table rows; a chunk whose task itself failed (a worker lost) lists each of its
    documents as failed."""
    todo = {future.task_run_id: part for future, part in zip(futures, parts)}
    outcomes = []
    for future in as_completed(futures):
        sources = {source.doc_id: source for source, _ in todo[future.task_run_id]}
        try:
            finished = future.result()
        except Exception as error:
            finished = [outcome_failed(source, reason, error)
                        for source, reason in todo[future.task_run_id]]
        for outcome in finished:
            report(outcome)
            if outcome.status == "done":
                stager.add(sources[outcome.doc_id], outcome.extracted_at)
        outcomes += finished
    return outcomes


@flow(name="caselit-ingest", task_runner=ThreadPoolTaskRunner(max_workers=2))
def ingest(inputs: list[str], out_dir: str = "extracted", force: bool = False,
           gold_dir: str | None = None, workers: int = 2, prune: bool = False,
           queries: list[str] | None = None, fetch_dir: str | None = None, fetch_max: int = 20,
           base_url: str | None = None) -> RunSummary:
    started = time.perf_counter()
    with output_lock(out_dir):
        if queries and fetch_dir:
            fetch(queries, fetch_dir, out_dir, fetch_max, base_url)
            inputs = inputs if fetch_dir in inputs else [*inputs, fetch_dir]
        batch = plan(inputs, out_dir, force)
        workers = workers_for([source for source, _ in batch.todo], workers)
        parts = chunks(batch.todo, workers)
        # here: a task runner's worker process, importing this module, needs no tables
        from pipeline.store.tables import TableStager

        with document_workers(workers), TableStager(out_dir, batch.fingerprint) as stager:
            futures = extract_documents.map(parts, out_dir=unmapped(out_dir),
                                            fingerprint=unmapped(batch.fingerprint),
                                            run_pid=unmapped(run_pid()))
            outcomes = collect(futures, parts, stager)
        # quote: plain data holding no futures, which Prefect need not walk for them (a
        # batch of 1,000 documents: 0.07 s a task)
        summary = finish(quote(batch), quote(outcomes), started, prune)
        summary.task_runner = RUNNER_NAMES.get(type(task_runner_in_use()).__name__)
        if gold_dir and not summary.stopped:
            summary.diff = evaluate(quote(batch), gold_dir)
        summary.seconds = time.perf_counter() - started
        log_run(quote(summary))
    return summary


TASK_RUNNERS = ("auto", "threads", "processes", "dask")
RUNNER_NAMES = {"ThreadPoolTaskRunner": "threads", "ProcessesStartedAhead": "processes",
                "DaskTaskRunner": "dask"}


class ProcessesStartedAhead(ProcessPoolTaskRunner):
    """Prefect's process pool runner, which takes over the pool the run started ahead
    (:func:`flows.start.start_pool_ahead`) when there is one of its size: its processes are
    already importing the flow, their document workers loading the tagger. Without one
    (``caselit serve``, the Python API), Prefect's own pool, started at the first chunk.
    What Prefect's ``__enter__`` sets up, with the pool and its message queue taken over."""

    def __enter__(self):
        ahead = take_pool_ahead(self._max_workers)
        if ahead is None:
            return super().__enter__()
        super(ProcessPoolTaskRunner, self).__enter__()
        self._subprocess_message_queue = ahead.messages
        self._message_forwarding_thread = threading.Thread(
            target=self._forward_subprocess_messages,
            name="ProcessPoolTaskRunnerMessageForwarder", daemon=True)
        self._message_forwarding_thread.start()
        self._executor = ahead.executor
        self._resolver_executor = ThreadPoolExecutor(max_workers=self._max_workers)
        return self

    def submit(self, task, parameters, wait_for=None, dependencies=None):
        if self._cached_context is None:  # as Prefect's submit caches them, but see below
            self._cached_context, self._cached_env = context_for_workers()
        return super().submit(task, parameters, wait_for, dependencies)


def context_for_workers() -> tuple[dict, dict[str, str]]:
    """The run's context and environment as Prefect's process pool sends them with each
    task, but for the settings, sent as the run built them rather than dumped to a dict:
    from a dict a worker process builds them again for every task (pydantic-settings
    reads the environment and the profiles for each of some fifty models, 0.08-0.2 s of
    CPU a chunk); built ones are only unpickled. (Prefect dumps them for a worker on
    another platform; these workers run on this machine.)"""
    from prefect.context import SettingsContext, serialize_context
    from prefect.settings import get_current_settings

    context = serialize_context()
    in_force = SettingsContext.get()
    if in_force is not None:
        context["settings_context"] = {"profile": in_force.profile, "settings": in_force.settings}
    environment = get_current_settings().to_environment_variables(exclude_unset=True) | os.environ
    return context, environment


def task_runner(kind: str = "threads", workers: int = 2, dask_address: str | None = None):
    """Threads in this process, ``workers`` processes on this machine, or Dask: the
    cluster at ``dask_address``, or a local cluster of ``workers`` single-threaded
    processes. The flow is the same."""
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=max(1, workers))
    if kind == "processes":
        return ProcessesStartedAhead(max_workers=max(1, workers),
                                     initializer=pool_worker_start)
    if kind != "dask":
        raise ValueError(f"unknown task runner {kind!r}: allowed are {', '.join(TASK_RUNNERS[1:])}")
    import dask
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    # a daemonic process may not start processes, and each document runs in one
    dask.config.set({"distributed.worker.daemon": False})
    return DaskTaskRunner(cluster_kwargs={"n_workers": max(1, workers), "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


def engine_imports() -> None:
    """What Prefect imports when a flow is first called (its engines, FastAPI for the
    parameters' JSON form: 0.5-1.5 s), and what the run's end imports to update the
    tables (pandas, Arrow: 0.4-0.5 s), imported while the API server is still starting
    rather than after it answers."""
    import fastapi.encoders  # noqa: F401
    import prefect.flow_engine  # noqa: F401
    import prefect.task_engine  # noqa: F401

    import pipeline.store.tables  # noqa: F401


def run_ingest(inputs: list[str], out_dir: str, *, force: bool = False, workers: int = 2,
               gold_dir: str | None = None, runner: str = "threads",
               dask_address: str | None = None, prune: bool = False) -> RunSummary:
    """Run the flow with ``workers`` documents in flight on the chosen task runner. Workers
    on this machine report to this run's Prefect API (:func:`flows.settings.shared_api`);
    a remote Dask cluster's workers cannot reach it on 127.0.0.1, and use the server in
    their own ``PREFECT_API_URL``."""
    chosen = task_runner(runner, workers, dask_address)
    engine_imports()
    with nullcontext() if dask_address else shared_api():
        return ingest.with_options(task_runner=chosen)(inputs, out_dir, force, gold_dir, workers,
                                                       prune)
