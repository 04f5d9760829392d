"""Ingest benchmark: N text documents through ``caselit run``, then a fully skipped re-run.

    python benchmarks/bench_ingest.py [--docs 1000] [--workers 2] [--seeds ../shared/seeds]

The corpus is N copies of the seed reports under new names, made in a temporary folder
(nothing is copied into the project). Each run is a fresh ``caselit`` process, so the
figures include start-up (Python imports, Prefect's embedded API, lexicons). Prints:
docs/s, peak RSS, the second run's time, and an in-process split by stage.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASELIT = Path(sys.executable).with_name("caselit")


def make_corpus(seeds: Path, folder: Path, count: int) -> list[Path]:
    sources = sorted(seeds.glob("*.txt"))
    folder.mkdir(parents=True)
    made = []
    for index in range(count):
        source = sources[index % len(sources)]
        target = folder / f"bench_{index:05d}_{source.stem}.txt"
        shutil.copyfile(source, target)
        made.append(target)
    return made


def timed_run(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(CASELIT), "run", *args], check=True, stdout=subprocess.DEVNULL,
                   cwd=ROOT)
    return time.perf_counter() - started


def stage_split(paths: list[Path], out: Path) -> dict[str, float]:
    """Seconds per stage over ``paths``, in this process, after the tagger is loaded."""
    from pipeline.assemble import assemble
    from pipeline.read import read_document
    from pipeline.store import write_record
    from pipeline.tag import load_tagger, tag, tagger_fingerprint

    load_tagger()
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
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--stage-docs", type=int, default=50,
                        help="documents for the in-process stage split")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="caselit-bench-") as work:
        work = Path(work)
        corpus = make_corpus(options.seeds, work / "corpus", options.docs)
        out = work / "extracted"
        run_args = [str(work / "corpus"), "--out", str(out), "--workers", str(options.workers)]
        first = timed_run(run_args)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        second = timed_run(run_args)
        records = len([p for p in out.glob("*.json") if not p.name.startswith("_")])
        stages = stage_split(corpus[: options.stage_docs], work / "stage-out")

    print(f"documents:                      {options.docs} ({records} records written)")
    print(f"first run (fresh process):      {first:.1f} s  ->  {options.docs / first:.1f} docs/s")
    print(f"second run, all skipped:        {second:.2f} s")
    print(f"peak RSS (largest process):     {peak_kib / 1024:.0f} MiB")
    measured = min(options.stage_docs, options.docs)
    total = sum(stages.values())
    print(f"in-process stages over {measured} docs ({measured / total:.1f} docs/s, one thread):")
    for name, seconds in stages.items():
        print(f"  {name:<9} {1000 * seconds / measured:7.1f} ms/doc  ({100 * seconds / total:4.1f}%)")


if __name__ == "__main__":
    main()
