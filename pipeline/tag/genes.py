"""Genes: HGNC symbols (case-sensitive) and gene names (case-blind) -> approved symbols.

First cut. Approved symbols and full names are trusted everywhere; previous symbols,
aliases and withdrawn symbols only when they carry a digit or have five or more
characters, because short letter-only aliases are mostly clinical abbreviations
(ALL and CML are aliases of BCR, CT of PCYT1A, FISH of SH3PXD2A). Such a short alias is
still accepted as a fusion partner (see :mod:`pipeline.tag.fusions`), where the context
says it is a gene. Context-based resolution comes with the Tagging issue.
"""

from __future__ import annotations


from functools import partial

from spacy.language import Language

from pipeline.lexicons import GeneEntry, GeneLexicon, gene_lexicon
from pipeline.settings import get_settings
from pipeline.tag.matching import find_terms
from pipeline.tag.tags import Tag, TextTagger

MAX_NAME_WORDS = 8
MIN_SHORT_ALIAS = 5


def trusted_symbol(printed: str, entry: GeneEntry) -> bool:
    if entry.rank == "approved":
        return len(printed) >= 2
    return any(char.isdigit() for char in printed) or len(printed) >= MIN_SHORT_ALIAS


def find_genes(text: str, lexicon: GeneLexicon) -> list[Tag]:
    """Gene tags in ``text``; a full name wins over a symbol inside it."""
    names = find_terms(text, lexicon.names, max_words=MAX_NAME_WORDS, lower=True)
    tags = [Tag("gene", m.start, m.end, symbol, "gene.name") for m, symbol in names]
    covered = [(tag.start, tag.end) for tag in tags]
    for match, entry in find_terms(text, lexicon.symbols, max_words=2, accept=trusted_symbol):
        if any(start <= match.start < end for start, end in covered):
            continue
        tags.append(Tag("gene", match.start, match.end, entry.symbol, f"gene.{entry.rank}"))
    return sorted(tags, key=lambda tag: (tag.start, tag.end))


@Language.factory("caselit_genes", default_config={}, assigns=["doc._.caselit_tags"])
def make_gene_tagger(nlp: Language, name: str) -> TextTagger:
    return TextTagger(name, partial(find_genes, lexicon=gene_lexicon(get_settings())))
