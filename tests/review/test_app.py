"""The review page through Starlette's test client: what it shows, how decisions change
rows, sessions and reviewers, the documents list, and the source beside the text."""

import re

import pytest

from caselit.cli import main
from pipeline.evaluate.gold import load_gold
from pipeline.extract import extract
from pipeline.store import write_record
from tests.conftest import PDFS, ROOT, SEEDS
from tests.review.conftest import (ORIGIN, change, csrf, extracted_folder, listed,
                                   review_client)


def row_html(html: str, key: str) -> str:
    start = html.index(f'data-key="{key}"')
    return html[start:html.index("</tr>", start)]


def test_text_from_a_report_is_shown_as_text_never_run(client):
    page = client.get("/doc/scripted").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert '<mark id="' in page  # mentions are highlighted
    assert "<script>" not in page.replace('<script src="/static/review.js"></script>', "")


@pytest.mark.parametrize("path", ["/doc/..%2F..%2Fetc%2Fpasswd", "/doc/_manifest",
                                  "/doc/nothing-here", "/doc/%2Fetc%2Fpasswd"])
def test_only_documents_of_the_extracted_folder_are_served(client, path):
    assert client.get(path).status_code == 404


def test_a_decision_answers_its_row_in_place_with_the_progress(client):
    answer = change(client, "scripted", "decide", key="drugs=crizotinib", action="accept")
    assert answer.status_code == 200
    data = answer.json()
    assert data["progress"].startswith("1 / ")
    [changed] = data["rows"]
    assert changed["key"] == "drugs=crizotinib"
    assert 'data-status="accepted"' in changed["html"] and changed["html"].startswith("<tr")


def test_state_changes_need_a_post_with_the_session_token(client):
    form = {"key": "drugs=crizotinib", "action": "accept"}
    assert client.post("/doc/scripted/decide", data=form, headers=ORIGIN).status_code == 403
    assert client.post("/doc/scripted/decide", data={**form, "token": "forged"},
                       headers=ORIGIN).status_code == 403
    assert client.get("/doc/scripted/decide").status_code == 405
    assert client.post("/doc/scripted/decide", data={**form, "token": csrf(client, "scripted")},
                       headers=ORIGIN).status_code == 200


def test_same_name_values_are_decided_one_by_one(tmp_path):
    """Two EML4::ALK fusions of other exons are two rows with two keys."""
    report = tmp_path / "in" / "two.txt"
    report.parent.mkdir()
    report.write_text("Case presentation\nA 50-year-old man had lung adenocarcinoma. NGS found "
                      "an EML4-ALK fusion (E13;A20) and an EML4-ALK fusion (E6;A20).\n")
    folder = extracted_folder(tmp_path / "extracted", report)
    client = review_client(folder, tmp_path / "gold")
    page = client.get("/doc/two").text
    keys = [k for k in re.findall(r'data-key="([^"]+)"', page) if k.startswith("fusions=")]
    assert keys == ["fusions=EML4::ALK | exons: 13, 20", "fusions=EML4::ALK | exons: 6, 20"]
    change(client, "two", "decide", key=keys[0], action="reject")
    page = client.get("/doc/two").text
    assert 'data-status="rejected"' in row_html(page, keys[0])
    assert 'data-status="open"' in row_html(page, keys[1])


def test_an_edit_is_checked_against_the_schema_when_entered(client):
    for key, value, reason in (
            ("cases[index].sex", "woman", "'male' or 'female'"),
            ("cases[index].age_years", "abc", "age_years is a number of years"),
            ("drugs=crizotinib", "x" * 1000, "at most 300 characters"),
            ("fusions=EML4::ALK", "EML4-ALK", "5PRIME::3PRIME")):
        answer = change(client, "scripted", "decide", key=key, action="correct", value=value)
        assert answer.status_code == 422 and reason in answer.json()["error"], answer.text
    added = change(client, "scripted", "add", field="cases[index].age_years", value="old")
    assert added.status_code == 422 and "number of years" in added.json()["error"]
    assert client.app.state.review.store.history("scripted") == []  # nothing recorded


def test_an_added_value_can_be_removed_and_undone(client):
    added = change(client, "scripted", "add", field="drugs", value="alectinib").json()
    key = added["rows"][0]["key"]
    assert key == "+drugs=alectinib" and "alectinib" in added["rows"][0]["html"]
    again = change(client, "scripted", "add", field="drugs", value="crizotinib")
    assert again.status_code == 422 and "extracted already" in again.json()["error"]
    removed = change(client, "scripted", "decide", key=key, action="reset").json()
    assert removed["rows"] == [{"key": key, "html": None}]
    assert f'data-key="{key}"' not in client.get("/doc/scripted").text
    restored = change(client, "scripted", "undo").json()  # takes back the removal
    assert restored["rows"][0]["key"] == key and "alectinib" in restored["rows"][0]["html"]


def test_undo_and_reset_set_a_value_back(client):
    change(client, "scripted", "decide", key="drugs=crizotinib", action="reject")
    change(client, "scripted", "decide", key="drugs=crizotinib", action="accept")
    undone = change(client, "scripted", "undo").json()
    assert 'data-status="rejected"' in undone["rows"][0]["html"]
    reset = change(client, "scripted", "decide", key="drugs=crizotinib", action="reset").json()
    assert 'data-status="open"' in reset["rows"][0]["html"]
    assert change(client, "scripted", "undo").json()["rows"][0]["html"].count(
        'data-status="rejected"') == 1
    change(client, "scripted", "undo")  # the reject itself
    assert change(client, "scripted", "undo").status_code == 409  # nothing of ann's left


def test_every_decision_stays_visible_in_the_value_history(client):
    for action, value in (("accept", ""), ("correct", "alectinib")):
        change(client, "scripted", "decide", key="drugs=crizotinib", action=action, value=value)
    page = client.get("/doc/scripted").text
    assert "(2 decisions)" in page
    assert "ann: accept (extracted: crizotinib)" in page
    assert "ann: correct -&gt; alectinib (extracted: crizotinib)" in page


def test_each_browser_session_names_its_reviewer(report_folder, tmp_path):
    ann = review_client(report_folder, tmp_path / "gold", "ann")
    ben = review_client(report_folder, tmp_path / "gold", None, app=ann.app)
    assert ben.get("/doc/scripted", follow_redirects=False).headers["location"] == (
        "/login?next=/doc/scripted")
    assert ben.post("/doc/scripted/undo", headers=ORIGIN).status_code == 401
    refused = ben.post("/login", data={"reviewer": "<b>", "next": "/"}, headers=ORIGIN)
    assert refused.status_code == 400 and "name yourself" in refused.text
    ben.post("/login", data={"reviewer": "ben", "next": "/"}, headers=ORIGIN)
    change(ann, "scripted", "decide", key="drugs=crizotinib", action="accept")
    change(ben, "scripted", "decide", key="drugs=crizotinib", action="reject")
    assert [(e.reviewer, e.action) for e in ann.app.state.review.store.history("scripted")] == [
        ("ann", "accept"), ("ben", "reject")]
    assert "reviewer: ben" in ben.get("/").text


def test_a_page_bound_beyond_loopback_needs_the_token_and_says_so(report_folder, tmp_path):
    client = review_client(report_folder, tmp_path / "gold", None, host="0.0.0.0",
                           token="s3cret-token")
    login = client.get("/login").text
    assert 'id="shared"' in login and 'name="token"' in login
    wrong = client.post("/login", data={"reviewer": "ann", "token": "guess", "next": "/"},
                        headers=ORIGIN)
    assert wrong.status_code == 403 and "wrong token" in wrong.text
    assert client.get("/doc/scripted", follow_redirects=False).status_code == 303
    right = client.post("/login", data={"reviewer": "ann", "token": "s3cret-token", "next": "/"},
                        headers=ORIGIN, follow_redirects=False)
    assert right.status_code == 303
    assert client.get("/doc/scripted").status_code == 200


def test_the_review_command_names_a_missing_folder(tmp_path, capsys):
    assert main(["review", "--extracted", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_the_review_command_bound_beyond_loopback_warns_and_names_its_token(report_folder):
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serving = subprocess.Popen(
        [sys.executable, "-m", "caselit.cli", "review", "--extracted", str(report_folder),
         "--host", "0.0.0.0", "--port", str(port), "--token", "given-token"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        warning = serving.stderr.readline()
    finally:
        serving.terminate()
        serving.wait(30)
    assert "warning:" in warning and "beyond this machine" in warning
    assert "given-token" in warning and "--allow-host" in warning


def test_the_documents_list_follows_new_decisions_and_gold_files(client):
    def progress():
        page = listed(client, "/").text
        return re.search(r"<td>(\d+) / (\d+)</td>\s*<td>([^<]*)</td>", page).groups()

    decided, total, gold = progress()
    assert (decided, gold) == ("0", "no gold file")
    change(client, "scripted", "decide", key="drugs=crizotinib", action="accept")
    assert progress() == ("1", total, "no gold file")  # the list was read before: not stale
    preview = client.get("/doc/scripted/preview").text
    stamp = re.search(r'name="confirm" value="([^"]+)"', preview).group(1)
    change(client, "scripted", "promote", confirm=stamp)
    assert progress()[2] == "0"  # a gold file now, and the promoted values agree with it


def copies(folder, source, count):
    """``count`` records of one extracted report under other ids (doc-000, doc-001...)."""
    document, extraction = extract(source)
    for number in range(count):
        doc_id = f"doc-{number:03d}"
        info = extraction.document.model_copy(update={"id": doc_id, "title": f"report {number}"})
        write_record(document.model_copy(update={"id": doc_id}),
                     extraction.model_copy(update={"document": info}), folder)
    return folder


def test_the_documents_list_is_paginated_and_searchable(tmp_path, report_folder):
    folder = copies(tmp_path / "many", report_folder.parent / "in" / "scripted.txt", 60)
    client = review_client(folder, tmp_path / "gold")
    cold = client.get("/").text  # answers at once, lines computed in the background
    assert 'id="computing"' in cold and '<meta http-equiv="refresh"' in cold
    page = listed(client, "/").text
    assert 'id="computing"' not in page
    assert page.count("<tr data-doc=") == 50 and "page 1 of 2" in page
    assert listed(client, "/?page=2").text.count("<tr data-doc=") == 10
    found = client.get("/?q=report 42").text
    assert re.findall(r'<tr data-doc="([^"]+)"', found) == ["doc-042"]


def test_a_broken_gold_file_leaves_the_list_answering(client, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "scripted.yaml").write_text("document: {id: scripted}\ndrugs: [unclosed\n")
    listing = listed(client, "/")
    assert listing.status_code == 200
    assert "gold file broken" in listing.text and str(gold / "scripted.yaml") in listing.text
    page = client.get("/doc/scripted")
    assert page.status_code == 200 and 'id="gold-error"' in page.text


def test_a_broken_record_is_named_and_the_list_still_answers(client, report_folder):
    (report_folder / "scripted.json").write_text('{"document": ')
    page = client.get("/doc/scripted")
    assert page.status_code == 500 and "scripted.json: not valid JSON" in page.text
    listing = listed(client, "/")
    assert listing.status_code == 200 and "scripted.json" in listing.text


def test_gold_values_show_beside_the_extraction_and_missing_ones_can_be_accepted(client,
                                                                                   tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "scripted.yaml").write_text(
        "document: {id: scripted}\ndrugs: [crizotinib, alectinib]\n"
        "cases:\n- {case_id: index, source: narrative, age_years: 59, sex: female}\n")
    page = client.get("/doc/scripted").text
    age = row_html(page, "cases[index].age_years")
    assert 'data-agrees="no"' in age and '<td class="gold">59</td>' in age
    assert '<td class="gold">crizotinib</td>' in row_html(page, "drugs=crizotinib")
    assert 'data-status="gold-only"' in row_html(page, "drugs=alectinib")
    only = client.get("/doc/scripted?only=disagree").text
    shown = re.findall(r'<tr class="value[^"]*" data-key="([^"]+)"', only)
    assert "cases[index].age_years" in shown and "drugs=alectinib" in shown
    assert "drugs=crizotinib" not in shown and "cases[index].sex" not in shown
    accepted = change(client, "scripted", "add", field="drugs", value="alectinib",
                      gold_key="drugs=alectinib").json()
    assert [r["key"] for r in accepted["rows"]] == ["+drugs=alectinib", "drugs=alectinib"]
    assert accepted["rows"][1]["html"] is None  # no longer missing: it is added
    assert 'data-agrees="yes"' in accepted["rows"][0]["html"]


def test_malformed_input_gets_a_clean_4xx(client):
    headers = {**ORIGIN, "X-CSRF-Token": csrf(client, "scripted"), "Accept": "application/json"}
    for answer in (
            client.get("/?page=abc"),
            client.post("/doc/scripted/decide", content=b"key=\xff\xfe", headers={
                **headers, "content-type": "application/x-www-form-urlencoded"}),
            client.post("/doc/scripted/decide", data={"key": "drugs=crizotinib",
                                                      "action": "delete"}, headers=headers),
            client.post("/doc/scripted/decide", data={"key": "drugs=nothing",
                                                      "action": "accept"}, headers=headers),
            client.post("/doc/scripted/add", data={"field": "cases[nobody].sex",
                                                   "value": "male"}, headers=headers)):
        assert 400 <= answer.status_code < 500, answer.text
    assert client.get("/?page=abc").headers["content-type"].startswith("text/html")


def test_the_page_shows_each_patient_s_timeline_with_its_sentences(client):
    page = client.get("/doc/scripted").text
    timeline = page[page.index('id="timeline-index"'):]
    timeline = timeline[:timeline.index("</details>")]
    rows = re.findall(r"<tr data-mention=\"m\d+\"><td>([^<]+)</td><td>([^<]*)</td>", timeline)
    assert rows == [("diagnosis", "lung adenocarcinoma"), ("finding", "EML4::ALK"),
                    ("treatment started", "crizotinib"), ("response", "PR")]
    assert "She received crizotinib with partial response." in timeline


def test_a_corrected_case_id_is_kept_on_promotion(client, tmp_path):
    change(client, "scripted", "decide", key="cases[index]", action="correct", value="index-2")
    stamp = re.search(r'name="confirm" value="([^"]+)"',
                      client.get("/doc/scripted/preview").text).group(1)
    change(client, "scripted", "promote", confirm=stamp)
    assert [case.case_id for case in load_gold(tmp_path / "gold" / "scripted.yaml").cases] == [
        "index-2"]


@pytest.mark.seeds
def test_a_table_row_case_shows_its_table_with_the_row_marked(tmp_path):
    seed = "000_5bbf36ae2ccbcfd8"
    folder = extracted_folder(tmp_path / "extracted", SEEDS / f"{seed}.txt")
    page = review_client(folder, tmp_path / "gold").get(f"/doc/{seed}").text
    table = page[page.index('id="table-table1-row2"'):]
    table = table[:table.index("</details>")]
    rows = re.findall(r"<tr( class=\"case-row\")?><td>", table)
    assert rows.index(' class="case-row"') == 1 and rows.count(' class="case-row"') == 1


@pytest.mark.seeds
def test_a_pdf_value_shows_its_page_with_the_evidence_boxed(tmp_path):
    from io import BytesIO

    from PIL import Image

    seed = "001_9a263966bb2574b4"
    folder = extracted_folder(tmp_path / "extracted", PDFS / f"{seed}.pdf")
    client = review_client(folder, tmp_path / "gold")
    page = client.get(f"/doc/{seed}").text
    assert 'id="page-image"' in page
    mention = re.search(r'data-key="drugs=alectinib"[^>]*data-mention="(m\d+)"', page).group(1)
    image = client.get(f"/doc/{seed}/source/{mention}.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    pixels = Image.open(BytesIO(image.content)).convert("RGB").get_flattened_data()
    assert sum(pixel == (217, 72, 15) for pixel in pixels) > 100  # the box, drawn
    assert client.get(f"/doc/{seed}/source/m999999.png").status_code == 404
