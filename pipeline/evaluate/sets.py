"""Document-level set comparison: TP/FP/FN per field, exact match after normalisation.

One key function per field says what "the same value" means (a fusion is its ordered
pair, a variant its gene and HGVS); precision, recall and F1 follow from the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Hashable

from pipeline.schema import Annotations

FIELD_KEYS: dict[str, Callable[[object], Hashable]] = {
    "genes": lambda gene: gene,
    "unresolved_genes": lambda unresolved: unresolved.symbol,
    "fusions": lambda fusion: fusion.name,
    "rearranged_genes": lambda gene: gene,
    "variants": lambda variant: f"{variant.gene}:{variant.hgvs}",
    "drugs": lambda drug: drug,
    "regimens": lambda regimen: regimen,
}


@dataclass
class FieldScore:
    doc_id: str
    field: str
    true_positives: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)

    @property
    def tp(self) -> int:
        return len(self.true_positives)

    @property
    def fp(self) -> int:
        return len(self.false_positives)

    @property
    def fn(self) -> int:
        return len(self.false_negatives)


def compare_field(doc_id: str, name: str, predicted: list, gold: list) -> FieldScore:
    key = FIELD_KEYS[name]
    found, expected = {str(key(v)) for v in predicted}, {str(key(v)) for v in gold}
    return FieldScore(doc_id, name, sorted(found & expected), sorted(found - expected),
                      sorted(expected - found))


def compare_document(predicted: Annotations, gold: Annotations) -> list[FieldScore]:
    doc_id = gold.document.id
    return [compare_field(doc_id, name, getattr(predicted, name), getattr(gold, name))
            for name in FIELD_KEYS]


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
