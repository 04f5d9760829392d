"""Entities of configured spaCy or scispaCy NER models, as extra candidates for the taggers.

No model is needed, and none is configured by default. When ``CASELIT_NER_MODELS`` (or the
component's ``models`` setting in the config) names installed packages or model folders,
each model reads the document and its entities are recorded by mention type
(``resources/model_labels.yaml`` maps labels such as GENE_OR_GENE_PRODUCT or CHEMICAL).
The taggers then weigh them: a model entity vouches for a weak lexicon candidate inside
it ("MET" needs no cue word when a model calls it a gene), and an entity the lexicons
do not know becomes a mention with no normal form, for a curator to review; it never
enters a document's sets, which hold normalised values only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer, EntityRuler
from spacy.tokens import Doc

from pipeline.errors import Errors, ModelError
from pipeline.resources import check_keys, check_type, load_resource
from pipeline.settings import get_settings
from pipeline.tag.tags import Tag, doc_text

KEY = ("caselit", "model_mentions")
FILE = "model_labels.yaml"


@dataclass(frozen=True)
class ModelMention:
    start: int
    end: int
    type: str  # gene | drug | variant
    label: str  # as the model printed it


@lru_cache(maxsize=1)
def label_types() -> dict[str, str]:
    data = check_keys(load_resource(FILE), file=FILE, where="top level", required=["labels"])
    labels = check_type(data["labels"], dict, file=FILE, where="top level", key="labels",
                        description="a mapping of model label to mention type")
    return {str(label): str(kind) for label, kind in labels.items()}


@lru_cache(maxsize=8)
def load_ner_model(name: str) -> Language:
    """An NER model by package name or folder (loaded once per process)."""
    from pipeline.tag.nlp import tokenizer_warnings_off  # registers caselit's tokenizer too

    try:
        with tokenizer_warnings_off():
            model = spacy.load(name)
    except (OSError, ImportError, ValueError, KeyError) as error:
        raise ModelError(Errors.E401.format(model=name, reason=str(error).splitlines()[0])) from None
    if not any(isinstance(pipe, (EntityRecognizer, EntityRuler)) for _, pipe in model.pipeline):
        raise ModelError(Errors.E402.format(model=name, pipes=", ".join(model.pipe_names) or "none"))
    return model


def model_mentions(doc: Doc, kind: str) -> list[ModelMention]:
    """The entities of one mention type that the models proposed (none without models)."""
    return [m for m in doc.user_data.get(KEY, ()) if m.type == kind]


def inside(start: int, end: int, mentions: list[ModelMention]) -> bool:
    # most documents have no model's mentions (no model configured): no generator to make
    # for each candidate
    return bool(mentions) and any(m.start <= start and end <= m.end for m in mentions)


def unknown_entities(kind: str, proposed: list[ModelMention], candidates: list) -> list[Tag]:
    """Tags without a normal form for the entities no lexicon candidate overlaps."""
    return [Tag(kind, m.start, m.end, None, f"{kind}.model")
            for m in proposed if not any(c.start < m.end and m.start < c.end for c in candidates)]


class ModelMentions:
    """spaCy component ``caselit_model_mentions``."""

    def __init__(self, nlp: Language, name: str, models: list[str]):
        self.name = name
        self.names = list(models) or list(get_settings().ner_models)
        self.models = [load_ner_model(model) for model in self.names]
        self.types = label_types()

    def __call__(self, doc: Doc) -> Doc:
        if not self.models:
            return doc
        text = doc_text(doc)
        found = {(ent.start_char, ent.end_char, self.types[ent.label_], ent.label_)
                 for model in self.models for ent in model(text).ents if ent.label_ in self.types}
        doc.user_data[KEY] = [ModelMention(*entity) for entity in sorted(found)]
        return doc


@Language.factory("caselit_model_mentions", default_config={"models": []},
                  assigns=["doc.user_data"])
def make_model_mentions(nlp: Language, name: str, models: list[str]) -> ModelMentions:
    return ModelMentions(nlp, name, models)
