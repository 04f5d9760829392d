"""`caselit model train`: an NER model trained here from the corpora, then used."""

from caselit.cli import main
from pipeline.tag.model_mentions import load_ner_model
from pipeline.training import TASKS, held_out_titles, title, training_texts
from tests.conftest import DATA_DIR


def test_a_short_training_writes_a_model_the_taggers_can_load(tmp_path, capsys):
    out = tmp_path / "gene"
    assert main(["model", "train", "gene", "--out", str(out), "--epochs", "1", "--limit", "6"]) == 0
    assert f"CASELIT_NER_MODELS={out / 'model-best'}" in capsys.readouterr().out
    model = load_ner_model(str(out / "model-best"))
    assert model.get_pipe("ner").labels == ("GENE",)
    # spaCy's own tokenizer, which splits the hyphenated words entities hide in
    assert [t.text for t in model.tokenizer("lithium-induced")] == ["lithium", "-", "induced"]


def test_test_documents_are_never_trained_on_in_any_corpus():
    held_out = held_out_titles(DATA_DIR)
    tmvar_test = [t.doc_id for s in TASKS["variant"].test if s.tmvar_part for t in s.texts(DATA_DIR)]
    assert len(tmvar_test) == 100
    for task in TASKS.values():
        for part in ("train", "dev"):
            texts = list(training_texts(task, part, DATA_DIR, held_out))
            assert texts and not {title(t) for t in texts} & held_out
    # the corpora share abstracts: without the title check, BioRED's training part would
    # hold 53 of BC5CDR's test abstracts
    overlap = [t for t in TASKS["gene"].train[0].texts(DATA_DIR) if title(t) in held_out]
    assert len(overlap) > 50
