"""PDF reader benchmark: pages/s of caselit's reader beside plain pdfplumber.

    python benchmarks/bench_reader.py [--pdfs ../shared/pdfs] [--rounds 4] [--workers 2]

Reads every PDF in the folder ``rounds`` times (after one warm-up read) with:
plain ``pdfplumber`` ``extract_text`` on every page; caselit's reader with each engine
(``pdfium``, the default, and ``pdfplumber``, the reader of record) in one process; and
the default reader in ``workers`` processes, each reading whole files.
"""

from __future__ import annotations

import argparse
import os
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


def timed(function, paths: list[Path], rounds: int, **options) -> float:
    function(paths[0], **options)  # imports and caches out of the measurement
    started = time.perf_counter()
    pages = sum(function(path, **options) for _ in range(rounds) for path in paths)
    return pages / (time.perf_counter() - started)


def timed_parallel(paths: list[Path], rounds: int, workers: int) -> float:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(caselit_reader, paths[:workers]))  # warm every worker
        started = time.perf_counter()
        pages = sum(pool.map(caselit_reader, paths * rounds))
        return pages / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdfs", type=Path, default=ROOT.parent / "shared" / "pdfs")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    paths = sorted(options.pdfs.glob("*.pdf"))
    pages = sum(plain_pdfplumber(path) for path in paths)
    print(f"{len(paths)} PDFs, {pages} pages, {options.rounds} rounds")
    plain = timed(plain_pdfplumber, paths, options.rounds)
    print(f"plain pdfplumber extract_text, 1 process:  {plain:6.1f} pages/s")
    for engine in ("pdfplumber", "pdfium"):
        rate = timed(caselit_reader, paths, options.rounds, engine=engine)
        print(f"caselit reader ({engine:>10}), 1 process: {rate:6.1f} pages/s ({rate / plain:.1f}x)")
    rate = timed_parallel(paths, options.rounds, options.workers)
    print(f"caselit reader (    pdfium), {options.workers} processes: {rate:6.1f} pages/s "
          f"({rate / plain:.1f}x)")


if __name__ == "__main__":
    main()
