"""Start-up: the tagger's, and a small run's, each from a fresh process.

    python benchmarks/bench_startup.py [--rounds 3] [--runs 3] [--against OLD_CHECKOUT]

Tagger: seconds from a fresh process to the first tagged sentence. "built" compiles the
lexicons from ../shared/data into an empty cache folder; "cached" loads them from that
folder (the normal case: the target is 3 s). Lexicon loading and pipeline construction
are timed apart from the imports.

Small runs (issue 18): wall seconds of ``caselit run`` on a folder holding one seed
report (into a new output folder each time, so the document is extracted: Prefect's
API, the flow, a document worker), beside ``caselit extract`` of the same file (no flow)
and the issue's figures. With ``--against``, the same runs of another checkout (e.g. the
main branch's) alternate with this one's, round by round, for paired figures. Each
checkout runs from its root, so its Prefect home is its own ``.prefect``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
# issue 18, before this work: a one-document run took 11-17 s; caselit extract 2.6 s
ISSUE_ONE_DOCUMENT = "11-17 s (target <= 6 s)"
ISSUE_EXTRACT = "2.6 s"

PROBE = """
import json, time
started = time.perf_counter()
from pipeline.lexicons import common_words, drug_lexicon, gene_lexicon
from pipeline.read import text_document
from pipeline.settings import get_settings
from pipeline.tag import tag
imported = time.perf_counter()
settings = get_settings()
gene_lexicon(settings), drug_lexicon(settings), common_words(settings)
lexicons = time.perf_counter()
tag(text_document("EML4-ALK was treated with crizotinib.", "probe"))
tagged = time.perf_counter()
print(json.dumps({"imports": imported - started, "lexicons": lexicons - imported,
                  "pipeline": tagged - lexicons, "total": tagged - started}))
"""


def probe(cache_dir: str) -> dict[str, float]:
    env = {**os.environ, "CASELIT_CACHE_DIR": cache_dir}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"start-up probe failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def wall(command: list[str], tree: Path) -> float:
    """Seconds of ``python -m caselit.cli COMMAND`` run from the checkout ``tree``."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "caselit.cli", *command], cwd=tree,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"caselit {command[0]} failed in {tree}:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def small_runs(trees: dict[str, Path], runs: int) -> dict[str, dict[str, list[float]]]:
    """Per checkout, seconds of ``caselit extract`` and of a one-document ``caselit run``,
    the checkouts alternating within each round."""
    seed = sorted(SEEDS.glob("*.txt"))[0]
    figures = {name: {"extract": [], "run": []} for name in trees}
    with tempfile.TemporaryDirectory(prefix="caselit-startup-") as work:
        folder = Path(work) / "one"
        folder.mkdir()
        shutil.copyfile(seed, folder / seed.name)
        for round_ in range(runs):
            for name, tree in trees.items():
                out = Path(work) / f"out-{name}-{round_}"
                figures[name]["run"].append(wall(["run", str(folder), "--out", str(out)], tree))
                figures[name]["extract"].append(wall(["extract", str(folder / seed.name)], tree))
    return figures


def spread(seconds: list[float]) -> str:
    return (f"{min(seconds):.2f}-{max(seconds):.2f} s "
            f"(median {statistics.median(seconds):.2f} s, {len(seconds)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="cached start-ups to time")
    parser.add_argument("--runs", type=int, default=3,
                        help="one-document runs (and extracts) per checkout (0: none)")
    parser.add_argument("--against", type=Path, metavar="OLD_CHECKOUT",
                        help="also time another checkout's runs, alternating with this one's")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache_dir:
        runs = [("built", probe(cache_dir))]
        runs += [("cached", probe(cache_dir)) for _ in range(options.rounds)]
    print(f"{'start-up':<8} {'imports':>8} {'lexicons':>9} {'pipeline':>9} {'total':>7}  (s)")
    for label, figures in runs:
        print(f"{label:<8} {figures['imports']:8.2f} {figures['lexicons']:9.2f} "
              f"{figures['pipeline']:9.2f} {figures['total']:7.2f}")
    if not options.runs:
        return
    trees = {"this": ROOT, **({"against": options.against.resolve()} if options.against else {})}
    for name, figures in small_runs(trees, options.runs).items():
        print(f"{name} ({trees[name]}):")
        print(f"  one-document caselit run: {spread(figures['run'])}; "
              f"issue 18: {ISSUE_ONE_DOCUMENT}")
        print(f"  caselit extract:          {spread(figures['extract'])}; "
              f"issue 18: {ISSUE_EXTRACT}")


if __name__ == "__main__":
    main()
