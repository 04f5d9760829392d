from pipeline.read import discover
from pipeline.read.discover import file_sha256


def test_folders_are_walked_and_every_supported_file_identified(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("ALK fusion")
    (tmp_path / "sub" / "b.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text("editor swap file")
    (tmp_path / "_manifest.json").write_text("{}")
    found = discover([tmp_path])
    assert [s.doc_id for s in found.sources] == ["a", "b"]
    assert found.sources[0].sha256 == file_sha256(tmp_path / "a.txt")
    assert found.sources[0].size == len("ALK fusion")
    assert found.failures == []


def test_unsupported_missing_and_duplicate_inputs_are_not_silence(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "case.txt").write_text("one")
    (tmp_path / "y" / "case.txt").write_text("two")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    found = discover([tmp_path, tmp_path / "missing.txt"])
    assert [s.path for s in found.sources] == [str(tmp_path / "x" / "case.txt")]
    reasons = {f.path: f.reason for f in found.failures}
    assert "already taken by" in reasons[str(tmp_path / "y" / "case.txt")]
    assert reasons[str(tmp_path / "missing.txt")] == "no such file or folder"
    assert {f.stage for f in found.failures} == {"discover"}
    # a file in a folder that is no report is passed over, and said so (issue 15)
    (ignored,) = found.ignored
    assert ignored.path == str(tmp_path / "notes.docx")
    assert ignored.reason.startswith("unsupported file type '.docx'")


def test_a_file_named_twice_is_one_source(tmp_path):
    report = tmp_path / "case.txt"
    report.write_text("one")
    found = discover([report, tmp_path])
    assert len(found.sources) == 1 and found.failures == []
