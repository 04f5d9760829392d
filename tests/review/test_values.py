"""Reviewable values: keys from every field, text forms that read back, checks on what a
curator types, and the way back to gold."""

import pytest

from pipeline.extract import extract
from pipeline.review.values import (Decision, parse_value, review_values, to_gold,
                                    value_text)
from pipeline.schema import (CaseRecord, DocumentInfo, Extraction, Fusion, RunInfo, SourceFile,
                             Therapy, Variant)
from tests.conftest import SEEDS

REPORT = ("Case presentation\nA 50-year-old man had a lung mass. Immunohistochemistry "
          "showed ALK expression. Next-generation sequencing then found an EML4-ALK fusion. "
          "He received crizotinib with a partial response. Lorlatinib followed at "
          "progression, with stable disease.\n")


def fusion(five, exon, transcript=None):
    return Fusion(name=f"{five}::ALK", five_prime=five, three_prime="ALK", five_prime_exon=exon,
                  three_prime_exon=20, five_prime_transcript=transcript)


def extraction(**fields):
    source = SourceFile(doc_id="a", path="a.txt", sha256="0" * 64, size=1)
    return Extraction(document=DocumentInfo(id="a"), run=RunInfo(
        pipeline_version="t", fingerprint="t", source=source, media_type="text/plain", pages=1,
        extracted_at="now"), **fields)


def test_a_case_list_member_and_a_therapy_line_show_their_own_sentence(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT)
    _, extracted = extract(path)
    mentions = {m.id: m for m in extracted.mentions}
    values = {v.key: v for v in review_values(extracted)}
    ngs = values["cases[index].detection_methods=NGS"]
    assert "Next-generation sequencing" in mentions[ngs.mention_ids[0]].sentence
    second_line = values["cases[index].therapies[1]=lorlatinib"]
    assert {mentions[i].text for i in second_line.mention_ids} == {"Lorlatinib", "stable disease"}


def test_every_field_of_a_value_is_in_its_key():
    fusions = [fusion("EML4", 13), fusion("EML4", 6), fusion("EML4", 6, "NM_019063.5"),
               fusion("EML4", 6)]
    keys = [v.key for v in review_values(extraction(fusions=fusions))]
    assert keys == ["fusions=EML4::ALK | exons: 13, 20", "fusions=EML4::ALK | exons: 6, 20",
                    "fusions=EML4::ALK | exons: 6, 20 | transcripts: NM_019063.5, -",
                    "fusions=EML4::ALK | exons: 6, 20#2"]  # equal in every field: by order


@pytest.mark.parametrize("field, item", [
    ("fusions", fusion("EML4", 13, "NM_019063.5")),
    ("fusions", Fusion(name="TGF::ALK", five_prime="TGF", three_prime="ALK", unresolved=True,
                       five_prime_breakpoint="c.413-2055")),
    ("variants", Variant(gene="ALK", hgvs="p.Gly1202Arg", group=1)),
    ("variants", Variant(hgvs="p.Gly161Ter", described_in_words=True)),
    ("cases[index].therapies", Therapy(drugs=["cytarabine", "idarubicin"], regimen="7+3",
                                       response="CR", setting="induction")),
])
def test_a_value_s_text_reads_back_as_the_same_value(field, item):
    assert parse_value(field, value_text(field.rsplit(".", 1)[-1], item)) == item


@pytest.mark.parametrize("field, text, reason", [
    ("cases[index].age_years", "abc", "a number of years"),
    ("cases[index].age_years", "300", "between 0 and 130"),
    ("cases[index].sex", "woman", "'male' or 'female'"),
    ("cases[index].therapies", "drugs: a | response: great", "'CR', 'PR', 'SD' or 'PD'"),
    ("cases[index].therapies", "drugs: a | line: 2", "unknown part(s) 'line'"),
    ("cases[index].detection_methods", "WGS", "'NGS'"),
    ("fusions", "EML4::ALK | exons: 13", "two, 5' then 3'"),
    ("fusions", "EML4::ALK | exons: x, 20", "whole number"),
    ("variants", "ALK:G1202R", "not a normalised HGVS change"),
    ("drugs", "d" * 301, "at most 300 characters"),
    ("drugs", "", "a value is needed"),
    ("cases", "Case 1", "a case id is"),
])
def test_what_a_curator_types_is_checked_with_the_reason(field, text, reason):
    with pytest.raises(ValueError, match=None) as refused:
        parse_value(field, text)
    assert reason in str(refused.value)


def test_promotion_keeps_every_member_with_its_fields():
    fusions = [fusion("EML4", 13), fusion("EML4", 6), fusion("KIF5B", 24), fusion("KIF5B", 15)]
    values = {v.key: v for v in review_values(extraction(fusions=fusions))}
    rejected = "fusions=EML4::ALK | exons: 6, 20"
    gold = to_gold(extraction(fusions=fusions),
                   {rejected: Decision(rejected, "fusions", "reject", None)})
    assert gold.fusions == [fusions[0], fusions[2], fusions[3]]  # the KIF5B ones undecided
    assert len(values) == 4


def test_a_corrected_case_id_and_an_added_scalar_reach_gold():
    annotations = extraction(cases=[CaseRecord(case_id="index", source="narrative", age_years=5)])
    gold = to_gold(annotations, {
        "cases[index]": Decision("cases[index]", "cases", "correct", "index-2"),
        "+x": Decision("+x", "cases[index].sex", "add", "female")})
    assert [(c.case_id, c.age_years, c.sex) for c in gold.cases] == [("index-2", 5, "female")]


@pytest.mark.seeds
def test_seed_004_s_same_name_fusions_are_each_their_own_value():
    _, extracted = extract(SEEDS / "004_dad4986e1671c519.txt")
    eml4 = [v for v in review_values(extracted) if v.key.startswith("fusions=EML4::ALK")]
    assert len(eml4) == len({v.key for v in eml4}) == 8
    assert all("exons: " in v.value for v in eml4)  # the page shows them apart
    gold = to_gold(extracted, {eml4[0].key: Decision(eml4[0].key, "fusions", "reject", None)})
    assert gold.fusions == [f for f in extracted.fusions if f != eml4[0].item]
