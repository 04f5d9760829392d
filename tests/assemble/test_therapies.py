"""Therapy lines from stretches of text, each rule on a sentence written for it."""

from pipeline.assemble.therapies import course_lines, course_steps, expansions
from pipeline.read import read_document
from pipeline.tag import tag


def tagged(tmp_path, sentence):
    path = tmp_path / "case.txt"
    path.write_text(f"Case presentation\n\n{sentence}\n")
    document = read_document(path)
    return document.text, tag(document)


def lines_of(tmp_path, sentence):
    text, mentions = tagged(tmp_path, sentence)
    start = text.index(sentence)
    return [(line.therapy.drugs, line.therapy.regimen, line.therapy.response, line.therapy.setting)
            for line in course_lines(text, start, start + len(sentence), mentions,
                                     expansions(text, mentions))]


def test_a_regimen_or_product_lists_the_drugs_the_document_spells_out(tmp_path):
    text, mentions = tagged(tmp_path, "He had 7+3 (cytarabine and daunorubicin), then received "
                                      "CPX-351 (liposomal daunorubicin/cytarabine).")
    assert expansions(text, mentions) == {
        "7+3": ["cytarabine", "daunorubicin"],
        "cpx-351": ["cpx-351", "daunorubicin", "cytarabine"]}


def test_a_course_is_cut_into_steps_at_arrows_sentence_ends_and_followed_by():
    text = "Induction with MEC → FLAD followed by alloHCT. Relapsed; then azacitidine"
    assert [text[a:b] for a, b in course_steps(text, 0, len(text))] == [
        "Induction with MEC", "FLAD", "alloHCT", "Relapsed", "azacitidine"]


def test_each_step_naming_a_drug_is_a_line_with_its_own_response_and_setting(tmp_path):
    assert lines_of(tmp_path, "Primary induction failure to 7+3 (cytarabine and daunorubicin) "
                              "→ azacitidine with stable disease") == [
        (["cytarabine", "daunorubicin"], "7+3", "PD", "induction"),
        (["azacitidine"], None, "SD", None)]


def test_drugs_after_a_transplant_in_the_same_step_are_its_conditioning(tmp_path):
    assert lines_of(tmp_path, "Relapse → alloHCT (MUD, busulfan and melphalan), alive in CR") == [
        (["busulfan", "melphalan"], None, "CR", "conditioning")]
    # a transplant after the drug is no conditioning of it
    assert lines_of(tmp_path, "crizotinib with MRD-CR, proceeded to haploHCT") == [
        (["crizotinib"], None, "CR", None)]


def test_relapse_after_a_line_states_no_response(tmp_path):
    assert lines_of(tmp_path, "Relapsed 6 months after ADE induction") == [
        ([], "ADE", None, "induction")]
