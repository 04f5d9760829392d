"""Extracted folders to review, written by the real pipeline, and a logged-in client."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from pipeline.extract import extract
from pipeline.review import ReviewConfig, create_app
from pipeline.store import write_record

REPORT = """Crizotinib in ALK-positive lung cancer <script>alert("x")</script>

Case presentation

A 58-year-old woman with lung adenocarcinoma had an EML4-ALK fusion. She received crizotinib with partial response.
"""
BASE = "http://127.0.0.1:8765"
ORIGIN = {"Origin": BASE}


def extracted_folder(folder, *paths):
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        document, extraction = extract(path)
        write_record(document, extraction, folder)
    return folder


def review_client(folder, gold, name="ann", app=None, **config) -> TestClient:
    """A client (a browser of its own) of ``app`` or a new review app, logged in as
    ``name``."""
    app = app or create_app(ReviewConfig(extracted=folder, gold=gold,
                                         store=folder / "review.sqlite", **config))
    client = TestClient(app, base_url=BASE)
    if name:
        login = client.post("/login", data={"reviewer": name, "next": "/",
                                            "token": config.get("token") or ""},
                            headers=ORIGIN, follow_redirects=False)
        assert login.status_code == 303, login.text
    return client


def csrf(client, doc_id) -> str:
    page = client.get(f"/doc/{doc_id}").text
    return re.search(r'<meta name="csrf" content="([^"]+)">', page).group(1)


def change(client, doc_id, route, **fields):
    """A POST as the page's script sends it."""
    headers = {**ORIGIN, "X-CSRF-Token": csrf(client, doc_id), "Accept": "application/json"}
    return client.post(f"/doc/{doc_id}/{route}", data=fields, headers=headers)


def listed(client, path="/"):
    """The documents list once every line it queued is computed."""
    client.get(path)
    client.app.state.review.listing.settle()
    return client.get(path)


@pytest.fixture
def report_folder(tmp_path):
    source = tmp_path / "in" / "scripted.txt"
    source.parent.mkdir()
    source.write_text(REPORT)
    return extracted_folder(tmp_path / "extracted", source)


@pytest.fixture
def client(report_folder, tmp_path):
    return review_client(report_folder, tmp_path / "gold")
