"""Decisions: append-only history, undo and reset by replay, what a re-run of the pipeline
does to them, and a decisions file of the first schema."""

import sqlite3

import pytest

from pipeline.review.store import DecisionStore
from pipeline.review.values import review_values
from pipeline.schema import CaseRecord, DocumentInfo, Extraction, RunInfo, SourceFile


def extraction(age, drugs):
    source = SourceFile(doc_id="a", path="a.txt", sha256="0" * 64, size=1)
    return Extraction(document=DocumentInfo(id="a"), drugs=drugs,
                      cases=[CaseRecord(case_id="index", source="narrative", age_years=age)],
                      run=RunInfo(pipeline_version="t", fingerprint="t", source=source,
                                  media_type="text/plain", pages=1, extracted_at="now"))


def decide(store, action, key="drugs=crizotinib", value=None, reviewer="ann"):
    return store.record("a", key, key.split("=")[0], action, extracted="crizotinib",
                        value=value, reviewer=reviewer)


def test_every_decision_is_kept_and_the_latest_counts(tmp_path):
    store = DecisionStore(tmp_path / "review.sqlite")
    decide(store, "accept")
    decide(store, "correct", value="alectinib", reviewer="ben")
    history = store.history("a", "drugs=crizotinib")
    assert [(e.action, e.value, e.reviewer) for e in history] == [
        ("accept", None, "ann"), ("correct", "alectinib", "ben")]
    assert all(e.at for e in history)
    assert store.latest("a")["drugs=crizotinib"].action == "correct"
    store.close()
    reopened = DecisionStore(tmp_path / "review.sqlite")  # nothing lives only in memory
    assert len(reopened.history("a")) == 2


def test_an_unknown_action_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown review action"):
        decide(DecisionStore(tmp_path / "r.sqlite"), "delete")


def test_undo_takes_back_the_reviewer_s_last_decision_only(tmp_path):
    store = DecisionStore(tmp_path / "review.sqlite")
    decide(store, "reject")
    decide(store, "accept", key="drugs=lorlatinib", reviewer="ben")
    decide(store, "accept")
    assert store.undo_last("a", "ann").key == "drugs=crizotinib"
    assert store.latest("a")["drugs=crizotinib"].action == "reject"
    assert store.undo_last("a", "ann").key == "drugs=crizotinib"
    assert "drugs=crizotinib" not in store.latest("a")  # open again
    assert store.undo_last("a", "ann") is None  # ben's decision is his to undo
    assert store.latest("a")["drugs=lorlatinib"].reviewer == "ben"
    assert [e.action for e in store.history("a", "drugs=crizotinib")] == [
        "reject", "accept", "undo", "undo"]  # nothing deleted


def test_reset_opens_a_value_and_removes_an_added_one(tmp_path):
    store = DecisionStore(tmp_path / "review.sqlite")
    decide(store, "accept")
    store.record("a", "+drugs#1", "drugs", "add", extracted=None, value="abc", reviewer="ann")
    decide(store, "reset")
    store.record("a", "+drugs#1", "drugs", "reset", extracted=None, value=None, reviewer="ann")
    assert store.latest("a") == {}
    store.undo_last("a", "ann")  # the removal taken back: the added value is there again
    assert store.latest("a")["+drugs#1"].value == "abc"


def test_a_decisions_file_of_the_first_schema_is_carried_over(tmp_path):
    path = tmp_path / "review.sqlite"
    with sqlite3.connect(path) as old:
        old.executescript("""
            CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL,
              key TEXT NOT NULL, field TEXT NOT NULL, action TEXT NOT NULL CHECK (action IN
              ('accept', 'reject', 'correct', 'add')), extracted TEXT, value TEXT,
              reviewer TEXT NOT NULL, at TEXT NOT NULL);
            INSERT INTO decisions VALUES (1, 'a', 'drugs=crizotinib', 'drugs', 'accept',
              'crizotinib', NULL, 'ann', '2026-11-01T00:00:00+00:00');""")
    store = DecisionStore(path)
    decide(store, "reset")  # an action the first schema's CHECK refused
    assert [e.action for e in store.history("a")] == ["accept", "reset"]


def test_a_rerun_keeps_decisions_on_unchanged_values_and_flags_changed_ones(tmp_path):
    from pipeline.review.app import ValueRow

    store = DecisionStore(tmp_path / "review.sqlite")
    first = {v.key: v for v in review_values(extraction(58, ["crizotinib"]))}
    for key in ("drugs=crizotinib", "cases[index].age_years"):
        store.record("a", key, first[key].field, "accept", extracted=first[key].value,
                     value=None, reviewer="ann")
    # the pipeline runs again: the age is read differently, the drug is the same
    second = {v.key: v for v in review_values(extraction(57, ["crizotinib", "lorlatinib"]))}
    latest = store.latest("a")
    status = {key: ValueRow(value, latest.get(key)).status for key, value in second.items()}
    assert status["drugs=crizotinib"] == "accepted"
    assert status["cases[index].age_years"] == "changed"  # decided on 58, now 57
    assert status["drugs=lorlatinib"] == "open"
