"""The manifest: which source content was extracted by which pipeline.

A document is reprocessed when its content hash, the pipeline version or the fingerprint
of the lexicons, rules and config in use differ from the manifest's, or when its record
is missing; otherwise it is skipped. ``force`` reprocesses everything.

Document ids are file stems, so two folders can hold different reports with one id. The
manifest keeps the real path of each id's source: another file with that stem is refused
while the first one exists (its record would be overwritten); once the first is gone, the
id passes to the file found now (a report moved to another folder).

A document is committed once its record and its text are in place: :func:`commit`
appends its entry to the journal ``_journal.jsonl`` and fsyncs it, in whichever process
extracted it, as it finishes. The journal is the one source of truth for what a run has
done so far; ``_manifest.json`` is the journal compacted. :meth:`Manifest.load` reads
both, so a run killed at any moment loses no committed document, and the next run
redoes only what was not committed. :meth:`Manifest.compact` folds the journal into the
manifest (written atomically) and only then removes it; a crash in between leaves entries
in both, which read the same.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from pipeline import __version__
from pipeline.atomic import append_durably, atomic_write_bytes, fsync_directory
from pipeline.errors import Errors
from pipeline.faults import crash_point
from pipeline.schema import Model, SourceFile

MANIFEST = "_manifest.json"
JOURNAL = "_journal.jsonl"
MANIFEST_VERSION = 1
Reason = Literal["new", "changed", "moved", "new pipeline version", "new lexicons or rules",
                 "record missing", "forced", "unchanged"]


class ManifestEntry(Model):
    path: str = Field(description="The source's real path (symbolic links resolved).")
    sha256: str
    pipeline_version: str
    fingerprint: str
    extracted_at: str


class JournalLine(ManifestEntry):
    doc_id: str


@dataclass
class Plan:
    todo: list[tuple[SourceFile, Reason]] = field(default_factory=list)
    skipped: list[SourceFile] = field(default_factory=list)
    refused: list[tuple[SourceFile, str]] = field(default_factory=list)  # (source, reason)


def record_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / f"{doc_id}.json"


def commit_stamp(sha256: str, pipeline_version: str, fingerprint: str, extracted_at: str) -> str:
    """What identifies a commit of a document: the tables are built from these stamps."""
    return f"{sha256}:{pipeline_version}:{fingerprint}:{extracted_at}"


def stamp_of(source: SourceFile, fingerprint: str, extracted_at: str) -> str:
    """The stamp that :func:`commit` of this extraction will give the document."""
    return commit_stamp(source.sha256, __version__, fingerprint, extracted_at)


def commit(out_dir: str | Path, source: SourceFile, fingerprint: str, extracted_at: str) -> None:
    """Record one finished document in the journal, durably. Each line starts with a line
    break, so a line torn by a crash or a full disk never runs into the next one."""
    line = JournalLine(doc_id=source.doc_id, path=os.path.realpath(source.path),
                       sha256=source.sha256,
                       pipeline_version=__version__, fingerprint=fingerprint,
                       extracted_at=extracted_at)
    append_durably(Path(out_dir) / JOURNAL, f"\n{line.model_dump_json()}\n".encode("utf-8"))
    crash_point("commit")


def journal_lines(out_dir: Path) -> list[JournalLine]:
    """The journal's complete lines in order; a torn last line is no commit."""
    try:
        text = (out_dir / JOURNAL).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    lines = []
    for raw in text.splitlines():
        if raw.strip():
            try:
                lines.append(JournalLine.model_validate_json(raw))
            except ValidationError:
                continue
    return lines


class Manifest:
    def __init__(self, path: Path, entries: dict[str, ManifestEntry] | None = None,
                 journaled: int = 0):
        self.path = path
        self.entries: dict[str, ManifestEntry] = entries or {}
        self.journaled = journaled  # journal lines read on top of the compacted manifest
        self.forgotten = False  # entries removed since it was loaded

    @classmethod
    def load(cls, out_dir: str | Path) -> "Manifest":
        """The manifest of an output folder with its journal replayed; an unreadable
        manifest counts as empty (all rerun)."""
        out_dir = Path(out_dir)
        path = out_dir / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = {doc_id: ManifestEntry.model_validate(entry)
                       for doc_id, entry in data["documents"].items()}
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            entries = {}
        journal = journal_lines(out_dir)
        for line in journal:
            entries[line.doc_id] = ManifestEntry.model_validate(line.model_dump(exclude={"doc_id"}))
        return cls(path, entries, len(journal))

    def same_file(self, source: SourceFile, entry: ManifestEntry,
                  real_path: str | None = None) -> bool:
        """Whether ``entry`` was of ``source``'s file. Its path was stored resolved, so
        it is resolved again only when it differs (a link made along it since)."""
        real_path = real_path or os.path.realpath(source.path)
        return real_path == entry.path or real_path == os.path.realpath(entry.path)

    def taken_by(self, source: SourceFile, real_path: str | None = None) -> str | None:
        """The other file that holds ``source``'s id, while it exists."""
        entry = self.entries.get(source.doc_id)
        if entry is None or self.same_file(source, entry, real_path):
            return None
        return entry.path if os.path.exists(entry.path) else None

    def decide(self, source: SourceFile, fingerprint: str, *, force: bool = False,
               real_path: str | None = None) -> Reason:
        entry = self.entries.get(source.doc_id)
        if force:
            return "forced"
        if entry is None:
            return "new"
        if entry.sha256 != source.sha256:
            return "changed"
        if not self.same_file(source, entry, real_path):
            return "moved"
        if entry.pipeline_version != __version__:
            return "new pipeline version"
        if entry.fingerprint != fingerprint:
            return "new lexicons or rules"
        if not record_path(self.path.parent, source.doc_id).is_file():
            return "record missing"
        return "unchanged"

    def plan(self, sources: list[SourceFile], fingerprint: str, *, force: bool = False) -> Plan:
        plan = Plan()
        for source in sources:
            real_path = os.path.realpath(source.path)  # once: 50-100 us a file
            other = self.taken_by(source, real_path)
            if other is not None:
                plan.refused.append((source, Errors.E015.format(
                    doc_id=source.doc_id, other=other, out=self.path.parent)))
                continue
            reason = self.decide(source, fingerprint, force=force, real_path=real_path)
            if reason == "unchanged":
                plan.skipped.append(source)
            else:
                plan.todo.append((source, reason))
        return plan

    def save(self) -> None:
        data = {
            "version": MANIFEST_VERSION,
            "documents": {doc_id: entry.model_dump() for doc_id, entry in sorted(self.entries.items())},
        }
        atomic_write_bytes(self.path, json.dumps(data, indent=1).encode("utf-8"),
                           before_replace=lambda _: crash_point("manifest"))

    def gone(self, found: set[str]) -> list[str]:
        """Ids whose source file no longer exists (and that no file found now took over)."""
        return sorted(doc_id for doc_id, entry in self.entries.items()
                      if doc_id not in found and not os.path.exists(entry.path))

    def forget(self, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            self.entries.pop(doc_id, None)
        self.forgotten = True

    def compact(self) -> None:
        """Fold the journal into ``_manifest.json`` (and what was forgotten out of it);
        call with the output folder locked."""
        if not (self.journaled or self.forgotten):
            return
        self.save()
        (self.path.parent / JOURNAL).unlink(missing_ok=True)
        fsync_directory(self.path.parent)
        self.journaled, self.forgotten = 0, False
