"""Regression tests: the pipeline on the seeds must not fall below tests/quality_floors.yaml."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from pipeline.evaluate import diff_report, figures, load_gold_dir
from pipeline.evaluate.thresholds import SECTIONS
from pipeline.extract import extract
from tests.conftest import GOLD, SEEDS

FLOORS_FILE = Path(__file__).with_name("quality_floors.yaml")

pytestmark = pytest.mark.seeds


def read_floors(text: str) -> dict[str, dict[str, float]]:
    data = yaml.safe_load(text) or {}
    unknown = set(data) - set(SECTIONS)
    assert not unknown, f"{FLOORS_FILE.name}: unknown sections {sorted(unknown)}"
    return {section: dict(data.get(section) or {}) for section in SECTIONS}


FLOORS = read_floors(FLOORS_FILE.read_text())


@pytest.fixture(scope="module")
def seed_scores() -> dict[str, dict[str, float]]:
    extractions = {}
    for path in sorted(SEEDS.glob("*.txt")):
        _, extraction = extract(path)
        extractions[extraction.document.id] = extraction
    report = diff_report(extractions, load_gold_dir(GOLD), gold_dir=str(GOLD),
                         extracted_dir="in memory")
    assert report.documents == sorted(extractions) and not report.missing_records
    return figures(report)


@pytest.mark.parametrize("section, field, floor",
                         [(s, f, v) for s in SECTIONS for f, v in FLOORS[s].items()])
def test_score_is_not_below_its_floor(seed_scores, section, field, floor):
    assert field in seed_scores[section], f"{section}.{field} is no longer measured"
    assert seed_scores[section][field] >= floor, (
        f"{section}.{field} fell to {seed_scores[section][field]:.3f}, floor {floor}")


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
    for text in versions:
        for section, floors in read_floors(text).items():
            for field, old in floors.items():
                current = FLOORS[section].get(field)
                assert current is not None and current >= old, (
                    f"floor {section}.{field} went down from {old} to {current}")
