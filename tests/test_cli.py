import gc
import json
import subprocess
import sys

import pytest

import flows.ingest
from caselit.cli import main
from pipeline.schema import Extraction


@pytest.fixture
def folders(tmp_path, report_text):
    """raw/ holding case.txt (the fictional report), and out/ (not made)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "case.txt").write_text(report_text)
    return raw, tmp_path / "out"


def test_extract_prints_the_extraction_as_json(tmp_path, capsys, report_text):
    path = tmp_path / "case.txt"
    path.write_text(report_text)
    assert main(["extract", str(path)]) == 0
    extraction = Extraction.model_validate_json(capsys.readouterr().out)
    assert extraction.document.id == "case" and "EML4::ALK" in [f.name for f in extraction.fusions]


def test_extract_of_a_bad_file_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / ("a-long-name-" * 12 + "empty.txt")  # longer than a terminal line
    path.write_text("")
    assert main(["extract", str(path)]) == 2
    assert f"error: {path}: empty file: no text after decoding\n" in capsys.readouterr().err


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
    # what the run froze while it imported Prefect is collected as usual again after it
    assert gc.isenabled() and gc.get_freeze_count() == 0
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


# The report's patient as a curator might record her: the pipeline reads crizotinib then
# lorlatinib, so the second line's drug is one FP and one FN (therapy drugs F1 0.5).
CASE = {"case_id": "index", "source": "narrative", "age_years": 58, "sex": "female",
        "diagnosis": "lung adenocarcinoma",
        "therapies": [{"drugs": ["crizotinib"], "response": "PR"}, {"drugs": ["alectinib"]}]}


def gold_folder(tmp_path):
    import yaml

    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "case.yaml").write_text(yaml.safe_dump({
        "document": {"id": "case", "title": None, "doi": None, "year": None},
        "genes": ["ALK", "EML4", "ROS1"], "drugs": ["crizotinib", "lorlatinib"],
        "fusions": [{"name": "EML4::ALK", "five_prime": "EML4", "three_prime": "ALK"}],
        "variants": [{"gene": "ALK", "hgvs": "c.3604G>A"}, {"gene": "ALK", "hgvs": "p.Gly1202Arg"}],
        "cases": [CASE],
    }))
    return gold


@pytest.fixture
def scored_folder(tmp_path, report_text):
    from pipeline.extract import extract
    from pipeline.store import write_record

    source = tmp_path / "case.txt"
    source.write_text(report_text)
    document, extraction = extract(source)
    out = tmp_path / "out"
    write_record(document, extraction, out)
    return out, gold_folder(tmp_path)


@pytest.mark.parametrize("fmt, marker", [("markdown", "## Document-level sets"),
                                         ("html", "<!doctype html>"), ("table", "gold diff")])
def test_diff_prints_each_format_and_writes_the_reports(scored_folder, capsys, monkeypatch,
                                                        fmt, marker):
    monkeypatch.setenv("COLUMNS", "200")
    out, gold = scored_folder
    assert main(["diff", "--gold", str(gold), "--extracted", str(out), "--format", fmt]) == 0
    assert marker in capsys.readouterr().out
    assert sorted(p.name for p in (out / "_diff").iterdir()) == ["diff.html", "diff.json", "diff.md"]


def test_diff_json_is_the_report_and_fail_under_sets_the_exit_status(scored_folder, capsys):
    from pipeline.schema import DiffReport

    out, gold = scored_folder
    args = ["diff", "--gold", str(gold), "--extracted", str(out), "--format", "json"]
    assert main(args) == 0
    report = DiffReport.model_validate_json(capsys.readouterr().out)
    genes = report.score("genes")
    assert (genes.tp, genes.fp, genes.fn) == (2, 0, 1)
    assert main(args + ["--fail-under", "0.7"]) == 0  # genes F1 0.8, the others higher
    assert main(args + ["--fail-under", "0.9"]) == 1


def test_fail_under_holds_case_fields_named_one_by_one(scored_folder, capsys):
    from pipeline.schema import DiffReport

    out, gold = scored_folder
    args = ["diff", "--gold", str(gold), "--extracted", str(out), "--format", "json"]
    assert main(args + ["--fail-under", "cases=1", "--fail-under", "diagnosis=1",
                        "--fail-under", "case.therapy_lines=0.5", "--fail-under", "0.7"]) == 0
    capsys.readouterr()
    assert main(args + ["--fail-under", "cases=1", "--fail-under", "therapy_drugs=0.6"]) == 1
    printed = capsys.readouterr()
    assert "below threshold: case.therapy_drugs F1 0.500 < 0.6" in printed.err
    DiffReport.model_validate_json(printed.out)  # stdout stays the report alone


@pytest.mark.flow
def test_run_with_gold_holds_case_fields_through_the_flow_and_without_it(
        prefect_harness, tmp_path, folders, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    raw, out = folders
    run = ["run", str(raw), "--out", str(out), "--gold", str(gold_folder(tmp_path))]
    assert main(run + ["--fail-under", "therapy_drugs=0.6"]) == 1
    assert "below threshold: case.therapy_drugs F1 0.500 < 0.6" in capsys.readouterr().err
    monkeypatch.setattr(flows.ingest, "run_ingest", None)  # nothing changed: no flow
    assert main(run + ["--fail-under", "cases=1", "--fail-under", "sex=1"]) == 0
    assert main(run + ["--fail-under", "age_years=1", "--fail-under", "therapy_lines=0.6"]) == 1


def test_fail_under_an_unknown_field_is_a_usage_error_naming_the_allowed_ones(scored_folder,
                                                                             capsys):
    out, gold = scored_folder
    with pytest.raises(SystemExit) as raised:
        main(["diff", "--gold", str(gold), "--extracted", str(out), "--fail-under", "genes=0.9"])
    error = capsys.readouterr().err.replace("\n", " ")
    assert raised.value.code == 2
    assert "unknown field 'genes'" in error and "therapy_drugs" in error and "diagnosis" in error


def test_diff_against_an_earlier_run_lists_gained_and_lost_values(scored_folder, tmp_path, capsys):
    import shutil

    from pipeline.schema import RunDiff
    from pipeline.store import read_record

    out, _ = scored_folder
    old = tmp_path / "old"
    shutil.copytree(out, old)
    record = read_record(old / "case.json")
    (old / "case.json").write_text(record.model_copy(update={
        "genes": ["ALK", "MET"]}).model_dump_json())
    assert main(["diff", "--against", str(old), "--extracted", str(out), "--format", "json"]) == 0
    (change,) = RunDiff.model_validate_json(capsys.readouterr().out).changes
    assert (change.field, change.gained, change.lost) == ("genes", ["EML4"], ["MET"])


def test_diff_without_gold_or_against_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["diff"])
    assert raised.value.code == 2 and "--gold" in capsys.readouterr().err


@pytest.mark.flow
def test_reading_warnings_reach_the_run_summary(prefect_harness, tmp_path, capsys, monkeypatch):
    import codecs

    monkeypatch.setenv("COLUMNS", "250")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bom.txt").write_bytes(codecs.BOM_UTF8 + b"A 50-year-old man received crizotinib.\n")
    assert main(["run", str(raw), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "warnings" in printed and "decoded as utf-8-sig (byte-order mark)" in printed


def test_a_run_on_a_folder_another_run_is_writing_says_so_and_exits_75(folders, capsys):
    import subprocess
    import sys

    from tests.conftest import ROOT

    raw, out = folders
    hold = ("import sys, time; from pipeline.store import output_lock\n"
            "with output_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(out)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        assert main(["run", str(raw), "--out", str(out)]) == 75
    finally:
        holder.kill()
        holder.wait()
    error = capsys.readouterr().err.replace("\n", "")
    assert f"another caselit run (process {holder.pid}) is writing this output folder" in error


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_an_output_path_that_is_a_file_stops_the_run_before_any_work(tmp_path, capsys,
                                                                    report_text):
    (tmp_path / "case.txt").write_text(report_text)
    taken = tmp_path / "out"
    taken.write_text("a file, not a folder")
    assert main(["run", str(tmp_path / "case.txt"), "--out", str(taken)]) == 2
    assert one_line(capsys.readouterr().err) == f"error: {taken}: not a folder (a file is in the way)"
    assert taken.read_text() == "a file, not a folder"


def test_a_missing_input_is_exit_2_naming_it(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["run", str(missing), "--out", str(tmp_path / "out")]) == 2
    assert one_line(capsys.readouterr().err) == f"error: {missing}: no such file or folder"
    assert not (tmp_path / "out").exists()


def test_workers_must_be_at_least_one(tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        main(["run", str(tmp_path), "--workers", "0"])
    assert refused.value.code == 2
    assert "'0': a whole number of at least 1 is needed" in capsys.readouterr().err


def test_an_output_folder_without_room_stops_the_run_before_any_work(tmp_path, capsys,
                                                                    monkeypatch, report_text):
    (tmp_path / "case.txt").write_text(report_text)
    monkeypatch.setenv("CASELIT_MIN_FREE_MB", str(10**9))  # more than any disk here
    assert main(["run", str(tmp_path / "case.txt"), "--out", str(tmp_path / "out")]) == 2
    error = one_line(capsys.readouterr().err)
    assert error.startswith(f"error: {tmp_path / 'out'}: ") and error.endswith(
        "MB free on its file system, at least 1,000,000,000 MB needed (CASELIT_MIN_FREE_MB)")


@pytest.mark.flow
def test_a_run_with_nothing_to_do_writes_nothing(prefect_harness, folders):
    raw, out = folders
    (raw / "empty.txt").write_text("")
    assert main(["run", str(raw), "--out", str(out)]) == 0
    (raw / "empty.txt").unlink()
    assert main(["run", str(raw), "--out", str(out)]) == 0  # the failure list changed

    def state():
        return {path: path.stat().st_mtime_ns for path in out.rglob("*")}

    before = state()
    assert main(["run", str(raw), "--out", str(out)]) == 0
    assert state() == before


@pytest.mark.flow
def test_records_whose_source_is_gone_are_reported_and_pruned_on_request(
        prefect_harness, folders, capsys, monkeypatch, report_text):
    import pandas as pd

    from pipeline.store import Manifest

    monkeypatch.setenv("COLUMNS", "250")
    raw, out = folders
    (raw / "deleted.txt").write_text(report_text.replace("58-year-old", "71-year-old"))
    (raw / "README.md").write_text("# what this folder holds")
    (out / "_documents").mkdir(parents=True)
    (out / ".case.json.x1y2.tmp").write_text('{"half": ')  # left by a killed run
    (out / "_documents" / ".case.json.x3.tmp").write_text("{")
    assert main(["run", str(raw), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "not reports, passed over" in printed and "unsupported file type '.md'" in printed
    assert not list(out.rglob("*.tmp"))
    (raw / "deleted.txt").unlink()
    assert main(["run", str(raw), "--out", str(out)]) == 0
    assert ("1 record(s) whose source is gone: deleted (caselit run --prune removes them)"
            in capsys.readouterr().out)
    assert (out / "deleted.json").is_file()
    assert main(["run", str(raw), "--out", str(out), "--prune"]) == 0
    assert "removed 1 record(s) whose source is gone: deleted" in capsys.readouterr().out
    assert not (out / "deleted.json").exists() and not (out / "_documents" / "deleted.json").exists()
    assert list(Manifest.load(out).entries) == ["case"]
    assert set(pd.read_parquet(out / "cases.parquet").doc_id) == {"case"}
    (raw / "case.txt").unlink()  # the last one: the tables keep no row of it
    assert main(["run", str(raw), "--out", str(out), "--prune"]) == 0
    assert Manifest.load(out).entries == {} and len(pd.read_parquet(out / "cases.parquet")) == 0


def test_the_heap_is_left_to_the_os_only_at_exit(tmp_path):
    """After ``main`` returns (here twice), the process collects as before; at its exit,
    the objects alive are frozen (no final collections over them)."""
    (tmp_path / "raw").mkdir()
    run = f"main(['run', {str(tmp_path / 'raw')!r}, '--out', {str(tmp_path / 'out')!r}])\n"
    script = ("import atexit, gc\n"
              "atexit.register(lambda: print('at exit', gc.get_freeze_count()))\n"
              "from caselit.cli import main\n" + run + run
              + "print('after main', gc.get_freeze_count())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    counts = dict(line.rsplit(" ", 1) for line in done.stdout.splitlines()
                  if line.startswith(("after main", "at exit")))
    assert counts["after main"] == "0" and int(counts["at exit"]) > 10_000




def test_a_run_imports_no_pandas_before_its_first_document_is_done():
    """Arrow imports pandas with its first array (0.2-0.3 s of CPU): what a run imports
    before its documents can start (its flow, its Prefect API, its report, the tables)
    makes none, so that the run pays for pandas while its first documents are extracted."""
    script = ("import gzip, sys\n"
              "import caselit.report, flows.ingest, flows.server_app\n"
              "flows.ingest.engine_imports()\n"
              "assert 'pandas' not in sys.modules\n"
              "from pipeline.store.parts import csv_header\n"
              "print(gzip.decompress(csv_header('cases')).decode().split(',')[0])\n"
              "assert 'pandas' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == '"doc_id"'
