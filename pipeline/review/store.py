"""Review decisions in SQLite, append-only: every decision is a new row with the reviewer,
the time, the value as extracted when it was decided and the new value. Nothing is
overwritten; the latest row for a value is its decision, the others are its history.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.review.values import Decision

ACTIONS = ("accept", "reject", "correct", "add")
SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    key TEXT NOT NULL,
    field TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'correct', 'add')),
    extracted TEXT,
    value TEXT,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_doc ON decisions (doc_id, key, id);
"""


@dataclass(frozen=True)
class Entry:
    id: int
    doc_id: str
    key: str
    field: str
    action: str
    extracted: str | None  # the value as extracted when the decision was taken
    value: str | None
    reviewer: str
    at: str

    def decision(self) -> Decision:
        return Decision(self.key, self.field, self.action, self.value)


class DecisionStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one connection, used by the server's threads in turn
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def record(self, doc_id: str, key: str, field: str, action: str, *, extracted: str | None,
               value: str | None, reviewer: str) -> Entry:
        if action not in ACTIONS:
            raise ValueError(f"unknown review action {action!r}: allowed are {', '.join(ACTIONS)}")
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO decisions (doc_id, key, field, action, extracted, value, reviewer, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, key, field, action, extracted, value, reviewer, at))
        return Entry(cursor.lastrowid, doc_id, key, field, action, extracted, value, reviewer, at)

    def history(self, doc_id: str, key: str | None = None) -> list[Entry]:
        query = "SELECT * FROM decisions WHERE doc_id = ?" + (" AND key = ?" if key else "")
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id",
                                    (doc_id, key) if key else (doc_id,)).fetchall()
        return [Entry(*row) for row in rows]

    def versions(self) -> dict[str, int]:
        """Doc id -> the id of its newest row: a document's decisions changed when it did."""
        with self._lock:
            return dict(self._db.execute("SELECT doc_id, MAX(id) FROM decisions GROUP BY doc_id"))

    def latest(self, doc_id: str) -> dict[str, Entry]:
        """Each value's current decision (its latest row)."""
        return {entry.key: entry for entry in self.history(doc_id)}
