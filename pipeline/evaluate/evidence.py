"""Where an extracted value came from: the sentence of its first in-scope mention."""

from __future__ import annotations

from pipeline.schema import Annotations, CaseRecord, DiffItem, Extraction, Mention

MENTION_TYPES = {
    "genes": "gene", "unresolved_genes": "unresolved_gene", "fusions": "fusion",
    "rearranged_genes": "rearranged_gene", "variants": "variant", "drugs": "drug",
    "regimens": "regimen",
}


def mention_label(mention: Mention) -> str | None:
    """The value a mention stands for, in the labels the comparison uses."""
    if mention.type == "variant" and mention.variant is not None:
        return f"{mention.variant.gene}:{mention.variant.hgvs}"
    if mention.type == "fusion" and mention.fusion is not None:
        return mention.fusion.name
    return mention.normalised


class Evidence:
    """Look-ups from values to the mentions that support them, for one extraction."""

    def __init__(self, predicted: Annotations):
        mentions = predicted.mentions if isinstance(predicted, Extraction) else []
        self.by_id = {mention.id: mention for mention in mentions}
        self.first: dict[tuple[str, str], Mention] = {}
        for mention in mentions:
            label = mention_label(mention)
            if mention.in_scope and label is not None:
                self.first.setdefault((mention.type, label), mention)

    def for_value(self, field: str, value: str) -> Mention | None:
        return self.first.get((MENTION_TYPES.get(field, ""), value))

    def for_case(self, case: CaseRecord, field: str, value: str | None = None) -> Mention | None:
        """The case's mention of ``value`` among the field's evidence (a field's evidence
        may hold several values: every line's drugs, responses and settings); else the
        field's first mention."""
        mentions = [self.by_id[i] for i in case.evidence.get(field, []) if i in self.by_id]
        named = (m for m in mentions if value is not None and mention_label(m) == value)
        return next(named, mentions[0] if mentions else None)


def with_evidence(item: DiffItem, mention: Mention | None) -> DiffItem:
    if mention is None:
        return item
    offset = mention.start - mention.sentence_start
    return item.model_copy(update={
        "sentence": mention.sentence,
        "highlight": (offset, offset + len(mention.text)),
        "page": mention.page,
    })
