"""``caselit``: ingest case reports and inspect what was extracted.

    caselit run [INPUT ...] [--out DIR] [--gold DIR] [--workers N] [--force] [--strict]
    caselit extract FILE
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rich.console import Console

from pipeline.errors import USER_ERRORS

DEFAULT_INPUT = "raw"
DEFAULT_OUT = "extracted"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="caselit", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--data-dir", help="reference data folder (default: $CASELIT_DATA_DIR "
                      "or ../shared/data)")
    commands = main.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="extract every new or changed report into --out")
    run.add_argument("inputs", nargs="*", help=f"files and folders (default: {DEFAULT_INPUT}/)")
    run.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT}/)")
    run.add_argument("--gold", help="gold folder: print the gold diff of this run's documents")
    run.add_argument("--workers", type=int, default=2, help="documents in flight (default: 2)")
    run.add_argument("--force", action="store_true", help="reprocess unchanged documents too")
    run.add_argument("--strict", action="store_true", help="exit 1 when any document failed")

    extract = commands.add_parser("extract", help="print one file's extraction as JSON")
    extract.add_argument("file")
    return main


def command_run(args: argparse.Namespace, console: Console) -> int:
    from pipeline.batch import finish_batch, plan_batch

    started = time.perf_counter()
    inputs = args.inputs or [DEFAULT_INPUT]
    batch = plan_batch(inputs, args.out, force=args.force)
    if batch.todo:
        from caselit.report import progress_bar
        from flows.ingest import run_ingest
        from flows.progress import add_listener, remove_listener

        with progress_bar(console, len(batch.todo)) as listener:
            add_listener(listener)
            try:
                summary = run_ingest(inputs, args.out, force=args.force, workers=args.workers)
            finally:
                remove_listener(listener)
        summary.seconds = time.perf_counter() - started
    else:  # nothing new: no need to start Prefect
        summary = finish_batch(batch, [], started)
    from caselit.report import failures_table, scores_table, summary_table

    console.print(summary_table(summary))
    if summary.failures:
        console.print(failures_table(summary))
    if args.gold:
        from pipeline.evaluate import evaluate_folder

        doc_ids = {source.doc_id for source, _ in batch.todo} | {s.doc_id for s in batch.skipped}
        scores, per_document = evaluate_folder(args.out, args.gold, doc_ids)
        documents = len({score.doc_id for score in per_document})
        console.print(scores_table(scores, documents))
    return 1 if args.strict and summary.failed else 0


def command_extract(args: argparse.Namespace, console: Console) -> int:
    from pipeline.extract import extract

    _, extraction = extract(args.file)
    sys.stdout.write(extraction.model_dump_json(indent=2) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.data_dir:
        os.environ["CASELIT_DATA_DIR"] = str(Path(args.data_dir))
    console = Console(stderr=False)
    errors = Console(stderr=True)
    try:
        if args.command == "run":
            return command_run(args, console)
        return command_extract(args, console)
    except USER_ERRORS as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
