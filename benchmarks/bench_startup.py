"""Tagger start-up: seconds from a fresh process to the first tagged sentence.

    python benchmarks/bench_startup.py [--rounds 3]

Each measurement runs in a new Python process, as a ``caselit`` command does. "built"
compiles the lexicons from ../shared/data into an empty cache folder; "cached" loads them
from that folder (the normal case: the target is 3 s). Lexicon loading and pipeline
construction are timed apart from the imports.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="cached start-ups to time")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache_dir:
        runs = [("built", probe(cache_dir))]
        runs += [("cached", probe(cache_dir)) for _ in range(options.rounds)]
    print(f"{'start-up':<8} {'imports':>8} {'lexicons':>9} {'pipeline':>9} {'total':>7}  (s)")
    for label, figures in runs:
        print(f"{label:<8} {figures['imports']:8.2f} {figures['lexicons']:9.2f} "
              f"{figures['pipeline']:9.2f} {figures['total']:7.2f}")


if __name__ == "__main__":
    main()
