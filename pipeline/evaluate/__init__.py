"""Evaluate stage: extractions vs the hand-curated gold set.

Front doors: :func:`load_gold_dir` and :func:`score_sets`, which returns a tidy
DataFrame of per-field micro and macro precision, recall and F1.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.evaluate.gold import load_gold, load_gold_dir
from pipeline.evaluate.sets import FIELD_KEYS, FieldScore, compare_document, precision_recall_f1
from pipeline.schema import Annotations

__all__ = ["FieldScore", "compare_document", "load_gold", "load_gold_dir", "score_sets",
           "scores_frame"]


def score_sets(extractions: dict[str, Annotations], gold: dict[str, Annotations]
               ) -> tuple[pd.DataFrame, list[FieldScore], list[str]]:
    """(summary per field, per-document scores, gold ids with no extraction).

    A gold document with no extraction counts every gold value as a false negative.
    """
    scores: list[FieldScore] = []
    missing = sorted(set(gold) - set(extractions))
    for doc_id, expected in sorted(gold.items()):
        predicted = extractions.get(doc_id) or Annotations(document=expected.document)
        scores.extend(compare_document(predicted, expected))
    return scores_frame(scores), scores, missing


def scores_frame(scores: list[FieldScore]) -> pd.DataFrame:
    rows = []
    for name in FIELD_KEYS:
        field_scores = [s for s in scores if s.field == name]
        tp, fp, fn = (sum(getattr(s, a) for s in field_scores) for a in ("tp", "fp", "fn"))
        precision, recall, f1 = precision_recall_f1(tp, fp, fn)
        macro = [precision_recall_f1(s.tp, s.fp, s.fn)[2] for s in field_scores]
        rows.append({"field": name, "tp": tp, "fp": fp, "fn": fn, "precision": precision,
                     "recall": recall, "f1": f1,
                     "macro_f1": sum(macro) / len(macro) if macro else 0.0})
    return pd.DataFrame(rows)


def load_extractions(out_dir: str | Path) -> dict[str, Annotations]:
    from pipeline.store import read_record, record_paths

    return {record.document.id: record for record in map(read_record, record_paths(out_dir))}
