import pytest

from pipeline.tag.patients import describe_cell, find_patients, patient_words
from pipeline.tag.regimens import find_regimens


def test_regimen_acronyms_match_longest_form_first():
    text = "Induction with 7+3, then FLAG-IDA; R-CHOP for the lymphoma, and CHOP-like therapy."
    assert [t.normalised for t in find_regimens(text)] == ["7+3", "FLAG-IDA", "R-CHOP"]


def test_solid_tumour_regimens_and_their_other_spellings():
    text = "First-line FOLFOXIRI, then XELIRI; adjuvant AC-TH. TC and AC were not given."
    assert [t.normalised for t in find_regimens(text)] == ["FOLFOXIRI", "CAPIRI", "AC-TH"]


@pytest.mark.parametrize("sentence, age, sex", [
    ("A 23-year-old man presented with abdominal pain.", 23, "male"),
    ("This 52-year-old female patient had pelvic pain.", 52, "female"),
    ("We report a 41-years-old male with NSCLC.", 41, "male"),
    ("An 18-month-old girl was referred.", 1.5, "female"),
    ("A 70-year-old patient declined surgery.", 70, None),
])
def test_patient_descriptors_give_age_in_years_and_sex(sentence, age, sex):
    (tag,) = find_patients(sentence)
    assert (tag.patient.age_years, tag.patient.sex) == (age, sex)


def test_durations_are_not_patients():
    assert find_patients("The 5-year survival rate is 70% and a 3-month-old scan was reviewed.") == []


@pytest.mark.parametrize("cell, header, age, sex", [
    ("8 yo/M", "Age/sex", 8, "male"),
    ("1 yo/NR", "Age/sex", 1, None),  # sex not reported
    ("18 mo, girl", "Age, gender", 1.5, "female"),
    ("52/F", "Age/Sex", 52, "female"),
    ("Male", "Sex", None, "male"),
])
def test_table_cells_under_an_age_or_sex_header_describe_the_row_patient(cell, header, age, sex):
    patient = describe_cell(cell, header, patient_words())
    assert (patient.age_years, patient.sex) == (age, sex)


def test_a_number_outside_an_age_column_is_no_age():
    assert describe_cell("45", "PFS (months)", patient_words()) is None
    assert describe_cell("NR", "Age/sex", patient_words()) is None
