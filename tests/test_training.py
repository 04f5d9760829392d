"""`caselit model train`: an NER model trained here from the corpora, then used."""

from caselit.cli import main
from pipeline.tag.model_mentions import load_ner_model
from pipeline.training import TASKS
from tests.conftest import DATA_DIR


def test_a_short_training_writes_a_model_the_taggers_can_load(tmp_path, capsys):
    out = tmp_path / "gene"
    assert main(["model", "train", "gene", "--out", str(out), "--epochs", "1", "--limit", "6"]) == 0
    assert f"CASELIT_NER_MODELS={out / 'model-best'}" in capsys.readouterr().out
    model = load_ner_model(str(out / "model-best"))
    assert model.get_pipe("ner").labels == ("GENE",)
    # spaCy's own tokenizer, which splits the hyphenated words entities hide in
    assert [t.text for t in model.tokenizer("lithium-induced")] == ["lithium", "-", "induced"]


def test_test_parts_are_never_trained_on():
    for task in TASKS.values():
        trained = {(f, s.tmvar_part) for s in task.train + task.dev for f in s.files}
        tested = {(f, s.tmvar_part) for s in task.test for f in s.files}
        assert not trained & tested
    tmvar_test = [t.doc_id for s in TASKS["variant"].test if s.tmvar_part for t in s.texts(DATA_DIR)]
    assert len(tmvar_test) == 100
