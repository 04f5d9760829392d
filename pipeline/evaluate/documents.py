"""Document-level sets: what the extraction and the gold each list once per document."""

from __future__ import annotations

from pipeline.evaluate.evidence import Evidence, with_evidence
from pipeline.evaluate.strategies import Counts, exact, fusion_details, ordered_pairs
from pipeline.schema import Annotations, DiffItem

SET_FIELDS = ("genes", "unresolved_genes", "fusions", "rearranged_genes", "variants", "drugs",
              "regimens")
FUSION_DETAILS_FIELD = "fusion_details"


def labels(annotations: Annotations, field: str) -> list[str]:
    values = getattr(annotations, field)
    if field == "unresolved_genes":
        return [value.symbol for value in values]
    if field == "fusions":
        return [value.name for value in values]
    if field == "variants":
        return [f"{value.gene}:{value.hgvs}" for value in values]
    return list(values)


def reverse(name: str) -> str:
    return "::".join(reversed(name.split("::")))


def compare_sets(predicted: Annotations, gold: Annotations
                 ) -> tuple[dict[str, Counts], dict[str, int], list[DiffItem]]:
    """(counts per field, orientation errors per field, FP/FN items with evidence)."""
    doc_id = gold.document.id
    evidence = Evidence(predicted)
    counts: dict[str, Counts] = {}
    orientation: dict[str, int] = {}
    items: list[DiffItem] = []
    for field in SET_FIELDS:
        if field == "fusions":
            counts[field], reversed_names = ordered_pairs(predicted.fusions, gold.fusions)
            orientation[field] = len(reversed_names)
        else:
            counts[field], reversed_names = exact(labels(predicted, field), labels(gold, field)), []
        for value in counts[field].fp:
            note = f"orientation error: gold has {reverse(value)}" if value in reversed_names else None
            items.append(with_evidence(DiffItem(doc_id=doc_id, field=field, kind="FP", value=value,
                                                note=note), evidence.for_value(field, value)))
        reversed_gold = {reverse(name) for name in reversed_names}
        for value in counts[field].fn:
            note = f"extracted reversed as {reverse(value)}" if value in reversed_gold else None
            items.append(DiffItem(doc_id=doc_id, field=field, kind="FN", gold=value, note=note))
    counts[FUSION_DETAILS_FIELD] = fusion_details(predicted.fusions, gold.fusions)
    for value in counts[FUSION_DETAILS_FIELD].fp:
        mention = evidence.for_value("fusions", value.split(" ", 1)[0])
        items.append(with_evidence(DiffItem(doc_id=doc_id, field=FUSION_DETAILS_FIELD, kind="FP",
                                            value=value), mention))
    items += [DiffItem(doc_id=doc_id, field=FUSION_DETAILS_FIELD, kind="FN", gold=value)
              for value in counts[FUSION_DETAILS_FIELD].fn]
    return counts, orientation, items
