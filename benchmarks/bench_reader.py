"""PDF reader benchmark: pages/s of caselit's reader beside plain pdfplumber.

    python benchmarks/bench_reader.py [--pdfs ../shared/pdfs] [--rounds 4] [--workers 2]
    python benchmarks/bench_reader.py --baseline /tmp/base [--pairs 3] [--long-pages 500]

Reads every PDF in the folder ``rounds`` times (after one warm-up read) with:
plain ``pdfplumber`` ``extract_text`` on every page; caselit's reader with each engine
(``pdfium``, the default, and ``pdfplumber``, the reader of record) in one process; and
the default reader in ``workers`` processes, each reading whole files. Each figure is
given in pages per wall-clock second and, for one process, per CPU-second (the machine
is shared: CPU time is what other processes disturb least).

With ``--baseline``, pages per CPU-second of this tree's default reader beside another
tree's (e.g. ``git worktree add --detach /tmp/base main``): ``pairs`` rounds, each tree in
a fresh process that imports ``pipeline`` from its tree, in turns (old, new, new, old,
...); median and range. The PDFs of the folder ``rounds`` times, and with ``--long-pages``
a PDF of that many pages made of theirs one after another (in a temporary folder; read
in stretches, as ``read_pdf`` reads any long PDF).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def plain_pdfplumber(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def caselit_reader(path: Path, engine: str = "pdfium") -> int:
    os.environ["CASELIT_PDF_ENGINE"] = engine
    from pipeline.read.pdf import read_pdf

    return len(read_pdf(path).pages)


def timed(function, paths: list[Path], rounds: int, **options) -> tuple[float, float]:
    """(pages per wall-clock second, pages per CPU-second)."""
    function(paths[0], **options)  # imports and caches out of the measurement
    started, cpu = time.perf_counter(), time.process_time()
    pages = sum(function(path, **options) for _ in range(rounds) for path in paths)
    return pages / (time.perf_counter() - started), pages / (time.process_time() - cpu)


def timed_parallel(paths: list[Path], rounds: int, workers: int) -> float:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(caselit_reader, paths[:workers]))  # warm every worker
        started = time.perf_counter()
        pages = sum(pool.map(caselit_reader, paths * rounds))
        return pages / (time.perf_counter() - started)


def cpu_figure(paths: list[Path], rounds: int, warm_up: Path) -> float:
    """Pages per CPU-second of the default reader of the tree this process imports, after
    reading ``warm_up`` (imports and caches out of the measurement)."""
    caselit_reader(warm_up)
    cpu = time.process_time()
    pages = sum(caselit_reader(path) for _ in range(rounds) for path in paths)
    return pages / (time.process_time() - cpu)


def tree_figure(tree: Path, paths: list[Path], rounds: int, warm_up: Path) -> float:
    """:func:`cpu_figure` in a fresh process importing ``pipeline`` from ``tree``."""
    code = ("import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "import bench_reader; print(bench_reader.cpu_figure("
            "[Path(p) for p in json.loads(sys.argv[2])], int(sys.argv[3]), Path(sys.argv[4])))")
    environment = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "benchmarks"),
                           json.dumps([str(p) for p in paths]), str(rounds), str(warm_up)],
                          env=environment, capture_output=True, text=True, check=True, cwd=tree)
    return float(done.stdout.split()[-1])


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.1f} ({min(values):.1f}-{max(values):.1f})"


def paired(baseline: Path, label: str, paths: list[Path], rounds: int, pairs: int,
           warm_up: Path) -> None:
    figures: dict[Path, list[float]] = {baseline: [], ROOT: []}
    for number in range(pairs):
        for tree in (baseline, ROOT) if number % 2 == 0 else (ROOT, baseline):
            figures[tree].append(tree_figure(tree, paths, rounds, warm_up))
    print(f"{label}, pages per CPU-second, median (range) of {pairs}: "
          f"baseline {summary(figures[baseline])}, this tree {summary(figures[ROOT])}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdfs", type=Path, default=ROOT.parent / "shared" / "pdfs")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--long-pages", type=int, default=0)
    options = parser.parse_args()
    paths = sorted(options.pdfs.glob("*.pdf"))
    if options.baseline is not None:
        pages = sum(caselit_reader(path) for path in paths)
        paired(options.baseline, f"{len(paths)} PDFs ({pages} pages) x {options.rounds}", paths,
               options.rounds, options.pairs, paths[0])
        if options.long_pages:
            from bench_long import make_pdf

            with tempfile.TemporaryDirectory(prefix="caselit-reader-") as work:
                long_pdf = make_pdf(options.pdfs, Path(work) / "long.pdf", options.long_pages)
                paired(options.baseline, f"a {options.long_pages}-page PDF", [long_pdf], 1,
                       options.pairs, paths[0])
        return
    pages = sum(plain_pdfplumber(path) for path in paths)
    print(f"{len(paths)} PDFs, {pages} pages, {options.rounds} rounds")
    plain, plain_cpu = timed(plain_pdfplumber, paths, options.rounds)
    print(f"plain pdfplumber extract_text, 1 process:  {plain:6.1f} pages/s, "
          f"{plain_cpu:6.1f} pages per CPU-second")
    for engine in ("pdfplumber", "pdfium"):
        rate, cpu = timed(caselit_reader, paths, options.rounds, engine=engine)
        print(f"caselit reader ({engine:>10}), 1 process: {rate:6.1f} pages/s ({rate / plain:.1f}x), "
              f"{cpu:6.1f} pages per CPU-second ({cpu / plain_cpu:.1f}x)")
    rate = timed_parallel(paths, options.rounds, options.workers)
    print(f"caselit reader (    pdfium), {options.workers} processes: {rate:6.1f} pages/s "
          f"({rate / plain:.1f}x)")


if __name__ == "__main__":
    main()
