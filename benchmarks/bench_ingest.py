"""Ingest benchmark: N documents through ``caselit run`` on each task runner, then a
fully skipped re-run, then re-runs with a few documents changed.

    python benchmarks/bench_ingest.py [--docs 1000] [--workers 2] [--runners threads,processes,dask]
                                      [--seeds ../shared/seeds] [--pdfs ../shared/pdfs]
                                      [--changed 10] [--repeats 3] [--tree OLD_CHECKOUT]

The corpus is N copies of the seed reports and of the journal-style PDFs under new
names (one PDF in every ``--pdf-every`` documents), made in a temporary folder (nothing
is copied into the project). Each run is a fresh ``caselit`` process, so the figures
include start-up (Python imports, Prefect's embedded API, lexicons, a Dask cluster).
Prints per runner: docs/s, pages/s, peak RSS of the run's process tree (sampled every
0.2 s: the run, its Prefect API server and workers, summed) and, at that peak, by kind
of process (the run, API server, document workers, Prefect's worker processes),
the skipped re-run's time, the output folder's size against the input's; then, on the
first runner's folder, ``--repeats`` re-runs each with ``--changed`` other text documents
changed, beside issue 18's figures, and the table update alone (those documents' rows,
and every document's); then an in-process split by stage. Runs use the code of this
checkout (``python -m caselit.cli`` from its root), or with ``--tree`` another's (for
figures before a change).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # in-process figures of this checkout's code, not an installed one
CASELIT = [sys.executable, "-m", "caselit.cli"]
# issue 18, measured before the tables were updated by document
ISSUE_CHANGED_RUN = "16.7 s (target <= 5 s)"
ISSUE_REBUILD = "4.1 s per 1,000 records"
ISSUE_OUTPUT = "17x (target <= 3x)"
DOCUMENT_WORKER = "caselit-worker"  # pipeline.worker.PROCESS_NAME, of any checkout


def make_corpus(seeds: Path, pdfs: Path | None, folder: Path, count: int, pdf_every: int
                ) -> list[Path]:
    texts = sorted(seeds.glob("*.txt"))
    papers = sorted(pdfs.glob("*.pdf")) if pdfs else []
    folder.mkdir(parents=True)
    made = []
    for index in range(count):
        use_pdf = papers and pdf_every and index % pdf_every == pdf_every - 1
        source = papers[index % len(papers)] if use_pdf else texts[index % len(texts)]
        target = folder / f"bench_{index:05d}_{source.stem}{source.suffix}"
        shutil.copyfile(source, target)
        made.append(target)
    return made


def process_kind(member, parents: dict[int, str]) -> str:
    """What a process of a run's tree is, from its name or command line (and, before
    document workers had a name, its parent's for a document worker, forked from the
    zygote with the zygote's command line)."""
    if member.name() == DOCUMENT_WORKER:
        return "document worker"
    command = " ".join(member.cmdline())
    if "uvicorn" in command or "prefect server" in command:
        return "api server"
    if "multiprocessing.forkserver" in command:
        return "document worker" if parents.get(member.ppid()) == "zygote" else "zygote"
    if "multiprocessing.spawn" in command:
        return "task runner worker"
    if "resource_tracker" in command:
        return "resource tracker"
    if "pipeline.lifeline" in command:
        return "reaper"
    return "other"


def timed_run(args: list[str], tree: Path = ROOT) -> tuple[float, float, float, dict]:
    """(seconds, peak RSS of the whole process tree, peak RSS of its largest process, the
    tree's RSS at its peak by kind of process: {kind: (processes, MiB)}), in MiB, of one
    ``caselit run`` of the checkout ``tree``: the tree holds the Prefect API server and the
    workers."""
    import psutil

    errors = tempfile.TemporaryFile("w+")  # a pipe could fill up and stall the run
    started = time.perf_counter()
    process = subprocess.Popen([*CASELIT, "run", *args], cwd=tree,
                               stdout=subprocess.DEVNULL, stderr=errors, text=True)
    root = psutil.Process(process.pid)
    tree_peak = largest = 0
    kinds_at_peak: dict[str, tuple[int, float]] = {}
    while process.poll() is None:
        sizes, kinds = [], {root.pid: "main"}
        for member in [root, *root.children(recursive=True)]:
            try:
                rss = member.memory_info().rss
                kind = kinds.get(member.pid) or process_kind(member, kinds)
            except psutil.Error:  # it ended between the listing and the reading
                continue
            kinds[member.pid] = kind
            sizes.append((kind, rss))
        total = sum(rss for _, rss in sizes)
        if total > tree_peak:
            tree_peak = total
            kinds_at_peak = {}
            for kind, rss in sizes:
                count, mib = kinds_at_peak.get(kind, (0, 0.0))
                kinds_at_peak[kind] = (count + 1, mib + rss / 2**20)
        largest = max(largest, *(rss for _, rss in sizes), 0)
        time.sleep(0.2)
    if process.returncode:
        errors.seek(0)
        raise SystemExit(f"caselit run failed ({process.returncode}): {errors.read()[-2000:]}")
    return time.perf_counter() - started, tree_peak / 2**20, largest / 2**20, kinds_at_peak


def kinds_line(kinds: dict[str, tuple[int, float]]) -> str:
    return ", ".join(f"{kind} {mib:.0f}" + (f" ({count} x {mib / count:.0f})" if count > 1 else "")
                     for kind, (count, mib) in sorted(kinds.items(), key=lambda item: -item[1][1]))


def pages_of(out: Path) -> int:
    import json

    return sum(json.loads(path.read_text())["run"]["pages"] for path in out.glob("*.json")
               if not path.name.startswith("_"))


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def spread(seconds: list[float]) -> str:
    return f"{min(seconds):.2f}-{max(seconds):.2f} s (median {statistics.median(seconds):.2f} s)"


def change_documents(corpus: list[Path], count: int, repeat: int) -> list[Path]:
    """Append a sentence to ``count`` text documents, other ones on each repeat."""
    texts = [path for path in corpus if path.suffix == ".txt"]
    step = max(1, len(texts) // (count * 4))
    chosen = texts[repeat::step][:count]
    for path in chosen:
        with path.open("a", encoding="utf-8") as file:
            file.write(f"\nAt the last follow-up (visit {repeat}) the patient remains well.\n")
    return chosen


def table_updates(out: Path, count: int, repeats: int) -> tuple[list[float], float]:
    """Seconds of the table update alone, in this process: with ``count`` documents'
    commits changed (``repeats`` times, other documents each time), and for every
    document (the tables' state removed)."""
    from pipeline.batch import committed_records
    from pipeline.store import Manifest, update_tables

    committed = committed_records(out, Manifest.load(out))
    ids = sorted(committed)
    changed = []
    for repeat in range(repeats):
        stamps = {**committed, **{doc_id: f"bench-{repeat}"
                                  for doc_id in ids[repeat::max(1, len(ids) // count)][:count]}}
        clock = time.perf_counter()
        update_tables(out, stamps)
        changed.append(time.perf_counter() - clock)
    (out / "_tables.json").unlink()
    clock = time.perf_counter()
    update_tables(out, committed)
    return changed, time.perf_counter() - clock


def stage_split(paths: list[Path], out: Path) -> dict[str, float]:
    """Seconds per stage over ``paths``, in this process, after the tagger is loaded."""
    from pipeline.assemble import assemble
    from pipeline.read import read_document
    from pipeline.store import write_record
    from pipeline.tag import tag, tagger_fingerprint
    from pipeline.worker import preload_tagger

    preload_tagger()  # as a document worker starts
    fingerprint = tagger_fingerprint()
    totals = dict.fromkeys(("read", "tag", "assemble", "write"), 0.0)
    for path in paths:
        clock = time.perf_counter()
        document = read_document(path)
        totals["read"] += time.perf_counter() - clock
        clock = time.perf_counter()
        mentions = tag(document)
        totals["tag"] += time.perf_counter() - clock
        clock = time.perf_counter()
        extraction = assemble(document, mentions, fingerprint=fingerprint)
        totals["assemble"] += time.perf_counter() - clock
        clock = time.perf_counter()
        write_record(document, extraction, out)
        totals["write"] += time.perf_counter() - clock
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runners", default="threads,processes,dask",
                        help="task runners to measure, comma-separated "
                             "(default: threads,processes,dask)")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--pdfs", type=Path, default=ROOT.parent / "shared" / "pdfs")
    parser.add_argument("--pdf-every", type=int, default=10,
                        help="one PDF in every N documents (0: text only; default: 10)")
    parser.add_argument("--stage-docs", type=int, default=50,
                        help="documents for the in-process stage split")
    parser.add_argument("--changed", type=int, default=10,
                        help="documents changed before each re-run of the first runner's "
                             "folder (0: no such re-runs; default: 10)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="re-runs with changed documents (default: 3)")
    parser.add_argument("--tree", type=Path, default=ROOT,
                        help="run the caselit of this checkout (e.g. an older one, for paired "
                             "runs; default: this one)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="caselit-bench-") as work:
        work = Path(work)
        corpus = make_corpus(options.seeds, options.pdfs if options.pdfs.is_dir() else None,
                             work / "corpus", options.docs, options.pdf_every)
        pdf_count = sum(path.suffix == ".pdf" for path in corpus)
        print(f"documents: {options.docs} ({pdf_count} PDFs), {options.workers} workers")
        first_out = None
        for runner in options.runners.split(","):
            out = work / f"extracted-{runner}"
            run_args = [str(work / "corpus"), "--out", str(out), "--workers", str(options.workers),
                        "--task-runner", runner]
            first, tree_peak, largest, kinds = timed_run(run_args, options.tree)
            second = timed_run(run_args, options.tree)[0]
            records = len([p for p in out.glob("*.json") if not p.name.startswith("_")])
            pages = pages_of(out)
            print(f"{runner:>8}: first run {first:.1f} s -> {options.docs / first:.1f} docs/s, "
                  f"{pages / first:.1f} pages/s ({records} records, {pages} pages); "
                  f"skipped re-run {second:.2f} s; peak RSS {tree_peak:.0f} MiB for the process "
                  f"tree (largest process {largest:.0f} MiB)")
            print(f"{'':>10}RSS at the peak by process, MiB: {kinds_line(kinds)}")
            written, read = folder_bytes(out), folder_bytes(work / "corpus")
            print(f"          output folder {written / 1e6:.1f} MB for {read / 1e6:.1f} MB of input: "
                  f"{written / read:.2f}x; issue 18: {ISSUE_OUTPUT}")
            first_out = first_out or (out, run_args)
        if options.changed and first_out:
            out, run_args = first_out
            runs = []
            for repeat in range(options.repeats):
                change_documents(corpus, options.changed, repeat)
                runs.append(timed_run(run_args, options.tree)[0])
            print(f"{options.changed} changed among {options.docs} extracted, caselit run: "
                  f"{spread(runs)}; issue 18: {ISSUE_CHANGED_RUN}")
            changed, full = table_updates(out, options.changed, options.repeats)
            print(f"  table update alone, {options.changed} changed: {spread(changed)}; "
                  f"every document: {full:.2f} s; issue 18: {ISSUE_REBUILD}")
        stages = stage_split(corpus[: options.stage_docs], work / "stage-out")

    measured = min(options.stage_docs, options.docs)
    total = sum(stages.values())
    print(f"in-process stages over {measured} docs ({measured / total:.1f} docs/s, one thread):")
    for name, seconds in stages.items():
        print(f"  {name:<9} {1000 * seconds / measured:7.1f} ms/doc  ({100 * seconds / total:4.1f}%)")


if __name__ == "__main__":
    main()
