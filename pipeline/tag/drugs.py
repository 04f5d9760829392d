"""Drugs: INNs, brand names and research codes -> lower-case INN.

First cut on the FDA-derived lexicon (:mod:`pipeline.lexicons.drugs`): case-blind
phrase look-up; a brand name only when printed capitalised ("Xalkori", "XALKORI"), as
brand names are often ordinary words.
"""

from __future__ import annotations

from functools import partial

from spacy.language import Language

from pipeline.lexicons import DrugEntry, DrugLexicon, drug_lexicon
from pipeline.settings import get_settings
from pipeline.tag.matching import find_terms
from pipeline.tag.tags import Tag, TextTagger

MAX_DRUG_WORDS = 4


def printed_as_name(printed: str, entry: DrugEntry) -> bool:
    return entry.kind != "brand" or printed[:1].isupper()


def find_drugs(text: str, lexicon: DrugLexicon) -> list[Tag]:
    hits = find_terms(text, lexicon.names, max_words=MAX_DRUG_WORDS, lower=True,
                      accept=printed_as_name)
    return [Tag("drug", m.start, m.end, entry.inn, f"drug.{entry.kind}") for m, entry in hits]


@Language.factory("caselit_drugs", default_config={}, assigns=["doc._.caselit_tags"])
def make_drug_tagger(nlp: Language, name: str) -> TextTagger:
    return TextTagger(name, partial(find_drugs, lexicon=drug_lexicon(get_settings())))
