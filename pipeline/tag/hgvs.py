"""Sequence variants in HGVS notation, found on raw characters and normalised.

Tokenizers split "T790M" and "NM_004304.5:c.3604G>A" in odd places, so the patterns run
on the text itself. Protein changes are normalised to three-letter form without the
predicted-parentheses ("p.(Gly1202Arg)", "p.G1202R", "G1202R" -> p.Gly1202Arg; stop ->
Ter); coding and genomic changes are kept as written. A breakpoint such as "c.413-2055"
has no edit and is not a variant.

First cut: a bare one-letter change ("G1202R") counts only in a sentence that names a
gene or says mutation/variant/substitution; changes in words come with the Tagging issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.hgvs_syntax import NUCLEOTIDE_EDIT, PROTEIN_EDIT, normalise_protein_change
from pipeline.schema import Variant
from pipeline.tag.tags import Tag, add_tags, doc_text, tags_of_type

REFERENCE = r"(?:(?:NM|NR|NC|NG|NP|XM|XR|ENST|LRG)_?\d+(?:\.\d+)?(?:\([A-Za-z0-9-]+\))?)"
HGVS = re.compile(
    rf"(?<![A-Za-z0-9.])"
    rf"(?:(?P<reference>{REFERENCE}):|(?P<gene>[A-Z][A-Z0-9]{{1,10}}):)?"
    rf"(?:(?P<kind>[cgnrm])\.(?P<nucleotide>\(?{NUCLEOTIDE_EDIT}\)?)"
    rf"|p\.(?P<protein>\(?{PROTEIN_EDIT}\)?))"
    rf"(?![A-Za-z0-9])"
)
ONE_LETTER_CHANGE = re.compile(
    r"(?<![A-Za-z0-9.:_-])([ACDEFGHIKLMNPQRSTVWY])([1-9]\d{1,4})([ACDEFGHIKLMNPQRSTVWY*]|fs)(?![A-Za-z0-9])"
)
VARIANT_WORDS = re.compile(r"\b(?:mutat\w*|variant\w*|substitut\w*|alteration\w*|resistan\w*)\b",
                           re.IGNORECASE)
GENE_IN_REFERENCE = re.compile(r"\(([A-Za-z0-9-]+)\)$")


@dataclass(frozen=True)
class VariantHit:
    start: int
    end: int
    hgvs: str
    printed_gene: str | None  # "ALK" in "ALK:c.3604G>A" or "NM_004304.5(ALK):c..."
    rule: str


def find_hgvs(text: str) -> list[VariantHit]:
    """Every c./g./r./n./m./p. change in ``text`` with its normal form."""
    hits = []
    for match in HGVS.finditer(text):
        change = match.group("protein") or match.group("nucleotide")
        end = match.end()
        if change.endswith(")") and not change.startswith("("):
            # "(p.R234H)": the ")" closes a parenthesis opened before "p.".
            change, end = change[:-1], end - 1
        if match.group("protein"):
            hgvs = normalise_protein_change("p." + change)
        else:
            hgvs = f"{match.group('kind')}.{change.strip('()')}"
        gene = match.group("gene")
        reference = match.group("reference")
        if reference and GENE_IN_REFERENCE.search(reference):
            gene = GENE_IN_REFERENCE.search(reference).group(1)
        hits.append(VariantHit(match.start(), end, hgvs, gene, "variant.hgvs"))
    return hits


def find_protein_changes(text: str) -> list[VariantHit]:
    """Bare one-letter protein changes ("G1202R", "V600E"): candidates, context unchecked."""
    return [
        VariantHit(m.start(), m.end(), normalise_protein_change(m.group(0)), None,
                   "variant.one_letter")
        for m in ONE_LETTER_CHANGE.finditer(text)
    ]


def nearest_gene(start: int, genes: list[Tag]) -> str | None:
    """The gene named closest before ``start`` in the same sentence, else closest after."""
    before = [gene for gene in genes if gene.end <= start]
    if before:
        return max(before, key=lambda gene: gene.end).normalised
    after = [gene for gene in genes if gene.start >= start]
    return min(after, key=lambda gene: gene.start).normalised if after else None


class VariantTagger:
    """spaCy component ``caselit_variants``: variant tags with their gene attached."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        genes = tags_of_type(doc, "gene")
        taken: list[tuple[int, int]] = []
        tags = []
        for hit in find_hgvs(doc_text(doc)) + find_protein_changes(doc_text(doc)):
            if any(start < hit.end and hit.start < end for start, end in taken):
                continue
            sentence = doc.char_span(hit.start, hit.end, alignment_mode="expand").sent
            in_sentence = [g for g in genes if sentence.start_char <= g.start < sentence.end_char]
            if hit.rule == "variant.one_letter" and not (
                in_sentence or VARIANT_WORDS.search(sentence.text)
            ):
                continue
            gene = hit.printed_gene or nearest_gene(hit.start, in_sentence)
            variant = Variant(gene=gene, hgvs=hit.hgvs)
            tags.append(Tag("variant", hit.start, hit.end, hit.hgvs, hit.rule, variant=variant))
            taken.append((hit.start, hit.end))
        add_tags(doc, tags)
        return doc


@Language.factory("caselit_variants", default_config={}, requires=["doc._.caselit_tags"],
                  assigns=["doc._.caselit_tags"])
def make_variant_tagger(nlp: Language, name: str) -> VariantTagger:
    return VariantTagger(nlp, name)
