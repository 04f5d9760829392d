"""The review page end to end in headless Chromium: open a seed's extraction, accept a
value, correct another, add a missed one from a text selection, reload, promote."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from caselit.cli import main
from pipeline.evaluate.gold import load_gold
from pipeline.review import ReviewConfig, create_app
from tests.conftest import ROOT, SEEDS
from tests.review.conftest import extracted_folder

pytestmark = [pytest.mark.browser, pytest.mark.seeds]
SEED = "001_9a263966bb2574b4"
# measured to work here (TOOLCHAIN): the system browser, nothing downloaded, no network
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]


def chromium() -> str:
    found = os.environ.get("CASELIT_CHROMIUM") or shutil.which("chromium")
    assert found, "Chromium is missing: `make test` installs Debian's chromium package"
    return found


@pytest.fixture
def server(tmp_path):
    folder = extracted_folder(tmp_path / "extracted", SEEDS / f"{SEED}.txt")
    gold = tmp_path / "gold"
    app = create_app(ReviewConfig(extracted=folder, gold=gold, store=folder / "review.sqlite",
                                  reviewer="tester"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", folder, gold
    running.should_exit = True
    thread.join(10)


def row(page, key):
    return page.locator(f'tr.value[data-key="{key}"]')


def test_a_curator_reviews_a_seed_and_promotes_it_to_gold(server):
    from playwright.sync_api import expect, sync_playwright

    base, folder, gold = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), headless=True,
                                             args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(base + "/")
        expect(page.locator("#documents")).to_contain_text(SEED)
        page.click(f"text={SEED}")

        # accept: focus the value (its evidence is highlighted in the text), press "a"
        row(page, "drugs=alectinib").click()
        expect(page.locator("mark.focused")).to_have_count(1)
        page.keyboard.press("a")
        expect(row(page, "drugs=alectinib").locator(".state")).to_have_text("accepted")

        # correct: press "e", type, Enter
        row(page, "cases[index].primary_site").click()
        page.keyboard.press("e")
        page.keyboard.press("Control+A")
        page.keyboard.type("uterine corpus")
        page.keyboard.press("Enter")
        site = row(page, "cases[index].primary_site")
        expect(site.locator(".state")).to_have_text("corrected")
        expect(site.locator(".shown")).to_have_text("uterine corpus")

        # add a missed value by selecting its words in the text
        page.evaluate("""() => {
            const text = document.getElementById("text");
            const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf("hypermenorrhea");
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + "hypermenorrhea".length);
                    window.getSelection().removeAllRanges();
                    window.getSelection().addRange(range);
                    text.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                    return;
                }
            }
            throw new Error("no such words in the text");
        }""")
        expect(page.locator("#add-value")).to_have_value("hypermenorrhea")
        page.select_option("#add-field", "cases[index].diagnosis")
        page.click("#add-form button")
        expect(page.locator("#message")).to_contain_text("added cases[index].diagnosis")

        # decisions persist across a reload
        page.reload()
        expect(row(page, "drugs=alectinib").locator(".state")).to_have_text("accepted")
        expect(row(page, "cases[index].primary_site").locator(".shown")).to_have_text(
            "uterine corpus")
        expect(page.locator("tr.added")).to_contain_text("hypermenorrhea")

        page.click("#promote-form button")
        expect(page.locator("#message")).to_contain_text("promoted to")
        screenshots = ROOT / "extracted"
        screenshots.mkdir(exist_ok=True)
        page.screenshot(path=str(screenshots / "review_page.png"))
        browser.close()

    promoted = load_gold(gold / f"{SEED}.yaml")
    index = next(case for case in promoted.cases if case.case_id == "index")
    assert index.primary_site == "uterine corpus"
    assert index.diagnosis == "hypermenorrhea"  # the added value replaces the scalar
    assert "alectinib" in promoted.drugs
    assert main(["diff", "--extracted", str(folder), "--gold", str(gold), "--format", "json"]) == 0
