import pytest
from pydantic import ValidationError

from pipeline.extract import extract
from pipeline.schema import Annotations, CaseRecord, Extraction, Fusion


def test_an_extraction_round_trips_through_json(tmp_path, report_text):
    path = tmp_path / "case.txt"
    path.write_text(report_text)
    _, extraction = extract(path)
    assert extraction.genes and extraction.mentions and extraction.cases
    again = Extraction.model_validate_json(extraction.model_dump_json())
    assert again == extraction
    assert again.model_dump_json() == extraction.model_dump_json()


def test_the_gold_shaped_fields_are_exactly_the_guidelines_names():
    assert list(Annotations.model_fields) == [
        "document", "genes", "unresolved_genes", "fusions", "rearranged_genes", "variants",
        "drugs", "regimens", "cases", "notes"]


def test_null_lists_read_as_empty_as_the_guidelines_score_them_the_same():
    case = CaseRecord.model_validate({"case_id": "table1-row8", "source": "table",
                                      "therapies": None, "variants": None})
    assert case.therapies == [] and case.variants == []


def test_unknown_fields_and_bad_values_are_errors():
    with pytest.raises(ValidationError, match="five_prim"):
        Fusion.model_validate({"name": "EML4::ALK", "five_prime": "EML4", "three_prime": "ALK",
                               "five_prim_exon": 13})
    with pytest.raises(ValidationError, match="sex"):
        CaseRecord.model_validate({"case_id": "index", "source": "narrative", "sex": "M"})
