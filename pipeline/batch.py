"""A run over many files, as plain functions: plan what to do, record what was done.

The Prefect flow wraps these in tasks; ``caselit run`` also calls :func:`plan_batch`
first, so a run with nothing to do finishes without starting Prefect at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pipeline.errors import BadInputError
from pipeline.read import discover
from pipeline.read.discover import now_iso
from pipeline.schema import (DocumentOutcome, Extraction, Failure, RunSummary, SourceFile)
from pipeline.store import (TABLES, Manifest, rebuild_tables, record_paths, write_failures)

COUNTED = ("genes", "fusions", "variants", "drugs", "regimens", "cases")


@dataclass
class Batch:
    out_dir: str
    fingerprint: str
    todo: list[tuple[SourceFile, str]] = field(default_factory=list)
    skipped: list[SourceFile] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def doc_ids(self) -> set[str]:
        """Every document of the run, processed or skipped."""
        return {source.doc_id for source, _ in self.todo} | {s.doc_id for s in self.skipped}


def plan_batch(inputs: Iterable[str | Path], out_dir: str | Path, *, force: bool = False,
               fingerprint: str | None = None) -> Batch:
    """Discover the inputs and decide, from the manifest, which need processing."""
    if fingerprint is None:
        from pipeline.tag import tagger_fingerprint

        fingerprint = tagger_fingerprint()
    found = discover(inputs)
    plan = Manifest.load(out_dir).plan(found.sources, fingerprint, force=force)
    return Batch(str(out_dir), fingerprint, plan.todo, plan.skipped, found.failures)


def count_entities(extraction: Extraction) -> dict[str, int]:
    counts = {name: len(getattr(extraction, name)) for name in COUNTED}
    counts["mentions"] = len(extraction.mentions)
    return counts


def outcome_done(source: SourceFile, reason: str, extraction: Extraction,
                 started: float) -> DocumentOutcome:
    return DocumentOutcome(doc_id=source.doc_id, path=source.path, status="done", reason=reason,
                           counts=count_entities(extraction), seconds=time.perf_counter() - started,
                           extracted_at=extraction.run.extracted_at,
                           warnings=extraction.run.warnings)


def outcome_failed(source: SourceFile, reason: str, error: BaseException,
                   started: float | None = None) -> DocumentOutcome:
    stage = "read" if isinstance(error, BadInputError) else "extract"
    message = error.reason if isinstance(error, BadInputError) else f"{type(error).__name__}: {error}"
    failure = Failure(path=source.path, doc_id=source.doc_id, stage=stage, reason=message,
                      error=type(error).__name__, at=now_iso())
    seconds = time.perf_counter() - started if started is not None else 0.0
    return DocumentOutcome(doc_id=source.doc_id, path=source.path, status="failed",
                           reason=reason, seconds=seconds, failure=failure)


def tables_missing(out_dir: Path) -> bool:
    return any(not (out_dir / f"{name}.parquet").is_file() for name in TABLES)


def finish_batch(batch: Batch, outcomes: list[DocumentOutcome], started: float) -> RunSummary:
    """Record successes in the manifest, write the failures, rebuild the tables if needed."""
    out_dir = Path(batch.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = {source.doc_id: source for source, _ in batch.todo}
    done = [o for o in outcomes if o.status == "done"]
    if done:
        manifest = Manifest.load(out_dir)
        for outcome in done:
            manifest.record(sources[outcome.doc_id], batch.fingerprint, outcome.extracted_at)
        manifest.save()
    failures = sorted(batch.failures + [o.failure for o in outcomes if o.failure is not None],
                      key=lambda failure: failure.path)
    write_failures(out_dir, failures)
    rebuilt = bool(done) or (tables_missing(out_dir) and bool(record_paths(out_dir)))
    if rebuilt:
        rebuild_tables(out_dir)
    counts = {name: sum(o.counts.get(name, 0) for o in done) for name in COUNTED + ("mentions",)}
    return RunSummary(out_dir=str(out_dir), done=len(done), skipped=len(batch.skipped),
                      failed=len(failures), counts=counts,
                      seconds=time.perf_counter() - started, tables_rebuilt=rebuilt,
                      failures=failures, outcomes=sorted(outcomes, key=lambda o: o.doc_id))
