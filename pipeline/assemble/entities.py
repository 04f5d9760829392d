"""Document-level sets: each thing once per document, from in-scope mentions only."""

from __future__ import annotations

from typing import Callable, Hashable, Iterable, TypeVar

from pipeline.schema import Fusion, Mention, UnresolvedGene, Variant

T = TypeVar("T")


def unique(items: Iterable[T], key: Callable[[T], Hashable] = lambda item: item) -> list[T]:
    """Items in order of first appearance, each key once."""
    seen: set[Hashable] = set()
    kept = []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            kept.append(item)
    return kept


def of_type(mentions: list[Mention], kind: str) -> list[Mention]:
    return [m for m in mentions if m.type == kind and m.in_scope and m.normalised]


def fusions(mentions: list[Mention]) -> list[Fusion]:
    return unique((m.fusion for m in of_type(mentions, "fusion") if m.fusion),
                  key=lambda f: f.model_dump_json())


def rearranged_genes(mentions: list[Mention], found: list[Fusion]) -> list[str]:
    """Genes reported rearranged for which the document names no partner anywhere."""
    partnered = {f.five_prime for f in found} | {f.three_prime for f in found}
    return unique(m.normalised for m in of_type(mentions, "rearranged_gene")
                  if m.normalised not in partnered)


def variants(mentions: list[Mention]) -> list[Variant]:
    return unique((m.variant for m in of_type(mentions, "variant") if m.variant),
                  key=lambda v: (v.gene, v.hgvs))


def entity_sets(mentions: list[Mention]) -> dict:
    found = fusions(mentions)
    return {
        "genes": unique(m.normalised for m in of_type(mentions, "gene")),
        "unresolved_genes": unique(
            (UnresolvedGene(symbol=m.normalised) for m in of_type(mentions, "unresolved_gene")),
            key=lambda u: u.symbol),
        "fusions": found,
        "rearranged_genes": rearranged_genes(mentions, found),
        "variants": variants(mentions),
        "drugs": unique(m.normalised for m in of_type(mentions, "drug")),
        "regimens": unique(m.normalised for m in of_type(mentions, "regimen")),
    }
