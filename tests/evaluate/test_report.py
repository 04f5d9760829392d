import pytest

from pipeline.evaluate import diff_report, load_gold_dir
from pipeline.evaluate.report import diff_document
from pipeline.extract import extract
from pipeline.schema import Annotations, CaseRecord, DocumentInfo, Fusion, Therapy, Variant
from tests.conftest import GOLD


def annotations(**fields):
    return Annotations(document=DocumentInfo(id="case"), **fields)


def scores(document):
    return {s.field: (s.tp, s.fp, s.fn) for s in document.scores + document.case_scores}


def test_duplicates_and_null_lists_count_like_sets():
    gold = annotations(genes=["ALK", "EML4"], drugs=["crizotinib"], regimens=[])
    ours = Annotations.model_validate({"document": {"id": "case"}, "genes": ["ALK", "ALK", "MET"],
                                       "drugs": ["crizotinib", "crizotinib"], "regimens": None})
    counted = scores(diff_document(ours, gold))
    assert counted["genes"] == (1, 1, 1)
    assert counted["drugs"] == (1, 0, 0)
    assert counted["regimens"] == (0, 0, 0)


def test_orientation_errors_are_counted_apart_and_listed_once_each_way():
    gold = annotations(fusions=[Fusion(name="ALK::PTPN3", five_prime="ALK", three_prime="PTPN3")])
    ours = annotations(fusions=[Fusion(name="PTPN3::ALK", five_prime="PTPN3", three_prime="ALK")])
    document = diff_document(ours, gold)
    fusions = next(s for s in document.scores if s.field == "fusions")
    assert (fusions.tp, fusions.fp, fusions.fn, fusions.orientation_errors) == (0, 1, 1, 1)
    notes = {(item.kind, item.note) for item in document.items if item.field == "fusions"}
    assert notes == {("FP", "orientation error: gold has ALK::PTPN3"),
                     ("FN", "extracted reversed as PTPN3::ALK")}


def case(case_id, **fields):
    return CaseRecord(case_id=case_id, **fields)


def test_table_rows_pair_by_table_and_row_whatever_their_ids():
    gold = annotations(cases=[
        case("index", source="narrative", age_years=23, sex="male"),
        case("table1-row1", source="table", table="Table 1", row=1, age_years=8, sex="male"),
        case("table1-row2", source="table", table="Table 1", row=2, age_years=16),
    ])
    ours = annotations(cases=[
        case("index", source="narrative", age_years=23, sex="female"),
        case("t1-r1", source="table", table="table  1", row=1, age_years=8, sex="male"),
        case("index-2", source="narrative", age_years=40),
    ])
    document = diff_document(ours, gold)
    assert (document.cases.paired, document.cases.missed, document.cases.spurious) == (
        2, ["table1-row2"], ["index-2"])
    assert scores(document)["cases"] == (2, 1, 1)
    accuracy = {a.field: (a.agreed, a.total) for a in document.case_accuracy}
    assert accuracy["age_years"] == (2, 2) and accuracy["sex"] == (1, 2)
    (mismatch,) = [i for i in document.items if i.kind == "mismatch" and i.field == "case.sex"]
    assert (mismatch.case_id, mismatch.value, mismatch.gold) == ("index", "female", "male")


def test_case_lists_and_therapies_are_scored_per_paired_case():
    gold = annotations(cases=[case(
        "index", source="narrative",
        variants=[Variant(gene="ALK", hgvs="p.Gly1202Arg")],
        detection_methods=["NGS", "FISH"],
        therapies=[Therapy(drugs=["alectinib"], response="PR"), Therapy(drugs=["lorlatinib"])])])
    ours = annotations(cases=[case(
        "index", source="narrative",
        variants=[Variant(gene="ALK", hgvs="p.Gly1202Arg"), Variant(gene="ALK", hgvs="c.3604G>A")],
        detection_methods=["NGS"],
        therapies=[Therapy(drugs=["alectinib"], response="PR")])])
    counted = scores(diff_document(ours, gold))
    assert counted["case.variants"] == (1, 1, 0)
    assert counted["case.detection_methods"] == (1, 0, 1)
    assert counted["case.therapy_lines"] == (1, 0, 1)
    assert counted["case.therapy_drugs"] == (1, 0, 1)
    assert counted["case.therapy_responses"] == (1, 0, 0)


def test_false_positives_carry_their_evidence_sentence(tmp_path, report_text):
    path = tmp_path / "case.txt"
    path.write_text(report_text)
    _, extraction = extract(path)
    gold = Annotations(document=extraction.document, genes=["ALK"])
    (item,) = [i for i in diff_document(extraction, gold).items if i.value == "EML4"]
    # the first in-scope mention is in the title, a sentence of its own
    assert item.kind == "FP" and item.sentence == "Crizotinib resistance in EML4-ALK lung cancer"
    start, end = item.highlight
    assert item.sentence[start:end] == "EML4"


SECOND_LINE = ("Second-line alectinib in ALK-positive lung cancer\n\nCase presentation\n"
               "A 61-year-old man was diagnosed with lung adenocarcinoma harbouring an EML4-ALK "
               "fusion. He received first-line crizotinib and had a partial response. After 14 "
               "months the disease progressed, and second-line alectinib was started, with stable "
               "disease.\n")


def test_therapy_settings_are_scored_per_line_with_the_sentence_of_each_value(tmp_path):
    path = tmp_path / "case.txt"
    path.write_text(SECOND_LINE)
    _, extraction = extract(path)
    gold = Annotations(document=extraction.document, cases=[case(
        "index", source="narrative",
        therapies=[Therapy(drugs=["crizotinib"], response="PR", setting="first-line"),
                   Therapy(drugs=["alectinib"], response="PR", setting="third-line")])])
    document = diff_document(extraction, gold)
    assert scores(document)["case.therapy_settings"] == (1, 1, 1)
    items = {(i.field, i.kind): i for i in document.items}
    setting = items["case.therapy_settings", "FP"]
    assert setting.value == "line 2: second-line" and setting.sentence.startswith("After 14 months")
    assert setting.sentence[slice(*setting.highlight)] == "second-line"
    # the response of line 2 is shown where it is stated, not at the case's first mention
    response = items["case.therapy_responses", "FP"]
    assert response.sentence[slice(*response.highlight)] == "stable disease"
    assert items["case.therapy_settings", "FN"].gold == "line 2: third-line"


@pytest.fixture(scope="module")
def shared_gold():
    return load_gold_dir(GOLD)


def test_the_gold_scored_against_itself_is_perfect_everywhere(shared_gold):
    report = diff_report(shared_gold, shared_gold, gold_dir="gold", extracted_dir="gold")
    assert report.documents == sorted(shared_gold)
    assert all(s.f1 == 1.0 and s.fp == s.fn == 0 for s in report.scores + report.case_scores)
    assert all(a.accuracy in (1.0, None) for a in report.case_accuracy)
    assert report.cases.paired == report.cases.gold == 37
    assert not any(d.items for d in report.per_document)


def test_dropping_one_fusion_gives_exactly_one_false_negative(shared_gold):
    doc_id = next(d for d, g in shared_gold.items() if "RANBP2::ALK" in {f.name for f in g.fusions})
    gold = shared_gold[doc_id]
    fewer = gold.model_copy(update={"fusions": [f for f in gold.fusions if f.name != "RANBP2::ALK"]})
    report = diff_report({doc_id: fewer}, {doc_id: gold}, gold_dir="g", extracted_dir="e")
    assert [(s.field, s.fn) for s in report.scores if s.fn] == [("fusions", 1)]
    assert sum(s.fp for s in report.scores + report.case_scores) == 0
    (item,) = report.per_document[0].items
    assert (item.kind, item.field, item.gold) == ("FN", "fusions", "RANBP2::ALK")


def test_only_the_documents_asked_for_are_scored_and_missing_records_listed(shared_gold):
    some = dict(list(shared_gold.items())[:2])
    wanted = set(list(shared_gold)[:3])
    report = diff_report(some, shared_gold, gold_dir="g", extracted_dir="e", doc_ids=wanted)
    assert report.documents == sorted(some) and report.missing_records == sorted(wanted - set(some))


def test_a_missed_value_is_shown_where_the_text_prints_it(tmp_path):
    from pipeline.read import read_document

    path = tmp_path / "case.txt"
    path.write_text("Case report\n\nShe received crizotinib. Partners include TPM3 and CLTC.\n\n"
                    "Table 1: Cases\n\nCase\tPartner\n1\tSQSTM1\n2\tFN1\n")
    document = read_document(path)
    gold = Annotations(document=DocumentInfo(id="case"), genes=["CLTC", "FN1", "RET"])
    items = {i.gold: i for i in diff_document(annotations(), gold, document).items}
    assert items["CLTC"].sentence == "Partners include TPM3 and CLTC."
    start, end = items["CLTC"].highlight
    assert items["CLTC"].sentence[start:end] == "CLTC"
    assert items["FN1"].sentence == "2\tFN1"  # a table row, not the whole table
    assert items["RET"].sentence is None  # not printed anywhere
