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

__all__ = ["FieldScore", "compare_document", "evaluate_folder", "load_extractions", "load_gold",
           "load_gold_dir", "score_sets", "scores_frame"]


def score_sets(extractions: dict[str, Annotations], gold: dict[str, Annotations]
               ) -> tuple[pd.DataFrame, list[FieldScore]]:
    """(summary per field, per-document scores) over the documents in both sets."""
    scores: list[FieldScore] = []
    for doc_id in sorted(set(gold) & set(extractions)):
        scores.extend(compare_document(extractions[doc_id], gold[doc_id]))
    return scores_frame(scores), scores


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


def load_extractions(out_dir: str | Path, doc_ids: set[str] | None = None
                     ) -> dict[str, Annotations]:
    from pipeline.store import read_record, record_paths

    paths = [p for p in record_paths(out_dir) if doc_ids is None or p.stem in doc_ids]
    return {record.document.id: record for record in map(read_record, paths)}


def evaluate_folder(out_dir: str | Path, gold_dir: str | Path,
                    doc_ids: set[str] | None = None) -> tuple[pd.DataFrame, list[FieldScore]]:
    """Score the records of ``out_dir`` (optionally only ``doc_ids``) that have gold."""
    return score_sets(load_extractions(out_dir, doc_ids), load_gold_dir(gold_dir))
