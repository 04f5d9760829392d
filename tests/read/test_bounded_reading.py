"""Huge and pathological inputs: refused with a named reason, or read in stretches."""

import random
import re
from pathlib import Path

import pytest

from pipeline.errors import BadInputError
from pipeline.read import read_document, refuse_overlong_words, spaced_throughout
from tests.read.pdfbuild import PageSpec, build


def test_a_run_of_200000_brackets_is_refused_with_its_length_and_place(tmp_path):
    poison = tmp_path / "poison.txt"
    poison.write_text("A 50-year-old man received crizotinib.\n" + "(" * 200_000 + "\n")
    with pytest.raises(BadInputError) as refused:
        read_document(poison)
    assert refused.value.reason == (
        "a run of 200,000 characters without a space at character 39 (at most 1,000: "
        "CASELIT_MAX_WORD_CHARS); not prose that can be tagged")


@pytest.mark.parametrize("limit", [1, 2, 7, 40, 1000])
def test_a_text_spaced_in_every_stretch_has_no_overlong_run(limit):
    # each whole stretch of limit // 2 characters holding a space is what rules such a
    # run out; a text that fails it is searched in full and refused only for a real run
    chance = random.Random(limit)
    for _ in range(300):
        text = "".join(chance.choice("ab \n\u3000\u00a0") if chance.random() < 0.5 else
                       "x" * chance.randrange(limit + 3) for _ in range(chance.randrange(12)))
        overlong = re.search(rf"\S{{{limit + 1}}}", text) is not None
        assert not (spaced_throughout(text, limit) and overlong)
        assert refused(text, limit) == overlong


def refused(text: str, limit: int) -> bool:
    try:
        refuse_overlong_words(Path("t.txt"), text, limit)
    except BadInputError:
        return True
    return False


def test_a_long_line_of_prose_is_read(tmp_path):
    line = tmp_path / "one_line.txt"
    line.write_text("A 50-year-old man received crizotinib for ALK-positive lung cancer. " * 5000)
    assert len(read_document(line).text) > 300_000


STORY = ["She presented with cough and weight loss.", "Imaging showed a lung mass.",
         "Biopsy found adenocarcinoma with an EML4-ALK fusion.", "Crizotinib was started.",
         "The response was partial.", "Brain metastases appeared after a year.",
         "Alectinib was given next.", "The lesions shrank.", "Lorlatinib followed later.",
         "She is alive at last follow-up.", "No other treatment was needed.",
         "We thank the patient for her consent."]


def test_a_pdf_read_in_stretches_of_pages_reads_as_it_does_whole(tmp_path, monkeypatch):
    """The same words on the same pages, headers dropped in each stretch; only the break
    where two stretches meet may differ (a paragraph break)."""
    pages = [PageSpec(header="Journal of Tested Reports 2026", number=number,
                      left=STORY[2 * number - 2:2 * number]) for number in range(1, 7)]
    pdf = build(tmp_path / "long.pdf", pages)
    whole = read_document(pdf)
    monkeypatch.setenv("CASELIT_PDF_PIECE_PAGES", "3")
    in_stretches = read_document(pdf)
    assert "Journal of Tested" not in whole.text + in_stretches.text
    assert in_stretches.text.split() == whole.text.split() == " ".join(STORY).split()

    def page_words(document):
        return [document.text[page.start:page.end].split() for page in document.pages]

    assert page_words(in_stretches) == page_words(whole)
    assert [span.page for span in in_stretches.source_map] == [span.page for span in whole.source_map]
