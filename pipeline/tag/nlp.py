"""Build the tagger from its config; importing this module registers every component.

Registrations live here so that a pipeline saved with ``nlp.to_disk`` loads again with
``spacy.load`` once ``pipeline.tag.nlp`` is imported.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

import spacy
from spacy.language import Language

# Imported for their @Language.factory registrations.
from pipeline.tag import (abbreviations, case_words, drugs, fusions, genes, hgvs,  # noqa: F401
                          model_mentions, modifiers, patients, regimens, sentences)
from pipeline.tag.tags import register_extension

DEFAULT_CONFIG = "default.cfg"


@spacy.registry.tokenizers("caselit.scispacy_tokenizer.v1")
def create_scispacy_tokenizer():
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    def make_tokenizer(nlp: Language):
        # scispaCy's builder borrows token_match from the pipeline's current tokenizer,
        # which does not exist yet while the pipeline is built from config.
        nlp.tokenizer = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        return combined_rule_tokenizer(nlp)

    return make_tokenizer


def default_config_text() -> str:
    return resources.files("pipeline.tag").joinpath(DEFAULT_CONFIG).read_text(encoding="utf-8")


def config_text(config_path: str | Path | None = None) -> str:
    return Path(config_path).read_text(encoding="utf-8") if config_path else default_config_text()


def build_nlp(config_path: str | Path | None = None) -> Language:
    """A ready tagger from a config file (the packaged default when none is given)."""
    register_extension()
    config = spacy.util.load_config_from_str(config_text(config_path))
    with tokenizer_warnings_off():
        return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)


@contextmanager
def tokenizer_warnings_off() -> Iterator[None]:
    """scispaCy's tokenizer regexes trigger a FutureWarning in Python's re module each time
    a pipeline with that tokenizer is built (here, on loading or training a model)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        yield
