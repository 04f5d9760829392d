import pandas as pd
import pytest

from pipeline.errors import RecordError
from pipeline.extract import extract
from pipeline.store import (TABLES, folder_records, read_document_record, read_record,
                            record_paths, update_tables, write_record)
from pipeline.store.tables import arrow_rows


def test_record_and_document_round_trip_through_json(extracted):
    out, document, extraction = extracted
    assert read_record(out / "case.json") == extraction
    assert read_document_record(out, "case") == document
    assert record_paths(out) == [out / "case.json"]


def test_tables_have_the_declared_columns_and_types_in_parquet_and_csv(extracted):
    out, _, extraction = extracted
    update_tables(out, folder_records(out))
    for name, columns in TABLES.items():
        table = pd.read_parquet(out / f"{name}.parquet")
        assert list(table.columns) == list(columns)
        assert {c: str(t) for c, t in table.dtypes.items()} == columns
        assert len(pd.read_csv(out / f"{name}.csv.gz")) == len(table)
    mentions = pd.read_parquet(out / "mentions.parquet")
    assert len(mentions) == len(extraction.mentions)
    assert mentions.modifiers.fillna("").tolist() == ["; ".join(m.modifiers)
                                                      for m in extraction.mentions]
    entities = pd.read_parquet(out / "entities.parquet")
    fusion = entities[entities.type == "fusion"].iloc[0]
    assert (fusion.value, fusion.five_prime, fusion.three_prime) == ("EML4::ALK", "EML4", "ALK")
    assert "EML4-ALK" in fusion.first_sentence
    cases = pd.read_parquet(out / "cases.parquet")
    assert cases.loc[0, ["case_id", "age_years", "sex"]].tolist() == ["index", 58.0, "female"]
    # the timeline, one event per row, its sentence by a join on its first mention
    events = pd.read_parquet(out / "events.parquet")
    assert len(events) == sum(len(case.timeline) for case in extraction.cases) > 0
    told = events.merge(mentions, left_on=["doc_id", "first_mention_id"],
                        right_on=["doc_id", "mention_id"])
    started = told[told.kind == "treatment_started"].iloc[0]
    assert (started.value, started.therapy) == ("crizotinib", 0)
    assert "crizotinib" in started.sentence


def test_a_row_outside_the_declared_schema_is_refused():
    with pytest.raises(ValueError, match="not in the declared schema"):
        arrow_rows([{"doc_id": "x", "surprise": 1}], "documents")


def test_a_damaged_record_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{"document": {"id": "case"}, "genes": "ALK"}')
    with pytest.raises(RecordError, match=str(path)):
        read_record(path)


@pytest.mark.parametrize("stored", ['{"record_format": 2, "document": {"id": "ca', '["case"]', ""])
def test_a_record_that_is_no_json_object_is_an_error_naming_the_file(tmp_path, stored):
    path = tmp_path / "case.json"
    path.write_text(stored)
    with pytest.raises(RecordError, match=str(path)):
        read_record(path)


def test_each_run_appends_one_line_to_the_run_log(tmp_path):
    from pipeline.schema import Failure, RunSummary
    from pipeline.store import append_run, read_runs

    failure = Failure(path="raw/bad.txt", doc_id="bad", stage="read", reason="empty file",
                      error="BadInputError", at="now")
    first = RunSummary(out_dir=str(tmp_path), done=3, skipped=0, failed=1, counts={"genes": 7},
                       seconds=4.2, tables_rebuilt=True, failures=[failure])
    second = first.model_copy(update={"done": 0, "skipped": 3, "failed": 0, "failures": []})
    append_run(tmp_path, first)
    append_run(tmp_path, second)
    runs = read_runs(tmp_path)
    assert [(r["done"], r["skipped"], r["failed"]) for r in runs] == [(3, 0, 1), (0, 3, 0)]
    assert runs[0]["failures"] == [{"path": "raw/bad.txt", "reason": "empty file"}]
    assert runs[0]["counts"] == {"genes": 7} and runs[0]["scores"] is None and runs[0]["at"]


def test_tables_are_current_only_for_the_records_they_were_built_from(extracted):
    from pipeline.store import built_from, tables_current

    out, _, _ = extracted
    source = built_from([("case", "stamp-1")])
    rows = update_tables(out, {"case": "stamp-1"})
    assert tables_current(out, source) and rows["mentions"] > 0
    assert not tables_current(out, built_from([("case", "stamp-2")]))  # a newer commit
    (out / "entities.csv.gz").unlink()
    assert not tables_current(out, source)  # a file missing
    update_tables(out, {"case": "stamp-1"})
    (out / "cases.parquet" / "case.parquet").unlink()
    assert not tables_current(out, source)  # a document's part missing
    update_tables(out, {"case": "stamp-1"})
    assert tables_current(out, source)
    empty = update_tables(out, {})
    state = (out / "_tables.json").read_text()
    (out / "_tables.json").write_text(state.replace(f'"mentions": {empty["mentions"]}',
                                                    '"mentions": 7'))
    assert not tables_current(out, built_from([]))  # counts off


def test_documents_and_therapy_lines_tables_a_curator_opens(tmp_path):
    from pathlib import Path

    fixtures = Path(__file__).parents[1] / "read" / "fixtures"
    out = tmp_path / "out"
    for name in ("two_patients.xml", "two_patients.txt"):
        document, extraction = extract(fixtures / name)
        if name.endswith(".txt"):  # the text rendering under an id of its own
            document = document.model_copy(update={"id": "rendering"})
            extraction = extraction.model_copy(update={
                "document": extraction.document.model_copy(update={"id": "rendering"})})
        write_record(document, extraction, out)
    rows = update_tables(out, folder_records(out))
    assert rows["documents"] == 2
    documents = pd.read_parquet(out / "documents.parquet").set_index("doc_id")
    jats = documents.loc["two_patients"]
    assert (jats.journal, jats.year, jats.doi, jats.pmid, jats.pmcid, jats.source_type) == (
        "Fictional Case Reports in Oncology", 2026, "10.5555/fcro.2026.001", "99000001",
        "PMC9900001", "application/jats+xml")
    assert jats.title.startswith("Alectinib and crizotinib in two patients")
    assert documents.loc["rendering"].source_type == "text/plain"
    assert pd.isna(documents.loc["rendering"].pmid)
    lines = pd.read_parquet(out / "therapy_lines.parquet")
    csv = pd.read_csv(out / "therapy_lines.csv.gz")
    assert len(csv) == len(lines)
    index = lines[(lines.doc_id == "two_patients") & (lines.case_id == "index")]
    assert index[["line", "drugs", "setting", "response"]].fillna("-").values.tolist() == [
        [1, "alectinib", "first-line", "PR"], [2, "lorlatinib", "-", "SD"]]
    assert index.iloc[0].sentence.startswith("She received alectinib as first-line treatment")
    mentions = pd.read_parquet(out / "mentions.parquet")
    first = mentions[(mentions.doc_id == "two_patients")
                     & (mentions.mention_id == index.iloc[0].first_mention_id)].iloc[0]
    assert (first.type, first.section) == ("drug", "case")
    # a table row's line, and the same lines from the text rendering
    row = lines[(lines.doc_id == "two_patients") & (lines.case_id == "table1-row3")].iloc[0]
    assert (row.drugs, row.response) == ("entrectinib", "SD")
    assert "Entrectinib" in row.sentence
    columns = ["case_id", "line", "drugs", "regimen", "setting", "response"]
    assert (lines[lines.doc_id == "two_patients"][columns].fillna("-").values.tolist()
            == lines[lines.doc_id == "rendering"][columns].fillna("-").values.tolist())
