"""caselit run on literature files: JATS, MEDLINE (several articles a file) and BioC beside
a broken XML file, which is a named failure while the batch goes on."""

import json
import shutil
from pathlib import Path

import pytest

from caselit.cli import main
from pipeline.batch import plan_batch
from pipeline.store import read_record

FIXTURES = Path(__file__).parent / "read" / "fixtures"


@pytest.mark.flow
def test_run_takes_jats_medline_and_bioc_files_and_names_a_broken_one(prefect_harness, tmp_path,
                                                                      capsys):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for name in ("two_patients.xml", "medline_three.xml", "bioc_two.xml"):
        shutil.copy(FIXTURES / name, raw / name)
    (raw / "broken.xml").write_text("<article><body><p>Cut short")
    assert main(["run", str(raw), "--out", str(out)]) == 0
    records = sorted(p.stem for p in out.glob("*.json") if not p.name.startswith("_"))
    assert records == ["PMID99000011", "PMID99000012", "PMID99000013", "PMID99000021",
                       "case-b", "two_patients"]
    (failure,) = json.loads((out / "_failures.json").read_text())
    assert failure["path"].endswith("broken.xml") and "not well-formed XML" in failure["reason"]
    record = read_record(out / "PMID99000012.json")
    assert record.run.source.member == "PMID99000012"
    assert record.run.source.path.endswith("medline_three.xml")
    assert record.run.media_type == "application/pubmed+xml"
    assert len(read_record(out / "two_patients.json").cases) == 5
    # a second run skips every article, those sharing a file too
    batch = plan_batch([raw], out, fingerprint=record.run.fingerprint)
    assert [source.doc_id for source, _ in batch.todo] == ["broken"]  # failed: tried again
    assert len(batch.skipped) == 6
    manifest = json.loads((out / "_manifest.json").read_text())["documents"]
    assert {manifest[f"PMID9900001{n}"]["path"] for n in (1, 2, 3)} == {
        str((raw / "medline_three.xml").resolve())}
