"""Tagging and PDF reading speed of this tree beside a baseline tree, in paired runs.

    python benchmarks/bench_speed.py [--baseline /tmp/base18] [--rounds 5] [--abstracts 100]

Tagging and reading are measured in the conditions of the process that does them in a run,
a document worker: its tagger loaded and warmed as a worker starts
(:func:`pipeline.worker.preload_tagger`, the garbage collector sparing what it made).
Loaded plainly, a full collection over the tagger's objects (0.13-0.14 s of CPU, up to
0.5 s on a loaded machine) landed in the tagging pass or the PDF reads of some rounds
and not others, which no run's worker pays.

The machine is shared, so each figure is measured in CPU seconds of one process, and the
two trees are measured in turns (old, new, new, old, ...), each in a fresh process that
imports ``pipeline`` from its tree (``PYTHONPATH``); the table gives the median and the
range over the rounds. Without ``--baseline`` only this tree is measured.

- tagging, words/s: ``tag()`` over the seed texts, the development reports and
  ``--abstracts`` abstracts of each corpus's test part (BioRED, BC5CDR, tmVar3), after a
  warm-up document; words are whitespace-separated, as ``benchmarks/corpora.py`` counts
  them. First pass: texts the process has not seen (as in a run); second pass: the same
  texts again (the tokenizer's vocabulary and the look-up caches know their words).
  References: the tagger's own tokenizer alone over the same texts, once they are seen
  (after the tagging passes: its word cache knows them), and on a first pass (a second
  pipeline built in the process, whose vocabulary and cache know none of them: the
  conditions of tagging's first pass).
- ms per seed: ``tag()`` of each seed text (the fastest of three), averaged over the seeds.
- PDF pages per CPU-second: ``read_pdf`` over the journal-style PDFs. References: plain
  pdfplumber ``extract_text`` (columns interleaved) and pypdfium2's raw page text.

The issue's figures (issue 18, measured the same way) are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ISSUE = {"words_per_s": "43,500", "words_per_s_seen": "43,500",
         "tokenizer_words_per_s": "245,600", "pages_per_cpu_s": "20.5-21.2",
         "pdfplumber_pages_per_cpu_s": "13.5", "pdfium_text_pages_per_cpu_s": "861-890"}
TARGETS = {"words_per_s": ">= 90,000", "words_per_s_seen": ">= 90,000", "pages_per_cpu_s": ">= 60"}


def cpu_seconds(function, items) -> float:
    started = time.process_time()
    for item in items:
        function(item)
    return time.process_time() - started


def texts(abstracts: int) -> list:
    from pipeline.lexicons.corpora import BC5CDR, BIORED, TMVAR3, corpus
    from pipeline.read import read_document, text_document
    from pipeline.settings import get_settings

    documents = [read_document(path) for folder in (SHARED / "seeds", SHARED / "dev" / "raw")
                 for path in sorted(folder.glob("*.txt"))]
    data_dir = get_settings().data_dir
    for files in ((BIORED[2],), (BC5CDR[2],), tuple(TMVAR3)):
        found = list(corpus(data_dir, list(files)))
        # tmVar3 has no split: its last documents are the test part (pipeline.training)
        for text in (found[-abstracts:] if files == tuple(TMVAR3) else found[:abstracts]):
            documents.append(text_document(text.text, text.doc_id))
    return documents


def measure(abstracts: int) -> dict[str, float]:
    """Every figure of one tree, in this process."""
    from pipeline.read.pdf import read_pdf
    from pipeline.tag import load_tagger, tag
    from pipeline.tag.nlp import build_nlp
    from pipeline.worker import preload_tagger

    documents = texts(abstracts)
    seeds = documents[:5]
    words = sum(len(document.text.split()) for document in documents)
    preload_tagger()  # as a document worker starts: what the tagger makes lives frozen
    nlp = load_tagger()
    tag(documents[-1])  # lexicons, caches and the tokenizer's vocabulary warm
    figures = {"words": words,
               "words_per_s": words / cpu_seconds(tag, documents),
               "words_per_s_seen": words / cpu_seconds(tag, documents),
               "tokenizer_words_per_s": words / cpu_seconds(
                   nlp.make_doc, [document.text for document in documents]),
               # the same tokenizer in the tagging's first-pass conditions: a second pipeline,
               # whose vocabulary and word cache know none of these texts
               "tokenizer_first_words_per_s": words / cpu_seconds(
                   build_nlp().make_doc, [document.text for document in documents]),
               "ms_per_seed": 1000 * statistics.mean(
                   min(cpu_seconds(tag, [seed]) for _ in range(3)) for seed in seeds)}
    pdfs = sorted((SHARED / "pdfs").glob("*.pdf"))
    read_pdf(pdfs[0])
    pages = sum(len(read_pdf(path).pages) for path in pdfs)
    figures["pages"] = pages
    figures["pages_per_cpu_s"] = 2 * pages / cpu_seconds(read_pdf, pdfs * 2)
    figures["pdfplumber_pages_per_cpu_s"] = pages / cpu_seconds(plumber_text, pdfs)
    figures["pdfium_text_pages_per_cpu_s"] = 4 * pages / cpu_seconds(pdfium_text, pdfs * 4)
    return figures


def plumber_text(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def pdfium_text(path: Path) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    for page in document:
        page.get_textpage().get_text_range()
    document.close()


def run_tree(tree: Path, abstracts: int) -> dict[str, float]:
    environment = dict(os.environ, PYTHONPATH=str(tree))
    output = subprocess.run([sys.executable, __file__, "--measure", "--abstracts", str(abstracts)],
                            env=environment, cwd=tree, capture_output=True, text=True)
    if output.returncode:
        raise SystemExit(f"measuring {tree} failed: {output.stderr[-2000:]}")
    return json.loads(output.stdout.splitlines()[-1])


def summary(values: list[float], digits: int) -> str:
    median = statistics.median(values)
    return f"{median:,.{digits}f} ({min(values):,.{digits}f}-{max(values):,.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="a tree to measure beside this one")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--abstracts", type=int, default=100, help="abstracts per corpus")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(options.abstracts)))
        return
    trees = {"this tree": ROOT}
    if options.baseline:
        trees = {"baseline": options.baseline.resolve(), **trees}
    results: dict[str, list[dict]] = {name: [] for name in trees}
    for round_ in range(options.rounds):
        order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
        for name in order:
            results[name].append(run_tree(trees[name], options.abstracts))
        print(f"round {round_ + 1}/{options.rounds} done", file=sys.stderr)
    first = results["this tree"][0]
    print(f"{first['words']:,} words (seeds, development reports, {options.abstracts} abstracts "
          f"per corpus); {first['pages']} PDF pages; "
          f"{options.rounds} rounds, median (range), CPU time of one process")
    rows = [("tagging, words/s, first pass", "words_per_s", 0),
            ("tagging, words/s, second pass", "words_per_s_seen", 0),
            ("tokenizer alone, words/s, texts seen", "tokenizer_words_per_s", 0),
            ("tokenizer alone, words/s, first pass", "tokenizer_first_words_per_s", 0),
            ("tagging, ms per seed", "ms_per_seed", 1),
            ("PDF reading, pages per CPU-second", "pages_per_cpu_s", 1),
            ("pdfplumber extract_text, pages per CPU-second", "pdfplumber_pages_per_cpu_s", 1),
            ("pypdfium2 raw text, pages per CPU-second", "pdfium_text_pages_per_cpu_s", 0)]
    header = "| what | " + " | ".join(trees) + " | issue 18 | target |"
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for label, key, digits in rows:
        cells = [summary([figures[key] for figures in results[name]], digits) for name in trees]
        print(f"| {label} | " + " | ".join(cells)
              + f" | {ISSUE.get(key, '')} | {TARGETS.get(key, '')} |")


if __name__ == "__main__":
    main()
