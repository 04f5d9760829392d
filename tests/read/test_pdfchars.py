"""pdfium's characters: the arrays read with them hold the numbers their dicts hold;
each keeps its own code."""

from dataclasses import fields
from pathlib import Path

import numpy
import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.read.layout import Columns
from pipeline.read.pdf import read_pdf
from pipeline.read.pdfchars import pdfium_pages
from tests.read.pdfbuild import PageSpec, build, column_lines


def test_the_columns_read_with_the_characters_are_theirs(tmp_path):
    """Sizes as the characters carry them (rounded), baselines from the origins, spaces
    not printed, the width given to a space pdfium gives none."""
    path = build(tmp_path / "report.pdf", [PageSpec(
        title=["A case of ALK^{1} fusion"], left=column_lines("Left column words", 6),
        right=column_lines("Right column text", 5), header="Journal of Cases", number=3)])
    (source,) = pdfium_pages(path)
    expected = Columns.of(source.chars)
    for column in fields(Columns):
        found, wanted = getattr(source.columns, column.name), getattr(expected, column.name)
        assert found.dtype == wanted.dtype and numpy.array_equal(found, wanted), column.name
    assert not source.columns.printed.all() and source.columns.printed.any()
    assert set(source.columns.size.tolist()) >= {16.0, 10.0, 7.0}


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs fonts-dejavu-core")
def test_a_character_left_out_of_the_page_text_shifts_no_other(tmp_path):
    """pdfium's page text leaves out a character it has no code for (here one beyond
    U+FFFF in an embedded subset): the characters after it keep their own codes."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    path = tmp_path / "wide.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("DejaVuSans", 12)
    pdf.drawString(72, 700, "alpha \U0001D400 beta")
    pdf.drawString(72, 680, "second line")
    pdf.save()
    (source,) = pdfium_pages(path)
    document = pdfium.PdfDocument(str(path))
    textpage = document[0].get_textpage()
    assert [char["text"] for char in source.chars] == [
        chr(raw.FPDFText_GetUnicode(textpage.raw, char["index"])) for char in source.chars]
    document.close()
    assert read_pdf(path).text == "alpha beta second line"
