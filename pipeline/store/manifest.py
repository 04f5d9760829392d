"""The manifest: which source content was extracted by which pipeline.

A document is reprocessed when its content hash, the pipeline version or the fingerprint
of the lexicons, rules and config in use differ from the manifest's, or when its record
is missing; otherwise it is skipped. ``force`` reprocesses everything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from pipeline import __version__
from pipeline.atomic import atomic_write_text
from pipeline.schema import Model, SourceFile

MANIFEST = "_manifest.json"
MANIFEST_VERSION = 1
Reason = Literal["new", "changed", "new pipeline version", "new lexicons or rules",
                 "record missing", "forced", "unchanged"]


class ManifestEntry(Model):
    path: str
    sha256: str
    pipeline_version: str
    fingerprint: str
    extracted_at: str


@dataclass
class Plan:
    todo: list[tuple[SourceFile, Reason]] = field(default_factory=list)
    skipped: list[SourceFile] = field(default_factory=list)


def record_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / f"{doc_id}.json"


class Manifest:
    def __init__(self, path: Path, entries: dict[str, ManifestEntry] | None = None):
        self.path = path
        self.entries: dict[str, ManifestEntry] = entries or {}

    @classmethod
    def load(cls, out_dir: str | Path) -> "Manifest":
        """The manifest of an output folder; an unreadable one counts as empty (all rerun)."""
        path = Path(out_dir) / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = {doc_id: ManifestEntry.model_validate(entry)
                       for doc_id, entry in data["documents"].items()}
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            entries = {}
        return cls(path, entries)

    def decide(self, source: SourceFile, fingerprint: str, *, force: bool = False) -> Reason:
        entry = self.entries.get(source.doc_id)
        if force:
            return "forced"
        if entry is None:
            return "new"
        if entry.sha256 != source.sha256:
            return "changed"
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
            reason = self.decide(source, fingerprint, force=force)
            if reason == "unchanged":
                plan.skipped.append(source)
            else:
                plan.todo.append((source, reason))
        return plan

    def record(self, source: SourceFile, fingerprint: str, extracted_at: str) -> None:
        self.entries[source.doc_id] = ManifestEntry(
            path=source.path, sha256=source.sha256, pipeline_version=__version__,
            fingerprint=fingerprint, extracted_at=extracted_at,
        )

    def save(self) -> None:
        data = {
            "version": MANIFEST_VERSION,
            "documents": {doc_id: entry.model_dump() for doc_id, entry in sorted(self.entries.items())},
        }
        atomic_write_text(self.path, json.dumps(data, indent=1))
