"""Common English words, counted where annotators found no entity.

A gene symbol spelled like a frequent word ("IMPACT", "SET", "MAX") needs context before
it counts as a gene; a brand name spelled like one ("Versus") is no drug. There is no
dictionary offline, so the words come from the BC2GM corpus: lower-case alphabetic tokens
tagged ``O`` (outside any gene mention) at least ``MIN_COUNT`` times.
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

BC2GM = [f"corpora/bc2gm_iob/{split}.tsv.gz" for split in ("train", "devel", "test")]
MIN_COUNT = 5


def build_common_words(paths: list[Path]) -> dict:
    counts: Counter = Counter()
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                token, _, tag = line.rstrip("\n").partition("\t")
                if tag == "O" and token.isalpha() and token.islower():
                    counts[token] += 1
    return {"words": sorted(word for word, count in counts.items() if count >= MIN_COUNT)}
