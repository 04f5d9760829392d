"""What therapy lines are made of, each rule on a sentence written for it."""

from pipeline.assemble.therapies import expansions
from pipeline.read import read_document
from pipeline.tag import tag


def tagged(tmp_path, sentence):
    path = tmp_path / "case.txt"
    path.write_text(f"Case presentation\n\n{sentence}\n")
    document = read_document(path)
    return document.text, tag(document)


def test_a_regimen_or_product_lists_the_drugs_the_document_spells_out(tmp_path):
    text, mentions = tagged(tmp_path, "He had 7+3 (cytarabine and daunorubicin), then received "
                                      "CPX-351 (liposomal daunorubicin/cytarabine).")
    assert expansions(text, mentions) == {
        "7+3": ["cytarabine", "daunorubicin"],
        "cpx-351": ["cpx-351", "daunorubicin", "cytarabine"]}


def test_drugs_joined_into_one_name_before_the_acronym_are_its_drugs(tmp_path):
    text, mentions = tagged(tmp_path, "She then received cytarabine-daunorubicin (7+3) again.")
    assert expansions(text, mentions) == {"7+3": ["cytarabine", "daunorubicin"]}
