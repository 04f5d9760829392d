"""The review page end to end in headless Chromium at 1280x800: a whole seed document
decided by keyboard (accept, reject, edit, add, undo, reset an added value), reloaded,
promoted through the preview; and one of seed 004's same-name fusions decided alone."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest
import uvicorn

from caselit.cli import main
from pipeline.evaluate.gold import load_gold
from pipeline.review import ReviewConfig, create_app
from pipeline.store import read_record
from tests.conftest import ROOT, SEEDS
from tests.review.conftest import extracted_folder

pytestmark = [pytest.mark.browser, pytest.mark.seeds]
# measured to work here (TOOLCHAIN): the system browser, nothing downloaded, no network
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]


def chromium() -> str:
    found = os.environ.get("CASELIT_CHROMIUM") or shutil.which("chromium")
    assert found, "Chromium is missing: `make test` installs Debian's chromium package"
    return found


def serve(tmp_path, seed):
    folder = extracted_folder(tmp_path / "extracted", SEEDS / f"{seed}.txt")
    gold = tmp_path / "gold"
    app = create_app(ReviewConfig(extracted=folder, gold=gold, store=folder / "review.sqlite"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return running, thread, f"http://127.0.0.1:{port}", folder, gold


@pytest.fixture
def opened(request, tmp_path):
    """The seed ``request.param`` served, and a 1280x800 browser page on it: logged in as
    "tester" (the page asks first), the document opened from the list."""
    from playwright.sync_api import sync_playwright

    running, thread, base, folder, gold = serve(tmp_path, request.param)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), headless=True,
                                                 args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(base + "/")
            page.fill("#login-reviewer", "tester")
            page.click("#login-form button")
            page.click(f"text={request.param}")
            # the whole document page, every value row parsed, before a test reads its rows
            page.wait_for_url(f"**/doc/{request.param}", wait_until="load")
            yield page, folder, gold
            browser.close()
    finally:
        running.should_exit = True
        thread.join(10)


def row(page, key):
    return page.locator(f'tr.value[data-key="{key}"]')


def current_key(page) -> str:
    return page.locator("tr.value.current").get_attribute("data-key")


def select_words(page, words):
    page.evaluate("""words => {
        const text = document.getElementById("text");
        const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const at = node.data.indexOf(words);
            if (at >= 0) {
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                window.getSelection().removeAllRanges();
                window.getSelection().addRange(range);
                text.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                return;
            }
        }
        throw new Error("no such words in the text");
    }""", words)


SEED = "001_9a263966bb2574b4"


@pytest.mark.parametrize("opened", [SEED], indirect=True)
def test_a_curator_decides_a_whole_seed_by_keyboard_and_promotes_it(opened):
    from playwright.sync_api import expect

    page, folder, gold = opened
    keys = page.locator("tr.value").evaluate_all("rows => rows.map(r => r.dataset.key)")
    decision = page.locator("tr.value").first.locator("td.decision button").first.bounding_box()
    assert decision["x"] + decision["width"] <= 1280  # the decision column is in view

    # accept three values with keys pressed at once: they queue, each on the next value
    assert current_key(page) == keys[0]
    page.keyboard.press("a")
    page.keyboard.press("a")
    page.keyboard.press("a")
    for key in keys[:3]:
        expect(row(page, key)).to_have_attribute("data-status", "accepted")
    expect(page.locator("tr.value.current")).to_have_attribute("data-key", keys[3])
    page.keyboard.press("r")
    expect(row(page, keys[3])).to_have_attribute("data-status", "rejected")
    expect(page.locator("#progress")).to_have_text(f"4 / {len(keys)} decided")

    # edit: "e", a value the schema refuses (the reason shows beside it), then a good one
    row(page, "cases[index].age_years").click()
    page.keyboard.press("e")
    page.keyboard.type("forty")
    page.keyboard.press("Enter")
    expect(row(page, "cases[index].age_years").locator(".reason")).to_contain_text(
        "age_years is a number of years")
    page.keyboard.press("Control+A")
    page.keyboard.type("45")
    page.keyboard.press("Enter")
    age = row(page, "cases[index].age_years")
    expect(age).to_have_attribute("data-status", "corrected")
    expect(age.locator(".shown")).to_have_text("45")
    expect(page.locator("tr.value.current")).not_to_have_attribute(
        "data-key", "cases[index].age_years")  # on to the next undecided value

    # add a missed value from a text selection, then two more: one undone, one removed
    select_words(page, "hypermenorrhea")
    expect(page.locator("#add-value")).to_have_value("hypermenorrhea")
    page.select_option("#add-field", "cases[index].diagnosis")
    page.click("#add-form button")
    expect(page.locator("tr.kind-added")).to_have_count(1)
    def add_drug(drug):
        page.select_option("#add-field", "drugs")
        page.fill("#add-value", drug)
        page.press("#add-value", "Enter")
        expect(page.locator("tr.kind-added", has_text=drug)).to_have_count(1)
        page.keyboard.press("Escape")

    add_drug("removed-drug")
    page.locator("tr.kind-added", has_text="removed-drug").click()
    page.keyboard.press("x")
    expect(page.locator("tr.kind-added", has_text="removed-drug")).to_have_count(0)
    page.keyboard.press("u")  # takes back the removal
    expect(page.locator("tr.kind-added", has_text="removed-drug")).to_have_count(1)
    page.locator("tr.kind-added", has_text="removed-drug").click()
    page.keyboard.press("x")
    expect(page.locator("tr.kind-added", has_text="removed-drug")).to_have_count(0)
    add_drug("undone-drug")
    page.keyboard.press("u")  # takes back the add
    expect(page.locator("tr.kind-added", has_text="undone-drug")).to_have_count(0)

    # decisions persist across a reload
    page.reload()
    for key in keys[:3]:
        expect(row(page, key)).to_have_attribute("data-status", "accepted")
    expect(row(page, keys[3])).to_have_attribute("data-status", "rejected")
    expect(row(page, "cases[index].age_years").locator(".shown")).to_have_text("45")
    expect(page.locator("tr.kind-added")).to_have_count(1)

    page.click("#promote")
    expect(page.locator("#preview")).to_contain_text("values are open")
    expect(page.locator("#confirm")).to_have_text("confirm: write the gold file")
    page.click("#confirm")
    expect(page.locator("#message")).to_contain_text("promoted to")
    screenshots = ROOT / "extracted"
    screenshots.mkdir(exist_ok=True)
    page.screenshot(path=str(screenshots / "review_page.png"))

    promoted = load_gold(gold / f"{SEED}.yaml")
    index = next(case for case in promoted.cases if case.case_id == "index")
    assert index.age_years == 45
    assert index.diagnosis == "hypermenorrhea"  # the added value replaces the scalar
    assert not {"undone-drug", "removed-drug"} & set(promoted.drugs)
    field, _, rejected = keys[3].partition("=")
    assert rejected not in [str(v) for v in getattr(promoted, field)]
    assert main(["diff", "--extracted", str(folder), "--gold", str(gold), "--format", "json"]) == 0


FUSIONS_SEED = "004_dad4986e1671c519"


@pytest.mark.parametrize("opened", [FUSIONS_SEED], indirect=True)
def test_one_of_several_same_name_fusions_is_decided_alone(opened):
    from playwright.sync_api import expect

    page, folder, gold = opened
    eml4 = page.locator('tr.value[data-key^="fusions=EML4::ALK"]')
    expect(eml4).to_have_count(8)
    chosen = eml4.nth(2)
    key = chosen.get_attribute("data-key")
    expect(chosen.locator(".shown")).to_contain_text("exons: ")
    chosen.click()
    page.keyboard.press("r")
    expect(chosen).to_have_attribute("data-status", "rejected")
    statuses = eml4.evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses.count("rejected") == 1 and statuses.count("open") == 7

    page.click("#promote")
    page.click("#confirm")
    expect(page.locator("#message")).to_contain_text("promoted to")
    extracted = read_record(folder / f"{FUSIONS_SEED}.json").fusions
    written = load_gold(gold / f"{FUSIONS_SEED}.yaml").fusions
    rejected = [f for f in extracted if f"fusions={f.name} | exons: {f.five_prime_exon}, "
                f"{f.three_prime_exon}" == key]
    assert len(rejected) == 1
    assert written == [f for f in extracted if f not in rejected]  # every other exon pair kept
