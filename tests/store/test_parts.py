"""A document's table parts staged by the run that committed it: the same bytes as a
build from its record, used only for the commit they were built for, and only whole."""

import json
import shutil

import pandas as pd
import pyarrow as pa
import pytest

from pipeline.store import TABLES, StoredRecord, update_tables, write_record
from pipeline.store.parts import SCHEMAS, STAGED, StagedFile, staged_entry
from pipeline.store.tables import TableStager
from tests.conftest import PDFS, SEEDS


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


def without_cases(extracted, tmp_path):
    """The report's record with no cases, in another folder: staged parts that differ
    from those of the record in ``extracted``."""
    out, document, extraction = extracted
    other = tmp_path / "without-cases"
    write_record(document, extraction.model_copy(update={"cases": []}), other)
    return StoredRecord(other / "case.json")


def stage(out, record, stamp):
    """``record`` staged for ``stamp`` in a staged file of ``out`` of its own; its path."""
    with StagedFile(out) as staged:
        staged.add(record, stamp)
    return staged.path


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
    stage(out, StoredRecord(out / "case.json"), "1")
    (out / "case.json").write_text("not a record")  # a staged document's record is not read
    rows = update_tables(out, {"case": "1"})
    assert table_files(out) == from_record
    assert rows["mentions"] == len(extraction.mentions)
    assert not (out / STAGED).exists()


def test_parts_staged_for_another_commit_are_not_used(extracted, from_record, tmp_path):
    out, _, _ = extracted
    stage(out, without_cases(extracted, tmp_path), "an earlier commit")
    update_tables(out, {"case": "1"})
    assert table_files(out) == from_record
    assert not (out / STAGED).exists()


def test_a_document_without_patients_is_staged_with_the_empty_parts_its_record_gives(
        extracted, tmp_path):
    """Its cases, therapy lines and events have no rows: their parts, written once for
    every document, are the bytes a part built from its record holds, and read back as
    empty frames of the declared dtypes."""
    record = without_cases(extracted, tmp_path)
    out = record.path.parent
    built = tmp_path / "built"
    shutil.copytree(out, built)
    update_tables(built, {"case": "1"})
    stage(out, record, "1")
    record.path.write_text("not a record")  # the staged parts are the ones used
    staged = update_tables(out, {"case": "1"})
    assert table_files(out) == table_files(built)
    for name in ("cases", "therapy_lines", "events"):
        assert staged[name] == 0
        frame = pd.read_parquet(out / f"{name}.parquet")
        assert frame.empty and {c: str(t) for c, t in frame.dtypes.items()} == TABLES[name]


@pytest.mark.parametrize("damage", ["torn", "flipped", "header"])
def test_a_damaged_staged_entry_is_not_used(extracted, from_record, tmp_path, damage):
    out, _, _ = extracted
    path = stage(out, without_cases(extracted, tmp_path), "1")
    data = bytearray(path.read_bytes())
    if damage == "torn":  # a crash before its bytes reached the disk
        del data[len(data) // 2:]
    elif damage == "flipped":
        data[-10] ^= 0xFF
    else:
        data[:data.index(b"\n")] = b'{"doc_id": "case", "stamp": "1"}'
    path.write_bytes(bytes(data))
    update_tables(out, {"case": "1"})
    assert table_files(out) == from_record


def test_a_damaged_entry_leaves_the_next_ones_of_its_file_usable(extracted, from_record,
                                                                 tmp_path):
    """A payload that fails its CRC is passed over by its sizes; the entry after it (the
    same document staged for its commit again) is used."""
    out, _, _ = extracted
    path = stage(out, without_cases(extracted, tmp_path), "1")
    damaged = bytearray(path.read_bytes())
    damaged[-10] ^= 0xFF
    path.write_bytes(bytes(damaged) + staged_entry(StoredRecord(out / "case.json"), "1"))
    (out / "case.json").write_text("not a record")  # taken from the second entry
    update_tables(out, {"case": "1"})
    assert table_files(out) == from_record


def test_a_run_appends_the_documents_it_stages_to_one_file(extracted, tmp_path):
    out, _, _ = extracted
    other = without_cases(extracted, tmp_path)
    with StagedFile(out) as staged:
        staged.add(StoredRecord(out / "case.json"), "1")
        staged.add(other, "2")
    assert [path.name for path in (out / STAGED).iterdir()] == [staged.path.name]
    assert staged.path.read_bytes() == (staged_entry(StoredRecord(out / "case.json"), "1")
                                        + staged_entry(other, "2"))


def test_the_stager_stages_committed_documents_for_their_commit(extracted, from_record):
    """What a run does: documents staged while the workers extract others, then the
    update takes them in; one whose record cannot be read is left to the update."""
    from pipeline.read import source_for
    from pipeline.store.manifest import stamp_of

    out, _, extraction = extracted
    source = source_for(out.parent / "raw" / "case.txt")
    gone = source.model_copy(update={"doc_id": "gone"})
    with TableStager(out, "a fingerprint") as stager:
        stager.add(gone, extraction.run.extracted_at)
        stager.add(source, extraction.run.extracted_at)
    stamp = stamp_of(source, "a fingerprint", extraction.run.extracted_at)
    assert len(list((out / STAGED).iterdir())) == 1
    (out / "case.json").write_text("not a record")  # taken from the staged parts
    update_tables(out, {"case": stamp})
    assert table_files(out) == from_record


def test_a_record_read_unchecked_stages_the_same_parts(tmp_path):
    """The stager reads its workers' records without validating each mention again: the
    same parts for the seed reports and a seed PDF, whose mentions have modifiers,
    fusions, variants and patients."""
    from pipeline.extract import extract

    found = set()
    for source in [*sorted(SEEDS.glob("*.txt")), sorted(PDFS.glob("*.pdf"))[0]]:
        document, extraction = extract(source)
        found |= {name for name in ("modifiers", "fusion", "variant", "patient")
                  if any(getattr(m, name) for m in extraction.mentions)}
        record = write_record(document, extraction, tmp_path)
        checked = staged_entry(StoredRecord(record), "1")
        unchecked = staged_entry(StoredRecord(record, checked=False), "1")
        assert unchecked == checked, source.name
    assert found == {"modifiers", "fusion", "variant", "patient"}


def test_a_record_read_unchecked_is_still_checked_but_for_its_mentions(extracted):
    from pipeline.errors import RecordError

    out, _, _ = extracted
    record = json.loads((out / "case.json").read_text(encoding="utf-8"))
    record["cases"] = "not a list"
    (out / "case.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(RecordError, match="cases"):
        staged_entry(StoredRecord(out / "case.json", checked=False), "1")


def test_a_mentions_part_dictionary_encodes_its_repeating_text_columns_only():
    import pyarrow.parquet as pq

    from pipeline.store.parts import DICTIONARY_COLUMNS, parquet_writer

    sentence = "An EML4-ALK fusion was found; crizotinib was started."
    rows = [{"doc_id": "case", "mention_id": f"m{n}", "type": "gene", "text": text,
             "start": start, "end": start + len(text), "sentence": sentence, "rule": "gene.symbol"}
            for n, (text, start) in enumerate([("EML4", 3), ("ALK", 8)], start=1)]
    sink = pa.BufferOutputStream()
    writer = parquet_writer(sink, "mentions")
    writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS["mentions"]))
    writer.close()
    part = pq.ParquetFile(pa.BufferReader(sink.getvalue()))
    chunks = part.metadata.row_group(0)
    encoded = {chunks.column(i).path_in_schema for i in range(chunks.num_columns)
               if "RLE_DICTIONARY" in chunks.column(i).encodings}
    assert encoded == set(DICTIONARY_COLUMNS["mentions"])
    assert part.read().to_pandas()[["mention_id", "sentence"]].values.tolist() == [
        ["m1", sentence], ["m2", sentence]]


def test_evidence_counts_mentions_in_scope_with_a_normal_form_and_keeps_the_first_over_batches():
    from pipeline.store.parts import Evidence

    def batch(*mentions):
        fields = ("id", "type", "normalised", "in_scope", "sentence")
        return {field: [mention[index] for mention in mentions]
                for index, field in enumerate(fields)}

    evidence = Evidence()
    evidence.add(batch(("m0", "gene", "ALK", False, "out of scope"),
                       ("m1", "gene", "ALK", True, "first ALK"),
                       ("m2", "drug", None, True, "no normal form"),
                       ("m3", "gene", "ALK", True, "second ALK"),
                       ("m4", "drug", "crizotinib", True, "first crizotinib")))
    evidence.add(batch(("m5", "gene", "ALK", True, "third ALK"),
                       ("m6", "gene", "ROS1", True, "first ROS1")))
    assert evidence.seen == {("gene", "ALK"): (3, "m1", "first ALK"),
                             ("drug", "crizotinib"): (1, "m4", "first crizotinib"),
                             ("gene", "ROS1"): (1, "m6", "first ROS1")}
