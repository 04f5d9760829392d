"""Terminal output of a run: progress bar, summary, failures and gold scores (rich)."""

from __future__ import annotations

import contextlib
from typing import Iterator

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.schema import DocumentOutcome, RunSummary


@contextlib.contextmanager
def progress_bar(console: Console, total: int) -> Iterator:
    """A listener that advances a bar per finished document (a no-op off a terminal)."""
    if not console.is_terminal:
        yield lambda outcome: None
        return
    columns = (TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, console=console, transient=True) as bar:
        job = bar.add_task("starting Prefect and loading lexicons", total=total)

        def advance(outcome: DocumentOutcome) -> None:
            mark = "" if outcome.status == "done" else " (failed)"
            bar.update(job, advance=1, description=f"{outcome.doc_id}{mark}")

        yield advance


def summary_table(summary: RunSummary) -> Table:
    table = Table(title=f"caselit run -> {summary.out_dir}", show_header=True)
    table.add_column("documents", justify="left")
    table.add_column("", justify="right")
    rows = [("done", summary.done), ("skipped (unchanged)", summary.skipped),
            ("failed", summary.failed)]
    rows += [(f"{name} (in done documents)", count) for name, count in summary.counts.items()]
    rows += [("tables rebuilt", "yes" if summary.tables_rebuilt else "no"),
             ("time", f"{summary.seconds:.2f} s")]
    for name, value in rows:
        table.add_row(name, str(value))
    return table


def failures_table(summary: RunSummary) -> Table:
    table = Table(title="failures (also in _failures.json)")
    for column in ("file", "stage", "reason"):
        table.add_column(column, overflow="fold")
    for failure in summary.failures:
        table.add_row(failure.path, failure.stage, failure.reason)
    return table


def scores_table(scores: pd.DataFrame, documents: int) -> Table:
    table = Table(title=f"gold diff: document-level sets, {documents} document(s), micro-averaged")
    for column in ("field", "TP", "FP", "FN", "precision", "recall", "F1", "macro F1"):
        table.add_column(column, justify="right" if column != "field" else "left")
    for row in scores.itertuples():
        table.add_row(row.field, str(row.tp), str(row.fp), str(row.fn), f"{row.precision:.3f}",
                      f"{row.recall:.3f}", f"{row.f1:.3f}", f"{row.macro_f1:.3f}")
    return table
