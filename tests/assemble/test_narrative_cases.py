"""The authors' own patients from the narrative, on reports written for each rule."""

from pipeline.assemble import assemble
from pipeline.read import read_document
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
