"""A record names the bytes that were read, not the file as it was listed."""

import hashlib

import pytest

import pipeline.read
from pipeline.errors import BadInputError
from pipeline.read import read_document, source_for


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_file_changed_after_it_was_listed_is_recorded_as_read_with_a_warning(tmp_path,
                                                                              report_text):
    path = tmp_path / "case.txt"
    path.write_text(report_text)
    listed = source_for(path)
    path.write_text(report_text + "She remains on lorlatinib.\n")
    document = read_document(listed)
    assert document.source.sha256 == sha(path.read_text()) != listed.sha256
    assert document.source.size == len(path.read_text())
    assert document.warnings == [
        f"{path}: changed after the run listed it ({listed.size:,} bytes then, "
        f"{document.source.size:,} when read); extracted as read"]


def appending_while_read(monkeypatch, path, times):
    """The file grows while it is read, the first ``times`` readings."""
    real, calls = pipeline.read.clean_text, []

    def clean_text(raw):
        calls.append(1)
        if len(calls) <= times:
            with path.open("a") as file:
                file.write("more words arrive\n")
        return real(raw)

    monkeypatch.setattr(pipeline.read, "clean_text", clean_text)
    return calls


def test_a_file_still_being_written_is_refused_and_left_for_the_next_run(tmp_path, monkeypatch,
                                                                        report_text):
    path = tmp_path / "case.txt"
    path.write_text(report_text)
    appending_while_read(monkeypatch, path, times=99)
    with pytest.raises(BadInputError) as refused:
        read_document(path)
    assert refused.value.reason == (
        "changed while it was being read, 3 times in a row (still being written?); not "
        "extracted this time: the next run reads it again")


def test_a_file_that_changed_once_while_read_is_read_again_whole(tmp_path, monkeypatch,
                                                                report_text):
    path = tmp_path / "case.txt"
    path.write_text(report_text)
    calls = appending_while_read(monkeypatch, path, times=1)
    document = read_document(source_for(path))
    assert len(calls) == 2 and document.text.rstrip().endswith("more words arrive")
    assert document.source.sha256 == sha(path.read_text())
