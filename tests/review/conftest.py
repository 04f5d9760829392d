"""Extracted folders to review, written by the real pipeline."""

from __future__ import annotations

import pytest

from pipeline.extract import extract
from pipeline.store import write_record

REPORT = """Crizotinib in ALK-positive lung cancer <script>alert("x")</script>

Case presentation

A 58-year-old woman with lung adenocarcinoma had an EML4-ALK fusion. She received crizotinib with partial response.
"""


def extracted_folder(folder, *paths):
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        document, extraction = extract(path)
        write_record(document, extraction, folder)
    return folder


@pytest.fixture
def report_folder(tmp_path):
    source = tmp_path / "in" / "scripted.txt"
    source.parent.mkdir()
    source.write_text(REPORT)
    return extracted_folder(tmp_path / "extracted", source)
