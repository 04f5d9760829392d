"""Taggers on public annotated corpora, at mention level, beside published anchors.

    python benchmarks/corpora.py [--all] [--limit N] [--ner MODEL[,MODEL...]]

By default each task is measured on its corpus's test part, which ``caselit model train``
never trains on (BioRED Test, BC5CDR TestSet, the last 100 tmVar3 documents); ``--all``
measures on every document (only fair for the rules alone). ``--ner`` adds NER models
(as ``CASELIT_NER_MODELS`` would) to see what they bring.

Each corpus keeps its own annotation rules, which differ from the gold guidelines (BioRED
annotates gene families and "insulin"; BC5CDR counts every chemical, not only drugs), so
these figures say how the taggers transfer, not how they score on case reports. Strict:
same start and end; lenient: overlapping spans of the right type.
"""

from __future__ import annotations

import argparse
import os
import time

from pipeline.lexicons.corpora import BC5CDR, BIORED, TMVAR3
from pipeline.read import text_document
from pipeline.settings import get_settings
from pipeline.tag import tag
from pipeline.training import CHEMICALS, GENES, TMVAR_TYPES, Source

# (name, test part, all documents, our mention types, published anchor F1, its source)
TASKS = [
    ("variants / tmVar3", Source(tuple(TMVAR3), TMVAR_TYPES, "test"), Source(tuple(TMVAR3), TMVAR_TYPES),
     {"variant"}, 0.914, "tmVar 3.0"),
    ("variants / BioRED", Source((BIORED[2],), frozenset({"SequenceVariant"})),
     Source(tuple(BIORED), frozenset({"SequenceVariant"})), {"variant"}, 0.885, "AIONER"),
    ("genes / BioRED", Source((BIORED[2],), GENES), Source(tuple(BIORED), GENES), {"gene"}, 0.924,
     "AIONER"),
    ("chemicals / BC5CDR", Source((BC5CDR[2],), CHEMICALS), Source(tuple(BC5CDR), CHEMICALS),
     {"drug"}, 0.910, "AIONER (BioRED chem.)"),
]


def counts(gold: set, found: set) -> tuple[int, int, int]:
    return len(gold & found), len(found - gold), len(gold - found)


def lenient(gold: set, found: set) -> tuple[int, int, int]:
    def overlaps(a, spans):
        return any(a[0] < b[1] and b[0] < a[1] for b in spans)

    tp = sum(1 for g in gold if overlaps(g, found))
    return tp, sum(1 for f in found if not overlaps(f, gold)), len(gold) - tp


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(source: Source, our_types: set[str], limit: int, data_dir):
    strict, loose, words, seconds, documents = [0, 0, 0], [0, 0, 0], 0, 0.0, 0
    for number, doc in enumerate(source.texts(data_dir)):
        if limit and number >= limit:
            break
        started = time.perf_counter()
        mentions = tag(text_document(doc.text, doc.doc_id))
        seconds += time.perf_counter() - started
        words += len(doc.text.split())
        documents += 1
        gold = {(a.start, a.end) for a in doc.annotations if a.type in source.types}
        found = {(m.start, m.end) for m in mentions if m.type in our_types}
        for total, part in ((strict, counts(gold, found)), (loose, lenient(gold, found))):
            for i in range(3):
                total[i] += part[i]
    return strict, loose, words / seconds if seconds else 0.0, documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="every document, not the test parts")
    parser.add_argument("--limit", type=int, default=0, help="documents per task (0: all)")
    parser.add_argument("--ner", default="", help="NER models to add (comma-separated)")
    options = parser.parse_args()
    if options.ner:
        os.environ["CASELIT_NER_MODELS"] = options.ner
    data_dir = get_settings().data_dir
    started = time.perf_counter()
    tag(text_document("ALK", "warm-up"))  # lexicons and pipeline load outside the timings
    print(f"start-up: {time.perf_counter() - started:.1f} s; "
          f"{'all documents' if options.all else 'test parts'}; NER models: {options.ner or 'none'}")
    print(f"{'task':<20} {'docs':>5} {'strict P/R/F1':>19} {'lenient P/R/F1':>19}  anchor"
          f"                 words/s")
    for name, test, everything, our_types, anchor, source in TASKS:
        strict, loose, rate, documents = run(everything if options.all else test, our_types,
                                             options.limit, data_dir)
        s, l = f1(*strict), f1(*loose)
        print(f"{name:<20} {documents:>5} {s[0]:.3f}/{s[1]:.3f}/{s[2]:.3f}  "
              f"{l[0]:.3f}/{l[1]:.3f}/{l[2]:.3f}  {anchor:.3f} {source:<21} {rate:7.0f}")


if __name__ == "__main__":
    main()
