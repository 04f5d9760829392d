import pytest

import pipeline.store.manifest as manifest_module
from pipeline.schema import SourceFile
from pipeline.store import Manifest, record_path


def source(doc_id="case", sha="a" * 64):
    return SourceFile(path=f"raw/{doc_id}.txt", doc_id=doc_id, sha256=sha, size=10)


@pytest.fixture
def recorded(tmp_path):
    manifest = Manifest.load(tmp_path)
    manifest.record(source(), "fp1", "2026-01-01T00:00:00+00:00")
    manifest.save()
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
