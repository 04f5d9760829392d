"""Decisions: append-only history, and what a re-run of the pipeline does to them."""

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


def test_every_decision_is_kept_and_the_latest_counts(tmp_path):
    store = DecisionStore(tmp_path / "review.sqlite")
    store.record("a", "drugs=crizotinib", "drugs", "accept", extracted="crizotinib", value=None,
                 reviewer="ann")
    store.record("a", "drugs=crizotinib", "drugs", "correct", extracted="crizotinib",
                 value="alectinib", reviewer="ben")
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
        DecisionStore(tmp_path / "r.sqlite").record("a", "k", "f", "delete", extracted=None,
                                                    value=None, reviewer="ann")


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
    status = {key: ValueRow(0, value, latest.get(key), None).status for key, value in second.items()}
    assert status["drugs=crizotinib"] == "accepted"
    assert status["cases[index].age_years"] == "changed"  # decided on 58, now 57
    assert status["drugs=lorlatinib"] == "open"
