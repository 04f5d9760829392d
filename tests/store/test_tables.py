"""Tables updated by document: only the changed documents' rows are written, the result is
the tables of a build from scratch, also after a crash in the middle of an update."""

import json

import pandas as pd
import pytest

from pipeline.store import (TABLES, built_from, remove_record, tables_current, update_tables,
                            write_record)
from pipeline.store import tables as tables_module

# ids whose order by name differs from their order as part file names ('a' < 'a-b' as
# strings, 'a-b.parquet' < 'a.parquet' as files): the CSV follows the files' order
DOC_IDS = ["a", "a-b", "a.b", "b"]


def write_as(out, document, extraction, doc_id, age=None):
    case = extraction.cases[0]
    cases = [case.model_copy(update={"age_years": age or case.age_years}), *extraction.cases[1:]]
    write_record(document.model_copy(update={"id": doc_id}), extraction.model_copy(update={
        "document": extraction.document.model_copy(update={"id": doc_id}), "cases": cases}), out)


@pytest.fixture
def folder(extracted):
    out, document, extraction = extracted
    remove_record(out, "case")
    for doc_id in DOC_IDS:
        write_as(out, document, extraction, doc_id)
    return out, document, extraction


def read_tables(out):
    return {name: (pd.read_parquet(out / f"{name}.parquet"), (out / f"{name}.csv.gz").read_bytes())
            for name in TABLES}


def assert_same_tables(out, other):
    mine, theirs = read_tables(out), read_tables(other)
    for name in TABLES:
        pd.testing.assert_frame_equal(mine[name][0], theirs[name][0])
        assert mine[name][1] == theirs[name][1], name


def built_from_scratch(tmp_path, out, stamps):
    """The tables of ``out``'s records built in a fresh folder."""
    import shutil

    fresh = tmp_path / "fresh"
    shutil.copytree(out, fresh, ignore=shutil.ignore_patterns("*.parquet", "*.csv.gz", "_tables.json"))
    update_tables(fresh, stamps)
    return fresh


def test_the_dataset_and_the_csv_hold_the_same_rows_in_the_same_order(folder):
    out, _, extraction = folder
    rows = update_tables(out, dict.fromkeys(DOC_IDS, "1"))
    for name, columns in TABLES.items():
        table = pd.read_parquet(out / f"{name}.parquet")
        assert {c: str(t) for c, t in table.dtypes.items()} == columns
        csv = pd.read_csv(out / f"{name}.csv.gz", dtype=str)
        assert len(table) == len(csv) == rows[name]
        assert table.doc_id.tolist() == csv.doc_id.tolist()
    order = pd.read_parquet(out / "documents.parquet").doc_id.tolist()
    assert order == ["a-b", "a.b", "a", "b"]
    assert rows["mentions"] == len(DOC_IDS) * len(extraction.mentions)


def test_an_update_reads_only_the_records_whose_commit_changed(folder, tmp_path):
    out, document, extraction = folder
    update_tables(out, dict.fromkeys(DOC_IDS, "1"))
    kept_part = out / "cases.parquet" / "b.parquet"
    kept_inode = kept_part.stat().st_ino
    write_as(out, document, extraction, "a", age=77)
    (out / "b.json").write_text("not a record")  # an unchanged document is never read
    update_tables(out, {**dict.fromkeys(DOC_IDS, "1"), "a": "2"})
    cases = pd.read_parquet(out / "cases.parquet")
    assert cases[cases.doc_id == "a"].age_years.iloc[0] == 77
    assert cases[cases.doc_id == "b"].age_years.iloc[0] == extraction.cases[0].age_years
    assert kept_part.stat().st_ino == kept_inode
    assert tables_current(out, built_from({**dict.fromkeys(DOC_IDS, "1"), "a": "2"}.items()))
    write_as(out, document, extraction, "b")
    assert_same_tables(out, built_from_scratch(tmp_path, out, dict.fromkeys(DOC_IDS, "1")))


def test_documents_no_longer_committed_lose_their_rows(folder):
    out, _, _ = folder
    update_tables(out, dict.fromkeys(DOC_IDS, "1"))
    rows = update_tables(out, {"a": "1", "b": "1"})
    assert set(pd.read_parquet(out / "cases.parquet").doc_id) == {"a", "b"}
    assert set(pd.read_csv(out / "cases.csv.gz").doc_id) == {"a", "b"}
    assert sorted(path.name for path in (out / "mentions.parquet").iterdir()) == [
        "a.parquet", "b.parquet"]
    assert rows["documents"] == 2
    assert update_tables(out, {})["mentions"] == 0
    assert len(pd.read_csv(out / "mentions.csv.gz")) == 0


def test_a_crash_in_an_update_is_made_good_by_the_next(folder, tmp_path, monkeypatch):
    out, document, extraction = folder
    update_tables(out, dict.fromkeys(DOC_IDS, "1"))
    for doc_id in ("a-b", "b"):
        write_as(out, document, extraction, doc_id, age=30)
    changed = {**dict.fromkeys(DOC_IDS, "1"), "a-b": "2", "b": "2"}

    def crash(point):
        raise KeyboardInterrupt(point)

    monkeypatch.setattr(tables_module, "crash_point", crash)
    with pytest.raises(KeyboardInterrupt):
        update_tables(out, changed)
    monkeypatch.undo()
    # one changed document's parts are new, the other's old; the state trusts neither
    assert not tables_current(out, built_from(changed.items()))
    state = json.loads((out / "_tables.json").read_text())
    assert state["built_from"] is None and sorted(state["documents"]) == ["a", "a.b"]
    update_tables(out, changed)
    assert tables_current(out, built_from(changed.items()))
    assert_same_tables(out, built_from_scratch(tmp_path, out, changed))


def test_tables_of_the_one_file_layout_are_replaced_by_datasets(folder):
    out, _, _ = folder
    (out / "cases.parquet").write_bytes(b"a one-file table of an earlier version")
    (out / "_tables.json").write_text(json.dumps({"built_from": "x", "rows": {"cases": 1}}))
    update_tables(out, dict.fromkeys(DOC_IDS, "1"))
    assert (out / "cases.parquet").is_dir()
    assert set(pd.read_parquet(out / "cases.parquet").doc_id) == set(DOC_IDS)


def test_a_table_write_that_fails_lets_go_of_every_part(folder, monkeypatch):
    """A full disk while a document's parts are written: the error is raised, no
    temporary part is left, and every writer is closed (none left to close, and fail
    again, when it is collected)."""
    import errno
    import gc

    out, _, _ = folder
    written = tables_module.DocumentPart.add

    def disk_full_at_cases(part, rows):
        if part.name == "cases":
            raise OSError(errno.ENOSPC, "No space left on device")
        written(part, rows)

    monkeypatch.setattr(tables_module.DocumentPart, "add", disk_full_at_cases)
    opened, make_writer = [], tables_module.parquet_writer

    def kept_writer(path, name):
        opened.append(make_writer(path, name))
        return opened[-1]

    monkeypatch.setattr(tables_module, "parquet_writer", kept_writer)
    with pytest.raises(OSError, match="No space left"):
        update_tables(out, dict.fromkeys(DOC_IDS, "1"))
    gc.collect()
    assert opened and not any(writer.is_open for writer in opened)
    assert not list(out.rglob("*.tmp"))
