"""Entities of a configured NER model as extra candidates (a rule-based stand-in model
here: no pretrained model can be downloaded, and the taggers' use of one is what is tested)."""

import pytest
import spacy

from pipeline.errors import ModelError
from pipeline.tag.model_mentions import load_ner_model
from pipeline.tag.nlp import build_nlp, default_config_text
from pipeline.tag.tags import tags_of_type


@pytest.fixture(scope="module")
def stand_in_model(tmp_path_factory):
    model = spacy.blank("en")
    ruler = model.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GENE_OR_GENE_PRODUCT", "pattern": "MET"},
                        {"label": "GENE_OR_GENE_PRODUCT", "pattern": "zorbin"},
                        {"label": "GENE_OR_GENE_PRODUCT", "pattern": "imatinib"},
                        {"label": "CHEMICAL", "pattern": "zorblatinib"},
                        {"label": "SequenceVariant", "pattern": "Delta32"},
                        {"label": "DISEASE", "pattern": "asthma"}])
    path = tmp_path_factory.mktemp("models") / "stand_in"
    model.to_disk(path)
    return path


@pytest.fixture(scope="module")
def with_model(stand_in_model, tmp_path_factory):
    config = tmp_path_factory.mktemp("config") / "tagger.cfg"
    config.write_text(default_config_text().replace("models = []", f'models = ["{stand_in_model}"]'))
    return build_nlp(config)


def found(doc, kind):
    return [(doc.text[t.start:t.end], t.normalised, t.rule) for t in tags_of_type(doc, kind)]


def test_a_model_entity_vouches_for_a_weak_symbol(nlp, with_model):
    text = "MET was high in the biopsy."  # a three-letter symbol and no gene word near
    assert found(nlp(text), "gene") == []
    assert found(with_model(text), "gene") == [("MET", "MET", "gene.approved")]


def test_entities_no_lexicon_knows_are_mentions_without_a_normal_form(with_model):
    doc = with_model("She took zorblatinib for zorbin-driven asthma; CCR5 Delta32 was absent.")
    assert found(doc, "gene") == [("zorbin", None, "gene.model"), ("CCR5", "CCR5", "gene.approved")]
    assert found(doc, "drug") == [("zorblatinib", None, "drug.model")]
    assert found(doc, "variant") == [("Delta32", "Delta32", "variant.model")]


def test_a_model_that_cannot_be_loaded_is_named(tmp_path):
    with pytest.raises(ModelError, match="'no_such_model_pkg' could not be loaded"):
        load_ner_model("no_such_model_pkg")
    spacy.blank("en").to_disk(tmp_path / "no_ner")
    with pytest.raises(ModelError, match="has no entity recogniser"):
        load_ner_model(str(tmp_path / "no_ner"))


def test_models_named_in_the_environment_are_used_and_change_the_fingerprint(stand_in_model,
                                                                             monkeypatch):
    from pipeline.tag import tagger_fingerprint

    without = tagger_fingerprint()
    monkeypatch.setenv("CASELIT_NER_MODELS", str(stand_in_model))
    assert tagger_fingerprint() != without  # documents are re-tagged with the model
    assert found(build_nlp()("MET was high in the biopsy."), "gene") == [
        ("MET", "MET", "gene.approved")]


def test_a_model_entity_the_lexicons_contradict_blocks_nothing(with_model):
    # the stand-in model calls imatinib a gene: a guess, which the drug lexicon overrules
    doc = with_model("He was given imatinib.")
    assert found(doc, "drug") == [("imatinib", "imatinib", "drug.inn")]
    assert found(doc, "gene") == []
