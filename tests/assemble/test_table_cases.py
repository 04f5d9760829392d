"""Patient rows of literature-review tables, on small tables written for each rule."""

from pipeline.assemble import assemble
from pipeline.assemble.table_cases import row_copy
from pipeline.assemble.therapies import Line
from pipeline.read import read_document
from pipeline.schema import Therapy
from pipeline.tag import tag

REVIEW = """Crizotinib in epithelioid sarcoma: a review

Abstract

We review cases.

Table 3: Published patients with epithelioid inflammatory myofibroblastic sarcoma treated with front-line crizotinib

No.\tAge, sex\tTumour location\tPartner\tBest response\tTreatment course\tRef.
1\t45 years, male\tPulmonary\tRANBP2-ALK\tPR\tCrizotinib, then surgery, alive without disease\t[4]
2\t7 mo, F\tAbdomen\tNR\tSD*\tCrizotinib → VAC (vincristine, actinomycin D, cyclophosphamide) with progression, died\t[5]

*Later alectinib with partial response. NR: not reported; VAC: vincristine, actinomycin D, cyclophosphamide.

Table 4: Frequency of ALK partners

Partner\tShare\tStudies
EML4\t80%\t12
KIF5B\t2%\t3

Discussion

Alectinib is active in these tumours.
"""

LINES = """Lines of therapy in IMT

Abstract

A review.

Table 1: Patients with inflammatory myofibroblastic tumor given two lines

Case\tSite\tFirst-line\tOutcome\tSecond line\tOutcome
1\tUterine\tSteroid and NSAID\tPD\tMethotrexate and navelbine\tPR for 5 months
2\tGall bladder\tCrizotinib\tNot evaluable\tNA\t
3\tLung\tCisplatin → crizotinib\tPD → CR\tNA\t
"""


def cases_of(tmp_path, text):
    path = tmp_path / "review.txt"
    path.write_text(text)
    document = read_document(path)
    mentions = tag(document)
    return {case.case_id: case for case in assemble(document, mentions, fingerprint="t").cases}, \
        {m.id: m for m in mentions}


def test_each_patient_row_is_a_case_read_by_its_own_column_names(tmp_path):
    cases, _ = cases_of(tmp_path, REVIEW)
    assert sorted(cases) == ["table3-row1", "table3-row2"]  # Table 4 holds no patients
    first, second = cases["table3-row1"], cases["table3-row2"]
    assert (first.source, first.table, first.row) == ("table", "Table 3", 1)
    assert (first.age_years, first.sex, second.age_years, second.sex) == (45, "male", 0.58, "female")
    assert (first.primary_site, second.primary_site) == ("lung", "abdomen")  # "Pulmonary"
    assert first.diagnosis == second.diagnosis == "epithelioid inflammatory myofibroblastic sarcoma"
    assert [f.name for f in first.fusions] == ["RANBP2::ALK"] and second.fusions == []
    assert (first.status, second.status) == ("alive", "dead")


def test_a_course_cell_is_told_step_by_step_and_the_caption_gives_the_shared_line(tmp_path):
    cases, _ = cases_of(tmp_path, REVIEW)
    # the caption's "front-line crizotinib" completes the row's crizotinib line
    assert [(t.drugs, t.regimen, t.response, t.setting) for t in cases["table3-row1"].therapies] == [
        (["crizotinib"], None, "PR", "first-line")]
    # "→" ends a step; VAC lists the drugs the footnote spells out; "SD*" brings the footnote
    assert [(t.drugs, t.regimen, t.response, t.setting) for t in cases["table3-row2"].therapies] == [
        (["crizotinib"], None, "SD", "first-line"),
        (["vincristine", "dactinomycin", "cyclophosphamide"], "VAC", "PD", None),
        (["alectinib"], None, "PR", None)]


def test_therapy_columns_take_their_setting_from_the_header_and_the_response_beside(tmp_path):
    cases, _ = cases_of(tmp_path, LINES)
    first, second = cases["table1-row1"], cases["table1-row2"]
    assert [(t.drugs, t.regimen, t.response, t.setting) for t in first.therapies] == [
        ([], "Steroid and NSAID", "PD", "first-line"),  # no named drug: the printed words
        (["methotrexate", "vinorelbine"], None, "PR", "second-line")]
    assert [(t.drugs, t.response) for t in second.therapies] == [(["crizotinib"], None)]  # NA: no line
    assert (first.primary_site, second.primary_site) == ("uterus", "gall bladder")
    # a course cell's lines each take their own of the responses the cell beside prints
    assert [(t.drugs, t.response) for t in cases["table1-row3"].therapies] == [
        (["cisplatin"], "PD"), (["crizotinib"], "CR")]


def test_every_row_field_points_at_the_mentions_it_came_from(tmp_path):
    cases, mentions = cases_of(tmp_path, REVIEW)
    case = cases["table3-row1"]
    assert mentions[case.evidence["age_years"][0]].text == "45 years, male"
    assert mentions[case.evidence["primary_site"][0]].text == "Pulmonary"
    assert mentions[case.evidence["status"][0]].text == "alive"
    assert {mentions[i].text for i in case.evidence["therapies"]} >= {"Crizotinib", "PR"}


def test_a_row_changes_only_its_own_copy_of_the_caption_line():
    shared = Line(Therapy(drugs=["crizotinib"], setting="first-line"), ["m1"], [], {})
    copy = row_copy(shared)
    copy.therapy.response, copy.response_evidence = "PR", ["m9"]
    copy.therapy.drugs.append("alectinib")
    copy.evidence += ["m2"]
    assert (shared.therapy.drugs, shared.therapy.response, shared.evidence,
            shared.response_evidence) == (["crizotinib"], None, ["m1"], [])
    assert row_copy(shared) == shared  # a copy of the same line as it was read


def test_a_row_s_fusion_keeps_the_exons_the_row_states(tmp_path):
    review = ("Alectinib in lung cancer: a review\n\nAbstract\n\nWe review cases.\n\n"
              "Table 1: Published patients with ALK-rearranged lung cancer\n\n"
              "Case\tAge\tFusion\tMethod\tResponse\n"
              "1\t52\tEML4-ALK (E13;A20)\tNGS\tPR\n"
              "2\t61\tSTRN-ALK\tRT-PCR\tCR\n")
    cases, _ = cases_of(tmp_path, review)
    first, second = cases["table1-row1"], cases["table1-row2"]
    assert [(f.name, f.five_prime_exon, f.three_prime_exon) for f in first.fusions] == [
        ("EML4::ALK", 13, 20)]
    assert [(f.name, f.five_prime_exon) for f in second.fusions] == [("STRN::ALK", None)]
