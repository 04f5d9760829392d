"""Terminal output of a run: progress bar, summary, failures and gold scores (rich)."""

from __future__ import annotations

import contextlib
from typing import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.schema import DiffReport, DocumentOutcome, RunDiff, RunSummary


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
             ("task runner", summary.task_runner or "none (nothing to extract)"),
             ("time", f"{summary.seconds:.2f} s")]
    for name, value in rows:
        table.add_row(name, str(value))
    return table


def warnings_table(summary: RunSummary) -> Table | None:
    """Reading warnings (a page that lost words, an odd encoding) of this run's documents."""
    rows = [(o.path, warning) for o in summary.outcomes for warning in o.warnings]
    if not rows:
        return None
    table = Table(title="warnings (also in each record's run.warnings)")
    for column in ("file", "warning"):
        table.add_column(column, overflow="fold")
    for path, warning in rows:
        table.add_row(path, warning)
    return table


def failures_table(summary: RunSummary) -> Table:
    table = Table(title="failures (also in _failures.json)")
    for column in ("file", "stage", "reason"):
        table.add_column(column, overflow="fold")
    for failure in summary.failures:
        table.add_row(failure.path, failure.stage, failure.reason)
    return table


def ignored_table(summary: RunSummary) -> Table:
    table = Table(title="not reports, passed over (not failures)")
    for column in ("file", "reason"):
        table.add_column(column, overflow="fold")
    for ignored in summary.ignored:
        table.add_row(ignored.path, ignored.reason)
    return table


def print_run(console: Console, summary: RunSummary, pruned: bool) -> None:
    """A run's summary, then what needs a look: warnings, failures, files passed over,
    records whose source is gone, the gold diff."""
    console.print(summary_table(summary))
    for table in (warnings_table(summary),
                  failures_table(summary) if summary.failures else None,
                  ignored_table(summary) if summary.ignored else None):
        if table is not None:
            console.print(table)
    if summary.sources_gone:
        ids = ", ".join(summary.sources_gone)
        console.print(f"removed {len(summary.sources_gone)} record(s) whose source is gone: {ids}"
                      if pruned else f"{len(summary.sources_gone)} record(s) whose source is "
                      f"gone: {ids} (caselit run --prune removes them)",
                      highlight=False, soft_wrap=True)
    if summary.diff is not None:
        for table in diff_tables(summary.diff):
            console.print(table)
        console.print(f"reports: {summary.out_dir}/_diff/diff.html, diff.json, diff.md",
                      highlight=False, soft_wrap=True)


def rich_table(title: str, header: tuple[str, ...], rows: list[list[str]]) -> Table:
    table = Table(title=title)
    for index, column in enumerate(header):
        table.add_column(column, justify="left" if index == 0 else "right",
                         no_wrap=index == 0, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def diff_tables(report: DiffReport) -> list[Table]:
    """Entity-type scores, case scores and case-field agreement of a gold diff."""
    # here: the evaluation package imports pandas, which a run without gold need not
    # import before its first documents are done (see pipeline.store.parts.csv_header)
    from pipeline.evaluate.render import ACCURACY_HEADER, SCORE_HEADER, accuracy_row, score_row

    cases = report.cases
    tables = [
        rich_table(f"gold diff: document-level sets, {len(report.documents)} document(s), "
                   "micro-averaged", SCORE_HEADER, [score_row(s) for s in report.scores]),
        rich_table(f"gold diff: cases ({cases.paired} paired of {cases.gold} gold, "
                   f"{len(cases.missed)} missed, {len(cases.spurious)} spurious)",
                   SCORE_HEADER, [score_row(s) for s in report.case_scores]),
        # the rule each field is compared by is in the reports (too long for a terminal)
        rich_table("gold diff: case fields, agreement over paired cases and over all gold",
                   ACCURACY_HEADER[:-1], [accuracy_row(a)[:-1] for a in report.case_accuracy]),
    ]
    return tables


def run_diff_table(diff: RunDiff) -> Table:
    from pipeline.evaluate.render import RUN_DIFF_HEADER, run_diff_rows

    title = (f"changes {diff.old_dir} -> {diff.new_dir}: {diff.unchanged_documents} unchanged, "
             f"{len(diff.added_documents)} added, {len(diff.removed_documents)} removed")
    return rich_table(title, RUN_DIFF_HEADER, run_diff_rows(diff))
