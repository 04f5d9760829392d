"""Review decisions in SQLite, append-only: every decision is a new row with the reviewer,
the time, the value as extracted when it was decided and the new value. Nothing is
overwritten or deleted.

A value's state is its rows replayed in order: ``accept``, ``reject``, ``correct``,
``add`` and ``reset`` each become its current decision, and ``undo`` (whose ``value`` is
the id of the row it takes back) returns it to what it was before that row. A ``reset``
sets an extracted value back to open and removes an added one.

The same file keeps the documents list's lines (``listing``), each with the stamp of
what it was computed from, so a list of many documents is read, not recomputed, on the
next visit and after a restart.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.review.values import Decision

ACTIONS = ("accept", "reject", "correct", "add", "reset", "undo")
SCHEMA_VERSION = 2
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    key TEXT NOT NULL,
    field TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ({', '.join(f"'{a}'" for a in ACTIONS)})),
    extracted TEXT,
    value TEXT,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_doc ON decisions (doc_id, key, id);
CREATE TABLE IF NOT EXISTS listing (
    doc_id TEXT PRIMARY KEY,
    stamp TEXT NOT NULL,
    line TEXT NOT NULL
);
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


def replay(entries: list[Entry]) -> dict[str, list[Entry]]:
    """Key -> its rows still in force, oldest first (an undo takes its row out)."""
    live: dict[str, list[Entry]] = {}
    for entry in entries:
        rows = live.setdefault(entry.key, [])
        if entry.action == "undo":
            rows[:] = [row for row in rows if str(row.id) != entry.value]
        else:
            rows.append(entry)
    return live


def current(entries: list[Entry]) -> dict[str, Entry]:
    """Each value's decision in force; open values (never decided, reset, or undone back to
    nothing) and removed added values are absent."""
    return {key: rows[-1] for key, rows in replay(entries).items()
            if rows and rows[-1].action != "reset"}


class DecisionStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one connection, used by the server's threads in turn
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._migrate()

    def _migrate(self) -> None:
        """A version-1 file's CHECK allows only the first four actions: copy its rows into
        the table of today's schema."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        old = self._db.execute("SELECT name FROM sqlite_master WHERE name = 'decisions'"
                               ).fetchone()
        with self._db:
            if old and version < SCHEMA_VERSION:
                self._db.execute("DROP INDEX IF EXISTS decisions_by_doc")
                self._db.execute("ALTER TABLE decisions RENAME TO decisions_v1")
            self._db.executescript(SCHEMA)
            if old and version < SCHEMA_VERSION:
                self._db.execute("INSERT INTO decisions SELECT * FROM decisions_v1")
                self._db.execute("DROP TABLE decisions_v1")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def record(self, doc_id: str, key: str, field: str, action: str, *, extracted: str | None,
               value: str | None, reviewer: str) -> Entry:
        if action not in ACTIONS:
            raise ValueError(f"unknown review action {action!r}: allowed are {', '.join(ACTIONS)}")
        at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
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
        """Each value's decision in force (see :func:`current`)."""
        return current(self.history(doc_id))

    def undo_last(self, doc_id: str, reviewer: str) -> Entry | None:
        """Take back this reviewer's newest row still in force in the document (an undo
        row naming it); None when there is none."""
        live = [row for rows in replay(self.history(doc_id)).values() for row in rows
                if row.reviewer == reviewer]
        if not live:
            return None
        last = max(live, key=lambda row: row.id)
        return self.record(doc_id, last.key, last.field, "undo", extracted=last.extracted,
                           value=str(last.id), reviewer=reviewer)

    # ------------------------------------------------------------ the documents list
    def listing(self) -> dict[str, tuple[str, dict]]:
        with self._lock:
            rows = self._db.execute("SELECT doc_id, stamp, line FROM listing").fetchall()
        return {doc_id: (stamp, json.loads(line)) for doc_id, stamp, line in rows}

    def keep_listing(self, doc_id: str, stamp: str, line: dict) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO listing (doc_id, stamp, line) VALUES (?, ?, ?)",
                             (doc_id, stamp, json.dumps(line)))
