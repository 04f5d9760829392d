"""What an exported annotation says of a mention: its type in the community's names, its
normal form and its identifiers (:mod:`pipeline.lexicons.identifiers`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.lexicons import Identifiers
from pipeline.schema import Mention

# caselit mention types -> the entity types PubTator3 and BioC corpora use; the others
# keep caselit's name.
COMMUNITY_TYPES = {"gene": "Gene", "rearranged_gene": "Gene", "unresolved_gene": "Gene",
                   "fusion": "Fusion", "variant": "Variant", "drug": "Chemical",
                   "disease": "Disease"}
NO_IDENTIFIER = "-"


@dataclass
class Annotated:
    """One mention as an annotation: ``identifier`` is the PubTator-style id (NCBI Gene
    ID for genes, ``DrugBank:``/``UNII:`` for drugs, the HGVS normal form for variants,
    the 5'::3' pair for fusions; "-" for the rest, whose normal form is in ``infons``),
    ``infons`` everything else."""

    type: str
    identifier: str
    infons: dict[str, str] = field(default_factory=dict)


def gene_infons(symbols: list[str], ids: Identifiers) -> dict[str, str]:
    found = [ids.gene(symbol) for symbol in symbols]
    if not symbols or any(gene is None for gene in found):
        return {}
    infons = {"hgnc_id": ";".join(gene.hgnc for gene in found)}
    if all(gene.ncbi_gene for gene in found):
        infons["ncbi_gene_id"] = ";".join(gene.ncbi_gene for gene in found)
    return infons


def annotated(mention: Mention, ids: Identifiers) -> Annotated:
    infons = {"caselit_type": mention.type, "mention_id": mention.id, "rule": mention.rule,
              "in_scope": str(mention.in_scope).lower()}
    if mention.section:
        infons["section"] = mention.section
    if mention.modifiers:
        infons["modifiers"] = ";".join(mention.modifiers)
    normal = mention.normalised
    if normal:
        infons["normalised"] = normal
    identifier = None
    if mention.type in ("gene", "rearranged_gene"):
        infons.update(gene_infons([normal] if normal else [], ids))
        identifier = infons.get("ncbi_gene_id") or infons.get("hgnc_id")
    elif mention.type == "fusion" and mention.fusion is not None:
        infons.update(gene_infons([mention.fusion.five_prime, mention.fusion.three_prime], ids))
        identifier = mention.fusion.name
    elif mention.type == "variant" and mention.variant is not None:
        variant = mention.variant
        infons["hgvs"] = variant.hgvs
        if variant.gene:
            infons["gene"] = variant.gene
            infons.update(gene_infons([variant.gene], ids))
        identifier = f"{variant.gene}:{variant.hgvs}" if variant.gene else variant.hgvs
    elif mention.type == "drug":
        drug = ids.drug(normal)
        if drug is not None:
            if drug.unii:
                infons["unii"] = drug.unii
            if drug.drugbank:
                infons["drugbank_id"] = drug.drugbank
            identifier = (f"DrugBank:{drug.drugbank}" if drug.drugbank
                          else f"UNII:{drug.unii}" if drug.unii else None)
    infons["identifier"] = identifier or NO_IDENTIFIER
    infons["type"] = COMMUNITY_TYPES.get(mention.type, mention.type)
    return Annotated(infons["type"], infons["identifier"], infons)
