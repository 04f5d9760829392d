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

Each worker is a fresh Python process (multiprocessing's spawn) that loads the tagger as
it starts, before its first document arrives, and dies with the process that started it
(a parent-death signal). There is no zygote to fork workers from: with two workers a
zygote cost more memory than it saved (the workers write to most of the tagger's pages
they share with it, its copy-on-write saved 66 of a worker's 200 MB while the zygote
held 176), and one zygote per Prefect worker process with ``processes``. What it bought
was a start in milliseconds instead of the tagger's 2 s load, once per worker per run
and after each kill.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipeline.collector import collected_seldom, collector_spared
from pipeline.outcomes import outcome_done, outcome_failed, outcome_output_full, stopped_by_output
from pipeline.errors import BadInputError, DocumentLimitError, Errors
from pipeline.lifeline import die_with_parent, exit_when_gone, name_process
from pipeline.schema import DocumentOutcome, Extraction, SourceFile
from pipeline.settings import Limits, get_limits
from pipeline.store.output import output_full

IO_RETRIES = 2
IO_RETRY_DELAY = 1.0  # seconds
POLL_SECONDS = 0.05
PROCESS_NAME = "caselit-worker"  # its name in ps and top (and to the benchmarks)
SETTINGS_PREFIX = "CASELIT_"
READY = "ready"  # a worker's first message: it has loaded the tagger
AHEAD_DONE = "ahead done"  # what it sends when its extraction ahead ends (see Ahead)
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
STOPPED = "stopped"  # a wait for a worker ended because the run is stopping
# What a worker costs before its first document is done: loading the tagger and warming it
# on that document, about 2.1 s of CPU, in which it would read, tag and write some 512 KB
# of plain text (250-300 KB per CPU-second; a PDF's bytes go faster, 330-1,400 KB/s).
WORKER_START_BYTES = 512 * 1024


def extract_document(source: SourceFile, reason: str, out_dir: str, fingerprint: str,
                     ahead: "Ahead | None" = None) -> DocumentOutcome:
    """One document, read to committed; its failure is an outcome, never an exception.
    ``ahead``: what the worker extracted before the run asked (see :class:`Ahead`)."""
    started = time.perf_counter()
    attempt = 0
    while True:
        try:
            extraction, mentions = extract_and_commit(source, out_dir, fingerprint, ahead)
            # a document read and extracted ahead: its time includes that
            earlier = ahead.taken_seconds if ahead else 0.0
            return outcome_done(source, reason, extraction, started - earlier, mentions)
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


def extract_and_commit(source: SourceFile, out_dir: str, fingerprint: str,
                       ahead: "Ahead | None" = None) -> tuple[Extraction, int]:
    """Read, extract, write the record, commit it (the reading and extraction taken from
    ``ahead`` when it holds this very document's). Returns the Extraction (a long
    document's without its mentions: they went to the record piece by piece) and the
    number of mentions."""
    from pipeline.extract import extract_read
    from pipeline.pieces import extract_in_pieces, is_long
    from pipeline.read import read_document
    from pipeline.store import MentionFile, commit, write_record

    document, extraction = ahead.take(source, fingerprint) if ahead else (None, None)
    if document is None:
        document = read_document(source)
    size = get_limits().piece_chars
    if extraction is not None:
        write_record(document, extraction, out_dir)
        count = len(extraction.mentions)
    elif is_long(document, size):
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
    # the run's CASELIT_* settings: a worker holds those of when it started, and may
    # serve several runs of one process (caselit serve)
    settings: dict[str, str] = field(default_factory=dict)


def run_settings() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name.startswith(SETTINGS_PREFIX)}


def apply_settings(settings: dict[str, str]) -> None:
    for name in [name for name in os.environ if name.startswith(SETTINGS_PREFIX)]:
        if name not in settings:
            del os.environ[name]
    os.environ.update(settings)


@dataclass(frozen=True)
class Plan:
    """The documents a run will hand its one worker first, in that order, sent to it as
    it starts (:func:`plan_for`)."""

    sources: tuple[SourceFile, ...]
    fingerprint: str


# At most this much of a run's documents is extracted ahead: about what the worker's own
# start costs, so what it holds is small and the wait it can add is one document's.
PLAN_BYTES = WORKER_START_BYTES


def plan_for(todo: list[tuple[SourceFile, str]], fingerprint: str, workers: int) -> Plan | None:
    """The first documents of ``todo``, up to :data:`PLAN_BYTES`, for a run of one
    worker (two would not know which of them will be handed which document)."""
    if workers != 1:
        return None
    sources, size = [], 0
    for source, _ in todo:
        size += source.size
        if size > PLAN_BYTES:
            break
        sources.append(source)
    return Plan(tuple(sources), fingerprint) if sources else None


@dataclass(frozen=True)
class ExtractedAhead:
    source: SourceFile  # as planned, and as read
    fingerprint: str
    settings: dict[str, str]
    state: tuple  # the file's (inode, size, time) before it was read
    document: object  # the Document read
    extraction: Extraction
    seconds: float  # reading and extracting it


class Ahead:
    """Documents of the run's :class:`Plan` read and extracted by the worker while it
    waits for the run's first document (the run is still importing Prefect and starting
    its API: on a small run, a second or two): the first jobs then only write and commit.
    A document is taken only for a job of the very file as it was read (its path, id,
    hash and size, and the file's inode, size and time unchanged since before it was
    read), the same fingerprint and the same settings; anything else, or a reading that
    failed, is done from the start as usual, so the record and the outcome are what they
    would have been."""

    def __init__(self):
        self.done: dict[str, ExtractedAhead] = {}
        self.taken_seconds = 0.0  # what reading and extracting the last one taken took

    def extract(self, plan: Plan, connection) -> None:
        """The plan's documents in order, until a job is waiting."""
        from pipeline.extract import extract_read
        from pipeline.pieces import is_long
        from pipeline.read import file_state, read_document

        settings = run_settings()
        for source in plan.sources:
            if connection.poll():
                return
            started = time.perf_counter()
            try:
                state = file_state(Path(source.path))
                document = read_document(source)
                if document.source != source or is_long(document, get_limits().piece_chars):
                    continue
                extraction = extract_read(document, plan.fingerprint)
            except Exception:  # noqa: BLE001 - done again, and reported, when its job comes
                continue
            self.done[source.doc_id] = ExtractedAhead(source, plan.fingerprint, settings, state,
                                                      document, extraction,
                                                      time.perf_counter() - started)

    def take(self, source: SourceFile, fingerprint: str) -> tuple:
        """(document, extraction) extracted ahead for this job, else (None, None)."""
        from pipeline.read import file_state

        self.taken_seconds = 0.0
        found = self.done.pop(source.doc_id, None)
        if found is None:
            return None, None
        try:
            unchanged = file_state(Path(source.path)) == found.state
        except Exception:  # noqa: BLE001 - gone: the job reports it
            unchanged = False
        if (found.source != source or found.fingerprint != fingerprint
                or found.settings != run_settings() or not unchanged):
            return None, None
        self.taken_seconds = found.seconds
        return found.document, found.extraction


def serve_documents(connection, parent: int) -> None:
    """A worker's life: documents in, outcomes out, until the run closes the pipe. A
    :class:`Plan` that comes first is extracted ahead (:class:`Ahead`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the run stops its workers
    name_process(PROCESS_NAME)
    die_with_parent()
    if os.getppid() != parent:  # it died before the signal was asked for
        return
    preload_tagger()
    connection.send(READY)
    with collected_seldom():
        serve_jobs(connection)


def serve_jobs(connection) -> None:
    """Jobs (and a :class:`Plan`) in, outcomes out, until the run closes the pipe."""
    ahead = Ahead()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if isinstance(job, Plan):
            ahead.extract(job, connection)
            connection.send(AHEAD_DONE)
            continue
        apply_settings(job.settings)
        connection.send(extract_document(job.source, job.reason, job.out_dir, job.fingerprint,
                                         ahead))


# A short report of our own, extracted once as a worker starts: a first document builds
# what the tagger and the assembly make when first used (the lexicons' key words, compiled
# rules), 0.3 s of CPU that would otherwise be on the run's first document, while the
# worker mostly waits for the run's Prefect API to come up.
WARM_UP_TEXT = (
    "Case report. A 54-year-old woman presented with lung adenocarcinoma harbouring an "
    "EML4-ALK fusion. She received crizotinib 250 mg twice daily, with a partial response. "
    "At progression, next-generation sequencing found ALK G1202R (c.3604G>A) and a KRAS "
    "G12C mutation; alectinib was started, then carboplatin and pemetrexed. "
    "She remains alive with stable disease after 14 months.")


def preload_tagger() -> None:
    """The tagger loaded and warmed up (:data:`WARM_UP_TEXT`) before the first document
    comes, with the settings the worker started with, and with the garbage collector
    spared (:func:`~pipeline.collector.collector_spared`): what it makes lives as long as
    the worker. When it cannot be loaded (a data folder missing), it is loaded again with
    the first document, whose outcome says why it failed."""
    from pipeline.extract import extract_read
    from pipeline.read import read_text
    from pipeline.tag import load_tagger

    try:
        with collector_spared():
            load_tagger()
            extract_read(read_text(WARM_UP_TEXT, "warm-up"), "warm-up")
    except Exception:  # noqa: BLE001 - see the docstring: each document reports it
        pass


class Starter:
    """The thread that starts this process's document workers, alive as long as the
    process. The parent-death signal comes when the *thread* that started a process
    exits, not the process (see :func:`~pipeline.lifeline.die_with_parent`): a worker
    started by a short-lived thread (a task runner's, one starting workers ahead) would
    be killed with it."""

    def __init__(self):
        self.requests: queue.SimpleQueue = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def start(self, process) -> None:
        """``process.start()`` in the starter thread; its exception raised here."""
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self.serve, daemon=True,
                                               name="caselit-worker-starter")
                self.thread.start()
        answer: queue.SimpleQueue = queue.SimpleQueue()
        self.requests.put((process, answer))
        error = answer.get()
        if error is not None:
            raise error

    def serve(self) -> None:
        while True:
            process, answer = self.requests.get()
            try:
                process.start()
                answer.put(None)
            except BaseException as error:  # noqa: BLE001 - raised in the asking thread
                answer.put(error)


STARTER = Starter()


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
        self.ready = False  # it has loaded the tagger
        self.plan: Plan | None = None  # sent to it, its extraction ahead not known to be done

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        here, there = context.Pipe()
        self.process = context.Process(target=serve_documents, args=(there, os.getpid()),
                                       daemon=True, name=PROCESS_NAME)
        STARTER.start(self.process)
        there.close()
        self.connection = here
        self.ready = False
        self.plan = None

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
        if not self.ready:  # loading the tagger, which is no document's time
            while not self.connection.poll(POLL_SECONDS):
                if stop.is_set():
                    self.kill()
                    return None
            try:
                self.connection.recv()  # READY
            except (EOFError, OSError):
                return self.died(job, time.perf_counter(), stop)
            self.ready = True
        started = time.perf_counter()
        self.connection.send(job)
        plan, self.plan = self.plan, None
        if plan is not None and not self.ahead_ended(plan, limits, stop):
            # stuck on, or killed by, a document of its plan: no fault of this job's
            # document, which a fresh worker (with no plan) extracts
            self.kill()
            return None if stop.is_set() else self.extract(job, limits, stop)
        problem = self.wait(limits.seconds_for(job.source.size), job.source.size, limits, stop)
        if problem is STOPPED:
            return None
        if problem is not None:
            self.kill()
            return outcome_failed(job.source, job.reason, DocumentLimitError(problem), started)
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            return self.died(job, started, stop)

    def ahead_ended(self, plan: Plan, limits: Limits, stop: threading.Event) -> bool:
        """Whether the worker ended its extraction ahead (:data:`AHEAD_DONE`, at its next
        document now that a job waits) within the limits of the plan's largest document."""
        largest = max((source.size for source in plan.sources), default=0)
        if self.wait(limits.seconds_for(largest), largest, limits, stop) is not None:
            return False
        try:
            return self.connection.recv() == AHEAD_DONE
        except (EOFError, OSError):
            return False

    def wait(self, seconds: float, size: int, limits: Limits, stop: threading.Event
             ) -> str | None:
        """Wait for the worker's next message: None when it is there, else the limit its
        document passed first (it is not killed here), or :data:`STOPPED`."""
        deadline = time.monotonic() + seconds
        limit_bytes = limits.doc_memory_mb * 2**20
        while not self.connection.poll(POLL_SECONDS):
            if stop.is_set():
                self.kill()
                return STOPPED
            used = resident_bytes(self.process.pid)
            if time.monotonic() > deadline:
                return Errors.E601.format(seconds=seconds, size=size / 2**20)
            if used > limit_bytes:
                return Errors.E602.format(used=used / 2**20, limit=limits.doc_memory_mb)
        return None

    def died(self, job: Job, started: float, stop: threading.Event) -> DocumentOutcome | None:
        """The outcome of a job whose worker's pipe closed: it died, or was stopped."""
        if stop.is_set():
            self.kill()
            return None
        self.process.join()
        problem = Errors.E603.format(how=exit_description(self.process.exitcode))
        self.kill()
        return outcome_failed(job.source, job.reason, DocumentLimitError(problem), started)


def workers_for(sources: list[SourceFile], most: int) -> int:
    """How many document workers ``sources`` warrant: one per :data:`WORKER_START_BYTES`
    of them, at least one, at most ``most`` and one per document. A worker costs a
    tagger load; for less work than that a second one only takes CPU from the first (ten
    changed reports: one worker, about 2 s of CPU less, on 2 cores the run's wall too)."""
    size = sum(source.size for source in sources)
    return max(1, min(most, len(sources), math.ceil(size / WORKER_START_BYTES)))


class WorkerPool:
    """The document workers of this process: one per thread extracting (at most
    :attr:`most`: a thread beyond waits for a worker to be free), kept between chunks,
    all stopped at once by :meth:`close`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.freed = threading.Condition(self.lock)
        self.idle: list[DocumentWorker] = []
        self.busy: set[DocumentWorker] = set()
        self.most: int | None = None
        self.stopping = threading.Event()
        self.starting: threading.Thread | None = None

    def start_ahead(self, count: int, plan: Plan | None = None) -> None:
        """Start ``count`` workers in the background (each loads the tagger first, seconds a
        run would otherwise wait for after its own start-up), to be handed out by
        :meth:`worker`; the first is sent ``plan``, to extract ahead."""
        def start() -> None:
            for number in range(count):
                worker = DocumentWorker()
                try:
                    worker.start()
                    if plan is not None and number == 0:
                        worker.connection.send(plan)
                        worker.plan = plan
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
        with self.freed:
            while (not self.idle and self.most is not None and len(self.busy) >= self.most
                   and not self.stopping.is_set()):
                self.freed.wait()
            worker = self.idle.pop() if self.idle else DocumentWorker()
            self.busy.add(worker)
        try:
            yield worker
        finally:
            with self.freed:
                self.busy.discard(worker)
                if self.stopping.is_set():
                    worker.kill()
                else:
                    self.idle.append(worker)
                self.freed.notify()

    def close(self) -> None:
        """Stop every worker now; a document in progress is left uncommitted."""
        self.stopping.set()
        self.started_ahead()
        with self.freed:
            idle, busy = self.idle, list(self.busy)
            self.idle = []
            self.freed.notify_all()  # a thread waiting for a worker: none will be free
        for worker in busy:
            worker.signal_kill()  # its thread sees the pipe close, and tidies up
        for worker in idle:
            worker.kill()

    def open(self, most: int | None = None) -> None:
        self.most = most
        self.stopping.clear()


POOL = WorkerPool()


@contextlib.contextmanager
def document_workers(most: int | None = None) -> Iterator[WorkerPool]:
    """This process's document workers for the length of a run, at most ``most`` of them
    (default: one per thread extracting); however the run ends (an exception, SIGTERM
    turned into one), none outlives it."""
    POOL.open(most)
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
