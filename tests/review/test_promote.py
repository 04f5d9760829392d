"""Promotion to gold: a preview of the change, a confirmation where a file exists or values
are open, a backup of the file replaced, and a target no record can choose."""

import json
import re

import pytest

from caselit.cli import main
from pipeline.errors import PromotionError
from pipeline.evaluate.gold import load_gold
from pipeline.review.promote import gold_target
from pipeline.store import read_record
from tests.review.conftest import change, review_client


def confirm_stamp(client, doc_id):
    page = client.get(f"/doc/{doc_id}/preview")
    return re.search(r'name="confirm" value="([^"]+)"', page.text).group(1)


def promote(client, doc_id, confirm=""):
    return change(client, doc_id, "promote", confirm=confirm)


def test_a_promoted_document_is_a_valid_gold_file_that_diff_counts(client, report_folder,
                                                                   tmp_path, capsys):
    change(client, "scripted", "decide", key="drugs=crizotinib", action="reject")
    change(client, "scripted", "add", field="drugs", value="alectinib")
    refused = promote(client, "scripted")  # values are open: the preview must be confirmed
    assert refused.status_code == 409 and "confirm" in refused.text
    assert not (tmp_path / "gold" / "scripted.yaml").exists()
    assert promote(client, "scripted", confirm_stamp(client, "scripted")).status_code == 200
    gold = load_gold(tmp_path / "gold" / "scripted.yaml")
    assert gold.drugs == ["alectinib"]  # crizotinib rejected, alectinib added
    assert [f.name for f in gold.fusions] == ["EML4::ALK"]  # not reviewed: kept as extracted
    # provenance (evidence, the timeline) is the extraction's, never gold
    written = (tmp_path / "gold" / "scripted.yaml").read_text()
    assert gold.cases and "timeline" not in written and "evidence" not in written
    assert main(["diff", "--extracted", str(report_folder), "--gold", str(tmp_path / "gold"),
                 "--format", "json"]) == 0
    assert '"documents": [\n    "scripted"\n  ]' in capsys.readouterr().out


def test_a_curated_gold_file_is_replaced_only_when_confirmed_and_kept(client, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    curated = ("document: {id: scripted}\ndrugs: [crizotinib, alectinib]\ngenes: [ALK, EML4]\n"
               "cases:\n- {case_id: index, source: narrative, age_years: 59}\n")
    (gold / "scripted.yaml").write_text(curated)
    for key in [k for k in re.findall(r'data-key="([^"]+)"', client.get("/doc/scripted").text)
                if not k.startswith("+")]:
        change(client, "scripted", "decide", key=key, action="accept")
    preview = client.get("/doc/scripted/preview").text
    assert "A gold file exists" in preview
    removed = re.search(r'<ul id="removed">(.*?)</ul>', preview, re.S).group(1)
    assert "alectinib" in removed
    changed = re.search(r'<ul id="changed">(.*?)</ul>', preview, re.S).group(1)
    assert "59 → 58" in changed
    assert promote(client, "scripted").status_code == 409  # all decided, but a file exists
    assert (gold / "scripted.yaml").read_text() == curated
    stamp = confirm_stamp(client, "scripted")
    change(client, "scripted", "decide", key="drugs=crizotinib", action="reject")
    assert promote(client, "scripted", stamp).status_code == 409  # decided since the preview
    assert (gold / "scripted.yaml").read_text() == curated
    assert promote(client, "scripted", confirm_stamp(client, "scripted")).status_code == 200
    [backup] = (gold / ".history").glob("scripted.*.yaml")
    assert backup.read_text() == curated
    assert load_gold(gold / "scripted.yaml").drugs == []


def rewrite_id(record, doc_id):
    data = json.loads(record.read_text())
    data["document"]["id"] = doc_id
    record.write_text(json.dumps(data))


@pytest.mark.parametrize("doc_id", ["../../outside", "/tmp/caselit-outside", "other"])
def test_a_record_cannot_choose_where_its_gold_is_written(report_folder, tmp_path, doc_id):
    record = report_folder / "scripted.json"
    rewrite_id(record, doc_id)
    client = review_client(report_folder, tmp_path / "work" / "gold")
    answer = client.get("/doc/scripted/preview")
    assert answer.status_code == 400 and "is not the record&#39;s file stem" in answer.text
    assert promote(client, "scripted", "x").status_code == 400
    assert not any(tmp_path.rglob("*.yaml")) and not (tmp_path / "outside.yaml").exists()
    with pytest.raises(PromotionError, match="not the record's file stem"):
        gold_target(record, read_record(record), tmp_path / "gold")


def test_a_gold_file_that_links_out_of_the_gold_folder_is_refused(report_folder, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("document: {id: scripted}\n")
    (gold / "scripted.yaml").symlink_to(outside)
    with pytest.raises(PromotionError, match="outside the gold folder"):
        gold_target(report_folder / "scripted.json", read_record(report_folder / "scripted.json"),
                    gold)
    assert outside.read_text() == "document: {id: scripted}\n"
