"""Evaluate stage: extractions against the hand-curated gold set, and run against run.

Front doors:

- :func:`diff_folder` — score the records of an output folder against a gold folder
  (:class:`~pipeline.schema.DiffReport`: document-level sets, cases, every FP/FN with
  its evidence sentence);
- :func:`write_reports` — ``_diff/diff.json``, ``diff.html`` and ``diff.md``;
- :func:`scores_frame` — the report's scores as one tidy DataFrame;
- :func:`figures` — the figures quality floors hold (F1 per set and case field, case
  agreement over all gold cases);
- :func:`below` — the figures under their ``--fail-under`` thresholds;
- :func:`diff_runs` — values gained and lost between two output folders.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.evaluate.gold import load_gold, load_gold_dir
from pipeline.evaluate.render import (run_diff_html, run_diff_markdown, to_html, to_markdown,
                                      write_reports)
from pipeline.evaluate.report import diff_document, diff_report
from pipeline.evaluate.runs import compare_runs
from pipeline.evaluate.thresholds import Shortfall, below, figures, threshold_field
from pipeline.schema import Annotations, DiffReport, Document, RunDiff

__all__ = ["Shortfall", "below", "diff_document", "diff_folder", "diff_report", "diff_runs",
           "figures", "load_extractions", "load_gold", "load_gold_dir", "run_diff_html",
           "run_diff_markdown", "scores_frame", "threshold_field", "to_html", "to_markdown",
           "write_reports"]


def load_extractions(out_dir: str | Path, doc_ids: set[str] | None = None
                     ) -> dict[str, Annotations]:
    from pipeline.errors import Errors
    from pipeline.store import read_record, record_paths

    if not Path(out_dir).is_dir():
        raise FileNotFoundError(Errors.E203.format(folder=out_dir, what="output"))
    paths = [p for p in record_paths(out_dir) if doc_ids is None or p.stem in doc_ids]
    return {record.document.id: record for record in map(read_record, paths)}


def load_texts(out_dir: str | Path, doc_ids: set[str]) -> dict[str, Document]:
    """The read documents stored beside the records (older folders may lack some)."""
    from pipeline.store import document_path, read_document_record

    return {doc_id: read_document_record(out_dir, doc_id) for doc_id in doc_ids
            if document_path(Path(out_dir), doc_id).is_file()}


def diff_folder(out_dir: str | Path, gold_dir: str | Path,
                doc_ids: set[str] | None = None) -> DiffReport:
    """Score the records of ``out_dir`` (only ``doc_ids`` when given) that have gold."""
    extractions = load_extractions(out_dir, doc_ids)
    return diff_report(extractions, load_gold_dir(gold_dir), gold_dir=str(gold_dir),
                       extracted_dir=str(out_dir), doc_ids=doc_ids,
                       texts=load_texts(out_dir, set(extractions)))


def diff_runs(old_dir: str | Path, new_dir: str | Path) -> RunDiff:
    return compare_runs(load_extractions(old_dir), load_extractions(new_dir),
                        old_dir=str(old_dir), new_dir=str(new_dir))


def scores_frame(report: DiffReport) -> pd.DataFrame:
    rows = [{"level": level, **score.model_dump()}
            for level, scores in (("document", report.scores), ("case", report.case_scores))
            for score in scores]
    return pd.DataFrame(rows)
