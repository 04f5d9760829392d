"""Drugs: INNs, brand names and research codes -> lower-case INN.

First cut on the FDA-derived lexicon (:mod:`pipeline.lexicons.drugs`): case-blind
phrase look-up; a brand name only when printed capitalised ("Xalkori", "XALKORI"), as
brand names are often ordinary words.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.lexicons import DrugEntry, DrugLexicon, drug_lexicon
from pipeline.settings import get_settings
from pipeline.tag.matching import find_terms
from pipeline.tag.tags import Tag, add_tags

MAX_DRUG_WORDS = 4


def printed_as_name(printed: str, entry: DrugEntry) -> bool:
    return entry.kind != "brand" or printed[:1].isupper()


def find_drugs(text: str, lexicon: DrugLexicon) -> list[Tag]:
    hits = find_terms(text, lexicon.names, max_words=MAX_DRUG_WORDS, key=str.lower,
                      accept=printed_as_name)
    return [Tag("drug", m.start, m.end, entry.inn, f"drug.{entry.kind}") for m, entry in hits]


class DrugTagger:
    """spaCy component ``caselit_drugs``."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.lexicon = drug_lexicon(get_settings())

    def __call__(self, doc: Doc) -> Doc:
        add_tags(doc, find_drugs(doc.text, self.lexicon))
        return doc


@Language.factory("caselit_drugs", default_config={}, assigns=["doc._.caselit_tags"])
def make_drug_tagger(nlp: Language, name: str) -> DrugTagger:
    return DrugTagger(nlp, name)
