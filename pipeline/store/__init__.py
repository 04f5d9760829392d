"""Store stage: records, documents, manifest, failures and tables in an output folder.

Layout of ``extracted/`` (or ``--out``):

- ``<doc-id>.json``: the Extraction (gold-shaped fields + mentions + run info), its
  mentions pointing into the document copy's text (:mod:`pipeline.store.compact`: read
  it with :func:`read_record`);
- ``_documents/<doc-id>.json``: the read Document (text, pages, sections, tables), so
  every mention's offsets can be shown in context, and the only copy of the text;
- ``_journal.jsonl``: documents committed since the manifest was last compacted, one
  line each, appended as each finishes (the checkpoint of a run in progress);
- ``_manifest.json``: content hash and pipeline fingerprint per document;
- ``_failures.json``: the failures of the latest run, with path and reason;
- ``_runs.jsonl``: one line per run (time, counts, failures, gold scores), appended, so
  the history of scheduled runs is readable without Prefect's UI;
- ``documents``, ``cases``, ``therapy_lines``, ``events``, ``mentions``, ``entities`` as
  a ``.parquet`` dataset folder (one part per document) and a ``.csv.gz`` file, derived from
  the committed records and updated by document; ``_tables.json`` says which (see
  :mod:`pipeline.store.tables`);
- ``_staged/<time>-<pid>.tables``: the table parts of the documents a run committed, as
  the run built them, until the tables take them in (:mod:`pipeline.store.parts`);
- ``_run.lock``: held by the run writing the folder.

Every file is replaced atomically; nothing here deletes a record.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.atomic import append_durably, atomic_write_text
from pipeline.schema import Failure, RunSummary, now_iso
from pipeline.store.lock import output_lock
from pipeline.store.manifest import Manifest, ManifestEntry, Plan, commit, record_path
from pipeline.store.records import (MentionFile, StoredRecord, document_path,
                                    read_document_record, read_record, remove_leftovers,
                                    remove_record, write_record)

__all__ = [
    "MentionFile", "Manifest", "ManifestEntry", "Plan", "StoredRecord", "TABLES", "append_run",
    "built_from", "commit", "document_path", "folder_records", "output_lock",
    "read_document_record", "read_failures", "read_record", "read_runs", "record_path",
    "record_paths", "remove_leftovers", "remove_record", "tables_current", "update_tables",
    "write_failures", "write_record",
]

FAILURES = "_failures.json"
RUNS = "_runs.jsonl"
# Imported when first asked for: the tables need pandas and pyarrow, which a document
# worker, writing records only, should not load (some 65 MB of memory in each).
TABLES_NAMES = frozenset({"TABLES", "built_from", "tables_current", "update_tables"})


def __getattr__(name: str):
    if name in TABLES_NAMES:
        from pipeline.store import tables

        return getattr(tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

def record_paths(out_dir: str | Path) -> list[Path]:
    """Every record in the folder; bookkeeping files start with "_"."""
    return sorted(p for p in Path(out_dir).glob("*.json") if not p.name.startswith("_"))


def folder_records(out_dir: str | Path) -> dict[str, str]:
    """Every record in the folder (doc id -> its file's size and time of change), for
    :func:`update_tables` outside a run, which passes the manifest's commit stamps."""
    return {path.stem: f"{path.stat().st_size}:{path.stat().st_mtime_ns}"
            for path in record_paths(out_dir)}


def write_failures(out_dir: str | Path, failures: list[Failure]) -> Path:
    target = Path(out_dir) / FAILURES
    atomic_write_text(target, json.dumps([f.model_dump() for f in failures], indent=2))
    return target


def run_entry(summary: RunSummary) -> dict:
    scores = None
    if summary.diff is not None:
        scores = {score.field: round(score.f1, 4)
                  for score in summary.diff.scores + summary.diff.case_scores}
    return {
        "at": now_iso(),
        "done": summary.done, "skipped": summary.skipped, "failed": summary.failed,
        "seconds": round(summary.seconds, 2), "counts": summary.counts,
        "failures": [{"path": f.path, "reason": f.reason} for f in summary.failures],
        "ignored": [{"path": i.path, "reason": i.reason} for i in summary.ignored],
        "sources_gone": summary.sources_gone, "stopped": summary.stopped, "scores": scores,
    }


def append_run(out_dir: str | Path, summary: RunSummary) -> Path:
    """Add the run's line to ``_runs.jsonl``: one write of a whole line, flushed to disk,
    so a crash never leaves another run's line half-written."""
    target = Path(out_dir) / RUNS
    target.parent.mkdir(parents=True, exist_ok=True)
    append_durably(target, (json.dumps(run_entry(summary)) + "\n").encode("utf-8"))
    return target


def read_runs(out_dir: str | Path) -> list[dict]:
    path = Path(out_dir) / RUNS
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def read_failures(out_dir: str | Path) -> list[Failure]:
    path = Path(out_dir) / FAILURES
    if not path.is_file():
        return []
    return [Failure.model_validate(item) for item in json.loads(path.read_text(encoding="utf-8"))]
