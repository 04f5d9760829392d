import pytest

import pipeline.store.manifest as manifest_module
from pipeline.schema import SourceFile
from pipeline.store import Manifest, commit, record_path


def source(doc_id="case", sha="a" * 64):
    return SourceFile(path=f"raw/{doc_id}.txt", doc_id=doc_id, sha256=sha, size=10)


@pytest.fixture
def recorded(tmp_path):
    commit(tmp_path, source(), "fp1", "2026-01-01T00:00:00+00:00")
    Manifest.load(tmp_path).compact()
    record_path(tmp_path, "case").write_text("{}")
    return tmp_path


def test_an_unknown_document_is_new(tmp_path):
    assert Manifest.load(tmp_path).decide(source(), "fp1") == "new"


def test_same_content_pipeline_and_fingerprint_is_skipped(recorded):
    assert Manifest.load(recorded).decide(source(), "fp1") == "unchanged"


@pytest.mark.parametrize("change, reason", [
    (lambda m, tmp: (source(sha="b" * 64), "fp1"), "changed"),
    (lambda m, tmp: (source(), "fp2"), "new lexicons or rules"),
    (lambda m, tmp: (record_path(tmp, "case").unlink(), (source(), "fp1"))[1], "record missing"),
])
def test_what_changed_decides_reprocessing(recorded, change, reason):
    manifest = Manifest.load(recorded)
    item, fingerprint = change(manifest, recorded)
    assert manifest.decide(item, fingerprint) == reason


def test_a_new_pipeline_version_reprocesses(recorded, monkeypatch):
    monkeypatch.setattr(manifest_module, "__version__", "99.0.0")
    assert Manifest.load(recorded).decide(source(), "fp1") == "new pipeline version"


def test_force_reprocesses_and_plan_splits_todo_from_skipped(recorded):
    manifest = Manifest.load(recorded)
    assert manifest.decide(source(), "fp1", force=True) == "forced"
    plan = manifest.plan([source(), source("other")], "fp1")
    assert [s.doc_id for s in plan.skipped] == ["case"]
    assert [(s.doc_id, reason) for s, reason in plan.todo] == [("other", "new")]


def test_an_unreadable_manifest_means_everything_is_reprocessed(recorded):
    (recorded / "_manifest.json").write_text("{not json")
    assert Manifest.load(recorded).decide(source(), "fp1") == "new"


def test_committed_documents_are_read_from_the_journal_until_it_is_compacted(tmp_path):
    commit(tmp_path, source("a"), "fp1", "t1")
    commit(tmp_path, source("b"), "fp1", "t1")
    loaded = Manifest.load(tmp_path)
    assert sorted(loaded.entries) == ["a", "b"] and loaded.journaled == 2
    assert not (tmp_path / "_manifest.json").exists()
    loaded.compact()
    assert not (tmp_path / "_journal.jsonl").exists()
    commit(tmp_path, source("a", sha="c" * 64), "fp1", "t2")  # a later run redid "a"
    again = Manifest.load(tmp_path)
    assert again.entries["a"].sha256 == "c" * 64 and again.entries["b"].sha256 == "a" * 64


def test_a_torn_journal_line_is_no_commit_and_hides_no_later_one(tmp_path):
    commit(tmp_path, source("a"), "fp1", "t1")
    with (tmp_path / "_journal.jsonl").open("a") as journal:
        journal.write('\n{"doc_id": "b", "path": "raw/b.txt", "sha2')  # killed mid-write
    commit(tmp_path, source("c"), "fp1", "t1")
    assert sorted(Manifest.load(tmp_path).entries) == ["a", "c"]


def test_two_processes_committing_at_once_lose_no_entry(tmp_path):
    """The direct test of the issue lost 105 of 200 manifest entries."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=commit_many, args=(tmp_path, prefix)) for prefix in "xy"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert len(Manifest.load(tmp_path).entries) == 200


def commit_many(out_dir, prefix):
    for index in range(100):
        commit(out_dir, source(f"{prefix}{index}"), "fp1", "t1")


def test_an_id_is_refused_to_another_file_while_its_own_exists_and_moves_once_gone(tmp_path):
    out, first, second = tmp_path / "out", tmp_path / "a" / "case.txt", tmp_path / "b" / "case.txt"
    out.mkdir()
    for path in (first, second):
        path.parent.mkdir()
        path.write_text("same words")
    commit(out, SourceFile(path=str(first), doc_id="case", sha256="a" * 64, size=10), "fp1", "t1")
    record_path(out, "case").write_text("{}")
    elsewhere = SourceFile(path=str(second), doc_id="case", sha256="a" * 64, size=10)
    plan = Manifest.load(out).plan([elsewhere], "fp1")
    assert plan.todo == [] and [reason for _, reason in plan.refused] == [
        f"document id 'case' is taken in {out} by {first}, a different file; rename one of the "
        "two (records are named by the file's stem)"]
    first.unlink()
    assert Manifest.load(out).plan([elsewhere], "fp1").todo == [(elsewhere, "moved")]
