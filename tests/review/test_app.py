"""The review page's safety and its promotion to gold, through Starlette's test client."""

import re

import pytest
from starlette.testclient import TestClient

from caselit.cli import main
from pipeline.evaluate.gold import load_gold
from pipeline.review import ReviewConfig, create_app


@pytest.fixture
def client(report_folder, tmp_path):
    app = create_app(ReviewConfig(extracted=report_folder, gold=tmp_path / "gold",
                                  store=report_folder / "review.sqlite", reviewer="ann"))
    return TestClient(app)


def token(client):
    return re.search(r'name="token" value="([^"]+)"', client.get("/doc/scripted").text).group(1)


def test_text_from_a_report_is_shown_as_text_never_run(client):
    page = client.get("/doc/scripted").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert '<mark id="' in page  # mentions are highlighted


@pytest.mark.parametrize("path", ["/doc/..%2F..%2Fetc%2Fpasswd", "/doc/_manifest",
                                  "/doc/nothing-here", "/doc/%2Fetc%2Fpasswd"])
def test_only_documents_of_the_extracted_folder_are_served(client, path):
    assert client.get(path).status_code == 404


def test_state_changes_need_a_post_with_the_page_token(client):
    form = {"key": "drugs=crizotinib", "action": "accept", "number": "0"}
    assert client.post("/doc/scripted/decide", data=form).status_code == 403
    assert client.post("/doc/scripted/decide", data={**form, "token": "forged"}).status_code == 403
    assert client.get("/doc/scripted/decide").status_code == 405
    done = client.post("/doc/scripted/decide", data={**form, "token": token(client)},
                       follow_redirects=False)
    assert done.status_code == 303


def test_a_promoted_document_is_a_valid_gold_file_that_diff_counts(client, report_folder,
                                                                   tmp_path, capsys):
    secret = token(client)
    client.post("/doc/scripted/decide", data={"token": secret, "key": "drugs=crizotinib",
                                             "action": "reject", "number": "0"})
    client.post("/doc/scripted/add", data={"token": secret, "field": "drugs",
                                          "value": "alectinib"})
    client.post("/doc/scripted/promote", data={"token": secret})
    gold = load_gold(tmp_path / "gold" / "scripted.yaml")
    assert gold.drugs == ["alectinib"]  # crizotinib rejected, alectinib added
    assert [f.name for f in gold.fusions] == ["EML4::ALK"]  # not reviewed: kept as extracted
    # provenance (evidence, the timeline) is the extraction's, never gold
    written = (tmp_path / "gold" / "scripted.yaml").read_text()
    assert gold.cases and "timeline" not in written and "evidence" not in written
    assert main(["diff", "--extracted", str(report_folder), "--gold", str(tmp_path / "gold"),
                 "--format", "json"]) == 0
    assert '"documents": [\n    "scripted"\n  ]' in capsys.readouterr().out


def test_a_correction_that_breaks_the_guidelines_is_not_promoted(client, tmp_path):
    secret = token(client)
    client.post("/doc/scripted/decide", data={"token": secret, "key": "cases[index].sex",
                                             "action": "correct", "value": "woman", "number": "1"})
    answer = client.post("/doc/scripted/promote", data={"token": secret}, follow_redirects=True)
    assert "not promoted" in answer.text and not (tmp_path / "gold" / "scripted.yaml").exists()


def test_every_decision_stays_visible_in_the_value_history(client):
    secret = token(client)
    for action, value in (("accept", ""), ("correct", "alectinib")):
        client.post("/doc/scripted/decide", data={"token": secret, "key": "drugs=crizotinib",
                                                 "action": action, "value": value, "number": "0"})
    page = client.get("/doc/scripted").text
    assert "(2 decisions)" in page
    assert "ann: accept (extracted: crizotinib)" in page
    assert "ann: correct -&gt; alectinib (extracted: crizotinib)" in page


def test_the_review_command_names_a_missing_folder(tmp_path, capsys):
    assert main(["review", "--extracted", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_the_documents_list_follows_new_decisions_and_gold_files(client, tmp_path):
    def progress():
        return re.search(r"<td>(\d+) / (\d+)</td>\s*<td>([^<]*)</td>", client.get("/").text).groups()

    decided, total, gold = progress()
    assert (decided, gold) == ("0", "no gold file")
    secret = token(client)
    client.post("/doc/scripted/decide", data={"token": secret, "key": "drugs=crizotinib",
                                             "action": "accept", "number": "0"})
    assert progress() == ("1", total, "no gold file")  # the list was read before: not stale
    client.post("/doc/scripted/promote", data={"token": secret})
    assert progress()[2] == "0"  # a gold file now, and the promoted values agree with it


def test_the_page_shows_each_patient_s_timeline_with_its_sentences(client):
    page = client.get("/doc/scripted").text
    timeline = page[page.index('id="timeline-index"'):]
    timeline = timeline[:timeline.index("</details>")]
    rows = re.findall(r"<tr data-mention=\"m\d+\"><td>([^<]+)</td><td>([^<]*)</td>", timeline)
    assert rows == [("diagnosis", "lung adenocarcinoma"), ("finding", "EML4::ALK"),
                    ("treatment started", "crizotinib"), ("response", "PR")]
    assert "She received crizotinib with partial response." in timeline
