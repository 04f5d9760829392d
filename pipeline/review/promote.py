"""A reviewed document written as a gold file in the guidelines' form, safely.

- The target is ``<gold>/<record file stem>.yaml``: the record's ``document.id`` must
  equal its file's stem, and the resolved path must lie inside the gold folder (a
  symbolic link out of it is refused too), so no record names where it is written.
- :func:`preview` says what the write changes in the existing file (values added,
  removed, changed) and how many values are open; when a file exists or values are open
  the write needs the preview's ``confirm`` stamp, which changes with the file, the
  decisions and the extraction, so a write confirms exactly what was shown.
- The file replaced is kept first as ``<gold>/.history/<stem>.<UTC time>.yaml``.
- The new file is validated by the gold loader before it takes the place of the old one
  (written beside it, loaded, then renamed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml
from pydantic import ValidationError

from pipeline.atomic import atomic_path, atomic_write_bytes
from pipeline.errors import Errors, GoldFileError, PromotionError
from pipeline.evaluate.gold import load_gold
from pipeline.review.store import Entry
from pipeline.review.values import review_values, to_gold
from pipeline.schema import Annotations, Extraction

HISTORY = ".history"


def gold_dict(gold: Annotations) -> dict:
    """The guidelines' file form: what is stated, nothing empty or at its default (no
    evidence, no ``unresolved: false``); the gold loader fills the rest back in."""
    return gold.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def gold_target(record: Path, extraction: Extraction, gold_dir: Path) -> Path:
    """Where a record is promoted to; PromotionError when its id is not its file's stem or
    the path leads out of the gold folder."""
    stem = record.stem
    if extraction.document.id != stem:
        raise PromotionError(Errors.E701.format(record=record, doc_id=extraction.document.id,
                                                stem=stem))
    folder = gold_dir.resolve()
    target = gold_dir / f"{stem}.yaml"
    if target.resolve().parent != folder:
        raise PromotionError(Errors.E702.format(target=target.resolve(), gold=folder))
    return target


@dataclass
class Preview:
    target: Path
    text: str  # the YAML that would be written
    exists: bool
    open_values: int
    added: list[tuple[str, str]] = field(default_factory=list)  # (field, value)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    broken: str | None = None  # why the existing file does not load
    confirm: str = ""  # the stamp a write of exactly this must carry

    @property
    def needs_confirm(self) -> bool:
        return self.exists or self.open_values > 0


def changes(old: Annotations | None, new: Annotations
            ) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str, str]]]:
    before = {v.key: v for v in review_values(old)} if old is not None else {}
    after = {v.key: v for v in review_values(new)}
    added = [(v.field, v.value) for k, v in after.items() if k not in before]
    removed = [(v.field, v.value) for k, v in before.items() if k not in after]
    changed = [(v.field, before[k].value, v.value) for k, v in after.items()
               if k in before and before[k].value != v.value]
    return added, removed, changed


def preview(record: Path, extraction: Extraction, latest: dict[str, Entry], gold_dir: Path
            ) -> Preview:
    """What promoting the document now would write and change. ValueError saying which
    value is invalid, PromotionError when the target is refused."""
    target = gold_target(record, extraction, gold_dir)
    decisions = {key: entry.decision() for key, entry in latest.items()}
    try:
        gold = to_gold(extraction, decisions)
    except ValidationError as error:
        raise ValueError(str(error).splitlines()[0]) from None
    text = yaml.safe_dump(gold_dict(gold), sort_keys=False, allow_unicode=True)
    old_bytes = target.read_bytes() if target.is_file() else b""
    old, broken = None, None
    if target.is_file():
        try:
            old = load_gold(target)
        except GoldFileError as error:
            broken = str(error)
    open_values = sum(value.key not in latest for value in review_values(extraction))
    added, removed, changed = changes(old, gold)
    stamp = hashlib.sha256(old_bytes + b"\0" + text.encode() + f"\0{open_values}".encode())
    return Preview(target, text, target.is_file(), open_values, added, removed, changed, broken,
                   stamp.hexdigest()[:32])


def promote(record: Path, extraction: Extraction, latest: dict[str, Entry], gold_dir: Path,
            confirm: str = "") -> tuple[Preview, Path | None]:
    """Write the reviewed document to its gold file; the preview written and the backup of
    the file it replaced (None when there was none). PromotionError when a confirmation
    is needed and ``confirm`` is not this preview's."""
    shown = preview(record, extraction, latest, gold_dir)
    if shown.needs_confirm and confirm != shown.confirm:
        raise PromotionError(Errors.E703.format(target=shown.target))
    gold_dir.mkdir(parents=True, exist_ok=True)
    backup = None
    if shown.exists:
        when = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        backup = gold_dir / HISTORY / f"{shown.target.stem}.{when}.yaml"
        backup.parent.mkdir(exist_ok=True)
        atomic_write_bytes(backup, shown.target.read_bytes())
    with atomic_path(shown.target) as temporary:
        temporary.write_text(shown.text, encoding="utf-8")
        try:
            load_gold(temporary)
        except GoldFileError as error:
            raise ValueError(str(error)) from None
    return shown, backup
