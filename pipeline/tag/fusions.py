"""Fusions ("EML4-ALK", "STRN::ALK", "SQSTM1:ALK fusion") and rearranged genes.

First cut: two gene-shaped words joined by a separator from ``resources/fusions.yaml``.
"::" is always a fusion; "-", "–", ":" are when one side is a gene with a known fusion
orientation, or when both are genes and a fusion word follows ("a FUS:ERG fusion");
"/" also needs a fusion word after the pair, since it joins lists too.
A partner that is no HGNC symbol keeps its printed form (``unresolved``) when it is
printed 5' of a 3' kinase. Orientation: without exon detail, a 3' kinase printed first
is put 3' ("ALK-EML4" -> EML4::ALK). Exon notations and phrases come with the Tagging issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.lexicons import GeneLexicon, gene_lexicon
from pipeline.resources import check_keys, check_str_list, load_resource
from pipeline.schema import Fusion
from pipeline.settings import get_settings
from pipeline.tag.tags import Tag, add_tags, doc_text, tags_of_type

FILE = "fusions.yaml"
SYMBOL_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
GENE_WORD = r"[A-Za-z][A-Za-z0-9]{1,14}"


@dataclass(frozen=True)
class FusionRules:
    three_prime: frozenset[str]
    five_prime: frozenset[str]
    separators: tuple[str, ...]
    fusion_words: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: dict) -> "FusionRules":
        keys = ["three_prime_kinases", "five_prime_genes", "separators", "fusion_words"]
        check_keys(data, file=FILE, where="top level", required=keys)
        lists = {key: check_str_list(data[key], file=FILE, where="top level", key=key)
                 for key in keys}
        return cls(frozenset(lists["three_prime_kinases"]), frozenset(lists["five_prime_genes"]),
                   tuple(lists["separators"]), tuple(lists["fusion_words"]))

    @property
    def oriented(self) -> frozenset[str]:
        return self.three_prime | self.five_prime


@lru_cache(maxsize=1)
def fusion_rules() -> FusionRules:
    return FusionRules.from_dict(load_resource(FILE))


@lru_cache(maxsize=1)
def pair_pattern() -> re.Pattern:
    separators = "|".join(re.escape(s) for s in sorted(fusion_rules().separators, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])({GENE_WORD})({separators})({GENE_WORD})(?![A-Za-z0-9])")


@lru_cache(maxsize=1)
def fusion_word_pattern() -> re.Pattern:
    words = "|".join(re.escape(w) for w in sorted(fusion_rules().fusion_words, key=len, reverse=True))
    return re.compile(rf"^[\s-]*(?:gene\s+)?(?:{words})\b", re.IGNORECASE)


def resolve_partner(printed: str, lexicon: GeneLexicon) -> str | None:
    """Approved symbol for a word printed as a fusion partner, any alias rank allowed."""
    entry = lexicon.symbols.get(printed)
    return entry.symbol if entry is not None else None


def orient(left: str, right: str, rules: FusionRules) -> tuple[str, str]:
    """Established orientation for a pair printed without exon detail."""
    if left in rules.three_prime and right not in rules.three_prime and left not in rules.five_prime:
        return right, left
    if right in rules.five_prime and left not in rules.five_prime:
        return right, left
    return left, right


def find_fusions(text: str, lexicon: GeneLexicon) -> list[Tag]:
    """Fusion tags, plus gene tags for partners known only through the fusion."""
    rules = fusion_rules()
    tags: list[Tag] = []
    for match in pair_pattern().finditer(text):
        left_printed, separator, right_printed = match.groups()
        left, right = resolve_partner(left_printed, lexicon), resolve_partner(right_printed, lexicon)
        followed_by_fusion_word = bool(fusion_word_pattern().match(text[match.end():]))
        if separator == "/" and not followed_by_fusion_word:
            continue
        named_as_fusion = followed_by_fusion_word and left is not None and right is not None
        if separator != "::" and not ({left, right} & rules.oriented) and not named_as_fusion:
            continue
        if left is None and not (SYMBOL_SHAPE.match(left_printed) and right in rules.three_prime):
            continue
        if right is None and not (separator == "::" and SYMBOL_SHAPE.match(right_printed)):
            continue
        five, three = orient(left or left_printed, right or right_printed, rules)
        unresolved = left is None or right is None
        fusion = Fusion(name=f"{five}::{three}", five_prime=five, three_prime=three,
                        unresolved=unresolved)
        tags.append(Tag("fusion", match.start(), match.end(), fusion.name, "fusion.pair",
                        fusion=fusion))
        for printed, symbol, start in ((left_printed, left, match.start(1)),
                                       (right_printed, right, match.start(3))):
            if symbol is not None:
                tags.append(Tag("gene", start, start + len(printed), symbol, "gene.fusion_partner"))
            else:
                tags.append(Tag("unresolved_gene", start, start + len(printed), printed,
                                "gene.unresolved_partner"))
    return tags


def find_rearranged(text: str, genes: list[Tag]) -> list[Tag]:
    """Genes printed right before a fusion word: "ALK rearrangement", "IGFBP5 fusion"."""
    pattern = fusion_word_pattern()
    return [
        Tag("rearranged_gene", gene.start, gene.end, gene.normalised, "rearranged.gene_word")
        for gene in genes
        if pattern.match(text[gene.end:gene.end + 40])
    ]


class FusionTagger:
    """spaCy component ``caselit_fusions``: fusion, partner-gene and rearranged-gene tags."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.lexicon = gene_lexicon(get_settings())

    def __call__(self, doc: Doc) -> Doc:
        fusions = find_fusions(doc_text(doc), self.lexicon)
        known = {(tag.start, tag.end) for tag in tags_of_type(doc, "gene")}
        new_genes = [t for t in fusions if t.type != "gene" or (t.start, t.end) not in known]
        add_tags(doc, new_genes)
        add_tags(doc, find_rearranged(doc_text(doc), tags_of_type(doc, "gene")))
        return doc


@Language.factory("caselit_fusions", default_config={}, requires=["doc._.caselit_tags"],
                  assigns=["doc._.caselit_tags"])
def make_fusion_tagger(nlp: Language, name: str) -> FusionTagger:
    return FusionTagger(nlp, name)
