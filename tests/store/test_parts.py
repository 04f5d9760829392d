"""A document's table parts staged by the worker that extracted it: the same bytes as a
build from its record, used only for the commit they were built for, and only whole."""

import shutil

import pandas as pd
import pyarrow as pa
import pytest

from pipeline.store import TABLES, update_tables
from pipeline.store.parts import SCHEMAS, STAGED, stage_document, staged_path


def test_the_declared_schemas_are_those_pandas_gives_for_the_declared_dtypes():
    for name, columns in TABLES.items():
        from_pandas = pa.Schema.from_pandas(pd.DataFrame(columns=list(columns)).astype(columns),
                                            preserve_index=False)
        assert SCHEMAS[name].remove_metadata().equals(from_pandas.remove_metadata())
        read_back = pa.table({c: pa.array([], t) for c, t in zip(SCHEMAS[name].names,
                                                                  SCHEMAS[name].types)},
                             schema=SCHEMAS[name]).to_pandas()
        assert {c: str(t) for c, t in read_back.dtypes.items()} == columns


def table_files(out):
    return {path.relative_to(out): path.read_bytes()
            for name in TABLES for path in [*sorted((out / f"{name}.parquet").iterdir()),
                                            out / f"{name}.csv.gz"]}


@pytest.fixture
def from_record(extracted, tmp_path):
    """The tables of the report built from its record alone, in another folder."""
    out, _, _ = extracted
    other = tmp_path / "from-record"
    shutil.copytree(out, other)
    update_tables(other, {"case": "1"})
    return table_files(other)


def test_staged_parts_are_moved_into_place_without_reading_the_record(extracted, from_record):
    out, _, extraction = extracted
    stage_document(out, extraction, "1")
    (out / "case.json").write_text("not a record")  # a staged document's record is not read
    rows = update_tables(out, {"case": "1"})
    assert table_files(out) == from_record
    assert rows["mentions"] == len(extraction.mentions)
    assert not (out / STAGED).exists()


def test_parts_staged_for_another_commit_are_not_used(extracted, from_record):
    out, _, extraction = extracted
    stage_document(out, extraction.model_copy(update={"cases": []}), "an earlier commit")
    update_tables(out, {"case": "1"})
    assert table_files(out) == from_record
    assert not (out / STAGED).exists()


@pytest.mark.parametrize("damage", ["torn", "flipped"])
def test_a_damaged_staged_file_is_not_used(extracted, from_record, damage):
    out, _, extraction = extracted
    path = stage_document(out, extraction.model_copy(update={"cases": []}), "1")
    data = bytearray(path.read_bytes())
    if damage == "torn":  # a crash before its bytes reached the disk
        del data[len(data) // 2:]
    else:
        data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    update_tables(out, {"case": "1"})
    assert table_files(out) == from_record


def test_a_staged_document_is_one_file_named_by_its_id(extracted):
    out, _, extraction = extracted
    assert stage_document(out, extraction, "1") == staged_path(out, "case")
    assert [path.name for path in (out / STAGED).iterdir()] == ["case.tables"]
