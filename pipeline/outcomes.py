"""A document's outcome in a run, as the document worker reports it.

Apart from :mod:`pipeline.batch` so that a document worker, which reports outcomes but
plans no batch, does not import the tables' libraries (pandas, pyarrow: some 65 MB of
memory in every process; the run's process builds the documents' table parts,
:mod:`pipeline.store.parts`).
"""

from __future__ import annotations

import errno
import time

from pipeline.errors import BadInputError
from pipeline.schema import DocumentOutcome, Extraction, Failure, SourceFile, now_iso
from pipeline.store.output import FULL, problem

COUNTED = ("genes", "fusions", "variants", "drugs", "regimens", "cases")


def count_entities(extraction: Extraction, mentions: int) -> dict[str, int]:
    counts = {name: len(getattr(extraction, name)) for name in COUNTED}
    counts["mentions"] = mentions
    return counts


def outcome_done(source: SourceFile, reason: str, extraction: Extraction, started: float,
                 mentions: int) -> DocumentOutcome:
    return DocumentOutcome(doc_id=source.doc_id, path=source.path, status="done", reason=reason,
                           counts=count_entities(extraction, mentions),
                           seconds=time.perf_counter() - started,
                           extracted_at=extraction.run.extracted_at,
                           warnings=extraction.run.warnings)


def outcome_output_full(source: SourceFile, reason: str, error: OSError, started: float
                        ) -> DocumentOutcome:
    """Not a failure of the document: the output folder took no more (its errno name is
    the failure's ``error``), and the run stops."""
    failure = Failure(path=source.path, doc_id=source.doc_id, stage="extract",
                      reason=problem(error), error=errno.errorcode[error.errno], at=now_iso())
    return DocumentOutcome(doc_id=source.doc_id, path=source.path, status="failed",
                           reason=reason, seconds=time.perf_counter() - started, failure=failure)


def stopped_by_output(outcome: DocumentOutcome) -> bool:
    return outcome.failure is not None and outcome.failure.error in FULL


def outcome_failed(source: SourceFile, reason: str, error: BaseException,
                   started: float | None = None) -> DocumentOutcome:
    stage = "read" if isinstance(error, BadInputError) else "extract"
    # a named failure says its reason; anything else is a bug, named by its type
    message = getattr(error, "reason", None) or f"{type(error).__name__}: {error}"
    failure = Failure(path=source.path, doc_id=source.doc_id, stage=stage, reason=message,
                      error=type(error).__name__, at=now_iso())
    seconds = time.perf_counter() - started if started is not None else 0.0
    return DocumentOutcome(doc_id=source.doc_id, path=source.path, status="failed",
                           reason=reason, seconds=seconds, failure=failure)
