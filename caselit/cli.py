"""``caselit``: ingest case reports, inspect what was extracted, diff it against gold.

    caselit run [INPUT ...] [--out DIR] [--gold DIR] [--workers N] [--force] [--strict] [--prune]
                [--fail-under F1|FIELD=VALUE ...] [--task-runner auto|threads|processes|dask]
                [--dask-address tcp://HOST:PORT]
    caselit extract FILE
    caselit fetch pubmed "QUERY" [--since DATE] [--max N] [--out DIR] [--extracted DIR]
                  [--base-url URL]
    caselit fetch pmc PMCID ... [--out DIR] [--extracted DIR] [--base-url URL]
    caselit export --format bioc-json|bioc-xml|pubtator [--extracted DIR] [--out FILE]
    caselit diff [--gold DIR] [--against OLD_DIR] [--extracted DIR]
                 [--format table|markdown|json|html] [--fail-under F1|FIELD=VALUE ...]
    caselit data fetch [--data-dir DIR] [--only PATH ...] [--force] [--base-url URL]
    caselit model train {gene,chemical,variant} [--out DIR] [--epochs N] [--limit N]

Exit status: 0 on success; 1 when --strict finds a failed document, a figure falls under
--fail-under or a data file could not be fetched; 2 on bad input or usage; 75 when another
run is writing the same output folder (try again later); 74 when the output folder took no
more during the run (full, read-only: what was finished is committed); 128 + the signal's
number when stopped by SIGINT, SIGTERM or SIGHUP (130, 143, 129).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.errors import USER_ERRORS, Errors, OutputBusyError
from pipeline.lifeline import stopped_by_signals

DEFAULT_INPUT = "raw"
DEFAULT_OUT = "extracted"
FORMATS = ("table", "markdown", "json", "html")
# What a command stopped by a signal leaves behind, for its last line.
STOPPED = {"run": "the documents finished before it are committed, nothing is left running; "
                  "the next run does the rest"}
EXIT_BUSY = os.EX_TEMPFAIL  # 75: "temporary failure, try again later" (sysexits.h)
EXIT_OUTPUT = os.EX_IOERR  # 74: "an error occurred while doing I/O on some file"
MAX_DEFAULT_WORKERS = 8  # a worker process holds about 400 MB of tagger
DEFAULT_WORKERS = max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))


def threshold(text: str) -> tuple[str | None, float]:
    """``F1`` (every document-level entity type) or ``FIELD=VALUE`` (one case field)."""
    name, equals, value = text.rpartition("=")
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not equals:
        return None, number
    from pipeline.evaluate import threshold_field

    try:
        return threshold_field(name), number
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def at_least_one(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number of at least 1 is needed")
    return number


def add_fail_under(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--fail-under", type=threshold, action="append", default=[], metavar="F1|FIELD=VALUE",
        help="with --gold: exit 1 when a figure is below its threshold; F1 alone: an entity "
             "type's F1 (document-level sets); FIELD=VALUE, repeatable: a case field's F1 "
             "(cases, fusions, therapy_drugs, therapy_settings...) or its agreement over all "
             "gold cases (age_years, sex, diagnosis, primary_site, status, therapy_line_order)")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="caselit", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--data-dir", help="reference data folder (default: $CASELIT_DATA_DIR "
                      "or ../shared/data)")
    commands = main.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="extract every new or changed report into --out")
    run.add_argument("inputs", nargs="*", help=f"files and folders (default: {DEFAULT_INPUT}/)")
    run.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT}/)")
    run.add_argument("--gold", help="gold folder: diff this run's documents against it")
    run.add_argument("--workers", type=at_least_one, default=DEFAULT_WORKERS, metavar="N",
                     help="at most N documents in flight: threads, processes or local Dask "
                          "workers, each with a document worker; a run with little to do "
                          "starts fewer, one per 512 KB of documents (a worker's start costs "
                          "as much CPU as that much text) "
                          f"(default: the CPU cores, at most {MAX_DEFAULT_WORKERS}: "
                          f"{DEFAULT_WORKERS} here)")
    run.add_argument("--task-runner", choices=("auto", "threads", "processes", "dask"),
                     default="auto",
                     help="where chunks of documents are handed to document workers: threads "
                          "in this process, --workers processes on this machine, or a Dask "
                          "cluster (prefect-dask); auto (default): threads")
    run.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                     help="with --task-runner dask: an existing scheduler (default: a local "
                          "cluster of --workers processes)")
    run.add_argument("--force", action="store_true", help="reprocess unchanged documents too")
    run.add_argument("--strict", action="store_true", help="exit 1 when any document failed")
    run.add_argument("--prune", action="store_true",
                     help="remove the records (and table rows) whose source file is gone")
    add_fail_under(run)

    extract = commands.add_parser("extract", help="print one file's extraction as JSON")
    extract.add_argument("file")

    fetch_cmd = commands.add_parser("fetch", help="download articles from PubMed or PMC (NCBI "
                                    "E-utilities) into an input folder")
    sources = fetch_cmd.add_subparsers(dest="source", required=True)
    pubmed = sources.add_parser("pubmed", help="the newest articles a PubMed query finds: "
                                "their JATS full text when open access in PMC, else the "
                                "PubMed record")
    pubmed.add_argument("query", help='a PubMed query, e.g. "ALK fusion case report"')
    pubmed.add_argument("--since", metavar="DATE", help="entered since DATE (YYYY-MM-DD)")
    pubmed.add_argument("--max", type=at_least_one, default=20, dest="max_results",
                        help="at most N articles (default: 20)")
    pmc = sources.add_parser("pmc", help="PMC articles as JATS, by PMCID")
    pmc.add_argument("ids", nargs="+", metavar="PMCID")
    for source_parser in (pubmed, pmc):
        source_parser.add_argument("--out", default=DEFAULT_INPUT,
                                   help=f"folder for the articles (default: {DEFAULT_INPUT}/)")
        source_parser.add_argument("--extracted", default=DEFAULT_OUT,
                                   help="output folder whose documents count as fetched "
                                        f"(default: {DEFAULT_OUT}/)")
        source_parser.add_argument("--base-url", metavar="URL",
                                   help="E-utilities at URL (a mirror) instead of NCBI's "
                                        "(default: $CASELIT_NCBI_BASE_URL or NCBI)")

    export = commands.add_parser("export", help="write an output folder's records as BioC or "
                                 "PubTator, with gene, drug and variant identifiers")
    export.add_argument("--format", required=True, choices=("bioc-json", "bioc-xml", "pubtator"))
    export.add_argument("--extracted", default=DEFAULT_OUT,
                        help=f"the output folder to export (default: {DEFAULT_OUT}/)")
    export.add_argument("--out", metavar="FILE", help="file to write (default: standard output)")

    diff = commands.add_parser("diff", help="diff extractions against gold or an earlier run")
    diff.add_argument("--gold", help="gold folder")
    diff.add_argument("--against", metavar="OLD_DIR", help="an earlier output folder")
    diff.add_argument("--extracted", default=DEFAULT_OUT,
                      help=f"the output folder to diff (default: {DEFAULT_OUT}/)")
    diff.add_argument("--format", choices=FORMATS, default="table")
    add_fail_under(diff)

    data = commands.add_parser("data", help="the public reference data the pipeline reads")
    actions = data.add_subparsers(dest="action", required=True)
    fetch = actions.add_parser("fetch", help="download the reference data files, checked by "
                               "SHA-256, into the data folder")
    # SUPPRESS: when not given here, the top-level --data-dir stays in effect.
    fetch.add_argument("--data-dir", default=argparse.SUPPRESS, metavar="DIR",
                       help="reference data folder (same as before the command)")
    fetch.add_argument("--only", nargs="+", action="extend", metavar="PATH",
                       help="only these files, as paths in the data folder "
                       "(e.g. hgnc/hgnc_complete_set.txt.gz)")
    fetch.add_argument("--force", action="store_true",
                       help="download again files already present with the right checksum")
    fetch.add_argument("--base-url", metavar="URL",
                       help="download every file from URL/<path> (a mirror) instead of its origin")

    model = commands.add_parser("model", help="NER models the taggers can take candidates from")
    model_actions = model.add_subparsers(dest="action", required=True)
    train = model_actions.add_parser("train", help="train an NER model from the corpora in the "
                                     "data folder (their test parts left out)")
    train.add_argument("entity", choices=("gene", "chemical", "variant"))
    train.add_argument("--out", metavar="DIR",
                       help="model folder (default: <cache dir>/models/<entity>)")
    train.add_argument("--epochs", type=int, default=15, help="passes over the data (default: 15)")
    train.add_argument("--limit", type=int, default=0,
                       help="documents per corpus part, for a quick trial (default: all)")

    serve = commands.add_parser("serve", help="ingest on a schedule (a Prefect deployment)")
    serve.add_argument("inputs", nargs="*", help=f"folders to watch (default: {DEFAULT_INPUT}/)")
    serve.add_argument("--cron", default="0 * * * *",
                       help='schedule, cron syntax (default: "0 * * * *", every hour)')
    serve.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT}/)")
    serve.add_argument("--gold", help="gold folder: diff every scheduled run against it")
    serve.add_argument("--once", action="store_true",
                       help="run one cycle now and exit (for system cron, and tests)")
    serve.add_argument("--query", action="append", default=[], metavar="QUERY",
                       help="a PubMed query whose new articles each cycle fetches before it "
                            "ingests (repeatable)")
    serve.add_argument("--raw", metavar="DIR",
                       help="with --query: folder for fetched articles, ingested with the "
                            f"inputs (default: the first input, or {DEFAULT_INPUT}/)")
    serve.add_argument("--max", type=at_least_one, default=20, dest="max_results",
                       help="with --query: at most N articles per query and cycle (default: 20)")
    serve.add_argument("--base-url", metavar="URL",
                       help="with --query: E-utilities at URL (a mirror) instead of NCBI's")

    review = commands.add_parser("review", help="serve the review page for an output folder")
    review.add_argument("--extracted", default=DEFAULT_OUT,
                        help=f"output folder to review (default: {DEFAULT_OUT}/)")
    review.add_argument("--gold", default="gold",
                        help="gold folder: disagreements are counted against it and reviewed "
                             "documents promoted into it (default: gold/)")
    review.add_argument("--store", help="decisions database (default: $CASELIT_REVIEW_DB or "
                                        "<extracted>/review.sqlite)")
    review.add_argument("--reviewer", default=os.environ.get("USER") or "",
                        help="name offered on the login page; each browser session names "
                             "its reviewer, kept with every decision (default: $USER)")
    review.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: 127.0.0.1); any other needs a token")
    review.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    review.add_argument("--token", help="token asked for at login when bound beyond loopback "
                                        "(default: a new one, printed at start)")
    review.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a name the page is opened by (Host header), beyond 127.0.0.1, "
                             "localhost and --host; may be repeated")
    return main


def fail_under(report, thresholds: list[tuple[str | None, float]]) -> int:
    """1 when a figure is below its threshold, each one listed on stderr (stdout may be
    the report as JSON)."""
    if not thresholds or report is None:
        return 0
    from pipeline.evaluate import below

    shortfalls = below(report, thresholds)
    for shortfall in shortfalls:
        Console(stderr=True).print(f"[bold red]below threshold:[/] {shortfall}", highlight=False,
                                   soft_wrap=True)
    return 1 if shortfalls else 0


def check_inputs(inputs: list[str]) -> None:
    missing = [Errors.E506.format(path=path) for path in inputs if not os.path.lexists(path)]
    if missing:
        raise FileNotFoundError("; ".join(missing))


def command_run(args: argparse.Namespace, console: Console) -> int:
    """Checked before any work: the inputs exist, ``--out`` is a folder; with work to do,
    also that it is writable with room to spare. A run with nothing to do writes nothing."""
    from pipeline.batch import needs_finishing, plan_batch
    from pipeline.settings import get_limits
    from pipeline.store.output import check_output

    started = time.perf_counter()
    inputs = args.inputs or [DEFAULT_INPUT]
    check_inputs(inputs)
    min_free = get_limits().min_free_mb
    check_output(args.out, min_free, writing=False)
    batch = plan_batch(inputs, args.out, force=args.force)
    if batch.todo or needs_finishing(batch, args.prune):
        check_output(args.out, min_free)
    if batch.todo:
        from pipeline.collector import collected_seldom, collector_spared
        from flows.start import choose_runner, head_start
        from pipeline.store import output_lock
        from pipeline.worker import plan_for, workers_for

        runner = choose_runner(args.task_runner)
        workers = workers_for([source for source, _ in batch.todo], args.workers)
        # locked before Prefect starts: a busy folder is said at once; the document workers
        # start (and one alone extracts the first documents) while this process imports
        # Prefect and starts the run's API
        plan = plan_for(batch.todo, batch.fingerprint, workers)
        with output_lock(args.out), head_start(len(batch.todo), runner, workers, plan), \
                thawed(), collected_seldom():
            with collector_spared():
                from caselit.report import progress_bar
                from flows.ingest import engine_imports, run_ingest
                from flows.progress import add_listener, remove_listener

                engine_imports()
            with progress_bar(console, len(batch.todo)) as listener:
                add_listener(listener)
                try:
                    summary = run_ingest(inputs, args.out, force=args.force,
                                         workers=workers, gold_dir=args.gold,
                                         runner=runner, dask_address=args.dask_address,
                                         prune=args.prune)
                finally:
                    remove_listener(listener)
        summary.seconds = time.perf_counter() - started
    else:  # nothing to extract: no need to start Prefect
        summary = finish_without_flow(batch, args.gold, args.prune, started)
    from caselit.report import print_run

    print_run(console, summary, pruned=args.prune)
    status = fail_under(summary.diff, args.fail_under)
    if summary.stopped:  # the output folder took no more: said last, on one line
        Console(stderr=True).print(f"[bold red]error:[/] {escape(args.out)}: "
                                   f"{escape(summary.stopped)}", highlight=False, soft_wrap=True)
        return EXIT_OUTPUT
    return 1 if (args.strict and summary.failed) or status else 0


@contextmanager
def thawed() -> Iterator[None]:
    """What :func:`collector_spared` froze within, collected as usual again after it, so
    that a process that goes on (a test calling :func:`main`) keeps no garbage."""
    try:
        yield
    finally:
        gc.unfreeze()


def finish_without_flow(batch, gold_dir: str | None, prune: bool, started: float):
    """A run with nothing to extract. It writes only what is out of date: a journal or
    tables a killed run left unfinished, a changed list of failures, changed gold reports;
    when nothing is, it writes nothing (and needs no lock)."""
    from pipeline.batch import finish_batch, idle_summary, needs_finishing
    from pipeline.store import append_run, output_lock
    from pipeline.store.output import Writes

    if needs_finishing(batch, prune):
        with output_lock(batch.out_dir):
            summary = finish_batch(batch, [], started, prune=prune)
            append_run(batch.out_dir, summary)
    else:
        summary = idle_summary(batch, started)
    if gold_dir:
        from pipeline.evaluate import diff_folder, write_reports

        summary.diff = diff_folder(batch.out_dir, gold_dir, batch.doc_ids)
        if reports_changed(summary.diff, batch.out_dir):
            with Writes().attempt():  # a read-only folder keeps its reports; stdout has them
                write_reports(summary.diff, batch.out_dir)
    return summary


def reports_changed(report, out_dir: str) -> bool:
    written = Path(out_dir) / "_diff" / "diff.json"
    try:
        return written.read_text(encoding="utf-8") != report.model_dump_json(indent=2)
    except OSError:
        return True


def command_extract(args: argparse.Namespace, console: Console) -> int:
    from caselit.api import extract

    extraction = extract(Path(args.file))
    sys.stdout.write(extraction.model_dump_json(indent=2) + "\n")
    return 0


def command_export(args: argparse.Namespace, console: Console) -> int:
    from pipeline.atomic import atomic_write_text
    from pipeline.export import export_folder

    text = export_folder(args.extracted, args.format)
    if args.out:
        atomic_write_text(Path(args.out), text)
        Console(stderr=True).print(f"written: {escape(args.out)}", highlight=False, soft_wrap=True)
    else:
        sys.stdout.write(text)
    return 0


def fetched_table(results, title: str) -> Table:
    table = Table(title=title)
    for column in ("id", "status", "file", "reason"):
        table.add_column(column, overflow="fold")
    for result in results:
        status = f"[bold red]{result.status}[/]" if result.status == "failed" else result.status
        file = f"{result.path} ({result.form})" if result.path else ""
        table.add_row(result.id, status, escape(file), escape(result.reason))
    return table


def command_fetch(args: argparse.Namespace, console: Console) -> int:
    from pipeline.sources import client_for, fetch_pmc, fetch_pubmed

    client = client_for(args.base_url)
    if args.source == "pubmed":
        results = fetch_pubmed(args.query, args.out, since=args.since,
                               max_results=args.max_results, extracted=args.extracted,
                               client=client)
    else:
        results = fetch_pmc(args.ids, args.out, extracted=args.extracted, client=client)
    console.print(fetched_table(results, f"caselit fetch {args.source} -> {args.out} "
                                         f"({client.requests} request(s))"))
    return 1 if any(result.status == "failed" for result in results) else 0


def print_formatted(console: Console, fmt: str, tables, markdown: str, json_text: str,
                    html: str) -> None:
    if fmt == "table":
        for table in tables:
            console.print(table)
    else:
        sys.stdout.write({"markdown": markdown, "json": json_text + "\n", "html": html}[fmt])


def command_diff(args: argparse.Namespace, console: Console) -> int:
    from caselit.report import diff_tables, run_diff_table
    from pipeline import evaluate

    report = None
    if args.gold:
        report = evaluate.diff_folder(args.extracted, args.gold)
        written = evaluate.write_reports(report, args.extracted)
        print_formatted(console, args.format, diff_tables(report),
                        evaluate.to_markdown(report), report.model_dump_json(indent=2),
                        evaluate.to_html(report))
        if args.format == "table":
            console.print("reports: " + ", ".join(str(path) for path in written))
    if args.against:
        changes = evaluate.diff_runs(args.against, args.extracted)
        print_formatted(console, args.format, [run_diff_table(changes)],
                        evaluate.run_diff_markdown(changes), changes.model_dump_json(indent=2),
                        evaluate.run_diff_html(changes))
    return fail_under(report, args.fail_under)


def fetch_table(results, data_dir: Path) -> Table:
    table = Table(title=f"caselit data fetch -> {data_dir}")
    for column in ("file", "status", "reason"):
        table.add_column(column, overflow="fold")
    for result in results:
        status = f"[bold red]{result.status}[/]" if result.status == "failed" else result.status
        table.add_row(result.path, status, escape(result.reason))  # URLs, server text
    return table


def command_data(args: argparse.Namespace, console: Console) -> int:
    """``data fetch``, the only action of ``data`` so far."""
    from pipeline.lexicons.fetch import fetch, packaged_sources
    from pipeline.settings import get_settings

    data_dir = get_settings().data_dir
    results = fetch(packaged_sources(), data_dir, base_url=args.base_url, only=args.only,
                    force=args.force)
    console.print(fetch_table(results, data_dir))
    return 1 if any(result.status == "failed" for result in results) else 0


def command_model(args: argparse.Namespace, console: Console) -> int:
    """``model train``, the only action of ``model`` so far."""
    from pipeline.settings import get_settings
    from pipeline.training import train_model

    settings = get_settings()
    out = Path(args.out) if args.out else settings.cache_dir / "models" / args.entity
    best = train_model(args.entity, settings.data_dir, out, epochs=args.epochs, limit=args.limit)
    console.print(f"trained: {best}\nuse it: export CASELIT_NER_MODELS={best}", highlight=False,
                  soft_wrap=True)
    return 0


def command_serve(args: argparse.Namespace, console: Console) -> int:
    inputs = args.inputs or [args.raw if args.query and args.raw else DEFAULT_INPUT]
    raw = args.raw or inputs[0]
    if args.query:
        Path(raw).mkdir(parents=True, exist_ok=True)
        inputs = inputs if raw in inputs else [*inputs, raw]
    check_inputs(inputs)  # a folder missing at the start would fail every cycle
    if args.once:
        if args.query:
            from pipeline.sources import client_for, fetch_new

            client = client_for(args.base_url)
            results = fetch_new(args.query, raw, args.out, max_results=args.max_results,
                                client=client)
            console.print(fetched_table(results, f"fetched -> {raw} ({client.requests} "
                                                 "request(s))"))
        once = argparse.Namespace(inputs=inputs, out=args.out, gold=args.gold, workers=2,
                                  task_runner="threads", dask_address=None, force=False,
                                  strict=False, fail_under=[], prune=False)
        return command_run(once, console)
    from flows.serve import serve

    fetching = {"queries": args.query, "fetch_dir": raw, "fetch_max": args.max_results,
                "base_url": args.base_url} if args.query else None
    serve(inputs, args.out, cron=args.cron, gold_dir=args.gold, fetching=fetching,
          announce=lambda line: console.print(line, highlight=False, soft_wrap=True))
    return 0


def command_review(args: argparse.Namespace, console: Console) -> int:
    """Bound to loopback, the page asks only for a name; bound beyond it, also for a
    token (``--token`` or a new one printed here), and says so on every page."""
    import secrets

    import uvicorn

    from pipeline.errors import Errors
    from pipeline.review import ReviewConfig, create_app
    from pipeline.review.guard import LOOPBACK

    extracted = Path(args.extracted)
    if not extracted.is_dir():
        raise FileNotFoundError(Errors.E203.format(folder=extracted, what="output"))
    store = Path(args.store or os.environ.get("CASELIT_REVIEW_DB") or extracted / "review.sqlite")
    shared = args.host not in LOOPBACK
    token = (args.token or secrets.token_urlsafe(16)) if shared else args.token
    app = create_app(ReviewConfig(extracted=extracted, gold=Path(args.gold), store=store,
                                  reviewer=args.reviewer, host=args.host, token=token,
                                  allowed_hosts=tuple(args.allow_host)))
    console.print(f"review page: http://{args.host}:{args.port}/  (decisions: {store})",
                  highlight=False, soft_wrap=True)
    if shared:
        Console(stderr=True).print(
            f"[bold yellow]warning:[/] bound to {escape(args.host)}, beyond this machine: "
            f"anyone who can reach port {args.port} sees the page; logging in needs the "
            f"token {escape(token)}. Open it by a name in the allow-list (127.0.0.1, "
            f"localhost, {escape(', '.join([args.host, *args.allow_host]))}; --allow-host adds one).",
            highlight=False, soft_wrap=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


COMMANDS = {"run": command_run, "extract": command_extract, "fetch": command_fetch,
            "export": command_export,
            "diff": command_diff,
            "data": command_data, "model": command_model, "serve": command_serve,
            "review": command_review}


def leave_heap_to_the_os() -> None:
    """When this process exits, its objects are left to the OS rather than collected by
    the interpreter's final garbage collections, which took 0.8-1.5 s over a run's heap
    (Prefect, pandas, Arrow) after its last line. Only at exit (``gc.freeze`` as an exit
    handler, once however often :func:`main` is called): a process that goes on, such as
    a test calling :func:`main`, collects as before."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def main(argv: list[str] | None = None) -> int:
    leave_heap_to_the_os()
    cli = parser()
    args = cli.parse_args(argv)
    if args.command == "diff" and not (args.gold or args.against):
        cli.error("diff needs --gold DIR, --against OLD_DIR, or both")
    if args.data_dir:
        os.environ["CASELIT_DATA_DIR"] = str(Path(args.data_dir))
    console = Console()
    errors = Console(stderr=True)
    received: list[int] = []
    try:
        with stopped_by_signals(received):
            return COMMANDS[args.command](args, console)
    except KeyboardInterrupt:
        sig = received[0] if received else signal.SIGINT
        errors.print(f"[bold red]stopped[/] by {signal.Signals(sig).name}: "
                     f"{STOPPED.get(args.command, 'nothing is left running')}",
                     highlight=False, soft_wrap=True)
        return 128 + sig
    except OutputBusyError as error:
        errors.print(f"[bold red]busy:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        return EXIT_BUSY
    except USER_ERRORS as error:
        # soft_wrap: a long path must not be broken (a wrap drops the space it breaks at)
        errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
