"""The reader on the journal-style PDFs of the seeds, against the seeds' text renderings.

The PDFs were typeset from the seed texts (../shared/pdfs/README.md), so both readings
should say the same: same entities, same gold scores, no page furniture, no citation
digits glued to words, line-end hyphens joined right.
"""

import hashlib
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.evaluate import diff_report, load_gold_dir
from pipeline.evaluate.report import diff_document
from pipeline.extract import extract
from pipeline.read import read_document
from pipeline.read.pdf import read_pdf
from tests.conftest import GOLD, PDFS, SEEDS

pytestmark = pytest.mark.seeds
STEMS = sorted(p.stem for p in PDFS.glob("*.pdf"))
RECORDED = Path(__file__).with_name("seed_pdf_readings.json")
READING_FIELDS = ("text", "pages", "source_map", "sections", "tables", "warnings")
ENTITY_FIELDS = ("genes", "unresolved_genes", "fusions", "rearranged_genes", "variants", "drugs",
                 "regimens")


@pytest.fixture(scope="module")
def readings():
    return {stem: (read_document(SEEDS / f"{stem}.txt"), read_document(PDFS / f"{stem}.pdf"))
            for stem in STEMS}


@pytest.fixture(scope="module")
def extractions():
    return {stem: (extract(SEEDS / f"{stem}.txt")[1], extract(PDFS / f"{stem}.pdf")[1])
            for stem in STEMS}


def words(text: str) -> Counter:
    return Counter(re.findall(r"[a-z0-9]+(?:[-–][a-z0-9]+)*", text.lower()))


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_and_text_give_the_same_entities(extractions, stem):
    text, pdf = extractions[stem]
    document = diff_document(pdf, text)  # the text reading as the reference
    counts = [s for s in document.scores if s.field in ENTITY_FIELDS]
    tp, fp, fn = (sum(getattr(s, k) for s in counts) for k in ("tp", "fp", "fn"))
    assert 2 * tp / (2 * tp + fp + fn) >= 0.98, [(i.field, i.kind, i.value or i.gold)
                                                  for i in document.items]


def test_pdf_and_text_score_the_same_against_gold(extractions):
    gold = load_gold_dir(GOLD)
    scores = [diff_report({s: pair[i] for s, pair in extractions.items()}, gold, gold_dir="g",
                          extracted_dir="e") for i in (0, 1)]
    for text_score, pdf_score in zip(scores[0].scores, scores[1].scores):
        assert abs(text_score.f1 - pdf_score.f1) <= 0.02, text_score.field
    assert scores[0].cases.paired == scores[1].cases.paired


@pytest.mark.parametrize("stem", STEMS)
def test_the_pdf_reading_adds_no_words_to_the_text_reading(readings, stem):
    """Leaked headers, footers or page numbers, citation digits glued to words and wrong
    hyphen joins ("rearrange"+"ment") would all be words the text reading lacks."""
    text, pdf = readings[stem]
    extra = words(pdf.text) - words(text.text)
    glued = [w for w in extra if re.fullmatch(r"[a-z]{2,}\d{1,3}", w)]
    assert glued == []
    assert sum(extra.values()) <= 0.002 * sum(words(text.text).values()), extra


@pytest.mark.parametrize("stem", STEMS)
def test_running_headers_and_footers_are_gone(readings, stem):
    """Every text that recurs in the margin of several PDF pages (taken straight from the
    page characters) occurs in the PDF reading no more often than in the text reading
    (whitespace ignored: a rendering may break a URL where the PDF does not)."""
    import pdfplumber

    text, pdf = readings[stem]
    margins = Counter()
    with pdfplumber.open(PDFS / f"{stem}.pdf") as document:
        for page in document.pages:
            lines = (page.extract_text() or "").split("\n")
            for line in {lines[0], lines[-1]}:
                margins[re.sub(r"\d+", "#", line.strip())] += 1
    for margin, pages in margins.items():
        if pages < 2 or len(margin) < 8:
            continue
        pattern = re.escape(re.sub(r"\s+", "", margin)).replace("\\#", r"\d+")
        in_pdf, in_text = (len(re.findall(pattern, re.sub(r"\s+", "", t))) for t in (pdf.text, text.text))
        assert in_pdf <= in_text, margin


@pytest.mark.parametrize("stem", STEMS)
def test_both_pdf_engines_give_the_same_reading(stem, monkeypatch):
    """pdfium is used for speed only where it reads as pdfplumber does: measured here."""
    readings = []
    for engine in ("pdfium", "pdfplumber"):
        monkeypatch.setenv("CASELIT_PDF_ENGINE", engine)
        readings.append(read_pdf(PDFS / f"{stem}.pdf").text)
    assert readings[0] == readings[1]
    assert os.environ["CASELIT_PDF_ENGINE"] == "pdfplumber"


@pytest.mark.parametrize("stem", STEMS)
def test_no_page_loses_words(readings, stem):
    _, pdf = readings[stem]
    assert not [w for w in pdf.warnings if "missing from the reading" in w]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_the_source_map_holds_what_validation_would_make(engine, monkeypatch):
    """The PDF reader makes its spans without pydantic's validation: each field holds
    exactly the type (and value) validating its values gives."""
    from pipeline.read.textmap import SOURCE_SPANS

    monkeypatch.setenv("CASELIT_PDF_ENGINE", engine)
    spans = read_pdf(PDFS / f"{STEMS[0]}.pdf").source_map
    validated = SOURCE_SPANS.validate_python(
        [{name: getattr(span, name) for name in span.__slots__} for span in spans])
    assert validated == spans

    def types(span) -> list:
        bbox = getattr(span, "bbox")
        return [type(getattr(span, name)) for name in span.__slots__] + [
            type(bbox), *map(type, bbox or ())]

    assert [types(span) for span in spans] == [types(span) for span in validated]


def reading_digests(stem: str) -> dict[str, str]:
    """A hash of each part of a seed PDF's reading (its source, a path, left out)."""
    document = json.loads(read_document(PDFS / f"{stem}.pdf").model_dump_json())
    return {field: hashlib.sha256(json.dumps(document[field], sort_keys=True).encode()).hexdigest()
            for field in READING_FIELDS}


@pytest.mark.parametrize("stem", STEMS)
def test_the_seed_pdfs_read_as_recorded(stem):
    """Text, pages, source map, sections, tables and warnings of each seed PDF exactly as
    recorded from the reader before its characters were read in bulk (a faster reader
    must read the same). Record again, only for an intended change of reading, with
    ``python -m tests.read.test_seed_pdfs``."""
    assert reading_digests(stem) == json.loads(RECORDED.read_text())[stem]


if __name__ == "__main__":
    RECORDED.write_text(json.dumps({stem: reading_digests(stem) for stem in STEMS}, indent=1) + "\n")
    print(f"recorded {len(STEMS)} readings in {RECORDED}", file=sys.stderr)
