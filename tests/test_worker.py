"""Document workers: each document in a child process, stopped at its limits of time and
memory, or when its process dies, while the rest of the chunk goes on."""

import errno
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from pipeline.collector import DOCUMENT_THRESHOLD
from pipeline.extract import extract_read
from pipeline.faults import STALL_AT
from pipeline.read import read_text, source_for
from pipeline.tag import tagger_fingerprint
from pipeline.settings import get_limits
from pipeline.schema import Extraction, SourceFile
from pipeline.store import read_record
from pipeline.worker import (PLAN_BYTES, POOL, WARM_UP_TEXT, WORKER_START_BYTES, Ahead,
                             DocumentWorker, Job, Plan, document_workers, extract_chunk,
                             extract_document, plan_for, workers_for)
from tests.conftest import ROOT

pytestmark = pytest.mark.faults



@pytest.fixture
def folder(tmp_path, report_text):
    (tmp_path / "good.txt").write_text(report_text)
    return tmp_path


@pytest.fixture
def stalled(folder, monkeypatch, report_text):
    """``slow.txt``: a report whose reading never ends (a stall point), on any machine."""
    (folder / "slow.txt").write_text(report_text)
    monkeypatch.setenv(STALL_AT, "read:slow.txt")
    return folder / "slow.txt"


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


def test_a_document_past_its_time_is_stopped_and_named_and_the_next_is_extracted(
        folder, stalled, monkeypatch):
    megabytes = stalled.stat().st_size / 2**20
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


def test_a_worker_that_dies_fails_its_document_only(folder, stalled):
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



def test_a_worker_outlives_the_thread_that_asked_for_it(folder):
    """The parent-death signal comes when the *thread* that started a process ends: a
    worker asked for by a short-lived thread (one starting workers ahead of a run, a task
    runner's) is started by a thread that lives as long as the process."""
    worker = DocumentWorker()

    def start_and_wait():
        worker.start()
        assert worker.connection.poll(300)  # ready: it has asked for the signal

    asking = threading.Thread(target=start_and_wait)
    asking.start()
    asking.join()
    started = worker.process.pid
    job = Job(source_for(folder / "good.txt"), "new", str(folder / "out"), tagger_fingerprint())
    try:
        good = worker.extract(job, get_limits(), threading.Event())
        assert good.status == "done" and worker.process.pid == started
    finally:
        worker.kill()


def sources_of(*sizes: int) -> list[SourceFile]:
    return [SourceFile(path=f"/in/{n}.txt", doc_id=str(n), sha256="0" * 64, size=size)
            for n, size in enumerate(sizes)]


def test_a_batch_gets_one_worker_per_tagger_load_of_work():
    ten_reports = sources_of(*[16_000] * 10)  # 160 KB: less than one worker's start
    assert workers_for(ten_reports, 8) == 1
    assert workers_for(sources_of(WORKER_START_BYTES, 1), 8) == 2
    assert workers_for(sources_of(*[WORKER_START_BYTES] * 5), 8) == 5
    assert workers_for(sources_of(*[WORKER_START_BYTES] * 5), 2) == 2  # --workers: at most
    assert workers_for(sources_of(10 * WORKER_START_BYTES), 8) == 1  # one per document
    assert workers_for(sources_of(0), 8) == 1 and workers_for([], 4) == 1


def test_threads_beyond_the_pools_most_wait_for_its_worker(folder, monkeypatch):
    """Two chunks at once on a pool of at most one worker: one worker process, which does
    both chunks' documents, one chunk after the other."""
    (folder / "other.txt").write_text((folder / "good.txt").read_text())
    started, real_start = [], DocumentWorker.start

    def counted_start(worker):
        real_start(worker)
        started.append(worker.process.pid)

    monkeypatch.setattr(DocumentWorker, "start", counted_start)
    outcomes = []

    def chunk(name):
        outcomes.extend(extract_chunk([(source_for(folder / name), "new")],
                                      str(folder / "out"), tagger_fingerprint()))

    with document_workers(most=1):
        threads = [threading.Thread(target=chunk, args=(name,))
                   for name in ("good.txt", "other.txt")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(o.doc_id for o in outcomes if o.status == "done") == ["good", "other"]
    assert len(started) == 1


def test_a_worker_warms_up_on_a_report_that_reaches_every_tagger():
    """What a worker extracts as it starts, before its first document, goes through every
    tagger and the assembly of a case."""
    warm = extract_read(read_text(WARM_UP_TEXT, "warm-up"), "warm-up")
    assert {"gene", "fusion", "variant", "drug", "patient", "response"} <= {
        mention.type for mention in warm.mentions}
    assert len(warm.cases) == 1


def test_a_worker_leaves_what_it_loaded_out_of_garbage_collection():
    """A worker freezes what it loaded before its first document (the tagger and what
    its warm-up built), so the collector's passes skip it, and has the collector on for
    its documents, collecting seldom (:func:`~pipeline.collector.collected_seldom`) while
    it waits for and does its jobs; in a process of its own, as a worker is."""
    code = ("import gc, os\n"
            "from pipeline import worker\n"
            "class Pipe:\n"
            "    def send(self, message): print('sent', message, gc.get_freeze_count(), gc.isenabled())\n"
            "    def recv(self):\n"
            "        print('waits', gc.get_threshold()[0])\n"
            "        raise EOFError\n"
            "worker.serve_documents(Pipe(), os.getppid())\n")
    printed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    sent, message, frozen, collecting, waits, threshold = printed.stdout.split()
    assert (sent, message, collecting) == ("sent", "ready", "True")
    assert int(frozen) > 100_000  # the tagger's lexicons among them
    assert (waits, int(threshold)) == ("waits", DOCUMENT_THRESHOLD)


def test_a_warmed_up_worker_extracts_as_a_new_process_does(folder):
    """The warm-up leaves nothing that changes a document's extraction: a worker's record
    (warm-up, then the document) is what ``caselit extract`` prints in a new process."""
    run_chunk(folder, ["good.txt"])
    in_worker = read_record(folder / "out" / "good.json")
    printed = subprocess.run([sys.executable, "-m", "caselit.cli", "extract",
                              str(folder / "good.txt")], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    in_new_process = Extraction.model_validate_json(printed)
    assert in_worker.mentions and in_worker.cases
    assert (in_worker.model_dump(exclude={"run", "document"})
            == in_new_process.model_dump(exclude={"run", "document"}))


class Pipe:
    """The worker's end of its pipe, as :meth:`Ahead.extract` asks it: a job waiting?"""

    def __init__(self, waiting: bool = False):
        self.waiting = waiting

    def poll(self) -> bool:
        return self.waiting


def record_without_run(path):
    return read_record(path).model_dump(exclude={"run"})


def test_a_run_of_one_worker_plans_its_first_documents_up_to_a_worker_start():
    todo = [(source, "new") for source in sources_of(200_000, 200_000, 200_000, 10)]
    plan = plan_for(todo, "fp", 1)
    assert plan.sources == tuple(source for source, _ in todo[:2]) and plan.fingerprint == "fp"
    assert sum(source.size for source in plan.sources) <= PLAN_BYTES
    assert plan_for(todo, "fp", 2) is None  # which worker gets which document is not known
    assert plan_for([], "fp", 1) is None


def test_a_document_extracted_ahead_is_written_and_committed_as_if_extracted_then(
        folder, monkeypatch):
    import pipeline.extract

    source, fingerprint = source_for(folder / "good.txt"), tagger_fingerprint()
    extract_document(source, "new", str(folder / "plain"), fingerprint)
    ahead = Ahead()
    ahead.extract(Plan((source,), fingerprint), Pipe())

    def not_again(document, fingerprint):
        raise AssertionError("extracted again")

    monkeypatch.setattr(pipeline.extract, "extract_read", not_again)
    extracting = ahead.done[source.doc_id].seconds
    done = extract_document(source, "new", str(folder / "out"), fingerprint, ahead)
    assert done.status == "done" and not ahead.done
    assert done.seconds > extracting  # the document's time includes its extraction ahead
    assert (record_without_run(folder / "out" / "good.json")
            == record_without_run(folder / "plain" / "good.json"))


def test_what_was_extracted_ahead_of_another_file_fingerprint_or_settings_is_not_taken(
        folder, monkeypatch):
    source, fingerprint = source_for(folder / "good.txt"), tagger_fingerprint()
    ahead = Ahead()
    ahead.extract(Plan((source,), fingerprint), Pipe())
    assert ahead.take(source, "another fingerprint") == (None, None)

    ahead.extract(Plan((source,), fingerprint), Pipe())
    monkeypatch.setenv("CASELIT_DOC_SECONDS", "300")
    assert ahead.take(source, fingerprint) == (None, None)
    monkeypatch.delenv("CASELIT_DOC_SECONDS")

    ahead.extract(Plan((source,), fingerprint), Pipe())
    (folder / "good.txt").write_text((folder / "good.txt").read_text())  # same bytes, rewritten
    os.utime(folder / "good.txt", ns=(1, 1))
    assert ahead.take(source, fingerprint) == (None, None)

    ahead.extract(Plan((source,), fingerprint), Pipe())
    (folder / "good.txt").write_text("A 70-year-old man with a KRAS G12C mutation.\n")
    changed = source_for(folder / "good.txt")
    done = extract_document(changed, "changed", str(folder / "out"), fingerprint, ahead)
    extract_document(changed, "changed", str(folder / "plain"), fingerprint)
    assert done.status == "done" and not ahead.done
    assert (record_without_run(folder / "out" / "good.json")
            == record_without_run(folder / "plain" / "good.json"))


def test_a_job_waiting_stops_the_extraction_ahead(folder):
    ahead = Ahead()
    ahead.extract(Plan((source_for(folder / "good.txt"),), tagger_fingerprint()), Pipe(True))
    assert not ahead.done


def test_a_worker_started_ahead_with_a_plan_extracts_its_documents_as_any_other(folder):
    """The worker a run starts ahead is sent the run's plan first; the run's jobs for
    those documents then give the records a worker without a plan gives."""
    (folder / "other.txt").write_text((folder / "good.txt").read_text().replace("woman", "man"))
    todo = [(source_for(folder / name), "new") for name in ("good.txt", "other.txt")]
    run_chunk(folder, ["good.txt", "other.txt"])
    with document_workers():
        POOL.start_ahead(1, plan_for(todo, tagger_fingerprint(), 1))
        outcomes = extract_chunk(todo, str(folder / "ahead"), tagger_fingerprint())
    assert [outcome.status for outcome in outcomes] == ["done", "done"]
    for name in ("good", "other"):
        assert (record_without_run(folder / "ahead" / f"{name}.json")
                == record_without_run(folder / "out" / f"{name}.json"))


def test_a_document_stuck_ahead_fails_in_its_own_turn_not_the_waiting_job(
        folder, stalled, monkeypatch):
    """The worker is past the time limit on a document of its plan when the run's first
    job (another document) comes: that job is extracted by a fresh worker, and the stuck
    document fails when its own job comes."""
    monkeypatch.setenv("CASELIT_DOC_SECONDS", "2")
    monkeypatch.setenv("CASELIT_DOC_SECONDS_PER_MB", "1")
    good, slow = (source_for(folder / name) for name in ("good.txt", "slow.txt"))
    with document_workers():
        POOL.start_ahead(1, Plan((slow,), tagger_fingerprint()))
        POOL.started_ahead()
        assert POOL.idle[0].connection.poll(60)  # it has loaded the tagger (READY, not read)
        time.sleep(1)  # and taken up its plan: no job was waiting
        outcomes = extract_chunk([(good, "new"), (slow, "new")], str(folder / "out"),
                                 tagger_fingerprint())
    assert [outcome.status for outcome in outcomes] == ["done", "failed"]
    assert outcomes[1].failure.reason.startswith("took longer than")
