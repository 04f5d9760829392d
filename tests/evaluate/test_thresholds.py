import pytest

from pipeline.evaluate import below, diff_report, figures, threshold_field
from pipeline.schema import Annotations, CaseRecord, DocumentInfo, Therapy


def lines(*drugs):
    return [Therapy(drugs=[drug]) for drug in drugs]


@pytest.fixture
def report():
    """Two gold patients, one found: its sex is wrong and two of its three lines are found,
    in the gold's order."""
    gold = Annotations(document=DocumentInfo(id="case"), genes=["ALK", "MET"], cases=[
        CaseRecord(case_id="index", source="narrative", sex="female", diagnosis="melanoma",
                   therapies=lines("dabrafenib", "trametinib", "nivolumab")),
        CaseRecord(case_id="index-2", source="narrative", sex="male", diagnosis="melanoma",
                   therapies=lines("vemurafenib", "ipilimumab")),
    ])
    ours = Annotations(document=DocumentInfo(id="case"), genes=["ALK"], cases=[
        CaseRecord(case_id="index", source="narrative", sex="male", diagnosis="melanoma",
                   therapies=lines("dabrafenib", "nivolumab")),
    ])
    return diff_report({"case": ours}, {"case": gold}, gold_dir="g", extracted_dir="e")


def test_case_agreement_is_a_share_of_all_gold_cases(report):
    measured = figures(report)
    assert measured["case_agreement"]["diagnosis"] == 0.5  # the missed case disagrees
    assert measured["case_agreement"]["sex"] == 0.0
    # line order: of the gold's 3 + 1 line pairs, one is found in order
    assert measured["case_agreement"]["therapy_line_order"] == 0.25
    order = next(a for a in report.case_accuracy if a.field == "therapy_line_order")
    assert (order.agreed, order.total, order.gold_total) == (1, 1, 4)
    assert measured["case_f1"]["cases"] == pytest.approx(2 / 3)
    assert measured["document_f1"]["genes"] == pytest.approx(2 / 3)


def test_a_bare_threshold_holds_entity_types_and_a_named_one_its_case_field(report):
    assert [(s.section, s.field) for s in below(report, [(None, 0.7)])] == [("document_f1", "genes")]
    held = [(threshold_field("cases"), 0.6), (threshold_field("fusions"), 1.0),
            (threshold_field("diagnosis"), 0.6), (threshold_field("case.therapy_drugs"), 0.85)]
    shortfalls = below(report, held)
    # drugs are scored on the paired case: 2 of its 3 found, none spurious
    assert [(s.field, s.figure) for s in shortfalls] == [("diagnosis", 0.5),
                                                         ("case.therapy_drugs", pytest.approx(0.8))]
    assert str(shortfalls[0]) == "diagnosis agreement over all gold cases 0.500 < 0.6"


def test_an_unknown_field_names_the_allowed_ones():
    assert threshold_field("therapy_drugs") == "case.therapy_drugs"
    with pytest.raises(ValueError, match=r"unknown field 'genes'.*allowed: cases, fusions"):
        threshold_field("genes")
