"""Document-level sets: each thing once per document, from in-scope mentions only."""

from __future__ import annotations

from typing import Callable, Hashable, Iterable, TypeVar

from pipeline.schema import FUSION_DETAILS, Fusion, Mention, UnresolvedGene, Variant

T = TypeVar("T")


def unique(items: Iterable[T], key: Callable[[T], Hashable] | None = None) -> list[T]:
    """Items in order of first appearance, each key once (the item itself its key unless
    told: a dict keeps the first of equal keys, in order)."""
    if key is None:
        return list(dict.fromkeys(items))
    seen: set[Hashable] = set()
    kept = []
    for item in items:
        known = key(item)
        if known not in seen:
            seen.add(known)
            kept.append(item)
    return kept


def of_type(mentions: list[Mention], kind: str) -> list[Mention]:
    return [m for m in mentions if m.type == kind and m.in_scope and m.normalised]


def details(fusion: Fusion) -> dict:
    return {name: getattr(fusion, name) for name in FUSION_DETAILS
            if getattr(fusion, name) is not None}


def merge_fusions(found: Iterable[Fusion]) -> list[Fusion]:
    """One Fusion per name with every detail its mentions state ("STRN::ALK" from one
    sentence, its exons from another, its transcripts from a figure legend), in order of
    first mention. Mentions that state different values for the same detail are
    different forms of the fusion (EML4::ALK variant 1, exon 13, and variant 3, exon 6)
    and stay apart, as the gold guidelines record them."""
    # each first mention's fusion with the details and unresolved flag the later ones add:
    # copied once at the end, with all of them
    merged: list[tuple[Fusion, dict, dict]] = []
    for fusion in found:
        stated = details(fusion)
        for kept, known, added in merged:
            if kept.name == fusion.name and all(known.get(k, v) == v for k, v in stated.items()):
                known.update(stated)
                added.update(stated)
                added["unresolved"] = added.get("unresolved", kept.unresolved) or fusion.unresolved
                break
        else:
            merged.append((fusion, details(fusion), {}))
    return [kept.model_copy(update=added) if added else kept for kept, _, added in merged]


def fusions(mentions: list[Mention]) -> list[Fusion]:
    return merge_fusions(m.fusion for m in of_type(mentions, "fusion")
                         if m.fusion and "negated" not in m.modifiers)


def rearranged_genes(mentions: list[Mention], found: list[Fusion]) -> list[str]:
    """Genes reported rearranged for which the document names no partner anywhere; a
    rearrangement the text denies ("ALK rearrangement was not detected") reports none."""
    partnered = {f.five_prime for f in found} | {f.three_prime for f in found}
    return unique(m.normalised for m in of_type(mentions, "rearranged_gene")
                  if m.normalised not in partnered and "negated" not in m.modifiers)


def variants(mentions: list[Mention]) -> list[Variant]:
    return unique((m.variant for m in of_type(mentions, "variant") if m.variant),
                  key=lambda v: (v.gene, v.hgvs))


def by_type(mentions: list[Mention]) -> dict[str, list[Mention]]:
    """:func:`of_type` for every type in one pass: type -> its mentions, in order."""
    kinds: dict[str, list[Mention]] = {}
    for mention in mentions:
        if mention.in_scope and mention.normalised:
            kinds.setdefault(mention.type, []).append(mention)
    return kinds


def entity_sets(mentions: list[Mention]) -> dict:
    kinds = by_type(mentions)
    found = fusions(kinds.get("fusion", []))
    return {
        "genes": unique(m.normalised for m in kinds.get("gene", [])),
        "unresolved_genes": unique(
            (UnresolvedGene(symbol=m.normalised) for m in kinds.get("unresolved_gene", [])),
            key=lambda u: u.symbol),
        "fusions": found,
        "rearranged_genes": rearranged_genes(kinds.get("rearranged_gene", []), found),
        "variants": variants(kinds.get("variant", [])),
        "drugs": unique(m.normalised for m in kinds.get("drug", [])),
        "regimens": unique(m.normalised for m in kinds.get("regimen", [])),
    }
