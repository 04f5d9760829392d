"""The compact record format: mentions point into the document copy's text; records of
format 1 still read."""

import json

import pytest

from pipeline.errors import RecordError
from pipeline.extract import extract
from pipeline.store import (StoredRecord, folder_records, read_document_record, read_record,
                            update_tables, write_record)
from pipeline.store import records
from pipeline.store.compact import RECORD_FORMAT
from tests.conftest import PDFS, SEEDS

SEED_PATHS = sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def seed_extractions():
    return [extract(path) for path in SEED_PATHS]


def streamed(path):
    record = StoredRecord(path)
    mentions = [m for batch in record.mention_batches() for m in batch]
    return record.head().model_copy(update={"mentions": mentions})


def write_format_1(document, extraction, out):
    """A pair as caselit wrote it before ``record_format``."""
    (out / "_documents").mkdir(parents=True, exist_ok=True)
    (out / "_documents" / f"{document.id}.json").write_text(document.model_dump_json())
    (out / f"{document.id}.json").write_text(extraction.model_dump_json(indent=2))


def test_seed_records_read_back_as_the_extraction_and_document(tmp_path, seed_extractions,
                                                               monkeypatch):
    out = tmp_path / "out"
    for document, extraction in seed_extractions:
        write_record(document, extraction, out)
    for document, extraction in seed_extractions:
        path = out / f"{document.id}.json"
        assert read_record(path) == extraction
        assert read_document_record(out, document.id) == document
    monkeypatch.setattr(records, "STREAMED_BYTES", 100)  # read mention by mention
    monkeypatch.setattr(records, "READ_CHUNK", 256)
    for document, extraction in seed_extractions:
        assert streamed(out / f"{document.id}.json") == extraction


def test_a_record_read_unchecked_gives_its_mentions_fields_as_columns(tmp_path,
                                                                     seed_extractions):
    """The tables' reading of a record (its stored rows straight to columns) gives every
    mention's fields as the Extraction holds them, rows with a trailing object too."""
    from pipeline.store.compact import COLUMN_FIELDS

    trailing = 0
    for document, extraction in seed_extractions:
        path = write_record(document, extraction, tmp_path)
        trailing += sum(len(row) > 6 for row in json.loads(path.read_text())["mentions"])
        batches = list(StoredRecord(path, checked=False).column_batches())
        assert [{name: batch[name][n] for name in COLUMN_FIELDS}
                for batch in batches for n in range(len(batch["id"]))] == [
            {name: getattr(m, name) for name in COLUMN_FIELDS} for m in extraction.mentions]
    assert trailing  # modifiers, fusions, variants, patients


def test_a_seed_pdf_with_its_boxes_reads_back(tmp_path):
    document, extraction = extract(sorted(PDFS.glob("*.pdf"))[0])
    assert any(span.bbox for span in document.source_map)
    write_record(document, extraction, tmp_path)
    assert read_document_record(tmp_path, document.id) == document
    assert read_record(tmp_path / f"{document.id}.json") == extraction


def test_a_record_keeps_its_version_and_no_sentence(tmp_path, seed_extractions):
    document, extraction = seed_extractions[0]
    path = write_record(document, extraction, tmp_path)
    stored = path.read_text()
    assert json.loads(stored)["record_format"] == RECORD_FORMAT
    assert "\n" not in stored
    longest = max((m.sentence for m in extraction.mentions), key=len)
    assert longest in document.text and longest not in stored
    assert path.stat().st_size < len(extraction.model_dump_json()) / 4


def test_a_text_without_sections_reads_back(tmp_path):
    from pipeline.extract import extract_read
    from pipeline.read import text_document

    document = text_document("A 54-year-old man with EML4-ALK lung cancer received "
                             "crizotinib and had a partial response.", "short")
    document = document.model_copy(update={"sections": []})  # a copy leaves out empty lists
    extraction = extract_read(document, "check")
    assert extraction.mentions
    path = write_record(document, extraction, tmp_path)
    assert read_record(path) == extraction
    assert read_document_record(tmp_path, "short") == document


def test_words_that_are_not_the_text_at_their_offsets_are_kept(tmp_path, seed_extractions):
    document, extraction = seed_extractions[1]
    first, second, *rest = extraction.mentions
    odd = [first.model_copy(update={"text": "written otherwise"}),
           second.model_copy(update={"sentence": "A sentence the text does not hold."}),
           *rest]
    changed = extraction.model_copy(update={"mentions": odd})
    write_record(document, changed, tmp_path)
    assert read_record(tmp_path / f"{document.id}.json") == changed


def test_records_of_format_1_still_read_and_fill_the_tables(tmp_path, seed_extractions,
                                                            monkeypatch):
    (old_document, old), (new_document, new) = seed_extractions[:2]
    write_format_1(old_document, old, tmp_path)
    write_record(new_document, new, tmp_path)
    assert read_record(tmp_path / f"{old_document.id}.json") == old
    assert read_document_record(tmp_path, old_document.id) == old_document
    rows = update_tables(tmp_path, folder_records(tmp_path))
    assert rows["mentions"] == len(old.mentions) + len(new.mentions)
    monkeypatch.setattr(records, "STREAMED_BYTES", 100)
    monkeypatch.setattr(records, "READ_CHUNK", 256)
    assert streamed(tmp_path / f"{old_document.id}.json") == old


def test_a_record_without_its_document_copy_says_so(tmp_path, seed_extractions):
    document, extraction = seed_extractions[2]
    path = write_record(document, extraction, tmp_path)
    (tmp_path / "_documents" / f"{document.id}.json").unlink()
    with pytest.raises(RecordError, match="document copy .* is missing"):
        read_record(path)


@pytest.mark.parametrize("piece_chars", [None, "4000"], ids=["whole", "in pieces"])
def test_a_run_commits_the_records_caselit_extract_gives(tmp_path, monkeypatch, piece_chars):
    """What a run's document worker writes reads back as the Python API's extraction,
    also for a document written piece by piece through a MentionFile."""
    import caselit
    from pipeline.read import source_for
    from pipeline.tag import tagger_fingerprint
    from pipeline.worker import extract_and_commit

    if piece_chars:
        monkeypatch.setenv("CASELIT_PIECE_CHARS", piece_chars)
    path = SEED_PATHS[1]
    written, count = extract_and_commit(source_for(path), str(tmp_path), tagger_fingerprint())
    expected = caselit.extract(path)
    stored = read_record(tmp_path / f"{path.stem}.json")
    assert (written.mentions == []) == bool(piece_chars)  # in pieces: into a MentionFile
    assert len(stored.mentions) == count == len(expected.mentions)
    assert stored == expected.model_copy(update={"run": written.run})
    if piece_chars:
        monkeypatch.setattr(records, "STREAMED_BYTES", 100)
        assert streamed(tmp_path / f"{path.stem}.json") == stored


def test_document_copy_is_compact_json_of_the_same_values():
    """The copy, written by orjson, reads as the JSON ``json.dumps`` would
    write of the same fields; box coordinates keep their exact values."""
    from pipeline.store.compact import COMPACT, document_json, document_fields
    from pipeline.schema import Document, Page, SourceFile, SourceSpan

    text = 'Él dijo "ROS1" \\ \u2028 \x01\ttab 😀'
    document = Document(
        id="d", source=SourceFile(path="d.pdf", doc_id="d", sha256="0" * 64, size=1),
        media_type="application/pdf", text=text, pages=[Page(number=1, start=0, end=len(text))],
        source_map=[SourceSpan(start=0, end=2, page=1, source_start=0, source_end=2,
                               bbox=(0.1, 72.00000000000001, 1e-07, 595.2760009765625)),
                    SourceSpan(start=3, end=7, page=1, source_start=3, source_end=7)])
    written = document_json(document)
    data = json.loads(written)
    assert Document.model_validate(document_fields(data)) == document
    assert data["source_map"][0][5:] == [0.1, 72.00000000000001, 1e-07, 595.2760009765625]
    without_tiny = written.replace("1e-7", "1e-07")
    assert without_tiny == json.dumps(data, separators=COMPACT, ensure_ascii=False)


def test_compact_json_writes_what_json_dumps_writes():
    """A record's rows and lists, written by orjson, are the text ``json.dumps`` writes of
    them: compact, not ASCII-escaped, control characters escaped alike, a tuple an array."""
    from pipeline.store.compact import COMPACT, compact_json

    value = [[2, 12, 0, True, 0, 0], [14, 20, 1, 'Él "ROS1" \\ \u2028 \x01\ttab 😀 \x7f', 1, 1,
              {"patient": {"age_years": 0.08333333333333333, "count": 3}, "page": None,
               "in_scope": False, "modifiers": ["negated"]}], (5, 9)]
    assert compact_json(value) == json.dumps(value, separators=COMPACT, ensure_ascii=False)


def test_a_place_is_the_page_and_section_at_its_offset():
    """One look-up gives, at every offset (before, between, on and past pages and
    sections, at the text's end), the page and the section their own look-ups give."""
    from pipeline.store.compact import Derived

    derived = Derived("x" * 40, [{"start": 0, "end": 12, "number": 1},
                                 {"start": 15, "end": 40, "number": 2}],
                      [{"start": 3, "end": 9, "kind": "case", "in_scope": True},
                       {"start": 9, "end": 20, "kind": "references", "in_scope": False},
                       {"start": 30, "end": 35, "kind": "table", "in_scope": True}])
    for offset in range(-2, 44):
        assert derived.place(offset) == (derived.page(offset), *derived.section(offset))


def test_the_places_of_many_offsets_are_each_ones_place():
    """The places of a list of offsets, looked up together, are the place of each, in
    their order, unsorted or not, and with an offset before the text among them."""
    from pipeline.store.compact import Derived

    derived = Derived("x" * 40, [{"start": 2, "end": 12, "number": 1}],
                      [{"start": 9, "end": 20, "kind": "references", "in_scope": False}])
    for offsets in ([0, 1, 2, 9, 12, 20, 39, 40], [40, 3, 3, 15, 0], [5, -1, 9], []):
        assert derived.places_at(offsets) == [derived.place(offset) for offset in offsets]


def test_mentions_of_one_sentence_are_given_its_text_cut_once():
    """Mentions that share a sentence are each given that sentence's text, the same text a
    cut of their own would give, in a text that is not all Latin-1; the sentences are cut
    once each."""
    from pipeline.store.compact import Derived, sentence_texts

    text = "Ein Satz über ALK. Zweiter Satz — mit KRAS G12C."
    derived = Derived(text, [{"start": 0, "end": len(text), "number": 1}], [])
    sentences = [(0, 18), (19, len(text)), (0, 18), (19, len(text)), (0, 18)]
    given = derived.columns(0, [4, 20, 9, 38, 14], [8, 26, 13, 42, 17], sentences)
    assert given["sentence"] == [text[start:end] for start, end in sentences]
    assert sentence_texts(text, sentences) == {(0, 18): text[:18], (19, len(text)): text[19:]}


def test_a_document_copy_keeps_its_fields_in_the_order_pydantic_dumps_them():
    """The source map, made from the spans themselves, stands where model_dump puts it:
    in its field's place before the warnings and metadata, or last when the map is empty
    (model_dump leaves an empty one out), as copies written before it were."""
    from pipeline.schema import ArticleMetadata, Document, Page, SourceFile, SourceSpan
    from pipeline.store.compact import FORMAT_KEY, document_json

    def document(source_map):
        return Document(id="d", source=SourceFile(path="d.xml", doc_id="d", sha256="0" * 64,
                                                  size=1),
                        media_type="application/pdf", text="a text", warnings=["odd"],
                        pages=[Page(number=1, start=0, end=6)], source_map=source_map,
                        metadata=ArticleMetadata(title="A case"))

    mapped = document([SourceSpan(start=0, end=1, page=1, source_start=0, source_end=1,
                                  bbox=(1, 2.5, 3, 4))])
    dumped = list(mapped.model_dump(mode="json", exclude_defaults=True))
    assert list(json.loads(document_json(mapped))) == [FORMAT_KEY, *dumped]
    assert json.loads(document_json(mapped))["source_map"] == [[0, 1, 1, 0, 1, 1.0, 2.5, 3.0, 4.0]]
    unmapped = document([])
    assert list(json.loads(document_json(unmapped))) == [
        FORMAT_KEY, *unmapped.model_dump(mode="json", exclude_defaults=True), "source_map"]
