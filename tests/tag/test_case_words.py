"""Clinical words for case records, each rule on a sentence written for it."""

import re

import pytest

from pipeline.tag.case_words import find_case_words


def found(text, kind, defined=None):
    return [(text[t.start:t.end], t.normalised) for t in find_case_words(text, defined)
            if t.type == kind]


@pytest.mark.parametrize("sentence, expected", [
    ("Post-therapy PET revealed partial remission of the mass.", [("partial remission", "PR")]),
    ("Crizotinib gave a brief MRD+CR.", [("MRD+CR", "CR")]),
    ("She had a dramatic response to alectinib.", [("dramatic response", "PR")]),
    ("There was a minor response only.", [("minor response", "SD")]),
    ("He was treated with 7+3 without response.", [("without response", "PD")]),
    ("Primary induction failure to ADE.", [("Primary induction failure", "PD")]),
    ("Alectinib: not evaluable.", [("not evaluable", "null")]),
    ("MRI showed a complete intracranial response.", [("complete intracranial response", "CR")]),
    ("A partial radiological remission followed.", [("partial radiological remission", "PR")]),
    ("Her lung nodules shrank markedly.", [("shrank markedly", "PR")]),
    ("The masses rapidly regressed on therapy.", [("rapidly regressed", "PR")]),
])
def test_response_words_map_to_the_guideline_categories(sentence, expected):
    assert found(sentence, "response") == expected


def test_a_response_abbreviation_is_no_word_inside_a_hyphenated_name():
    assert [f for f in found("PD-L1 was 90%; PD at 3 months.", "response")] == [("PD", "PD")]


def test_short_response_abbreviations_count_only_in_capitals():
    # "pr" and "cr" in running lower-case text are no responses
    assert found("Best response PR; the cr of the scan", "response") == [("PR", "PR")]


def test_a_longer_method_name_wins_over_the_one_inside_it():
    assert found("RT-PCR and FISH confirmed it; a FoundationOne CDx panel.", "detection_method") == [
        ("RT-PCR", "RT-PCR"), ("FISH", "FISH"), ("FoundationOne CDx", "NGS")]


def test_a_printed_karyotype_is_the_karyotype_method():
    assert found("45,XX,inv(2)(p23q13)[20]", "detection_method") == [("45,XX", "karyotype")]


def test_death_that_is_no_patients_is_marked_as_saying_nothing():
    assert found("promoting cancer cell death; death on day 26", "status") == [
        ("cell death", "null"), ("death", "dead")]


def test_status_and_setting_words():
    text = "After front-line crizotinib and salvage chemotherapy she passed away."
    assert found(text, "setting") == [("front-line", "first-line"), ("salvage", "salvage")]
    assert found(text, "status") == [("passed away", "dead")]


@pytest.mark.parametrize("sentence, expected", [
    ("A man with relapsed acute myeloid leukemia was admitted.", "acute myeloid leukemia"),
    ("Reported cases of inflammatory myofibroblastic tumors harboring ALK fusions",
     "inflammatory myofibroblastic tumor"),
    ("treated for metastatic nonsmall cell lung cancer", "nonsmall cell lung cancer"),
    ("an anaplastic large cell lymphoma of the neck", "anaplastic large cell lymphoma"),
    ("a case of ALK-rearranged mesenchymal neoplasm", "alk-rearranged mesenchymal neoplasm"),
    ("Epithelioid Inflammatory Myofibroblastic Sarcoma", "epithelioid inflammatory myofibroblastic sarcoma"),
    # a number and the alteration word after it are no part of the name
    ("EGFR exon 19 deletion-positive lung adenocarcinoma", "lung adenocarcinoma"),
    ("stage 3 gastric cancer", "gastric cancer"),
    # a heading line run on into the sentence after it: the sentence's first word starts it
    ("Revised 3 June 2024 Accepted Diffuse large B-cell lymphoma rarely", "diffuse large b-cell lymphoma"),
])
def test_a_disease_is_its_head_noun_with_the_words_that_name_it(sentence, expected):
    assert [normal for _, normal in found(sentence, "disease")] == [expected]


def test_a_bare_generic_head_and_tumour_cells_are_no_disease():
    assert found("The tumor was resected and the tumor cells were ALK positive.", "disease") == []


def test_a_compound_adjective_names_no_disease():
    assert found("She reached a morphologic leukemia-free state and tumor-related pain eased.",
                 "disease") == []


def test_a_head_naming_a_protein_is_no_disease():
    assert found("Anaplastic lymphoma kinase inhibitors", "disease") == []


def test_an_abbreviation_defined_as_a_disease_is_that_disease():
    text = "IMT recurred."
    assert found(text, "disease", {"IMT": "inflammatory myofibroblastic tumor"}) == [
        ("IMT", "inflammatory myofibroblastic tumor")]
    assert found(text, "disease", {"IMT": "intensity modulated therapy"}) == []


def test_site_adjectives_name_the_organ():
    assert found("a uterine mass and pulmonary nodules in the lung", "site") == [
        ("uterine", "uterus"), ("pulmonary", "lung"), ("lung", "lung")]


def test_a_tumour_on_the_body_s_surface_is_the_skin_s():
    assert found("a pigmented nodule on the right upper arm, and a sarcoma of the thigh",
                 "site") == [("on the right upper arm", "skin"), ("thigh", "thigh")]


def test_a_part_of_an_organ_names_the_organ():
    assert found("a glioma of the left temporal lobe and a pontine lesion", "site") == [
        ("temporal lobe", "brain"), ("pontine", "brainstem")]


def test_vocabulary_words_match_whole_words_in_any_case_only():
    found = [(t.type, t.normalised) for t in find_case_words(
        "Complete Remission was confirmed by NEXT-GENERATION SEQUENCING; a hyperCR-like pattern "
        "and subCR were not.")]
    assert found == [("response", "CR"), ("detection_method", "NGS")]


@pytest.mark.parametrize("sentence, expected", [
    ("There was a remarkable clinical response to the pair.", [("remarkable clinical response", "PR")]),
    ("Sorafenib led to rapid tumor regression.", [("rapid tumor regression", "PR")]),
    ("After a lack of response to FLAG, she was transplanted.", [("lack of response", "PD")]),
    ("He stayed in long-term remission.", [("remission", "CR")]),
    ("It achieved a major molecular response (MMR).", [("major molecular response", "CR"), ("MMR", "CR")]),
    # response words that state no response of the patient's; a bare "responded" is none
    ("She responded well; the progression-free survival was 9 months.",
     [("progression-free survival", "null")]),
    ("Scans showed no sign of progression.", [("no sign of progression", "null")]),
    ("It gave a near-complete response.", [("near-complete response", "PR")]),
    ("The tumour shrank by 80% after 8 weeks.", [("shrank by 80%", "PR")]),
    ("A 45% reduction in the liver lesions; a 50% reduction of the dose.",
     [("45% reduction", "PR")]),
    ("After imatinib failed, sunitinib failed to control it.", [("failed", "PD")]),
    ("She reached CR1 after induction.", [("CR1", "CR")]),
    # a tumour marker's fall is no shrinkage of the tumour; the M-protein's is
    ("The PSA decreased by 95%, with a 60% reduction in serum CEA.",
     [("PSA decreased by 95%", "null")]),
    ("The M-protein decreased by 80%.", [("decreased by 80%", "PR")]),
    ("The tumor decreased in size by 40%.", [("decreased in size by 40%", "PR")]),
    ("A reduction of 45% in the sum of diameters; a dose reduction of 50%; a reduction of 60% "
     "in PSA; a relative risk reduction of 36%.", [("reduction of 45% in the sum", "PR")]),
    ("Tumour regression of 60%.", [("Tumour regression of 60%", "PR")]),
    ("Complete regression of all lesions, but no objective response of the bone.",
     [("Complete regression", "CR"), ("no objective response", "PD")]),
])
def test_more_response_words_per_the_clarified_guidelines(sentence, expected):
    assert found(sentence, "response") == expected


@pytest.mark.parametrize("sentence, expected", [
    ("He remains progression-free to date.", [("remains progression-free", "alive"), ("to date", "alive")]),
    ("A complete response was seen at the 14-month follow-up.", [("at the 14-month follow-up", "alive")]),
    ("She was transferred to palliative care.", [("palliative care", "ended")]),
    ("He remains on therapy 3 years later.", [("remains on therapy", "alive")]),
    ("She remains on alectinib without progression.", [("remains on alectinib", "alive"),
                                                        ("without progression", "alive")]),
])
def test_status_at_the_last_follow_up(sentence, expected):
    assert found(sentence, "status") == expected


def test_the_patient_s_condition_in_other_words():
    said = {"She expired in March.": ("She expired", "dead"),
            "He has been free of disease for 2 years.": ("free of disease", "alive"),
            "The boy is clinically well at 18 months.": ("is clinically well", "alive"),
            "She continues to do well on osimertinib.": ("continues to do well", "alive"),
            "He continues to receive dabrafenib.": ("continues to receive", "alive")}
    assert {sentence: tuple(*found(sentence, "status")) for sentence in said} == said


def test_a_relative_s_death_says_nothing_of_the_patient():
    assert [found(sentence, "status") for sentence in (
        "Her mother had died of breast cancer.", "His father, who died of lung cancer, smoked.",
        "Her brother's death was sudden.", "His aunt died of ovarian cancer at the age of 40.")
    ] == [[("mother had died", "null")], [("father, who died", "null")],
          [("brother's death", "null")], [("aunt died of ovarian cancer at the age of 40", "null")]]
    # the patient's own death told by a relative; a relative who is a patient of the report
    assert found("Her husband said that she died at home; his daughter had surgery and died.",
                 "status") == [("died", "dead"), ("died", "dead")]


def test_treatments_printed_without_a_drug_keep_their_printed_words():
    text = ("After three cycles of platinum-based chemotherapy plus immunotherapy she relapsed; "
            "chemo-refractory disease followed, and anti-PD-1 therapy was tried.")
    assert [normal for _, normal in found(text, "treatment")] == [
        "three cycles of platinum-based chemotherapy plus immunotherapy", "anti-pd-1 therapy"]


@pytest.mark.parametrize("text", [
    "Chemotherapy, then CHEMORADIATION and hormone therapy; no chemo-refractory endocrine-therapy.",
    "Cisplatin-based CHEMOTHERAPY per the ALL-BFM2009 Protocol, then anti-HER2 antibodies.",
    "Androgen deprivation therapy with immunotherapy \u2013 and radiochemotherapy.",
    # words right after a hyphen, an underscore or a digit, or run on, are none
    "Pre-chemotherapy, chemotherapy_2, 2chemo and chemotherapies; cytotoxic  therapy, chemo.",
    # a word one pattern needs with none of those it needs beside it: read by the words
    "Based on the database, chemotherapy; the anti-tumour protocol of the regimen.",
])
def test_treatment_words_are_found_as_the_case_blind_pattern_finds_them(text):
    from pipeline.tag.case_words import case_words

    treatments = case_words().treatments
    assert [m.span() for m in treatments.matches(text)] == [
        m.span() for m in treatments.forms.finditer(text)]
    assert treatments.matches(text)


TREATMENT_PIECES = ["based", "Based ", "-", " ", "therapy", "chemotherapy", "regimens", "anti-",
                    "PD1", "HER2", "protocol", "ALL2008", "agents", "on ", "data", "é", "_", "2",
                    # beyond ASCII: a letter, a capital, a dash, a numeral, and those re
                    # folds onto an ASCII letter ("ſ", the Kelvin sign, "İ")
                    "α", "ÉCHEMO", "–", "Ⅱ", "ſ", "\u212a", "İ"]


def test_treatments_read_by_their_words_are_those_the_pattern_finds_in_random_texts():
    import random

    from pipeline.tag.case_words import case_words

    treatments = case_words().treatments
    rng = random.Random(18)
    for _ in range(5_000):
        text = "".join(rng.choice(TREATMENT_PIECES) for _ in range(rng.randint(1, 10)))
        assert [m.span() for m in treatments.matches(text)] == [
            m.span() for m in treatments.forms.finditer(text)], text


def test_a_relapse_after_a_transplant_is_the_setting_of_what_treats_it():
    assert found("She relapsed 4 months after allogeneic HSCT and received azacitidine.",
                 "setting") == [("relapsed 4 months after allogeneic HSCT", "post-transplant relapse")]
    assert found("Post-transplant relapse was treated with venetoclax.", "setting") == [
        ("Post-transplant relapse", "post-transplant relapse")]


def test_more_method_and_site_words():
    assert found("Cytogenetic studies and the therascreen assay; cells stained positively for CD34.",
                 "detection_method") == [("Cytogenetic studies", "karyotype"),
                                         ("therascreen", "PCR"), ("stained positively", "IHC")]
    assert found("a colorectal primary and a brainstem mass", "site") == [
        ("colorectal", "colorectum"), ("brainstem", "brainstem")]


@pytest.mark.parametrize("sentence, expected", [
    ("She relapsed 8 months later and underwent allo-HSCT.",
     [("relapsed", "relapse"), ("allo-HSCT", "transplant")]),
    ("A right upper lobectomy was followed by whole-brain radiotherapy.",
     [("lobectomy", "surgery"), ("whole-brain radiotherapy", "radiotherapy")]),
    ("Local recurrence was treated with stereotactic radiosurgery.",
     [("Local recurrence", "relapse"), ("stereotactic radiosurgery", "radiotherapy")]),
])
def test_events_of_a_course_that_are_no_drug_are_named(sentence, expected):
    assert found(sentence, "course_event") == expected


def test_a_response_lost_is_a_progression_and_the_words_inside_it_no_response():
    assert found("She lost her major molecular response at 2 years.", "response") == [
        ("lost her major molecular response", "PD")]


@pytest.mark.parametrize("sentence", [
    "He is in continuous complete remission 4 years after diagnosis.",
    "The patient remained in partial response at 26 months.",
])
def test_being_in_remission_or_response_now_is_alive(sentence):
    assert [normal for _, normal in found(sentence, "status")] == ["alive"]


def test_comprehensive_genomic_profiling_is_ngs():
    assert found("Comprehensive genomic profiling found an FGFR2 fusion.", "detection_method") == [
        ("Comprehensive genomic profiling", "NGS")]


def test_a_word_pattern_that_does_not_start_at_a_word_start_is_refused():
    """The patterns are read in one pass tried at word starts only, so a pattern that could
    start inside a word would be silently missed: the rule file is refused instead."""
    from pipeline.errors import RuleFileError
    from pipeline.tag.case_words import WordPatterns
    empty = {key: {} for key in ("status_patterns", "response_patterns", "setting_patterns",
                                 "site_patterns")}
    good = WordPatterns.from_dict({**empty, "status_patterns": {"alive": [r"\bis doing well"]}})
    assert [(t.type, t.normalised) for t in good.find("He is doing well.")] == [("status", "alive")]
    with pytest.raises(RuleFileError, match="word start"):
        WordPatterns.from_dict({**empty, "response_patterns": {"PR": ["regress(ed|ion)"]}})


def test_a_tumour_s_size_is_no_part_of_its_disease_name():
    assert found("She had a 9-cm gastric gastrointestinal stromal tumor.", "disease") == [
        ("gastric gastrointestinal stromal tumor", "gastric gastrointestinal stromal tumor")]


def test_a_common_disease_abbreviation_printed_undefined_is_its_long_form():
    assert found("He had multiple small intestinal GISTs.", "disease") == [
        ("GISTs", "gastrointestinal stromal tumor")]
    assert found("A man with Ph+ B-ALL.", "disease") == [
        ("B-ALL", "b-cell acute lymphoblastic leukemia")]
    # the document's own definition wins, and the capitals are needed
    assert found("Here CML stands for something else; cml.", "disease",
                 defined={"CML": "cutaneous melanoma lesion"}) == []


def test_the_patients_condition_at_the_last_visit_says_alive():
    assert found("She was well at her last visit in 2024.", "status") == [
        ("at her last visit", "alive")]


def test_an_organ_adjective_names_the_site():
    assert found("An abdominal inflammatory myofibroblastic tumour was resected.", "site") == [
        ("abdominal", "abdomen")]


def test_a_long_disease_head_misprinted_by_one_letter_is_read_as_spelled():
    assert found("She had stage IV lung adenocrcinoma.", "disease") == [
        ("lung adenocrcinoma", "lung adenocarcinoma")]
    assert found("A neuroblastma of the adrenal gland.", "disease") == [
        ("neuroblastma", "neuroblastoma")]
    # plurals and other spellings are heads, not misprints
    assert found("Carcinomas and leukaemias.", "disease") == [
        ("Carcinomas", "carcinoma"), ("leukaemias", "leukaemia")]


def test_more_disease_heads_and_words_that_end_a_disease_name():
    assert found("She had a plexiform neurofibroma.", "disease") == [
        ("plexiform neurofibroma", "plexiform neurofibroma")]
    assert found("He had indolent systemic mastocytosis.", "disease") == [
        ("indolent systemic mastocytosis", "indolent systemic mastocytosis")]
    # "after" starts another disease's name: AML after MDS is two names
    assert found("Acute myeloid leukemia after myelodysplastic syndrome.", "disease") == [
        ("Acute myeloid leukemia", "acute myeloid leukemia"),
        ("myelodysplastic syndrome", "myelodysplastic syndrome")]


def test_a_site_in_a_compound_adjective_is_no_site():
    assert found("A muscle-invasive urothelial carcinoma of the bladder.", "site") == [
        ("bladder", "bladder")]


def test_more_words_of_the_patient_s_state():
    assert found("The patient expired two days later.", "status") == [("patient expired", "dead")]
    assert found("She has returned to work.", "status") == [("returned to work", "alive")]
    # a marker that fell is no tumour that shrank
    assert found("CEA decreased markedly.", "response") == []


def test_methods_as_assays_and_antibody_clones_name_them():
    text = ("Fluorescence in-situ hybridisation, a 50-gene hotspot panel, targeted RNA panel "
            "sequencing and Guardant360 on plasma; the VENTANA ALK (D5F3) assay and ARMS.")
    assert found(text, "detection_method") == [
        ("Fluorescence in-situ hybridisation", "FISH"), ("hotspot panel", "NGS"),
        ("panel sequencing", "NGS"), ("Guardant360", "NGS"), ("D5F3", "IHC")]
    # a clone name is a word only as printed
    assert found("The d5f3 clone.", "detection_method") == []
    assert found("by the amplification refractory mutation system", "detection_method") == [
        ("amplification refractory mutation system", "PCR")]


def test_a_tumour_of_the_thalamus_is_the_brain_s():
    assert found("A thalamic pleomorphic xanthoastrocytoma.", "site") == [("thalamic", "brain")]


def test_heads_and_patterns_tried_at_some_runs_only_find_what_their_regex_finds():
    from pipeline.tag.case_words import LONG_WORD, case_words, disease_heads_in

    words = case_words()
    text = ("A 5carcinoma, osteosarcomas and a myelodysplastic syndrome-like lung adenocrcinoma; "
            "-adenocrcinoma, tumor cells and leukemia-free at the 32-month follow-up, remains on "
            "imatinib; she relapsed after allogeneic HSCT. 7Melanoma2b, x2adenocrcinoma9 and "
            "Lymphomas4. ſarcoma")
    # with and without a character re folds onto "s"; long texts by their runs, short ones
    # (a definition's long form) by the regexes
    for sample in (text, text[:-9], text[:150]):
        found = disease_heads_in(sample, words.disease)
        assert [(s, e, h, p) for s, e, h, p, c in found if c is None] == [
            (m.start(), m.end(), m.group("head").lower(), m.group("plural"))
            for m in words.disease.heads.finditer(sample)]
        assert [(s, e) for s, e, _, _, c in found if c] == [
            m.span() for m in LONG_WORD.finditer(sample)
            if m.group().lower() in words.disease.misspelled]
        assert [(t.start, t.end) for t in words.patterns.find(sample)] == [
            m.span() for m in words.patterns.regex.finditer(sample)]
    assert words.patterns.starts is not None  # tried at the runs a match can start at
    # heads inside runs of letters and digits, misprinted or not, as the regex finds them
    assert [text[s:e] for s, e, *_ in disease_heads_in(text[:-9], words.disease)] == [
        "carcinoma", "osteosarcomas", "Melanoma", "Lymphomas", "adenocrcinoma", "adenocrcinoma"]
    assert [t.normalised for t in words.patterns.find(text)] == [
        "alive", "alive", "post-transplant relapse"]


def test_head_endings_are_grouped_by_their_last_three_letters():
    from pipeline.tag.case_words import head_endings

    endings = head_endings(["sarcoma", "carcinoma", "myelodysplastic syndrome"])
    assert endings["oma"] == ("carcinoma", "sarcoma")
    assert endings["mas"] == ("carcinomas", "sarcomas")
    assert endings["tic"] == ("myelodysplastic",)  # the first word of a head of several
    assert "ome" not in endings
    # a run ending as no head is asked nothing; a head too short to screen, none at all
    assert "lung".endswith(endings.get("ung", ())) is False
    assert head_endings(["carcinoma", "ca"]) == {}


def test_defined_short_forms_are_found_by_runs_as_their_pattern_finds_them():
    from pipeline.tag.case_words import short_form_pattern, short_form_uses

    text = ("IMTs and IMT recurred; not xIMT, IMT2 or IMTss, but IMT-1 and (NSCLCs). "
            "aB, aBs, aBss, aBsss; pre-B-ALL. é IMTé")
    # short forms that are runs (one base the plural of another), then one that is not
    for shorts in (["IMT", "NSCLCs", "aB", "aBs"], ["IMT", "B-ALL"]):
        assert short_form_uses(text, shorts) == [
            (m.start(), m.end(), m.group("short"))
            for m in short_form_pattern(shorts).finditer(text)]
    assert [text[s:e] for s, e, _ in short_form_uses(text, ["IMT"])] == [
        "IMTs", "IMT", "IMT", "IMT"]


def test_common_disease_abbreviations_tried_at_their_first_runs_match_as_the_pattern_does():
    from pipeline.tag.case_words import case_words, use_first_runs

    known = case_words().abbreviated_diseases
    text = ("GISTs, xGIST, GIST2 and GISTss; pre-B-ALL, B-ALLs, B- ALL and T-ALL. é AMLé, "
            "CMMLs and CML, ſGIST")
    assert [(t.start, t.end, t.normalised) for t in known.find(text, {})] == [
        (m.start(), m.end(), known.normals[m.group("short")])
        for m in known.pattern.finditer(text)]
    assert use_first_runs(["GIST", "B-ALL"]) == {"GIST", "GISTs", "B"}
    assert use_first_runs(["GIST", "-x"]) is None  # starts with no letter or digit


DEFINITION_PIECES = ["leukemia", "s", "es", "Sarcoma", " ", "-", "cell", "lung ", "adenocrcinoma",
                     "tumor", "\u017f", "1", ")", "osteo", "x", "myelodysplastic ", "syndrome"]


def test_a_definition_is_read_for_a_disease_only_when_it_may_end_with_a_head():
    import random

    from pipeline.tag.case_words import (case_words, definition_normal, find_diseases,
                                         may_end_with_head)

    words = case_words().disease
    assert definition_normal("inflammatory myofibroblastic tumours ", words) == (
        "inflammatory myofibroblastic tumour")
    assert definition_normal("lung adenocrcinoma", words) == "lung adenocarcinoma"  # misprinted
    assert not may_end_with_head("programmed death ligand 1", words)
    assert not may_end_with_head("tumour mutational burden", words)
    rng = random.Random(18)
    for _ in range(5_000):
        text = "".join(rng.choice(DEFINITION_PIECES) for _ in range(rng.randint(1, 8)))
        found = find_diseases(text, words)
        assert may_end_with_head(text, words) or not (
            found and found[-1].end == len(text.rstrip())), text


def test_the_letters_a_text_ends_with_are_those_the_last_letters_pattern_finds():
    import random

    from pipeline.tag.case_words import last_letters

    assert last_letters("non-small cell lung carcinoma \n") == "carcinoma"
    assert last_letters("programmed death ligand 1") == ""
    assert last_letters("B-cell lymphoma2x") == "x"
    pattern = re.compile("[A-Za-z]+$")
    rng = random.Random(18)
    for _ in range(5_000):
        text = "".join(rng.choice(DEFINITION_PIECES + ["\n", " ", "\u00e9", "2"])
                       for _ in range(rng.randint(0, 8)))
        found = pattern.search(text.rstrip())
        assert last_letters(text) == (found.group() if found else ""), text


# What previous_word finds, as a regular expression over the 60 characters before the end
PREVIOUS_WORD = re.compile(r"(?:^|(?<=[\s(\[]))([A-Za-z0-9][A-Za-z0-9+\-/]*)[ \t]+$")
PREVIOUS_PIECES = ["acute", " ", "  ", "\t", "\n", "(", "[", "B-cell", "+", "/", "-", "2", "x",
                   "\u00e9", "\u2003", ".", "myeloid"]


def test_the_word_before_a_head_is_the_one_the_pattern_finds():
    import random

    from pipeline.tag.case_words import previous_word

    def by_pattern(text, end):
        lo = max(0, end - 60)
        match = PREVIOUS_WORD.search(text[lo:end])
        return (lo + match.start(1), match.group(1)) if match else None

    assert previous_word("a relapsed acute myeloid leukemia", 25) == (17, "myeloid")
    assert previous_word("(B-cell lymphoma", 7) is None  # no space before the head
    assert previous_word("(B-cell\t lymphoma", 9) == (1, "B-cell")
    assert previous_word("type -2 \nlymphoma", 9) is None  # a word starts with a letter or digit
    rng = random.Random(18)
    for _ in range(5_000):
        text = "".join(rng.choice(PREVIOUS_PIECES) for _ in range(rng.randint(1, 40)))
        for end in range(len(text) + 1):
            assert previous_word(text, end) == by_pattern(text, end), (text, end)


def test_a_run_s_kind_is_worked_out_once_while_the_process_remembers_it(monkeypatch):
    from functools import partial

    from pipeline.tag import matching
    from pipeline.tag.case_words import HEAD, MISSPELLED, MIXED, head_endings, run_kind
    from pipeline.tag.matching import RememberedRuns

    kinds = RememberedRuns(partial(run_kind, head_endings(["carcinoma", "sarcoma"]),
                                   {"adenocrcinoma": "adenocarcinoma"}))
    assert kinds["osteosarcoma"] == HEAD
    assert kinds["adenocrcinoma"] == MISSPELLED
    assert kinds["5carcinoma"] == MIXED  # its runs of letters are asked in turn
    assert kinds["2019"] == kinds["lung"] == 0
    assert kinds["cd20"] == kinds["p53"] == 0  # no run of letters in them is anything
    assert set(kinds) == {"osteosarcoma", "adenocrcinoma", "5carcinoma", "2019", "lung",
                          "cd20", "p53"}
    # forgotten after REMEMBERED_WORDS runs, to bound the memory
    monkeypatch.setattr(matching, "REMEMBERED_WORDS", 5)
    assert kinds["carcinomas"] == HEAD and set(kinds) == {"carcinomas"}


def test_the_runs_of_some_kind_are_those_whose_kind_is_not_0():
    import random

    from pipeline.tag.case_words import case_words, run_kind, runs_of_some_kind

    words = case_words().disease
    runs = ("A relapsed acute myeloid leukemia, 2 lung adenocrcinomas, 5carcinoma and "
            "GISTs with Carcinomatosis in 2019; sarcomas p53 rhabdomyosarcoma tumor").replace(
        ",", "").replace(";", "").split()
    rng = random.Random(17)
    runs += ["".join(rng.choice("aemorcinstul5") for _ in range(rng.randint(1, 12)))
             for _ in range(3_000)]
    lowered = [run.lower() for run in runs]
    expected = [run for run, low in zip(runs, lowered)
                if run_kind(words.head_endings, words.misspelled, low) != 0]
    assert runs_of_some_kind(words, runs, lowered) == expected
    assert {"leukemia", "5carcinoma", "sarcomas",
            "rhabdomyosarcoma"} <= set(expected)
    assert not {"A", "2019", "lung", "with", "Carcinomatosis"} & set(expected)
