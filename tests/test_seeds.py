"""The seeds end to end: five published case reports through the flow."""

import pandas as pd
import pytest

import flows.ingest as ingest
from tests.conftest import SEEDS

pytestmark = [pytest.mark.flow, pytest.mark.seeds]


def test_the_seeds_give_five_records_and_the_tables(prefect_harness, tmp_path):
    out = tmp_path / "extracted"
    summary = ingest.run_ingest([str(SEEDS)], str(out))
    assert (summary.done, summary.failed) == (5, 0)
    records = sorted(p.stem for p in out.glob("[!_]*.json"))
    assert records == sorted(p.stem for p in SEEDS.glob("*.txt"))
    cases = pd.read_parquet(out / "cases.parquet")
    assert set(cases.doc_id) == set(records)
    entities = pd.read_parquet(out / "entities.parquet")
    assert {"gene", "fusion", "variant", "drug", "regimen"} <= set(entities.type)
