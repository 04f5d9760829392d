"""Ingest case reports: discover -> read -> tag -> assemble -> write (-> evaluate).

One task per document (read, tag, assemble and write in turn), because Prefect's
per-task overhead (about 10-85 ms) would rival the ~100 ms a document takes if each
stage were its own task. Documents run concurrently on the task runner; only I/O errors
are retried; a bad file becomes a listed failure, and the batch goes on.
"""

from __future__ import annotations

import time

import flows  # noqa: F401  (Prefect settings before Prefect)
from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.progress import report
from pipeline.assemble import assemble
from pipeline.batch import Batch, finish_batch, outcome_done, outcome_failed, plan_batch
from pipeline.errors import BadInputError
from pipeline.evaluate import diff_folder, to_markdown, write_reports
from pipeline.read import read_document
from pipeline.schema import DiffReport, DocumentOutcome, RunSummary, SourceFile
from pipeline.store import append_run, write_record
from pipeline.tag import tag


def is_transient(task, task_run, state) -> bool:
    """Retry I/O hiccups (a network drive, a full disk being cleared); not bugs."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(cache_policy=NO_CACHE)
def plan(inputs: list[str], out_dir: str, force: bool) -> Batch:
    return plan_batch(inputs, out_dir, force=force)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1, retry_condition_fn=is_transient,
      task_run_name="extract-{source.doc_id}")
def extract_document(source: SourceFile, reason: str, out_dir: str, fingerprint: str
                     ) -> DocumentOutcome:
    started = time.perf_counter()
    try:
        document = read_document(source)
    except BadInputError as error:
        return outcome_failed(source, reason, error, started)
    mentions = tag(document)
    extraction = assemble(document, mentions, fingerprint=fingerprint)
    write_record(document, extraction, out_dir)
    return outcome_done(source, reason, extraction, started)


@task(cache_policy=NO_CACHE)
def finish(batch: Batch, outcomes: list[DocumentOutcome], started: float) -> RunSummary:
    return finish_batch(batch, outcomes, started)


@task(cache_policy=NO_CACHE)
def log_run(summary: RunSummary) -> None:
    """The run's line in _runs.jsonl, and its summary as a Prefect artifact."""
    append_run(summary.out_dir, summary)
    lines = [f"documents done {summary.done}, skipped {summary.skipped}, failed {summary.failed}"
             f" in {summary.seconds:.1f} s"]
    lines += [f"- failed: {failure.path}: {failure.reason}" for failure in summary.failures]
    create_markdown_artifact(markdown="\n".join(lines), key="caselit-run-summary",
                             description=f"caselit run into {summary.out_dir}")


@task(cache_policy=NO_CACHE)
def evaluate(batch: Batch, gold_dir: str) -> DiffReport:
    """Gold diff of the run's documents: reports in _diff/, summary as a Prefect artifact."""
    report = diff_folder(batch.out_dir, gold_dir, batch.doc_ids)
    write_reports(report, batch.out_dir)
    create_markdown_artifact(markdown=to_markdown(report, items=False), key="caselit-gold-diff",
                             description=f"Gold diff of {len(report.documents)} document(s)")
    return report


def collect(futures, batch: Batch) -> list[DocumentOutcome]:
    """Outcomes as documents finish; a task that failed after its retries is a failure."""
    todo = {future.task_run_id: item for future, item in zip(futures, batch.todo)}
    outcomes = []
    for future in as_completed(futures):
        try:
            outcome = future.result()
        except Exception as error:  # an unexpected error: list it, keep the batch going
            source, reason = todo[future.task_run_id]
            outcome = outcome_failed(source, reason, error)
        report(outcome)
        outcomes.append(outcome)
    return outcomes


@flow(name="caselit-ingest", task_runner=ThreadPoolTaskRunner(max_workers=2))
def ingest(inputs: list[str], out_dir: str = "extracted", force: bool = False,
           gold_dir: str | None = None) -> RunSummary:
    started = time.perf_counter()
    batch = plan(inputs, out_dir, force)
    futures = extract_document.map(
        [source for source, _ in batch.todo], [reason for _, reason in batch.todo],
        out_dir=unmapped(out_dir), fingerprint=unmapped(batch.fingerprint),
    )
    outcomes = collect(futures, batch)
    summary = finish(batch, outcomes, started)
    if gold_dir:
        summary.diff = evaluate(batch, gold_dir)
    summary.seconds = time.perf_counter() - started
    log_run(summary)
    return summary


TASK_RUNNERS = ("threads", "dask")


def task_runner(kind: str = "threads", workers: int = 2, dask_address: str | None = None):
    """Threads in this process (default), or Dask: the cluster at ``dask_address``, or a
    local cluster of ``workers`` single-threaded processes. The flow is the same."""
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=max(1, workers))
    if kind != "dask":
        raise ValueError(f"unknown task runner {kind!r}: allowed are {', '.join(TASK_RUNNERS)}")
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": max(1, workers), "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


def run_ingest(inputs: list[str], out_dir: str, *, force: bool = False, workers: int = 2,
               gold_dir: str | None = None, runner: str = "threads",
               dask_address: str | None = None) -> RunSummary:
    """Run the flow with ``workers`` documents in flight on the chosen task runner."""
    chosen = task_runner(runner, workers, dask_address)
    return ingest.with_options(task_runner=chosen)(inputs, out_dir, force, gold_dir)
