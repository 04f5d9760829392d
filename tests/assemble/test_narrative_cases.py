"""The authors' own patients from the narrative, on reports written for each rule."""

import pytest

from pipeline.assemble import assemble
from pipeline.assemble.narrative_cases import by_kind, uncited
from pipeline.assemble.story import story_rules
from pipeline.read import read_document
from pipeline.schema import Mention
from pipeline.tag import tag

REPORT = """Lorlatinib in a young man with ALK-rearranged acute myeloid leukemia

Introduction

Acute myeloid leukemia (AML) rarely carries ALK fusions; RANBP2::ALK fusions have been reported in children.

Case presentation

A 31-year-old man presented with gastric wall thickening. Biopsy showed acute myeloid leukemia, and bone marrow confirmed AML. Flow cytometry and RNA sequencing found an NPM1::ALK fusion.

He was first treated with 7+3 (cytarabine and daunorubicin) without response. A second induction with FLAG-IDA (fludarabine, cytarabine, G-CSF and idarubicin) was given. PET showed partial response. He then received lorlatinib with memantine for neuroprotection, and achieved complete remission.

After alloHCT with tacrolimus as GVHD prophylaxis, lorlatinib was resumed. He is alive 14 months later.

Previous reports describe responses to crizotinib in adults with ALK-rearranged leukemia.

Other studies found alectinib active. Many patients respond.

Discussion

In our case, NGS also identified a KSR2 missense variant (p.R234H). EML4::ALK was previously described in lung cancer. We have also treated a 45-year-old woman whose refractory ALK+ large B-cell lymphoma progressed through treatment with crizotinib.
"""


def extraction(tmp_path, text):
    path = tmp_path / "report.txt"
    path.write_text(text)
    document = read_document(path)
    mentions = tag(document)
    return assemble(document, mentions, fingerprint="t"), {m.id: m for m in mentions}


def lines(case):
    return [(t.drugs, t.regimen, t.response, t.setting) for t in case.therapies]


def test_the_index_patient_has_the_fields_its_story_gives(tmp_path):
    record, _ = extraction(tmp_path, REPORT)
    index = record.cases[0]
    assert (index.case_id, index.age_years, index.sex) == ("index", 31, "male")
    # the title's name, the most specific of those the authors give the patient
    assert index.diagnosis == "alk-rearranged acute myeloid leukemia"
    assert index.primary_site == "stomach"  # "gastric", the first site of the story
    assert index.detection_methods == ["flow cytometry", "NGS"]
    assert index.status == "alive"
    # the story's fusion, and a variant the discussion reports "in our case"; never the
    # fusions the introduction and discussion cite
    assert [f.name for f in index.fusions] == ["NPM1::ALK"]
    assert [(v.gene, v.hgvs) for v in index.variants] == [("KSR2", "p.Arg234His")]


def test_the_index_lines_follow_the_story_without_supportive_drugs(tmp_path):
    record, _ = extraction(tmp_path, REPORT)
    assert lines(record.cases[0]) == [
        (["cytarabine", "daunorubicin"], "7+3", "PD", None),
        # its response is stated in the next sentence
        (["fludarabine", "cytarabine", "g-csf", "idarubicin"], "FLAG-IDA", "PR", "induction"),
        (["lorlatinib"], None, "CR", None),  # memantine is supportive
        (["lorlatinib"], None, None, None)]  # "resumed": a new line; tacrolimus is prophylaxis


def test_the_story_ends_where_the_authors_turn_to_the_literature(tmp_path):
    record, _ = extraction(tmp_path, REPORT)
    drugs = {drug for line in record.cases[0].therapies for drug in line.drugs}
    assert "crizotinib" not in drugs and "alectinib" not in drugs


def test_another_patient_the_authors_treated_is_index_2_from_its_sentence(tmp_path):
    record, mentions = extraction(tmp_path, REPORT)
    second = record.cases[1]
    assert (second.case_id, second.age_years, second.sex) == ("index-2", 45, "female")
    assert second.diagnosis == "alk+ large b-cell lymphoma"
    assert lines(second) == [(["crizotinib"], None, "PD", None)]
    assert mentions[second.evidence["age_years"][0]].text == "45-year-old"


def test_a_comma_list_with_a_regimen_is_one_line_per_treatment(tmp_path):
    text = REPORT.replace(
        "He was first treated with 7+3 (cytarabine and daunorubicin) without response.",
        "He was unsuccessfully treated with CHOP, gemcitabine-based therapy, pralatrexate, "
        "and brentuximab.")
    record, _ = extraction(tmp_path, text)
    assert lines(record.cases[0])[:4] == [  # a drug's "-based therapy" keeps its words
        ([], "CHOP", "PD", None), (["gemcitabine"], "gemcitabine-based therapy", "PD", None),
        (["pralatrexate"], None, "PD", None), (["brentuximab vedotin"], None, "PD", None)]


# Reports in other forms: abstracts, short series (fictional patients).

def case_of(tmp_path, text, number=0):
    record, _ = extraction(tmp_path, text)
    return record.cases[number]


def test_an_abstract_gives_the_record_its_sentences_tell(tmp_path):
    case = case_of(tmp_path, (
        "Bevacizumab in rectal cancer\n\n"
        "Abstract\nColorectal cancer is common and KRAS mutations occur in 40% of cases. "
        "A 47-year-old woman presented with rectal adenocarcinoma and liver metastases. "
        "After chemotherapy failure, she received bevacizumab with a partial response. "
        "Scans did not show any sign of recurrence after 8 months. "
        "This case suggests that bevacizumab is active.\n"))
    assert (case.age_years, case.sex, case.primary_site, case.status) == (
        47, "female", "rectum", "alive")
    assert "rectal adenocarcinoma" in case.diagnosis
    assert lines(case) == [([], "chemotherapy", "PD", None), (["bevacizumab"], None, "PR", None)]


def test_patients_described_together_each_get_what_is_said_of_them(tmp_path):
    report = ("Abstract\nHere we report two cases of lung adenocarcinoma treated with "
              "selpercatinib. Both patients had partial responses. One patient harbored a "
              "KIF5B-RET fusion. The other died of pneumonia.\n")
    record, _ = extraction(tmp_path, report)
    first, second = record.cases
    assert (first.case_id, second.case_id) == ("index", "index-2")
    assert lines(first) == lines(second) == [(["selpercatinib"], None, "PR", None)]
    assert [f.name for f in first.fusions] == ["KIF5B::RET"] and second.fusions == []
    assert (first.status, second.status) == (None, "dead")


def test_the_diagnosis_is_the_most_specific_name_the_authors_give_the_patient(tmp_path):
    report = ("Response to lorlatinib in ALK-positive lung adenocarcinoma\n\n"
              "Abstract\nNon-small cell lung cancer (NSCLC) is the commonest cancer. We report "
              "a man with NSCLC who received lorlatinib.\n")
    case = case_of(tmp_path, report)
    assert case.diagnosis == "alk-positive lung adenocarcinoma"
    assert case.primary_site == "lung"


def test_a_site_named_with_metastases_or_imaging_is_no_primary_site(tmp_path):
    case = case_of(tmp_path, (
        "Abstract\nWe describe a 70-year-old man with melanoma. CT showed metastases in the "
        "liver and lung. An MRI of the brain was normal. He received nivolumab.\n"))
    assert case.primary_site is None
    case = case_of(tmp_path, (
        "Abstract\nWe describe a 70-year-old man with melanoma. It arose from a pigmented "
        "skin lesion of the back. He received nivolumab.\n"))
    assert case.primary_site == "skin"


def test_the_last_word_on_the_patient_is_its_status(tmp_path):
    story = ("Abstract\nWe describe a 66-year-old man with acute myeloid leukemia. He received "
             "azacitidine and venetoclax with complete remission. {end}\n")
    assert case_of(tmp_path, story.format(end="He relapsed and died.")).status == "dead"
    assert case_of(tmp_path, story.format(
        end="He relapsed and was transferred to palliative care.")).status is None
    assert case_of(tmp_path, story.format(end="He is alive 2 years later.")).status == "alive"
    # a death is the last word whatever the sentence adds after it
    assert case_of(tmp_path, story.format(
        end="He died of sepsis a year later, with no sign of relapse.")).status == "dead"


def test_a_title_s_progression_is_what_its_line_was_given_for(tmp_path):
    report = ("Lorlatinib for intracranial progression of ALK-positive lung cancer\n\n"
              "Abstract\nA 50-year-old man with ALK-positive lung cancer received alectinib "
              "with a partial response. Brain metastases appeared after a year. Lorlatinib "
              "was started, with a complete intracranial response.\n")
    assert lines(case_of(tmp_path, report)) == [
        (["alectinib"], None, "PR", None), (["lorlatinib"], None, "CR", None)]


def test_a_patient_has_the_fusion_the_document_ties_to_its_translocation(tmp_path):
    report = ("Abstract\nThe t(9;22) translocation creates the BCR-ABL1 fusion. We report a "
              "54-year-old woman whose karyotype showed t(9;22). She received imatinib.\n")
    case = case_of(tmp_path, report)
    assert [f.name for f in case.fusions] == ["BCR::ABL1"]
    # a fusion the sentence of the translocation rules out is not tied to it
    report = ("Abstract\nWe report a 71-year-old man with leukemia. FISH was negative for "
              "PML/RARA rearrangement, but RNA sequencing revealed a ZBTB16-RARA fusion "
              "resulting from t(11;17)(q23;q21). He received idarubicin.\n")
    assert [f.name for f in case_of(tmp_path, report).fusions] == ["ZBTB16::RARA"]


def test_a_negated_alteration_is_not_the_patients_and_a_lone_variant_takes_the_only_gene(tmp_path):
    report = ("Abstract\nWe report a 43-year-old woman with lung adenocarcinoma. No ALK "
              "rearrangement was found. Sequencing showed an EGFR exon 19 deletion and a "
              "T790M mutation. She received osimertinib.\n")
    case = case_of(tmp_path, report)
    assert case.rearranged_genes == []
    assert [(v.gene, v.hgvs) for v in case.variants] == [("EGFR", "p.Thr790Met")]


def test_the_story_s_pronouns_give_the_sex_a_descriptor_leaves_out(tmp_path):
    case = case_of(tmp_path, ("Abstract\nWe report a patient with metastatic GIST who "
                              "responded to imatinib despite low KIT in her tumour.\n"))
    assert case.sex == "female"


def test_a_line_only_the_framing_sentence_names_comes_after_the_storys_lines(tmp_path):
    report = ("Abstract\nWe present a patient with ALK-positive lung adenocarcinoma who "
              "responded dramatically to lorlatinib. A 50-year-old man received crizotinib "
              "first; the disease progressed after 8 months.\n")
    assert lines(case_of(tmp_path, report)) == [
        (["crizotinib"], None, "PD", None), (["lorlatinib"], None, "PR", None)]


def test_a_series_told_case_by_case_gives_each_patient_its_own_story(tmp_path):
    report = ("Abstract\nWe describe patients with NTRK-rearranged sarcoma.\n\n"
              "Case presentation\nCase 1: A 34-year-old woman presented with a thigh mass. "
              "RNA sequencing revealed an LMNA-NTRK1 fusion. She received entrectinib with a "
              "partial response.\n\nCase 2: A 58-year-old man was referred with a "
              "retroperitoneal mass. He was treated with larotrectinib and achieved stable "
              "disease. He died of pneumonia.\n")
    record, _ = extraction(tmp_path, report)
    first, second = record.cases
    assert (first.age_years, first.sex, second.age_years, second.sex) == (34, "female", 58, "male")
    assert [f.name for f in first.fusions] == ["LMNA::NTRK1"] and second.fusions == []
    assert lines(first) == [(["entrectinib"], None, "PR", None)]
    assert lines(second) == [(["larotrectinib"], None, "SD", None)]
    assert (first.status, second.status) == (None, "dead")


def test_a_gene_name_is_no_pronoun(tmp_path):
    case = case_of(tmp_path, ("Abstract\nWe report a patient with HER2-positive gastric cancer "
                              "who received trastuzumab.\n"))
    assert case.sex is None


def test_a_patient_only_the_title_introduces_is_told_after_it(tmp_path):
    report = ("Crizotinib in a 12-year-old boy with ALK-positive myofibroblastic tumor\n\n"
              "Abstract\nThe patient received crizotinib and achieved a partial response. "
              "He remains well.\n")
    case = case_of(tmp_path, report)
    assert (case.age_years, case.sex, case.status) == (12, "male", "alive")
    assert lines(case) == [(["crizotinib"], None, "PR", None)]


@pytest.mark.parametrize("finding, site", [
    ("CT showed a gastric mass with liver metastases.", "stomach"),
    ("A pelvis and lumbar MRI showed a sacral mass.", None),
    ("An MRI of the brain showed a lesion.", None),
])
def test_the_organ_a_metastasis_or_an_imaging_study_names_is_no_primary_site(tmp_path, finding,
                                                                            site):
    case = case_of(tmp_path, f"Abstract\nWe report a 60-year-old man with a sarcoma. {finding} "
                             "He received doxorubicin.\n")
    assert case.primary_site == site


def test_each_patient_a_series_introduces_alone_has_its_own_diagnosis_site_and_course(tmp_path):
    report = ("Selpercatinib in two adults with RET fusion-positive thyroid cancer\n\n"
              "To the Editor:\nWe describe two patients with RET fusion-positive thyroid "
              "cancer treated with selpercatinib.\nPatient 1, a 41-year-old woman, had a "
              "papillary carcinoma of the thyroid harbouring a CCDC6-RET fusion. After "
              "progression on lenvatinib, she started selpercatinib and achieved a partial "
              "response.\nPatient 2, a 67-year-old man with a poorly differentiated carcinoma "
              "of the thigh, had an NCOA4-RET fusion. Selpercatinib led to a complete "
              "response, which is ongoing after 16 months.\n")
    record, _ = extraction(tmp_path, report)
    first, second = record.cases
    # the group's disease is the title's; each patient's is its own sentence's
    assert (first.diagnosis, first.primary_site) == ("papillary carcinoma", "thyroid")
    assert (second.diagnosis, second.primary_site) == ("poorly differentiated carcinoma", "thigh")
    # "which is ongoing" comments on the story: the sentence still tells it
    assert lines(second) == [(["selpercatinib"], None, "CR", None)]


def test_an_organ_named_with_the_disease_is_its_site(tmp_path):
    case = case_of(tmp_path, ("Abstract\nWe report a 3-year-old boy who was diagnosed with "
                              "neuroblastoma of the right adrenal gland. He received "
                              "lorlatinib.\n"))
    assert case.primary_site == "adrenal gland"


def test_a_series_under_numbered_case_headings_gives_each_patient_its_section(tmp_path):
    report = ("Nilotinib in two sisters with chronic myeloid leukemia\n\n"
              "Case 1\nA 41-year-old woman was diagnosed with chronic myeloid leukemia. "
              "Imatinib gave a complete hematologic response. An ABL1 T315I mutation was "
              "later found, and she was switched to ponatinib.\n\n"
              "Case 2\nHer 37-year-old sister was diagnosed three years later. She received "
              "nilotinib and lost her major molecular response after 2 years. Both sisters "
              "are alive and well.\n")
    record, _ = extraction(tmp_path, report)
    assert [(c.age_years, c.sex, [v.hgvs for v in c.variants], lines(c), c.status)
            for c in record.cases] == [
        (41, "female", ["p.Thr315Ile"],
         [(["imatinib"], None, "CR", None), (["ponatinib"], None, None, None)], "alive"),
        (37, "female", [], [(["nilotinib"], None, "PD", None)], "alive")]


def test_a_line_the_framing_sentence_says_failed_comes_before_the_story_s(tmp_path):
    case = case_of(tmp_path, ("Abstract\nWe present a 61-year-old woman with mantle cell "
                              "lymphoma who relapsed after R-CHOP. Ibrutinib was started and "
                              "she achieved a complete response.\n"))
    assert lines(case) == [([], "R-CHOP", None, None), (["ibrutinib"], None, "CR", None)]


def test_a_patient_introduced_without_a_disease_takes_the_first_their_story_names(tmp_path):
    report = ("Osimertinib in EGFR-mutant lung cancer\n\n"
              "Case report\nA 60-year-old man was found to have a mass in the right lung. "
              "Biopsy showed lung adenosquamous carcinoma with an EGFR L858R mutation. "
              "He received osimertinib.\n")
    assert case_of(tmp_path, report).diagnosis == "lung adenosquamous carcinoma"


@pytest.mark.parametrize("report, expected", [
    # told one after another, each at the head of its sentence (a donor is no patient)
    ("Case presentation\nA 34-year-old woman presented with a lung mass and received "
     "crizotinib with a partial response.\n\nA 58-year-old man with the same disease "
     "received alectinib and achieved stable disease. His son, a 20-year-old man, "
     "was his donor.\n",
     [(34, "female", [(["crizotinib"], None, "PR", None)]),
      (58, "male", [(["alectinib"], None, "SD", None)])]),
    # lettered
    ("Two cases of ROS1-positive lung cancer\n\n"
     "Patient A was a 59-year-old woman who received crizotinib with a partial "
     "response.\n\nPatient B, a 70-year-old man, was treated with entrectinib and "
     "died of pneumonia.\n",
     [(59, "female", [(["crizotinib"], None, "PR", None)]),
      (70, "male", [(["entrectinib"], None, None, None)])]),
])
def test_patients_told_in_turn_or_lettered_are_each_a_case(tmp_path, report, expected):
    record, _ = extraction(tmp_path, report)
    assert [(c.age_years, c.sex, lines(c)) for c in record.cases] == expected


@pytest.mark.parametrize("report, expected", [
    # a parent and child, told apart by what each calls the other
    ("Abstract\nWe describe a man in his sixties and his 38-year-old daughter, both carriers "
     "of a germline KIT mutation. The father received imatinib. His daughter had surgery "
     "only and died of sepsis.\n",
     [(None, "male", [(["imatinib"], None, None, None)], None), (38, "female", [], "dead")]),
    # siblings, told apart by age
    ("Abstract\nWe report a 5-year-old boy and his 8-year-old brother with NF1 mutations. "
     "The younger received trametinib. The older received selumetinib.\n",
     [(5, "male", [(["trametinib"], None, None, None)], None),
      (8, "male", [(["selumetinib"], None, None, None)], None)]),
    # a patient, then a relative in a sentence of its own, a kin noun before its descriptor
    ("Familial GIST in two siblings\n\nA 47-year-old man had a GIST. His sister, a "
     "52-year-old woman, had a gastric GIST. Both siblings received imatinib. The brother "
     "had a partial response. The sister died of sepsis.\n",
     [(47, "male", [(["imatinib"], None, "PR", None)], None),
      (52, "female", [(["imatinib"], None, None, None)], "dead")]),
])
def test_relatives_presented_together_are_each_a_case(tmp_path, report, expected):
    record, _ = extraction(tmp_path, report)
    assert [(c.age_years, c.sex, lines(c), c.status) for c in record.cases] == expected


def test_a_relative_named_in_passing_is_no_patient(tmp_path):
    report = ("Abstract\nA 40-year-old woman, whose 65-year-old mother had breast cancer, "
              "received olaparib.\n")
    record, _ = extraction(tmp_path, report)
    assert [(c.age_years, c.sex) for c in record.cases] == [(40, "female")]


def test_the_screening_that_found_the_patient_gives_its_method(tmp_path):
    report = ("Methods\nWe screened 950 cases of lung cancer using RNA sequencing. A patient "
              "with a TPM3-NTRK1 fusion received larotrectinib.\n")
    assert case_of(tmp_path, report).detection_methods == ["NGS"]
    # a test of the patient's own is the patient's
    report = ("Methods\nWe screened 950 cases of lung cancer using RNA sequencing. A patient "
              "with a TPM3-NTRK1 fusion confirmed by FISH received larotrectinib.\n")
    assert case_of(tmp_path, report).detection_methods == ["FISH"]


def test_a_single_patient_s_table_of_test_results_gives_its_alterations(tmp_path):
    report = ("Case report\nA 60-year-old man with AML received azacitidine and venetoclax.\n\n"
              "Table 1. Molecular findings\nGene\tVariant\tVAF\nNPM1\tc.860_863dup\t41%\n"
              "IDH2\tR140Q\t38%\n")
    assert [(v.gene, v.hgvs) for v in case_of(tmp_path, report).variants] == [
        ("NPM1", "c.860_863dup"), ("IDH2", "p.Arg140Gln")]
    # a table the caption cites is other patients'
    cited = report.replace("Molecular findings", "Variants in previously reported cases")
    assert case_of(tmp_path, cited).variants == []


def test_a_single_patient_s_treatment_table_gives_its_lines_when_the_story_names_none(tmp_path):
    report = ("Case report\nA 55-year-old woman with lung cancer was treated with several "
              "inhibitors (Table 1).\n\nTable 1. Treatment history\nLine\tTreatment\tBest "
              "response\n1\tGefitinib\tPR\n2\tOsimertinib\tSD\n")
    assert lines(case_of(tmp_path, report)) == [
        (["gefitinib"], None, "PR", None), (["osimertinib"], None, "SD", None)]
    # a table of the literature's treatments is no history of the patient's
    trials = report.replace("Line\tTreatment", "Study\tTreatment")
    assert lines(case_of(tmp_path, trials)) == []


def test_alterations_of_a_sentence_citing_other_reports_are_left_out():
    cited = "EML4::ALK was previously described in lung cancer."
    own = "Our patient had an EML4::ALK fusion."

    def fusion(number, sentence):
        return Mention(id=f"m{number}", type="fusion", text="EML4::ALK", start=number,
                       end=number + 1, sentence=sentence, sentence_start=0,
                       sentence_end=len(sentence), normalised="EML4::ALK", rule="test")

    found = uncited([fusion(1, cited), fusion(2, own), fusion(3, cited)], story_rules())
    assert [m.id for m in found] == ["m2"]


def test_a_documents_mentions_by_kind_keep_their_order():
    sentence = "A woman with lung adenocarcinoma had an EML4::ALK fusion; the lung was clear."
    printed = [("patient", "A woman"), ("site", "lung"), ("disease", "lung adenocarcinoma"),
               ("fusion", "EML4::ALK"), ("site", "the lung")]
    mentions = [Mention(id=f"m{n}", type=kind, text=words, start=sentence.index(words),
                        end=sentence.index(words) + len(words), sentence=sentence,
                        sentence_start=0, sentence_end=len(sentence), rule="test")
                for n, (kind, words) in enumerate(printed, 1)]
    kinds = by_kind(mentions)
    assert {kind: [m.id for m in found] for kind, found in kinds.items()} == {
        "patient": ["m1"], "site": ["m2", "m5"], "disease": ["m3"], "fusion": ["m4"]}
