"""The work of a run: one document at a time, read to committed, in a process of its own,
within limits.

:func:`extract_document` reads, tags, assembles and writes one document, then commits
it to the output folder's journal; whatever goes wrong becomes the document's outcome,
never an exception, so the batch goes on.

It runs in a *document worker*, a child process, so that a document that takes too long
or too much memory can be stopped without stopping the run (GROBID's per-document
timeouts): a thread of the run hands its worker one document at a time and waits,
looking at the clock and at the worker's resident memory every :data:`POLL_SECONDS`.
Past a limit (:class:`~pipeline.settings.Limits`) it kills the worker, lists the
document as failed with the limit it passed, and the next document gets a new worker. A
worker that dies on its own (a crash in a C library, the kernel's OOM killer) is a named
failure of its document too.

Workers are forked from a zygote that has loaded the tagger (multiprocessing's
forkserver, preloading :mod:`pipeline.worker_zygote`), so a new one is ready at once and
shares the tagger's memory until it writes to it. A worker dies with the zygote (parent-
death signal), and the zygote exits when the process that started it does.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipeline.outcomes import outcome_done, outcome_failed, outcome_output_full, stopped_by_output
from pipeline.errors import BadInputError, DocumentLimitError, Errors
from pipeline.lifeline import die_with_parent, exit_when_gone
from pipeline.schema import DocumentOutcome, Extraction, SourceFile
from pipeline.settings import Limits, get_limits
from pipeline.store.output import output_full

IO_RETRIES = 2
IO_RETRY_DELAY = 1.0  # seconds
POLL_SECONDS = 0.05
ZYGOTE_PRELOAD = ["pipeline.worker_zygote"]
SETTINGS_PREFIX = "CASELIT_"
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def extract_document(source: SourceFile, reason: str, out_dir: str, fingerprint: str
                     ) -> DocumentOutcome:
    """One document, read to committed; its failure is an outcome, never an exception."""
    started = time.perf_counter()
    attempt = 0
    while True:
        try:
            extraction, mentions = extract_and_commit(source, out_dir, fingerprint)
            return outcome_done(source, reason, extraction, started, mentions)
        except BadInputError as error:
            return outcome_failed(source, reason, error, started)
        except OSError as error:  # an I/O hiccup (a network drive, a disk being cleared)
            if output_full(error):  # no hiccup: the run stops
                return outcome_output_full(source, reason, error, started)
            if attempt == IO_RETRIES:
                return outcome_failed(source, reason, error, started)
            attempt += 1
            time.sleep(IO_RETRY_DELAY)
        except Exception as error:  # a bug: listed for this document, the batch goes on
            return outcome_failed(source, reason, error, started)


def extract_and_commit(source: SourceFile, out_dir: str, fingerprint: str
                       ) -> tuple[Extraction, int]:
    """Read, extract, write the record, commit it. Returns the Extraction (a long
    document's without its mentions: they went to the record piece by piece) and the
    number of mentions."""
    from pipeline.extract import extract_read
    from pipeline.pieces import extract_in_pieces, is_long
    from pipeline.read import read_document
    from pipeline.store import MentionFile, commit, write_record

    document = read_document(source)
    size = get_limits().piece_chars
    if is_long(document, size):
        with MentionFile(out_dir, document) as mentions:
            extraction = extract_in_pieces(document, fingerprint, size, mentions.add)
            write_record(document, extraction, out_dir, mentions=mentions)
            count = mentions.count
    else:
        extraction = extract_read(document, fingerprint)
        write_record(document, extraction, out_dir)
        count = len(extraction.mentions)
    commit(out_dir, document.source, fingerprint, extraction.run.extracted_at)
    return extraction, count


@dataclass(frozen=True)
class Job:
    source: SourceFile
    reason: str
    out_dir: str
    fingerprint: str
    # the run's CASELIT_* settings: the zygote holds those of when it started
    settings: dict[str, str] = field(default_factory=dict)


def run_settings() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name.startswith(SETTINGS_PREFIX)}


def apply_settings(settings: dict[str, str]) -> None:
    for name in [name for name in os.environ if name.startswith(SETTINGS_PREFIX)]:
        if name not in settings:
            del os.environ[name]
    os.environ.update(settings)


def serve_documents(connection) -> None:
    """A worker's life: documents in, outcomes out, until the run closes the pipe."""
    die_with_parent()
    release_zygote()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the run stops its workers
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        apply_settings(job.settings)
        connection.send(extract_document(job.source, job.reason, job.out_dir, job.fingerprint))


def release_zygote() -> None:
    """Close this worker's copy of the zygote's "alive" pipe. multiprocessing hands it to
    every process the zygote forks, so that they may fork in turn, and the zygote lives
    until every copy is closed: held here, a worker busy with a document would keep the
    zygote alive after the run died, and the zygote it (the parent-death signal)."""
    from multiprocessing import forkserver

    server = forkserver._forkserver
    if server._forkserver_alive_fd is not None:
        os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None


def resident_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0  # gone, or no /proc: the time limit still holds


def exit_description(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"


class DocumentWorker:
    """A slot for one worker process, started when needed and again after a kill."""

    def __init__(self):
        self.process = None
        self.connection = None

    def start(self) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(ZYGOTE_PRELOAD)
        here, there = context.Pipe()
        self.process = context.Process(target=serve_documents, args=(there,), daemon=True,
                                       name="caselit-document-worker")
        self.process.start()
        there.close()
        self.connection = here

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def signal_kill(self) -> None:
        """SIGKILL to the process, from any thread; its owner tidies up."""
        process = self.process
        if process is not None and process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)

    def kill(self) -> None:
        """Kill the process and forget it (by the thread that uses the worker)."""
        if self.process is not None and self.process.pid is not None:
            self.signal_kill()
            self.process.join()
        if self.connection is not None:
            self.connection.close()
        self.process = self.connection = None

    def extract(self, job: Job, limits: Limits, stop: threading.Event
                ) -> DocumentOutcome | None:
        """The job's outcome; None when ``stop`` was set before it finished."""
        if not self.alive:
            self.kill()
            self.start()
        started = time.perf_counter()
        self.connection.send(job)
        seconds = limits.seconds_for(job.source.size)
        deadline = time.monotonic() + seconds
        limit_bytes = limits.doc_memory_mb * 2**20
        while not self.connection.poll(POLL_SECONDS):
            if stop.is_set():
                self.kill()
                return None
            used = resident_bytes(self.process.pid)
            if time.monotonic() > deadline:
                problem = Errors.E601.format(seconds=seconds, size=job.source.size / 2**20)
            elif used > limit_bytes:
                problem = Errors.E602.format(used=used / 2**20, limit=limits.doc_memory_mb)
            else:
                continue
            self.kill()
            return outcome_failed(job.source, job.reason, DocumentLimitError(problem), started)
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            if stop.is_set():
                self.kill()
                return None
            self.process.join()
            problem = Errors.E603.format(how=exit_description(self.process.exitcode))
            self.kill()
            return outcome_failed(job.source, job.reason, DocumentLimitError(problem), started)


class WorkerPool:
    """The document workers of this process: one per thread extracting, kept between
    chunks, all stopped at once by :meth:`close`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.idle: list[DocumentWorker] = []
        self.busy: set[DocumentWorker] = set()
        self.stopping = threading.Event()
        self.starting: threading.Thread | None = None

    def start_ahead(self, count: int) -> None:
        """Start ``count`` workers in the background (the zygote loads the tagger first,
        seconds a run would otherwise wait for after its own start-up), to be handed out by
        :meth:`worker`."""
        def start() -> None:
            for _ in range(count):
                worker = DocumentWorker()
                try:
                    worker.start()
                except Exception:  # noqa: BLE001 - raised again where it is started when needed
                    return
                with self.lock:
                    self.idle.append(worker)

        self.starting = threading.Thread(target=start, daemon=True,
                                         name="caselit-workers-ahead")
        self.starting.start()

    def started_ahead(self) -> None:
        """Wait for the workers started ahead: a worker is never started twice over."""
        starting = self.starting
        if starting is not None:
            starting.join()

    @contextlib.contextmanager
    def worker(self) -> Iterator[DocumentWorker]:
        self.started_ahead()
        with self.lock:
            worker = self.idle.pop() if self.idle else DocumentWorker()
            self.busy.add(worker)
        try:
            yield worker
        finally:
            with self.lock:
                self.busy.discard(worker)
                if self.stopping.is_set():
                    worker.kill()
                else:
                    self.idle.append(worker)

    def close(self) -> None:
        """Stop every worker now; a document in progress is left uncommitted."""
        self.stopping.set()
        self.started_ahead()
        with self.lock:
            idle, busy = self.idle, list(self.busy)
            self.idle = []
        for worker in busy:
            worker.signal_kill()  # its thread sees the pipe close, and tidies up
        for worker in idle:
            worker.kill()

    def open(self) -> None:
        self.stopping.clear()


POOL = WorkerPool()


@contextlib.contextmanager
def document_workers() -> Iterator[WorkerPool]:
    """This process's document workers for the length of a run; however the run ends
    (an exception, SIGTERM turned into one), none outlives it."""
    POOL.open()
    try:
        yield POOL
    finally:
        POOL.close()


def extract_chunk(items: list[tuple[SourceFile, str]], out_dir: str, fingerprint: str,
                  run_pid: int | None = None) -> list[DocumentOutcome]:
    """A chunk of documents, one after the other, in one document worker. Documents not
    reached because the run is stopping have no outcome. In a task runner's worker process
    on this machine (``run_pid``, the run's own process, is its parent), the process ends
    when the run's does."""
    if run_pid is not None and run_pid != os.getpid():
        exit_when_gone(run_pid)
    limits, settings = get_limits(), run_settings()
    outcomes = []
    with POOL.worker() as worker:
        for source, reason in items:
            if POOL.stopping.is_set():
                break
            outcome = worker.extract(Job(source, reason, str(Path(out_dir)), fingerprint,
                                         settings), limits, POOL.stopping)
            if outcome is None:
                break
            outcomes.append(outcome)
            if stopped_by_output(outcome):  # the folder takes no more: no document can be done
                POOL.stopping.set()
                break
    return outcomes
