"""The ingest flow on Prefect's embedded API: isolation, incremental runs, retries."""

import pytest

import flows.ingest as ingest
from pipeline.read import source_for
from pipeline.store import Manifest, read_failures, read_record
from pipeline.tag import tagger_fingerprint
from pipeline.worker import document_workers, extract_document

pytestmark = pytest.mark.flow


@pytest.fixture
def batch_folder(tmp_path, report_text):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(report_text)
    (raw / "empty.txt").write_text("")
    (raw / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x00\x00" * 64)
    return raw, tmp_path / "extracted"


def test_task_logic_runs_without_prefect(batch_folder):
    raw, out = batch_folder
    with document_workers():  # what the flow holds around its chunks
        (done,) = ingest.extract_documents.fn([(source_for(raw / "good.txt"), "new")], str(out),
                                              tagger_fingerprint())
    assert done.status == "done" and done.counts["fusions"] == 1
    assert (out / "good.json").is_file() and (out / "_documents" / "good.json").is_file()
    failed = extract_document(source_for(raw / "empty.txt"), "new", str(out), "x")
    assert failed.status == "failed" and failed.failure.reason == "empty file: no text after decoding"


def test_bad_files_are_listed_and_the_batch_goes_on(prefect_harness, batch_folder):
    raw, out = batch_folder
    summary = ingest.run_ingest([str(raw)], str(out))
    assert (summary.done, summary.skipped, summary.failed) == (1, 0, 2)
    assert sorted(p.name for p in out.glob("*.json")) == ["_failures.json", "_manifest.json",
                                                         "_tables.json", "good.json"]
    reasons = {f.path.split("/")[-1]: f.reason for f in read_failures(out)}
    assert reasons == {"binary.txt": "binary file, not text: NUL byte at offset 6",
                       "empty.txt": "empty file: no text after decoding"}
    assert all((out / f"{table}.parquet" / "good.parquet").is_file()  # a dataset, a part per document
               for table in ("cases", "mentions", "entities"))


def test_unchanged_documents_are_skipped_changed_and_forced_ones_redone(prefect_harness,
                                                                        batch_folder):
    raw, out = batch_folder
    ingest.run_ingest([str(raw / "good.txt")], str(out))
    record = (out / "good.json").read_bytes()
    again = ingest.run_ingest([str(raw / "good.txt")], str(out))
    assert (again.done, again.skipped, again.tables_rebuilt) == (0, 1, False)
    assert (out / "good.json").read_bytes() == record
    with (raw / "good.txt").open("a") as handle:
        handle.write("\nShe remains on lorlatinib.\n")
    changed = ingest.run_ingest([str(raw / "good.txt")], str(out))
    assert [(o.doc_id, o.reason) for o in changed.outcomes] == [("good", "changed")]
    forced = ingest.run_ingest([str(raw / "good.txt")], str(out), force=True)
    assert [(o.doc_id, o.reason) for o in forced.outcomes] == [("good", "forced")]


def test_a_document_that_turns_bad_keeps_its_last_good_record(prefect_harness, batch_folder,
                                                              report_text):
    raw, out = batch_folder
    (raw / "other.txt").write_text(report_text.replace("58-year-old", "61-year-old"))
    ingest.run_ingest([str(raw / "good.txt"), str(raw / "other.txt")], str(out))
    before = {name: (out / name).read_bytes() for name in ("good.json", "other.json")}
    (raw / "good.txt").write_bytes(b"\x00\x01 corrupted on the shared drive")
    summary = ingest.run_ingest([str(raw / "good.txt"), str(raw / "other.txt")], str(out))
    assert (summary.done, summary.skipped, summary.failed) == (0, 1, 1)
    assert {name: (out / name).read_bytes() for name in before} == before


def test_a_poison_text_is_a_named_failure_and_the_rest_of_its_batch_is_extracted(
        prefect_harness, tmp_path):
    """200,000 brackets took hours to tokenize and hung the run with no manifest and no
    tables; the 20 reports beside it were redone by every re-run."""
    from tests.flows.conftest import write_reports

    raw, out = write_reports(tmp_path / "raw", 20), tmp_path / "out"
    (raw / "poison.txt").write_text("(" * 200_000)
    summary = ingest.run_ingest([str(raw)], str(out))
    assert (summary.done, summary.failed) == (20, 1)
    assert summary.failures[0].reason.startswith("a run of 200,000 characters without a space")
    assert len(Manifest.load(out).entries) == 20 and (out / "_tables.json").is_file()
    again = ingest.run_ingest([str(raw)], str(out))
    assert (again.done, again.skipped, again.failed) == (0, 20, 1)


def test_with_gold_the_flow_writes_reports_and_publishes_an_artifact(prefect_harness, tmp_path,
                                                                     report_text):
    import asyncio

    import yaml
    from prefect.client.orchestration import get_client

    raw, out, gold = tmp_path / "raw", tmp_path / "out", tmp_path / "gold"
    raw.mkdir()
    gold.mkdir()
    (raw / "case.txt").write_text(report_text)
    (gold / "case.yaml").write_text(yaml.safe_dump({"document": {"id": "case"},
                                                    "genes": ["ALK", "EML4"]}))
    summary = ingest.run_ingest([str(raw)], str(out), gold_dir=str(gold))
    assert summary.diff is not None and summary.diff.documents == ["case"]
    assert summary.diff.score("genes").f1 == 1.0
    assert sorted(p.name for p in (out / "_diff").iterdir()) == ["diff.html", "diff.json", "diff.md"]

    async def latest_artifact():
        async with get_client() as client:
            from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
            from prefect.client.schemas.sorting import ArtifactSort

            # the newest: other tests' runs publish under the same key
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["caselit-gold-diff"])),
                sort=ArtifactSort.CREATED_DESC, limit=1)
            return found[0] if found else None

    artifact = asyncio.run(latest_artifact())
    assert artifact is not None and "| genes | 2 | 0 | 0 |" in artifact.data


def test_a_same_stem_file_from_another_folder_is_refused_while_the_first_exists(
        prefect_harness, tmp_path, report_text):
    first, second, out = tmp_path / "a" / "doc0000.txt", tmp_path / "b" / "doc0000.txt", tmp_path / "out"
    for path, age in ((first, "58"), (second, "71")):
        path.parent.mkdir()
        path.write_text(report_text.replace("58", age))
    ingest.run_ingest([str(first)], str(out))
    record = (out / "doc0000.json").read_bytes()
    refused = ingest.run_ingest([str(second)], str(out))
    assert (refused.done, refused.failed) == (0, 1)
    (failure,) = refused.failures
    assert failure.path == str(second) and failure.stage == "discover"
    assert failure.reason == (f"document id 'doc0000' is taken in {out} by {first}, a different "
                              "file; rename one of the two (records are named by the file's stem)")
    assert (out / "doc0000.json").read_bytes() == record
    first.unlink()  # the report moved: the id passes to the file found now
    moved = ingest.run_ingest([str(second)], str(out))
    assert [(o.doc_id, o.reason, o.status) for o in moved.outcomes] == [("doc0000", "changed", "done")]
    assert read_record(out / "doc0000.json").cases[0].age_years == 71


def test_the_manifest_records_the_bytes_read_not_the_file_as_listed(tmp_path, report_text):
    """A file modified during the run was recorded with the old hash and size."""
    from pipeline.batch import plan_batch

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "case.txt").write_text(report_text)
    ((listed, reason),) = plan_batch([raw], out).todo
    (raw / "case.txt").write_text(report_text + "She remains on lorlatinib.\n")
    outcome = extract_document(listed, reason, str(out), tagger_fingerprint())
    assert outcome.status == "done" and "changed after the run listed it" in outcome.warnings[0]
    entry = Manifest.load(out).entries["case"]
    assert entry.sha256 == source_for(raw / "case.txt").sha256 != listed.sha256
    assert plan_batch([raw], out).skipped  # what was extracted is what is there now


@pytest.mark.parametrize("count", [1, 3, 10, 100, 1000])
def test_chunks_take_the_documents_in_order_and_shrink_towards_the_end(count):
    todo = list(range(count))
    parts = ingest.chunks(todo, workers=2)
    sizes = [len(part) for part in parts]
    assert [item for part in parts for item in part] == todo
    assert sizes == sorted(sizes, reverse=True) and max(sizes) <= ingest.MAX_CHUNK
    # the last chunks are small, so the two workers finish within a few documents
    assert sizes[-1] <= ingest.MIN_CHUNK
    if count == 1000:
        assert len(parts) < 1000 / 16 and sizes[0] == ingest.MAX_CHUNK


@pytest.mark.parametrize("count", [1, 10, 64, 65, 1000])
def test_one_worker_takes_the_documents_in_order_in_chunks_as_large_as_allowed(count):
    todo = list(range(count))
    parts = ingest.chunks(todo, workers=1)
    assert [item for part in parts for item in part] == todo
    assert [len(part) for part in parts[:-1]] == [ingest.MAX_CHUNK] * (len(parts) - 1)
    assert len(parts) == -(-count // ingest.MAX_CHUNK)  # ten changed documents: one task
