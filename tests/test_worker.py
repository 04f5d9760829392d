"""Document workers: each document in a child process, stopped at its limits of time and
memory, or when its process dies, while the rest of the chunk goes on."""

import errno
import os
import signal
import threading

import pytest

from pipeline.read import source_for
from pipeline.tag import tagger_fingerprint
from pipeline.worker import POOL, document_workers, extract_chunk, extract_document
from tests.flows.conftest import SLOW_TEXT

pytestmark = pytest.mark.faults



@pytest.fixture
def folder(tmp_path, report_text):
    (tmp_path / "good.txt").write_text(report_text)
    return tmp_path


def run_chunk(folder, names):
    with document_workers():
        return extract_chunk([(source_for(folder / name), "new") for name in names],
                             str(folder / "out"), tagger_fingerprint())


def test_the_per_document_work_retries_io_errors_and_lists_bugs(folder, monkeypatch):
    """What a worker runs, run here: transient I/O is retried, a full disk is not (it
    stops the run), a bug is that document's failure."""
    import pipeline.extract
    import pipeline.store

    real_write, calls = pipeline.store.write_record, []

    def flaky_write(document, extraction, out_dir):
        calls.append(document.id)
        if len(calls) == 1:
            raise OSError(5, "Input/output error on the network drive")
        return real_write(document, extraction, out_dir)

    monkeypatch.setattr(pipeline.store, "write_record", flaky_write)
    done = extract_document(source_for(folder / "good.txt"), "new", str(folder / "out"), "fp")
    assert calls == ["good", "good"] and done.status == "done"

    def full_disk(document, extraction, out_dir):
        calls.append(document.id)
        raise OSError(errno.ENOSPC, "No space left on device", f"{out_dir}/good.json")

    monkeypatch.setattr(pipeline.store, "write_record", full_disk)
    calls.clear()
    stopped = extract_document(source_for(folder / "good.txt"), "new", str(folder / "out"), "fp")
    assert calls == ["good"] and stopped.failure.error == "ENOSPC"  # not retried
    assert stopped.failure.reason.startswith("no space left on device (ENOSPC) while writing ")

    def tag_with_a_bug(document):
        raise RuntimeError("tagger bug")

    monkeypatch.setattr(pipeline.extract, "tag", tag_with_a_bug)
    failed = extract_document(source_for(folder / "good.txt"), "new", str(folder / "out"), "fp")
    assert (failed.failure.stage, failed.failure.reason) == ("extract", "RuntimeError: tagger bug")


def test_a_document_past_its_time_is_stopped_and_named_and_the_next_is_extracted(folder,
                                                                               monkeypatch):
    (folder / "slow.txt").write_text(SLOW_TEXT)
    megabytes = (folder / "slow.txt").stat().st_size / 2**20
    monkeypatch.setenv("CASELIT_DOC_SECONDS", "4")  # a short report takes well under 1 s
    monkeypatch.setenv("CASELIT_DOC_SECONDS_PER_MB", "1")
    slow, good = run_chunk(folder, ["slow.txt", "good.txt"])
    assert slow.status == "failed" and slow.failure.reason == (
        f"took longer than {4 + megabytes:.0f} s, the limit for a file of {megabytes:.1f} MB "
        "(CASELIT_DOC_SECONDS + CASELIT_DOC_SECONDS_PER_MB per MB); stopped")
    assert good.status == "done" and (folder / "out" / "good.json").is_file()
    assert not (folder / "out" / "slow.json").exists()


def test_a_document_past_its_memory_is_stopped_and_named(folder, monkeypatch, report_text):
    # a worker holds about 250 MB after a report (the tagger); reading 12 MB of text takes
    # 50 more within two seconds
    (folder / "big.txt").write_text("\n\n".join([report_text] * 16000))
    monkeypatch.setenv("CASELIT_DOC_MEMORY_MB", "300")
    good, big = run_chunk(folder, ["good.txt", "big.txt"])
    assert good.status == "done"
    assert big.status == "failed" and big.failure.reason.startswith("its worker reached ")
    assert big.failure.reason.endswith(
        "MB of memory, over the limit of 300 MB (CASELIT_DOC_MEMORY_MB); stopped")


def test_a_worker_that_dies_fails_its_document_only(folder, monkeypatch):
    (folder / "slow.txt").write_text(SLOW_TEXT)

    def kill_the_busy_worker():  # as the kernel's OOM killer would
        while not POOL.busy or next(iter(POOL.busy)).process is None:
            threading.Event().wait(0.05)
        threading.Event().wait(0.5)
        os.kill(next(iter(POOL.busy)).process.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_busy_worker)
    killer.start()
    slow, good = run_chunk(folder, ["slow.txt", "good.txt"])
    killer.join()
    assert slow.failure.reason == "its worker process died (killed by SIGKILL)"
    assert good.status == "done"
