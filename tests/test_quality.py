"""Regression tests: the pipeline on each scored set (the seeds, the development set) must
not fall below its floors in tests/quality_floors.yaml, and no floor may go down.

A floor may go down once where a stricter scoring rule lowers its figure: a ``rescored``
entry names the set, section and field, the rule, and the figure under the old and the new
rule. Compared with a version of the file from before that entry, the field may sit below
its old floor if that floor was at most the old figure and the field's floor now is at
least the new figure. Versions that hold the entry are compared as usual, so it moves that
floor once, and the entry itself may never be removed.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pipeline.evaluate import diff_report, figures, load_gold_dir
from pipeline.evaluate.thresholds import SECTIONS
from pipeline.extract import extract
from tests.conftest import GOLD, SEEDS, SHARED

FLOORS_FILE = Path(__file__).with_name("quality_floors.yaml")
# Scored set -> (its reports, its gold folder).
SETS = {"seeds": (SEEDS, GOLD), "dev": (SHARED / "dev" / "raw", SHARED / "dev" / "gold")}
RESCORED = "rescored"
RESCORE_KEYS = ("set", "section", "field", "rule", "old", "new")

pytestmark = pytest.mark.seeds


@dataclass(frozen=True)
class Rescore:
    """A floor moved down once, because a stricter rule scores its field lower."""

    set: str
    section: str
    field: str
    rule: str
    old: float
    new: float


@dataclass(frozen=True)
class Floors:
    values: dict[str, dict[str, dict[str, float]]]  # set -> section -> field -> floor
    rescored: tuple[Rescore, ...]

    def floor(self, set_name: str, section: str, field: str) -> float | None:
        return self.values.get(set_name, {}).get(section, {}).get(field)


def read_floors(text: str) -> Floors:
    """A floors file; one written before the development set held the seeds' sections at
    its top level."""
    data = yaml.safe_load(text) or {}
    if set(data) <= set(SECTIONS):
        data = {"seeds": data}
    rescored = data.pop(RESCORED, None) or []
    values = {}
    for set_name, sections in data.items():
        unknown = set(sections or {}) - set(SECTIONS)
        assert not unknown, f"{FLOORS_FILE.name}: {set_name}: unknown sections {sorted(unknown)}"
        values[set_name] = {section: dict(sections.get(section) or {}) for section in SECTIONS}
    for entry in rescored:
        assert set(entry) == set(RESCORE_KEYS), (
            f"{FLOORS_FILE.name}: {RESCORED}: {entry} must have exactly {RESCORE_KEYS}")
        assert entry["new"] < entry["old"], f"{FLOORS_FILE.name}: {entry} moves no floor down"
    return Floors(values, tuple(Rescore(**entry) for entry in rescored))


def lowered(earlier: Floors, now: Floors) -> list[str]:
    """Floors of an earlier version that ``now`` lowers or drops, but for a rescoring the
    earlier version did not have; rescored entries that ``now`` drops."""
    found = []
    for set_name, sections in earlier.values.items():
        for section, floors in sections.items():
            for field, before in floors.items():
                after = now.floor(set_name, section, field)
                if after is not None and after >= before:
                    continue
                if after is not None and any(
                        (r.set, r.section, r.field) == (set_name, section, field)
                        and before <= r.old and after >= r.new
                        for r in now.rescored if r not in earlier.rescored):
                    continue
                found.append(f"floor {set_name}.{section}.{field} went down from {before} "
                             f"to {after}")
    found += [f"rescored entry removed: {r}" for r in earlier.rescored if r not in now.rescored]
    return found


FLOORS = read_floors(FLOORS_FILE.read_text())


@pytest.fixture(scope="module")
def measured():
    """Set name -> its figures, measured once per set: each report extracted in memory and
    diffed against the set's gold, as ``caselit run --gold`` does."""
    cache: dict[str, dict[str, dict[str, float]]] = {}

    def measure(set_name: str) -> dict[str, dict[str, float]]:
        if set_name not in cache:
            reports, gold = SETS[set_name]
            extractions = {}
            for path in sorted(reports.glob("*.txt")):
                _, extraction = extract(path)
                extractions[extraction.document.id] = extraction
            report = diff_report(extractions, load_gold_dir(gold), gold_dir=str(gold),
                                 extracted_dir="in memory")
            assert report.documents == sorted(extractions) and not report.missing_records
            cache[set_name] = figures(report)
        return cache[set_name]

    return measure


def test_every_scored_set_is_known():
    assert set(FLOORS.values) == set(SETS)


@pytest.mark.parametrize("set_name, section, field, floor", [
    (set_name, section, field, floor) for set_name, sections in FLOORS.values.items()
    for section, floors in sections.items() for field, floor in floors.items()])
def test_score_is_not_below_its_floor(measured, set_name, section, field, floor):
    scores = measured(set_name)[section]
    assert field in scores, f"{set_name}.{section}.{field} is no longer measured"
    assert scores[field] >= floor, (
        f"{set_name}.{section}.{field} fell to {scores[field]:.3f}, floor {floor}")


def committed_versions() -> list[str]:
    """Every committed text of the floors file (empty outside a git checkout)."""
    try:
        shas = subprocess.run(["git", "log", "--format=%H", "--", FLOORS_FILE.name],
                              cwd=FLOORS_FILE.parent, capture_output=True, text=True,
                              check=True).stdout.split()
        return [subprocess.run(["git", "show", f"{sha}:tests/{FLOORS_FILE.name}"],
                               cwd=FLOORS_FILE.parent, capture_output=True, text=True,
                               check=True).stdout for sha in shas]
    except (OSError, subprocess.CalledProcessError):
        return []


def test_floors_never_go_down():
    versions = committed_versions()
    if not versions:
        pytest.skip("no git history of the floors file to compare with")
    assert [drop for text in versions for drop in lowered(read_floors(text), FLOORS)] == []


# The history rule on small floors files.
BEFORE = """
document_f1: {genes: 1.0}
case_agreement: {diagnosis: 1.0, sex: 0.9}
"""
RESCORE = """
  - {set: seeds, section: case_agreement, field: diagnosis, rule: "gold words in ours",
     old: 1.0, new: 0.945}
"""


def floors_file(diagnosis: float, sex: float = 0.9, rescored: str = "") -> Floors:
    text = (f"seeds:\n"
            f"  document_f1: {{genes: 1.0}}\n"
            f"  case_agreement: {{diagnosis: {diagnosis}, sex: {sex}}}\n"
            f"dev:\n"
            f"  case_f1: {{cases: 0.24}}\n")
    return read_floors(text + (f"rescored:{rescored}" if rescored else ""))


def test_a_floor_that_goes_down_or_is_dropped_is_reported():
    earlier = read_floors(BEFORE)  # the seeds' sections at the top level, as first written
    assert lowered(earlier, floors_file(1.0)) == []
    assert lowered(earlier, floors_file(0.99)) == [
        "floor seeds.case_agreement.diagnosis went down from 1.0 to 0.99"]
    dropped = read_floors("seeds:\n  document_f1: {genes: 1.0}\n")
    assert lowered(earlier, dropped) == [
        "floor seeds.case_agreement.diagnosis went down from 1.0 to None",
        "floor seeds.case_agreement.sex went down from 0.9 to None"]


def test_a_rescored_field_moves_down_once_at_its_change_only():
    earlier = read_floors(BEFORE)
    rescored = floors_file(0.945, rescored=RESCORE)
    assert lowered(earlier, rescored) == []  # the change that brings the stricter rule
    raised = floors_file(0.97, rescored=RESCORE)
    assert lowered(earlier, raised) == [] and lowered(rescored, raised) == []
    # after the change, the field is held as any other; below the new figure, it was never allowed
    assert lowered(raised, floors_file(0.95, rescored=RESCORE)) == [
        "floor seeds.case_agreement.diagnosis went down from 0.97 to 0.95"]
    assert lowered(earlier, floors_file(0.9, rescored=RESCORE)) == [
        "floor seeds.case_agreement.diagnosis went down from 1.0 to 0.9"]
    # only the field it names
    assert lowered(earlier, floors_file(0.945, sex=0.8, rescored=RESCORE)) == [
        "floor seeds.case_agreement.sex went down from 0.9 to 0.8"]
    # an entry cannot be dropped to undo the record
    assert lowered(rescored, floors_file(0.945)) == [
        "rescored entry removed: " + str(rescored.rescored[0])]
