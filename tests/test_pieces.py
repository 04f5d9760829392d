"""Long documents tagged and assembled piece by piece, and joined into one record."""

import gzip

import pytest

from pipeline.assemble.entities import entity_sets
from pipeline.pieces import extract_in_pieces, piece_bounds
from pipeline.read import read_document
from pipeline.store import (MentionFile, folder_records, read_record, update_tables,
                            write_record)
from pipeline.tag import tagger_fingerprint

PIECE = 700


@pytest.fixture
def long_document(tmp_path, report_text):
    """Four reports, one after the other, in one file of about 2,700 characters."""
    reports = [report_text.replace("58-year-old", f"{50 + n}-year-old") for n in range(4)]
    path = tmp_path / "book.txt"
    path.write_text("\n\n".join(reports))
    return read_document(path)


@pytest.fixture
def joined(long_document):
    mentions = []
    extraction = extract_in_pieces(long_document, tagger_fingerprint(), PIECE, mentions.extend)
    return long_document, extraction, mentions


def test_pieces_cover_the_text_within_the_size_and_end_where_sections_start(long_document):
    bounds = piece_bounds(long_document, PIECE)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(long_document.text)
    assert all(end == next_start for (_, end), (next_start, _) in zip(bounds, bounds[1:]))
    assert all(end - start <= PIECE for start, end in bounds)
    section_starts = {section.start for section in long_document.sections}
    assert all(end in section_starts for _, end in bounds[:-1])


def test_joined_mentions_point_into_the_whole_text_and_are_numbered_on(joined):
    document, extraction, mentions = joined
    assert [m.id for m in mentions] == [f"m{n}" for n in range(1, len(mentions) + 1)]
    assert all(document.text[m.start:m.end] == m.text for m in mentions)
    assert all(document.text[m.sentence_start:m.sentence_end] == m.sentence for m in mentions)
    assert extraction.mentions == []  # they went to the sink


def test_joined_cases_are_named_by_their_piece_and_their_evidence_is_the_joined_mentions(joined):
    _, extraction, mentions = joined
    ids = [case.case_id for case in extraction.cases]
    assert ids[0] == "index" and len(set(ids)) == len(ids) == 4
    assert all(case_id.startswith("part") for case_id in ids[1:])
    assert sorted(case.age_years for case in extraction.cases) == [50, 51, 52, 53]
    known = {m.id for m in mentions}
    assert all(set(found) <= known for case in extraction.cases for found in case.evidence.values())


def test_the_document_sets_are_those_of_all_its_mentions(joined):
    _, extraction, mentions = joined
    sets = entity_sets(mentions)
    assert {name: getattr(extraction, name) for name in sets} == sets
    assert "EML4::ALK" in [fusion.name for fusion in extraction.fusions]


def csv_text(out, name):
    return gzip.decompress((out / f"{name}.csv.gz").read_bytes()).decode("utf-8")


def test_a_record_written_piece_by_piece_reads_as_the_joined_extraction(tmp_path, joined,
                                                                       monkeypatch):
    from pipeline.store import records

    document, extraction, mentions = joined
    out = tmp_path / "out"
    with MentionFile(out, document) as file:
        file.add(mentions[:10])
        file.add(mentions[10:])
        write_record(document, extraction, out, mentions=file)
    assert read_record(out / "book.json") == extraction.model_copy(update={"mentions": mentions})
    whole = update_tables(out, folder_records(out))
    whole_tables = {name: csv_text(out, name) for name in whole}
    monkeypatch.setattr(records, "STREAMED_BYTES", 100)  # read it mention by mention
    monkeypatch.setattr(records, "READ_CHUNK", 64)
    (out / "_tables.json").unlink()  # so the record is read again, streamed
    assert update_tables(out, folder_records(out)) == whole
    assert {name: csv_text(out, name) for name in whole} == whole_tables
    assert not list(out.glob(".*.tmp"))
