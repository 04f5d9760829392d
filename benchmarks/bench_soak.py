"""Soak: thousands of documents through ``caselit run``, killed half-way, finished, re-run.

    python benchmarks/bench_soak.py [--docs 3000] [--workers 2] [--kill-at 0.5]
                                    [--seeds ../shared/seeds] [--pdfs ../shared/pdfs]

The corpus is that of ``bench_ingest.py`` (seed copies, one PDF in ten). Four runs, each a
fresh ``caselit run`` process: one killed with SIGKILL to its whole process group once
``--kill-at`` of the documents are committed; the run that finishes the work (it must
redo only the uncommitted documents); a fully skipped re-run; and, for the figures of a
run never killed, the whole corpus into a second folder. Prints for each the time,
docs/s and the peak RSS of the process tree, and checks that the finished folder holds
the same tables as the uninterrupted one.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil

from bench_ingest import CASELIT, ROOT, make_corpus, timed_run


def running(processes: list[psutil.Process]) -> int:
    alive = 0
    for process in processes:
        try:
            alive += process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            pass
    return alive


def killed_run(args: list[str], journal: Path, commits: int) -> tuple[float, int, int]:
    """(seconds, documents committed, processes of its tree still running 10 s later) of
    a run killed once ``commits`` are journaled."""
    started = time.perf_counter()
    process = subprocess.Popen([str(CASELIT), "run", *args], cwd=ROOT, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree: list[psutil.Process] = []
    while process.poll() is None:
        if journal.is_file() and journal.read_text().count('"doc_id"') >= commits:
            tree = psutil.Process(process.pid).children(recursive=True)
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.2)
    process.wait()
    seconds = time.perf_counter() - started
    time.sleep(10)
    done = journal.read_text().count('"doc_id"') if journal.is_file() else 0
    return seconds, done, running(tree)


def last_run(out: Path) -> dict:
    return json.loads((out / "_runs.jsonl").read_text().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-at", type=float, default=0.5)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--pdfs", type=Path, default=ROOT.parent / "shared" / "pdfs")
    parser.add_argument("--pdf-every", type=int, default=10)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caselit-soak-") as work:
        work = Path(work)
        make_corpus(options.seeds, options.pdfs if options.pdfs.is_dir() else None,
                    work / "corpus", options.docs, options.pdf_every)
        out, clean = work / "out", work / "clean"

        def args(folder: Path) -> list[str]:
            return [str(work / "corpus"), "--out", str(folder), "--workers", str(options.workers)]

        seconds, committed, left = killed_run(args(out), out / "_journal.jsonl",
                                              int(options.docs * options.kill_at))
        print(f"killed run: SIGKILL to its process group after {seconds:.0f} s, "
              f"{committed} documents committed; {left} of its processes still running 10 s "
              "later", flush=True)
        seconds, tree, largest = timed_run(args(out))
        done = last_run(out)["done"]
        print(f"finishing run: {seconds:.1f} s, {done} documents done (expected "
              f"{options.docs - committed}), {done / seconds:.1f} docs/s; peak RSS {tree:,.0f} "
              f"MiB for the process tree (largest process {largest:,.0f} MiB)", flush=True)
        again, _, _ = timed_run(args(out))
        print(f"skipped re-run of {options.docs}: {again:.2f} s", flush=True)
        seconds, tree, largest = timed_run(args(clean))
        print(f"uninterrupted run of {options.docs}: {seconds:.1f} s, "
              f"{options.docs / seconds:.1f} docs/s; peak RSS {tree:,.0f} MiB for the process "
              f"tree (largest process {largest:,.0f} MiB)", flush=True)
        same = all(pd.read_parquet(out / f"{name}.parquet").equals(
                   pd.read_parquet(clean / f"{name}.parquet"))
                   for name in ("cases", "mentions", "entities"))
        print(f"tables of the killed-then-finished folder equal to the uninterrupted one's: {same}")


if __name__ == "__main__":
    main()
