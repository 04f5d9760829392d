"""Speed work changes no extraction: the records and readings of the seeds, their PDFs, the
development reports and the first abstracts of each public corpus, against digests
recorded when they were last meant to change.

A failure names each document and the part that changed (its record, its mentions, its
reading). When the
change is meant (a new rule), look at it with ``benchmarks/same_records.py`` (write the
records of the old and the new tree, then compare), then record the new digests:

    python -m tests.test_same_records
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from functools import cache
from pathlib import Path

import pytest

from pipeline.extract import extract_read
from tests.conftest import ROOT, SHARED

pytestmark = pytest.mark.seeds
RECORDED = Path(__file__).with_name("record_digests.json")
ABSTRACTS = 150  # per corpus: enough sentence shapes, a few seconds
# Also left out of the digests: the version string, and where ../shared lies on this machine.
MACHINE_OR_VERSION = {"pipeline_version"}


def same_records_module():
    """benchmarks/same_records.py, which lists the documents of the check (loaded by path:
    an installed package is also named ``benchmarks``)."""
    spec = importlib.util.spec_from_file_location(
        "same_records", ROOT / "benchmarks" / "same_records.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAME_RECORDS = same_records_module()


def portable(value):
    """``value`` with the folder of ../shared written as ``shared`` and the version left out,
    so a clone elsewhere records the same digests."""
    if isinstance(value, dict):
        return {k: portable(v) for k, v in value.items() if k not in MACHINE_OR_VERSION}
    if isinstance(value, list):
        return [portable(v) for v in value]
    if isinstance(value, str) and value.startswith(str(SHARED)):
        return "shared" + value[len(str(SHARED)):]
    return value


def digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def part_digests(document) -> dict[str, str]:
    """A digest of the document's record (its mentions apart) and of its mentions, and of
    its reading."""
    record = portable(SAME_RECORDS.without_volatile(json.loads(extract_read(document, "check")
                                                               .model_dump_json())))
    mentions = record.pop("mentions")
    return {"record": digest(record), "mentions": digest(mentions),
            "reading": digest(portable(json.loads(document.model_dump_json())))}


@cache
def current() -> dict[str, dict[str, str]]:
    return {name: part_digests(document) for name, document in SAME_RECORDS.sources(ABSTRACTS)}


def test_every_extraction_is_as_recorded():
    recorded = json.loads(RECORDED.read_text())
    now = current()
    changed = {name: sorted(part for part in now.get(name, {}).keys() | parts.keys()
                            if now.get(name, {}).get(part) != parts.get(part))
               for name, parts in recorded.items()}
    changed = {name: parts for name, parts in changed.items() if parts}
    assert sorted(now) == sorted(recorded), "the documents checked are not those recorded"
    assert not changed, f"{len(changed)} of {len(recorded)} documents changed: {changed}"


def test_a_changed_record_is_noticed():
    """The check can fail: a report's second half left out changes its mentions' digest,
    and only the parts that changed are named."""
    from pipeline.read import text_document
    from tests.conftest import SEEDS

    text = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    whole = part_digests(text_document(text, "whole"))
    half = part_digests(text_document(text[: len(text) // 2], "whole"))
    assert whole["mentions"] != half["mentions"]
    assert whole["record"] != half["record"]


if __name__ == "__main__":
    RECORDED.write_text("{\n" + ",\n".join(f"{json.dumps(name)}: {json.dumps(parts)}"
                                          for name, parts in sorted(current().items()))
                        + "\n}\n")
    print(f"recorded {len(current())} documents in {RECORDED}", file=sys.stderr)
