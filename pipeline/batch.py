"""A run over many files, as plain functions: plan what to do, record what was done.

The Prefect flow wraps these in tasks; ``caselit run`` also calls :func:`plan_batch`
first, so a run with nothing to do finishes without starting Prefect at all.

Each document is committed to the output folder's journal as it finishes
(:func:`pipeline.worker.extract_document`); :func:`finish_batch` then folds the journal
into the manifest and updates the tables (the rows of the documents whose commit
changed) when they are not current. Both steps also finish the work of a run that was
killed before them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pipeline.outcomes import (COUNTED, count_entities, outcome_done, outcome_failed,  # noqa: F401
                               outcome_output_full, stopped_by_output)
from pipeline.read import discover
from pipeline.read.discover import discovery_failure
from pipeline.schema import DocumentOutcome, Failure, IgnoredFile, RunSummary, SourceFile
from pipeline.store import (Manifest, read_failures, record_path, remove_leftovers, remove_record,
                            write_failures)
from pipeline.store.manifest import commit_stamp
from pipeline.store.output import Writes, stopped_message

@dataclass
class Batch:
    out_dir: str
    fingerprint: str
    todo: list[tuple[SourceFile, str]] = field(default_factory=list)
    skipped: list[SourceFile] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # a journal to compact or tables to update (a killed run's); the tables are looked at
    # only when there is nothing to extract: a run with work updates them at its end
    unfinished: bool = False
    ignored: list[IgnoredFile] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # ids of records whose source is gone

    @property
    def doc_ids(self) -> set[str]:
        """Every document of the run, processed or skipped."""
        return {source.doc_id for source, _ in self.todo} | {s.doc_id for s in self.skipped}


def plan_batch(inputs: Iterable[str | Path], out_dir: str | Path, *, force: bool = False,
               fingerprint: str | None = None) -> Batch:
    """Discover the inputs and decide, from the manifest, which need processing. The
    tables are looked at only when none does: a run with work brings them up to date at
    its end, and its Prefect API server starts sooner without the tables' imports
    (pandas, Arrow: 0.4-0.5 s) ahead of it."""
    if fingerprint is None:
        from pipeline.tag import tagger_fingerprint

        fingerprint = tagger_fingerprint()
    found = discover(inputs)
    manifest = Manifest.load(out_dir)
    plan = manifest.plan(found.sources, fingerprint, force=force)
    refused = [discovery_failure(source.path, source.doc_id, reason)
               for source, reason in plan.refused]
    unfinished = bool(manifest.journaled) or (
        not plan.todo and tables_stale(Path(out_dir), committed_records(Path(out_dir), manifest)))
    gone = manifest.gone({source.doc_id for source in found.sources})
    return Batch(str(out_dir), fingerprint, plan.todo, plan.skipped, found.failures + refused,
                 unfinished, found.ignored, gone)


def committed_records(out_dir: Path, manifest: Manifest) -> dict[str, str]:
    """Doc id -> commit stamp of every committed document whose record is in place: what
    the tables are built from."""
    return {doc_id: commit_stamp(e.sha256, e.pipeline_version, e.fingerprint, e.extracted_at)
            for doc_id, e in manifest.entries.items() if record_path(out_dir, doc_id).is_file()}


def tables_stale(out_dir: Path, records: dict[str, str]) -> bool:
    """Whether the tables are not those of ``records`` (with none, whether tables of
    records since removed are still there)."""
    # here, not at the top: a Prefect worker process importing this module for the flow's
    # tasks never touches the tables, and should not load pandas and pyarrow
    from pipeline.store.tables import built_from, table_paths, tables_current

    if tables_current(out_dir, built_from(records.items())):
        return False
    return bool(records) or any(path.exists() for path in table_paths(out_dir))


def same_failures(old: list[Failure], new: list[Failure]) -> bool:
    def what(failures: list[Failure]) -> list[tuple]:
        return [(f.path, f.stage, f.reason) for f in failures]

    return what(old) == what(new)


def run_failures(batch: Batch, outcomes: list[DocumentOutcome]) -> list[Failure]:
    return sorted(batch.failures + [o.failure for o in outcomes
                                    if o.failure is not None and not stopped_by_output(o)],
                  key=lambda failure: failure.path)


def needs_finishing(batch: Batch, prune: bool = False) -> bool:
    """Whether a run with nothing to extract still has something to write."""
    return (batch.unfinished or (prune and bool(batch.gone))
            or not same_failures(read_failures(batch.out_dir), run_failures(batch, [])))


def summarise(batch: Batch, outcomes: list[DocumentOutcome], started: float,
              rebuilt: bool) -> RunSummary:
    done = [o for o in outcomes if o.status == "done"]
    failures = run_failures(batch, outcomes)
    counts = {name: sum(o.counts.get(name, 0) for o in done) for name in COUNTED + ("mentions",)}
    return RunSummary(out_dir=batch.out_dir, done=len(done), skipped=len(batch.skipped),
                      failed=len(failures), counts=counts,
                      seconds=time.perf_counter() - started, tables_rebuilt=rebuilt,
                      failures=failures, outcomes=sorted(outcomes, key=lambda o: o.doc_id),
                      ignored=batch.ignored, sources_gone=batch.gone)


def idle_summary(batch: Batch, started: float) -> RunSummary:
    """The summary of a run that had nothing to do, and wrote nothing."""
    return summarise(batch, [], started, rebuilt=False)


def finish_batch(batch: Batch, outcomes: list[DocumentOutcome], started: float,
                 prune: bool = False) -> RunSummary:
    """Fold the journal into the manifest (with ``prune``, the records whose source is
    gone out of it, and out of the folder), write the failures when they changed, update
    the tables when they are not built from the committed records. Call with the output
    folder locked."""
    out_dir = Path(batch.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    full = next((o.failure for o in outcomes if stopped_by_output(o)), None)
    writes = Writes((full.reason, full.error) if full else None)
    manifest = Manifest.load(out_dir)
    remove_leftovers(out_dir)  # of workers stopped at their limits, or of a killed run
    if prune and batch.gone:
        for doc_id in batch.gone:
            remove_record(out_dir, doc_id)
        manifest.forget(batch.gone)
    with writes.attempt():
        manifest.compact()
    failures = run_failures(batch, outcomes)
    if outcomes or not same_failures(read_failures(out_dir), failures):
        with writes.attempt():
            write_failures(out_dir, failures)
    records = committed_records(out_dir, manifest)
    rebuilt = False
    if tables_stale(out_dir, records):
        from pipeline.store.tables import update_tables

        with writes.attempt():
            update_tables(out_dir, records)
            rebuilt = True
    summary = summarise(batch, outcomes, started, rebuilt)
    if writes.refused:
        failed_here = summary.failed - len(batch.failures)
        left = len(batch.todo) - summary.done - failed_here
        summary.stopped = stopped_message(*writes.refused, committed=summary.done, left=left)
    return summary
