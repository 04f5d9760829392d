import pytest

from pipeline.tag.patients import describe_cell, find_patients, patient_words
from pipeline.tag.regimens import find_regimens


def test_regimen_acronyms_match_longest_form_first():
    text = "Induction with 7+3, then FLAG-IDA; R-CHOP for the lymphoma, and CHOP-like therapy."
    assert [t.normalised for t in find_regimens(text)] == ["7+3", "FLAG-IDA", "R-CHOP"]


def test_solid_tumour_regimens_recorded_as_printed():
    # XELIRI is CAPIRI by another acronym: the guidelines keep each as printed
    text = "First-line FOLFOXIRI, then XELIRI; adjuvant AC-TH. TC and AC were not given."
    assert [t.normalised for t in find_regimens(text)] == ["FOLFOXIRI", "XELIRI", "AC-TH"]
    text = "ABVD, then BV-AVD; later DA-EPOCH-R. Myeloma: VRd induction."
    assert [t.normalised for t in find_regimens(text)] == ["ABVD", "BV-AVD", "DA-EPOCH-R", "VRd"]


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


@pytest.mark.parametrize("sentence, age, sex", [
    ("A 71yearold female patient was admitted.", 71, "female"),  # hyphens lost in copying
    ("We saw a 38\u2011year\u2011old man with fever.", 38, "male"),  # non-breaking hyphens
    ("A 49-year old male smoker presented.", 49, "male"),
    ("An infant aged 9 months was referred.", 0.75, None),
    ("A woman aged 61 years had a cough.", 61, "female"),
    ("A man, 78 years of age, was admitted.", 78, "male"),
    ("A 55 yr old man was seen.", 55, "male"),
    ("Patient: Female, 63-year-old; Final diagnosis: melanoma", 63, "female"),
    # a person named by occupation or state
    ("Our patient is a 72-year-old retired farmer.", 72, None),
    ("A 30-year-old primigravida had a breast mass.", 30, "female"),
])
def test_age_phrases_in_other_spellings(sentence, age, sex):
    (tag,) = find_patients(sentence)
    assert (tag.patient.age_years, tag.patient.sex) == (age, sex)


@pytest.mark.parametrize("sentence, phrase, age, sex", [
    ("A sixty-two-year-old man presented with headache.", "sixty-two-year-old", 62, "male"),
    ("We saw a Forty five year old woman.", "Forty five year old", 45, "female"),
    ("A nine-month-old girl was referred.", "nine-month-old", 0.75, "female"),
    ("A twenty-year-old student had a mass.", "twenty-year-old", 20, None),
])
def test_an_age_spelled_in_words(sentence, phrase, age, sex):
    (tag,) = find_patients(sentence)
    assert (sentence[tag.start:tag.end], tag.patient.age_years, tag.patient.sex) == (
        phrase, age, sex)


def test_an_age_whose_next_word_is_its_verb_is_a_patient():
    (tag,) = find_patients("A 45-year-old presented with a persistent cough.")
    assert (tag.patient.age_years, tag.patient.sex) == (45, None)
    # no verb, no person: a thing's age
    assert find_patients("A 45-year-old tumour registry; a 10-year-old building was closed.") == []


@pytest.mark.parametrize("header, age, sex", [
    ("Patient: Female, 63\nFinal Diagnosis: Breast cancer", 63, "female"),
    ("Patient: Male, 8 months\nSymptoms: Vomiting", 0.67, "male"),
])
def test_a_structured_abstract_s_header_line_names_the_patient(header, age, sex):
    (tag,) = find_patients(header)
    assert (tag.rule, tag.patient.age_years, tag.patient.sex) == ("patient.header", age, sex)


def test_a_header_line_with_no_sex_and_age_names_no_patient():
    assert find_patients("Patient: n/a\nMedication: none") == []
    assert find_patients("Patient: Female, 63.5 kg\nMedication: none") == []  # a weight


def test_an_age_in_words_of_no_person_or_with_no_article_is_no_patient():
    assert find_patients("It was a ten-year-old scar; the tumour was one year old.") == []
    # a group of animals, no report's patient
    assert find_patients("Eight-week-old male mice were treated.") == []
    assert find_patients("Children under 5 years of age are at risk.") == []
    assert find_patients("Male F344 rats, 5 weeks of age, were fed.") == []


@pytest.mark.parametrize("sentence, phrase, sex", [
    ("A female patient was referred with a cough.", "A female patient", "female"),
    ("We describe an elderly Caucasian woman with melanoma.", "an elderly Caucasian woman", "female"),
    ("A man in his fifties presented with dyspnea.", "A man", "male"),
])
def test_a_patient_named_by_sex_without_an_age(sentence, phrase, sex):
    (tag,) = find_patients(sentence)
    assert (sentence[tag.start:tag.end], tag.patient.age_years, tag.patient.sex) == (phrase, None, sex)


@pytest.mark.parametrize("sentence, phrase, count", [
    ("We report three children with glioma.", "three children", 3),
    ("Outcomes of 2 consecutive patients are given.", "2 consecutive patients", 2),
    ("Response in Two Treatment-Naïve Patients with Melanoma", "Two Treatment-Naïve Patients", 2),
    ("Here we describe four cases of sarcoma.", "four cases", 4),
])
def test_patients_named_together_are_a_group_with_its_count(sentence, phrase, count):
    (tag,) = find_patients(sentence)
    assert (sentence[tag.start:tag.end], tag.patient.count) == (phrase, count)


def test_one_patient_named_with_no_age_or_sex():
    (tag,) = find_patients("We report the case of a NSCLC patient with a rare mutation.")
    assert (tag.rule, tag.patient.age_years, tag.patient.sex, tag.patient.count) == (
        "patient.person", None, None, None)
    (tag,) = find_patients("This is a case of an adult with ganglioglioma.")
    assert tag.rule == "patient.person"


def test_phrases_with_person_words_that_name_no_patient():
    assert find_patients("A case report and a patient population study showed a male "
                         "predominance; two cycles and three months later.") == []


def test_an_age_starts_a_number_and_a_word():
    text = "Record A1234-year-old, item 5_7-year-old; a 3.5-year-old girl, a 7-year-old boy."
    assert [t.patient.age_years for t in find_patients(text)] == [3.5, 7]


@pytest.mark.parametrize("text", [
    "A 63-year-old man and a 2 months OLD infant; an 8-fold rise.",
    "A 45-YEAR-OLD woman (the K\u212a sign: re folds it onto k).",
    "Two men with no age printed; a threshold of 3 years.",
    "A 1.5 months old boy, a 17yearold, 2 weeks-old twins, 4567 years old, 8 yearsold.",
    "A \u0663-year-old man, a 3-year-old girl",  # an Arabic-Indic digit is a \\d too
])
def test_age_phrases_are_sought_as_their_pattern_finds_them(text):
    from pipeline.tag.patients import age_matches, age_pattern

    assert [m.span() for m in age_matches(text)] == [m.span() for m in age_pattern().finditer(text)]


def test_age_phrases_are_found_at_the_digits_before_old_as_their_pattern_finds_them():
    import random

    from pipeline.tag.patients import age_matches, age_pattern

    generator = random.Random(18)

    def one(*choices):
        return generator.choice(choices)

    def age_like():
        return (one("", "a", "_", "\u00e9", "(", "1") + one("1", "23", "123", "4567", "\u0663")
                + one("", ".5", ".") + one("", " ", "-", "\u2010", " - ", "\u00e9")
                + one("year", "YEAR", "yr", "mo", "month", "week", "day", "ye", "\u017f")
                + one("", "s", "\u017f") + one("", " ", "-", "\u2013", "\n")
                + one("old", "OLD", "older", "bold", "ol", "old_", "old\u00e9", "old1"))

    for _ in range(3000):
        text = "".join(age_like() if generator.random() < 0.6 else one(" ", ", ", "fold ", "12 ")
                       for _ in range(generator.randint(1, 6)))
        assert ([m.span() for m in age_matches(text)]
                == [m.span() for m in age_pattern().finditer(text)]), text


PHRASE_PIECES = ["a ", "an ", "two ", "3 ", "man", "WOMAN", "men", "Patient", "patients", "girl",
                 "young ", "-", "_", "é", "ſ", "2", " ", ",", "of ", "manner", "x"]


def test_a_text_s_runs_are_screened_once_for_every_patient_pattern():
    from pipeline.tag.matching import ascii_runs
    from pipeline.tag.patients import screened_runs, screened_words

    assert {"a", "an", "aged", "two", "woman", "patients", "child"} <= screened_words()
    text = "Two sisters, a woman aged 40 years and her child, were patients here."
    runs = ascii_runs(text).printed
    assert [runs[index] for index in screened_runs(text)] == [
        "Two", "sisters", "a", "woman", "aged", "child", "patients"]


def test_a_text_holding_none_of_a_phrase_s_nouns_is_not_searched_for_it():
    import random

    from pipeline.tag.patients import (find_patients, patient_words, phrase_nouns,
                                       phrase_patterns, screened_runs, sought_phrases)

    sex_nouns, group_nouns, single_nouns = phrase_nouns()
    # read from the patterns: the rule file's word lists each pattern is built from
    words = patient_words()
    assert (sex_nouns, group_nouns, single_nouns) == (
        words.sex_nouns | words.sex_adjectives, words.group_nouns, words.single_person_nouns)
    text = "A manner of many things; two young WOMEN and a NSCLC patient."
    sex_phrase, group, single = phrase_patterns()
    # "manner", "many", "WOMEN": no sex noun
    assert sought_phrases(text, screened_runs(text)) == (None, group, single)
    assert [t.normalised for t in find_patients(text)] == ["2 patients", "None unknown sex"]
    rng = random.Random(18)
    for _ in range(5_000):
        text = "".join(rng.choice(PHRASE_PIECES) for _ in range(rng.randint(1, 10)))
        for pattern, sought in zip(phrase_patterns(), sought_phrases(text, screened_runs(text))):
            assert sought is pattern or pattern.search(text) is None, text
