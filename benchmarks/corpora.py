"""Taggers on public annotated corpora, at mention level, beside published anchors.

    python benchmarks/corpora.py [--limit N]

Each corpus keeps its own annotation rules, which differ from the gold guidelines (BioRED
annotates gene families and "insulin"; BC5CDR counts every chemical, not only drugs), so
these figures say how the taggers transfer, not how they score on case reports. Strict:
same start and end; lenient: overlapping spans of the right type.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline.lexicons.corpora import BC5CDR, BIORED, TMVAR3, corpus
from pipeline.read import text_document
from pipeline.settings import get_settings
from pipeline.tag import tag

TMVAR_TYPES = {"DNAMutation", "ProteinMutation", "SNP", "OtherMutation", "AcidChange",
               "DNAAllele", "ProteinAllele"}
# (name, corpus files, gold types, our mention types, published anchor F1)
TASKS = [
    ("variants / tmVar3", TMVAR3, TMVAR_TYPES, {"variant"}, 0.914, "tmVar 3.0"),
    ("variants / BioRED", BIORED, {"SequenceVariant"}, {"variant"}, 0.885, "AIONER"),
    ("genes / BioRED", BIORED, {"GeneOrGeneProduct"}, {"gene"}, 0.924, "AIONER"),
    ("chemicals / BC5CDR", BC5CDR, {"Chemical"}, {"drug"}, 0.910, "AIONER (BioRED chem.)"),
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


def run(name, files, gold_types, our_types, limit, data_dir):
    strict, loose, words, seconds = [0, 0, 0], [0, 0, 0], 0, 0.0
    for number, doc in enumerate(corpus(data_dir, files)):
        if limit and number >= limit:
            break
        started = time.perf_counter()
        mentions = tag(text_document(doc.text, doc.doc_id))
        seconds += time.perf_counter() - started
        words += len(doc.text.split())
        gold = {(a.start, a.end) for a in doc.annotations if a.type in gold_types}
        found = {(m.start, m.end) for m in mentions if m.type in our_types}
        for total, part in ((strict, counts(gold, found)), (loose, lenient(gold, found))):
            for i in range(3):
                total[i] += part[i]
    return strict, loose, words / seconds if seconds else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="documents per corpus (0: all)")
    options = parser.parse_args()
    data_dir = get_settings().data_dir
    started = time.perf_counter()
    tag(text_document("ALK", "warm-up"))  # lexicons and pipeline load outside the timings
    print(f"start-up: {time.perf_counter() - started:.1f} s")
    print(f"{'task':<22} {'strict P/R/F1':>20} {'lenient P/R/F1':>20}  anchor          words/s")
    for name, files, gold_types, our_types, anchor, source in TASKS:
        strict, loose, rate = run(name, files, gold_types, our_types, options.limit, data_dir)
        s, l = f1(*strict), f1(*loose)
        print(f"{name:<22} {s[0]:.3f}/{s[1]:.3f}/{s[2]:.3f}  {l[0]:.3f}/{l[1]:.3f}/{l[2]:.3f}  "
              f"{anchor:.3f} {source:<10} {rate:8.0f}")


if __name__ == "__main__":
    main()
