import json

import pytest

import flows.ingest
from caselit.cli import main
from pipeline.schema import Extraction


def test_extract_prints_the_extraction_as_json(tmp_path, capsys, report_text):
    path = tmp_path / "case.txt"
    path.write_text(report_text)
    assert main(["extract", str(path)]) == 0
    extraction = Extraction.model_validate_json(capsys.readouterr().out)
    assert extraction.document.id == "case" and "EML4::ALK" in [f.name for f in extraction.fusions]


def test_extract_of_a_bad_file_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_text("")
    assert main(["extract", str(path)]) == 2
    assert f"{path}: empty file" in capsys.readouterr().err.replace("\n", "")


def test_missing_reference_data_is_reported_not_a_traceback(tmp_path, capsys, report_text,
                                                            monkeypatch):
    monkeypatch.delenv("CASELIT_DATA_DIR", raising=False)
    path = tmp_path / "case.txt"
    path.write_text(report_text)
    assert main(["--data-dir", str(tmp_path / "nowhere"), "extract", str(path)]) == 2
    assert "CASELIT_DATA_DIR" in capsys.readouterr().err.replace("\n", "")


@pytest.mark.flow
def test_run_exit_status_and_a_second_run_that_needs_no_prefect(prefect_harness, tmp_path,
                                                                capsys, monkeypatch, report_text):
    monkeypatch.setenv("COLUMNS", "250")  # rich folds long cells at 80 columns
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "good.txt").write_text(report_text)
    (raw / "empty.txt").write_text("")
    assert main(["run", str(raw), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "done" in printed and "empty file: no text after decoding" in printed
    assert json.loads((out / "_failures.json").read_text())[0]["path"].endswith("empty.txt")

    (raw / "empty.txt").unlink()

    def no_flow(*args, **kwargs):
        raise AssertionError("the flow must not start when nothing changed")

    monkeypatch.setattr(flows.ingest, "run_ingest", no_flow)
    assert main(["run", str(raw), "--out", str(out), "--strict"]) == 0
    assert "skipped (unchanged)" in capsys.readouterr().out
    assert json.loads((out / "_failures.json").read_text()) == []


@pytest.mark.flow
def test_strict_run_fails_when_a_document_failed(prefect_harness, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_text("")
    assert main(["run", str(raw), "--out", str(tmp_path / "out"), "--strict"]) == 1
