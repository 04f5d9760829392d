"""The documents list's lines, computed by one background thread and kept in the decision
store with the stamp of what each was computed from (the record's and the gold file's
size and time, the document's newest decision).

A visit reads only stamps (one ``stat`` per file) and the kept lines; a line whose stamp
changed is queued and shown as being computed, so a cold list of hundreds of documents
answers at once and never holds up the document pages (reading a record and diffing it
against its gold file takes 15-40 ms).
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Callable

from pipeline.review.store import DecisionStore


def file_stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "-"
    return f"{stat.st_mtime_ns}:{stat.st_size}"


class Listing:
    def __init__(self, store: DecisionStore, gold_dir: Path,
                 compute: Callable[[str, Path], dict]):
        self.store = store
        self.gold_dir = gold_dir
        self.compute = compute  # doc id, record path -> the document's line
        self.lines = store.listing()  # doc id -> (stamp, line)
        self.queued: set[str] = set()
        self.todo: queue.Queue[tuple[str, Path]] = queue.Queue()
        self._lock = threading.Lock()
        threading.Thread(target=self._work, name="review-listing", daemon=True).start()

    def stamp(self, doc_id: str, record: Path, versions: dict[str, int]) -> str:
        return (f"{file_stamp(record)}|{file_stamp(self.gold_dir / f'{doc_id}.yaml')}"
                f"|{versions.get(doc_id, 0)}")

    def lines_for(self, records: dict[str, Path]) -> dict[str, dict | None]:
        """Doc id -> its line, None while it is being computed (it is queued)."""
        versions = self.store.versions()
        out = {}
        for doc_id, record in records.items():
            kept = self.lines.get(doc_id)
            if kept is not None and kept[0] == self.stamp(doc_id, record, versions):
                out[doc_id] = kept[1]
                continue
            out[doc_id] = None
            self.refresh(doc_id, record)
        return out

    def refresh(self, doc_id: str, record: Path) -> None:
        with self._lock:
            if doc_id in self.queued:
                return
            self.queued.add(doc_id)
        self.todo.put((doc_id, record))

    def settle(self) -> None:
        """Wait until every queued line is computed."""
        self.todo.join()

    def _work(self) -> None:
        while True:
            doc_id, record = self.todo.get()
            try:
                with self._lock:
                    self.queued.discard(doc_id)
                # stamped before reading: a change while it is read makes the next visit
                # compute the line again
                stamp = self.stamp(doc_id, record, self.store.versions())
                try:
                    line = self.compute(doc_id, record)
                except Exception as error:  # noqa: BLE001 - shown in the document's row
                    line = {"id": doc_id, "error": f"{record}: {type(error).__name__}: {error}"}
                self.lines[doc_id] = (stamp, line)
                self.store.keep_listing(doc_id, stamp, line)
            finally:
                self.todo.task_done()
