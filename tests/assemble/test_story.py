"""Who a report speaks of, and where: sentence roles and the patients of a short series,
on reports written for each rule (fictional patients)."""

import re

import pytest

from pipeline.assemble.patients import narrative_patients
from pipeline.assemble.story import (BACKGROUND, DETAIL, FRAMING, SUMMARY, TITLE, Sentence,
                                     StoryRules, is_framing, story_rules, tells_of_patient)
from pipeline.read import read_document
from pipeline.resources import load_resource
from pipeline.tag import tag

ABSTRACT = """Sorafenib in two patients with KIT-mutated melanoma

Abstract
Melanoma is the most lethal skin cancer and KIT mutations occur in 3% of cases. Imatinib has been studied in such tumours. Here we report two cases of KIT-mutated acral melanoma treated with sorafenib. Both patients had progressed on nivolumab. Each of them had a partial response, and one of whom carried a KIT L576P mutation. The other patient died of sepsis. This case series suggests that sorafenib deserves a trial.
"""


def patients_of(tmp_path, text):
    path = tmp_path / "report.txt"
    path.write_text(text)
    document = read_document(path)
    patients, sentences = narrative_patients(document, tag(document))
    return document.text, patients, sentences


def role_of(text, sentences, words):
    return next(s.role for s in sentences if words in text[s.start:s.end])


def told(text, patient, words):
    return any(words in text[p.start:p.end] for p in patient.passages)


def test_sentences_frame_tell_or_state_what_is_known(tmp_path):
    text, _, sentences = patients_of(tmp_path, ABSTRACT)
    assert role_of(text, sentences, "Sorafenib in two patients") == TITLE
    assert role_of(text, sentences, "KIT mutations occur in 3%") == BACKGROUND
    assert role_of(text, sentences, "Imatinib has been studied") == BACKGROUND
    assert role_of(text, sentences, "Here we report two cases") == FRAMING
    assert role_of(text, sentences, "Both patients had progressed") == DETAIL
    assert role_of(text, sentences, "This case series suggests") == FRAMING


def test_a_series_names_its_size_and_each_part_of_a_sentence_its_patients(tmp_path):
    text, patients, _ = patients_of(tmp_path, ABSTRACT)
    assert len(patients) == 2
    first, second = patients
    # "one of whom carried"
    assert told(text, first, "L576P") and not told(text, second, "L576P")
    assert told(text, first, "partial response") and told(text, second, "partial response")
    # "the other"
    assert told(text, second, "died of sepsis") and not told(text, first, "died of sepsis")
    assert all(told(text, p, "progressed on nivolumab") for p in patients)


NUMBERED_SERIES = "\n\n".join([
    "We treated three patients with cholangiocarcinoma.",
    " ".join(f"Patient {n} was a {age}-year-old {sex}." for n, age, sex in
             ((1, 59, "woman"), (2, 71, "man"), (3, 44, "woman"))),
    "Patients 1 and 2 had stable disease. Patient 3 died. Cases 2-3 received radiotherapy.\n"])


def test_several_of_a_numbered_series_named_at_once_are_those_patients(tmp_path):
    text, patients, _ = patients_of(tmp_path, NUMBERED_SERIES)
    assert [told(text, p, "had stable disease") for p in patients] == [True, True, False]
    assert [told(text, p, "received radiotherapy") for p in patients] == [False, True, True]
    # a list and a range
    assert StoryRules.series_numbers(re.match(r"(?P<numbers>.*)", "1, 3 and 5-6")) == {1, 3, 5, 6}


def test_both_as_the_subject_speaks_of_every_patient(tmp_path):
    report = ("Patient 1, a 34-year-old woman, had gastric carcinoma. Patient 2, her 31-year-old "
              "brother, underwent gastrectomy. Both carried the germline CDH1 c.1003C>T variant. "
              "Patient 2 is alive.\n")
    text, patients, _ = patients_of(tmp_path, report)
    assert [any("c.1003C>T" in text[p.start:p.end] for p in patient.passages)
            for patient in patients] == [True, True]
    # "both" of two findings names no patient
    text, patients, _ = patients_of(tmp_path, report.replace(
        "Both carried the", "ALK and ROS1 were both negative in patient 2; he carried a"))
    assert [any("ROS1" in text[p.start:p.end] for p in patient.passages)
            for patient in patients] == [False, True]


def test_a_bracket_speaks_of_its_patients_only(tmp_path):
    text, patients, _ = patients_of(tmp_path, ABSTRACT.replace(
        "Both patients had progressed on nivolumab.",
        "Both received sorafenib (with radiotherapy in one patient) and tolerated it."))
    first, second = patients
    told = [text[p.start:p.end] for p in second.passages]
    assert any("tolerated it" in part for part in told)
    assert not any("radiotherapy in one" in part for part in told)


def test_a_case_section_tells_the_story_and_the_abstract_sums_it_up(tmp_path):
    report = ("Abstract\nWe describe a woman with lung adenocarcinoma who responded to "
              "osimertinib. She remains well.\n\nIntroduction\nEGFR mutations are common "
              "in never-smokers.\n\nCase presentation\nA 61-year-old woman presented with "
              "cough. She received osimertinib.\n\nAt 6 weeks the primary tumour had shrunk; "
              "the response lasted 14 months.\n\nDiscussion\nOsimertinib is approved for "
              "EGFR-mutated cancers.\n")
    text, patients, sentences = patients_of(tmp_path, report)
    assert len(patients) == 1 and patients[0].age_years == 61
    assert role_of(text, sentences, "She received osimertinib") == DETAIL
    # a last paragraph of the case section that speaks of the tumour (British spelling)
    assert role_of(text, sentences, "the primary tumour had shrunk") == DETAIL
    assert role_of(text, sentences, "She remains well") == SUMMARY
    assert role_of(text, sentences, "EGFR mutations are common") == BACKGROUND
    assert role_of(text, sentences, "Osimertinib is approved") == BACKGROUND


def test_a_case_section_that_never_describes_the_patient_tells_from_its_first_word_of_it(tmp_path):
    # a structured abstract's header line describes the patient; the case section only
    # calls it "the patient"
    report = ("Abstract\nPatient: Male, 58\nFinal Diagnosis: Melanoma\n\nIntroduction\n"
              "Melanoma is common.\n\nCase Report\nThe patient had a pigmented lesion "
              "excised in 2015. Nivolumab was started in 2019. He died in 2021.\n")
    text, patients, sentences = patients_of(tmp_path, report)
    assert (len(patients), patients[0].age_years, patients[0].sex) == (1, 58, "male")
    assert role_of(text, sentences, "Nivolumab was started") == DETAIL
    assert role_of(text, sentences, "Melanoma is common") == BACKGROUND


def test_a_concluding_sentence_in_a_case_section_frames_the_case(tmp_path):
    report = ("Case presentation\nA 61-year-old woman received osimertinib. This case "
              "highlights the activity of osimertinib in the brain.\n")
    text, _, sentences = patients_of(tmp_path, report)
    assert role_of(text, sentences, "received osimertinib") == DETAIL
    assert role_of(text, sentences, "This case highlights") == FRAMING


@pytest.mark.parametrize("later, roles", [
    # a story word of its own; a comment on what the sentence tells ("that is ongoing")
    ("The disease proved refractory. At relapse, nilotinib induced a response that is ongoing "
     "at 2 years.", {"proved refractory": DETAIL, "nilotinib induced": DETAIL}),
    # a patient others reported is no part of the story
    ("Previously, a 10-year-old girl was reported to respond to dasatinib but died of disease.",
     {"was reported to respond": BACKGROUND}),
])
def test_an_untitled_body_tells_from_the_sentence_that_introduces_the_patient(tmp_path, later,
                                                                              roles):
    report = ("Chronic myeloid leukemia is driven by BCR-ABL1. Dasatinib is widely used. "
              "A 45-year-old man presented with fatigue. He received dasatinib and achieved "
              f"a major molecular response. {later}\n")
    text, patients, sentences = patients_of(tmp_path, report)
    assert role_of(text, sentences, "Dasatinib is widely used") == BACKGROUND
    assert role_of(text, sentences, "He received dasatinib") == DETAIL
    assert {words: role_of(text, sentences, words) for words in roles} == roles
    assert (patients[0].age_years, patients[0].sex) == (45, "male")


def test_a_report_with_no_title_section_opens_on_its_title_line(tmp_path):
    report = ("Durable response to larotrectinib in an NTRK3-rearranged infantile fibrosarcoma\n"
              "Smith A, et al. Case Rep Oncol 2021;1:1-3.\n\n"
              "We report an infant whose tumour shrank on larotrectinib.\n")
    text, _, sentences = patients_of(tmp_path, report)
    assert role_of(text, sentences, "Durable response to larotrectinib") == TITLE
    assert role_of(text, sentences, "Smith A, et al.") == BACKGROUND


def test_no_patient_without_a_sentence_that_presents_or_tells_a_case(tmp_path):
    _, patients, _ = patients_of(tmp_path, "Imatinib inhibits KIT. Most GISTs respond to it.\n")
    assert patients == []


def test_authors_describing_a_method_describe_no_patient(tmp_path):
    _, patients, _ = patients_of(tmp_path, "Abstract\nHere we describe a sequencing assay for "
                                           "KIT mutations. It detected 95% of variants.\n")
    assert patients == []


def test_a_gene_spelled_like_a_pronoun_tells_nothing_of_the_patient(tmp_path):
    report = ("Abstract\nWe report a woman with gastric cancer. HER2 amplification is common "
              "in such tumours. She received trastuzumab.\n")
    text, _, sentences = patients_of(tmp_path, report)
    assert role_of(text, sentences, "HER2 amplification") == BACKGROUND


def test_one_scan_says_what_the_patterns_say_one_by_one():
    rules = story_rules()
    text = ("Here we report two cases. The second patient relapsed. One of them died. "
            "Both patients had progressed. She improved. Imatinib is effective. "
            "To our knowledge this is new. KIT mutations occur in 3% of melanomas.")
    for start in range(0, len(text), 7):
        for end in range(start, len(text) + 1, 11):
            sentence = Sentence(start, end, "abstract")
            assert tells_of_patient(text, sentence, rules) == any(
                pattern.search(text, start, end) is not None for pattern in (
                    rules.patient_words, rules.series_all, rules.series_one,
                    rules.series_ordinal))
            presents = re.compile("|".join(load_resource("story_rules.yaml")["presenting"]),
                                  re.IGNORECASE).search(text, start, end)
            assert is_framing(text, sentence, rules) == (
                presents is not None or rules.concluding.search(text, start, end) is not None)
