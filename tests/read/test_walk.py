"""What an input folder holds besides reports: said, not failed, and never walked twice."""

from pipeline.read import discover


def test_a_readme_in_a_folder_is_passed_over_but_one_named_is_a_failure(tmp_path):
    (tmp_path / "case.txt").write_text("ALK fusion")
    (tmp_path / "README.md").write_text("# reports of 2026")
    found = discover([tmp_path])
    assert [s.doc_id for s in found.sources] == ["case"] and found.failures == []
    assert [(i.path, i.reason) for i in found.ignored] == [
        (str(tmp_path / "README.md"), "unsupported file type '.md'; supported: .txt, .pdf, .xml, .json")]
    named = discover([tmp_path / "README.md"])
    assert named.ignored == [] and named.failures[0].reason.startswith("unsupported file type")


def test_a_symbolic_link_loop_is_reported_and_its_files_found_once(tmp_path):
    inner = tmp_path / "reports" / "2026"
    inner.mkdir(parents=True)
    (inner / "case.txt").write_text("ALK fusion")
    (inner / "back").symlink_to(tmp_path / "reports")
    found = discover([tmp_path / "reports"])
    assert [s.path for s in found.sources] == [str(inner / "case.txt")]
    assert [(i.path, i.reason) for i in found.ignored] == [
        (str(inner / "back"), f"a symbolic link back to {tmp_path / 'reports'}, a folder it is "
                              "in: a loop, not followed")]
    assert found.failures == []
