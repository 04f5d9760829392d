"""The Python API (caselit.extract and friends), on the fictional fixtures."""

import shutil
from pathlib import Path

import pytest

import caselit
from pipeline.errors import BadInputError
from pipeline.extract import extract as extract_file

FIXTURES = Path(__file__).parent / "read" / "fixtures"


def gold_shaped(extraction):
    return extraction.model_dump(include={"genes", "fusions", "variants", "drugs", "regimens",
                                          "cases"}, exclude={"cases": {"__all__": {"evidence"}}})


def test_extract_a_file_gives_what_a_run_records(tmp_path):
    path = Path(shutil.copy(FIXTURES / "two_patients.xml", tmp_path))
    record = caselit.extract(path)
    assert gold_shaped(record) == gold_shaped(extract_file(path)[1])
    assert record.document.id == "two_patients" and len(record.cases) == 5
    assert caselit.extract(str(path)).document.doi == "10.5555/fcro.2026.001"


def test_extract_a_reports_text_as_a_text_file_reads(tmp_path):
    text = (FIXTURES / "two_patients.txt").read_text()
    from_text = caselit.extract(text, doc_id="pasted")
    from_file = caselit.extract(FIXTURES / "two_patients.txt")
    assert from_text.document.id == "pasted"
    assert gold_shaped(from_text) == gold_shaped(from_file)
    assert [m.sentence for m in from_text.mentions] == [m.sentence for m in from_file.mentions]


def test_extract_with_doc_gives_the_spacy_doc_with_every_mention_as_a_span():
    record, doc = caselit.extract_with_doc(
        "A 54-year-old man with lung adenocarcinoma had an EML4-ALK fusion. He received "
        "crizotinib and achieved a partial response.")
    assert doc.text == record.mentions[0].sentence + " " + record.mentions[-1].sentence
    labels = {(span.text, span.label_) for span in doc.spans["caselit"]}
    assert {("EML4-ALK", "fusion"), ("crizotinib", "drug"), ("partial response", "response")} <= labels
    assert len(doc.spans["caselit"]) == len(record.mentions)
    assert record.cases[0].therapies[0].drugs == ["crizotinib"]


def test_a_file_of_several_articles_is_read_whole_by_extract_articles():
    records = caselit.extract_articles(FIXTURES / "medline_three.xml")
    assert [r.document.id for r in records] == ["PMID99000011", "PMID99000012", "PMID99000013"]
    with pytest.raises(BadInputError, match="holds 3 articles"):
        caselit.extract(FIXTURES / "medline_three.xml")


def test_a_path_that_names_no_file_is_an_error_not_text(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        caselit.extract(str(tmp_path / "missing.txt"))
    assert caselit.read("Not a path.txt\nbut a text").text.startswith("Not a path.txt")


def test_read_and_export_through_the_api(tmp_path):
    from pipeline.store import write_record

    document = caselit.read(FIXTURES / "bioc_two.xml")
    assert document.id == "PMID99000021" and document.text[107:111] == "TPM3"
    path = FIXTURES / "two_patients.txt"
    write_record(caselit.read(path), caselit.extract(path), tmp_path)
    assert "<id>two_patients</id>" in caselit.export(tmp_path, "bioc-xml")
