"""pdfium's characters: those read over arrays are what pdfium gives for each one;
each keeps its own code."""

import ctypes
import random
from pathlib import Path

import numpy
import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.read.pdf import read_pdf
from pipeline.read.pdfchars import PerCharacterCalls, object_runs, pdfium_pages, reordered
from tests.conftest import PDFS
from tests.read.pdfbuild import PageSpec, build, column_lines


def asked_one_by_one(textpage, index: int, height: float) -> dict:
    """What pdfium's per-character functions give for one character, through
    pypdfium2's own calls, as the reader is to keep it."""
    box = raw.FS_RECTF()
    raw.FPDFText_GetLooseCharBox(textpage, index, box)
    x, y = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(textpage, index, x, y)
    size = raw.FPDFText_GetFontSize(textpage, index)
    font = ctypes.create_string_buffer(128)
    raw.FPDFText_GetFontInfo(textpage, index, font, len(font), ctypes.c_int())
    code = raw.FPDFText_GetUnicode(textpage, index)
    right = box.right if code != 32 or box.right > box.left else box.left + 0.25 * size
    return {"text": "-" if code == 2 else chr(code), "x0": box.left, "x1": right,
            "top": height - box.top, "bottom": height - box.bottom, "size": round(size, 2),
            "fontname": font.value.decode("latin-1"), "baseline": height - y.value,
            "index": index}


def test_the_characters_read_over_arrays_are_those_pdfium_gives_one_by_one(tmp_path):
    """Codes, boxes, origins, sizes (rounded) and fonts read for all of a page's
    characters at once are what pdfium gives when asked for each; spaces are not
    printed, a space pdfium gives no width gets a quarter of its size."""
    path = build(tmp_path / "report.pdf", [PageSpec(
        title=["A case of ALK^{1} fusion"], left=column_lines("Left column words", 6),
        right=column_lines("Right column text", 5), header="Journal of Cases", number=3)])
    (source,) = pdfium_pages(path)
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    textpage = page.get_textpage()
    height = page.get_height()
    found = source.glyphs.dicts()
    wanted = [asked_one_by_one(textpage.raw, char["index"], height) for char in found]
    document.close()
    assert found == wanted
    glyphs = source.glyphs
    assert glyphs.columns.printed.tolist() == [bool(c["text"].strip()) for c in found]
    assert not glyphs.bold.any()
    assert not glyphs.columns.printed.all() and glyphs.columns.printed.any()
    assert set(glyphs.columns.size.tolist()) >= {16.0, 10.0, 7.0}



def test_pages_read_one_after_another_keep_their_own_characters(tmp_path):
    """pdfium writes boxes and origins into arrays the process keeps, grown for a dense
    page: every page, dense or sparse, before or after the dense one, has the characters
    pdfium gives for it alone."""
    dense = [f"{n:03d} " + "dense small type fills the page " * 3 for n in range(60)]
    sparse = [PageSpec(left=column_lines(f"Page {n} words", 4)) for n in (1, 3)]
    path = build(tmp_path / "dense.pdf", [sparse[0], PageSpec(left=dense), sparse[1]])
    sources = pdfium_pages(path)
    assert len(sources[1].glyphs) > 4096 > len(sources[0].glyphs) + len(sources[2].glyphs)
    document = pdfium.PdfDocument(str(path))
    for number, source in enumerate(sources):
        page = document[number]
        textpage = page.get_textpage()
        assert source.glyphs.dicts() == [asked_one_by_one(textpage.raw, char["index"],
                                                          page.get_height())
                                         for char in source.glyphs.dicts()]
    document.close()


def test_characters_in_a_bold_face_are_marked_bold(tmp_path):
    path = tmp_path / "bold.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(72, 700, "Case")
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, 680, "report")
    pdf.save()
    (source,) = pdfium_pages(path)
    assert [(text, bold) for text, bold in zip(source.glyphs.texts, source.glyphs.bold.tolist())
            ] == [(text, True) for text in "Case"] + [(text, False) for text in "report"]


def test_a_slightly_turned_line_keeps_each_characters_own_baseline(tmp_path):
    """An object's characters share its baseline only while its matrix does not turn:
    a line turned by less than the reader counts as rotated rises character by
    character, and each keeps the baseline pdfium gives it (a level line, one)."""
    path = tmp_path / "turned.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("Helvetica", 12)
    pdf.saveState()
    pdf.translate(72, 500)
    pdf.rotate(-0.3)  # degrees: kept as upright text
    pdf.drawString(0, 0, "a slightly turned line")
    pdf.restoreState()
    pdf.drawString(72, 400, "a level line")
    pdf.save()
    (source,) = pdfium_pages(path)
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    textpage = page.get_textpage()
    found = source.glyphs.dicts()
    wanted = [asked_one_by_one(textpage.raw, char["index"], page.get_height()) for char in found]
    document.close()
    assert found == wanted
    turned = [char["baseline"] for char in found if char["baseline"] < 400]
    level = {char["baseline"] for char in found if char["baseline"] > 400}
    assert len(turned) == len("a slightly turned line") and turned == sorted(set(turned))
    assert len(level) == 1


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


def test_an_objects_stretch_of_characters_is_found_with_a_few_calls_as_one_by_one():
    chance = random.Random(15)
    for _ in range(200):
        # a stretch of characters for each object (0: characters with none), as pdfium
        # lays out a page without right-to-left text
        objects = [object_ for number in range(1, chance.randint(1, 12))
                   for object_ in [chance.choice([0, number])]
                   for _ in range(chance.randint(1, 70))]
        indices = sorted(chance.sample(range(3 * len(objects) + 1), len(objects)))
        by_index = dict(zip(indices, objects))
        calls = []

        def text_object(handle, index):
            calls.append(index)
            return by_index.get(index, 7)

        one_by_one = object_runs(text_object, None, indices, in_order=False)
        asked = len(calls)
        assert object_runs(text_object, None, indices, in_order=True) == one_by_one
        assert len(calls) - asked <= 2 * asked  # at worst (runs of one) two a character
    by_index, calls = {}, []  # every character the object 7's
    assert object_runs(text_object, None, list(range(1000)), in_order=True) == ([0], [7])
    assert len(calls) <= 2 * 10 + 1  # 1,000 characters of one object: doubling, then halving


def test_a_page_with_right_to_left_text_is_read_one_character_at_a_time():
    assert not reordered(numpy.array([ord(c) for c in "ALK-positive (p.G1202R) 10⁻⁵ ﬁ\u2011"]))
    assert reordered(numpy.array([ord("a"), 0x05D0]))  # Hebrew alef: pdfium reverses it
    assert reordered(numpy.array([ord("a"), 0x0627]))  # Arabic alef
    assert reordered(numpy.array([0x202E]))  # a right-to-left override


def test_a_pages_objects_found_in_stretches_are_those_asked_of_each_character():
    calls = PerCharacterCalls(raw)
    document = pdfium.PdfDocument(str(sorted(PDFS.glob("*.pdf"))[0]))
    try:
        for page in document:
            textpage = page.get_textpage()
            handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
            indices = list(range(raw.FPDFText_CountChars(textpage.raw)))
            assert (object_runs(calls.text_object, handle, indices, in_order=True)
                    == object_runs(calls.text_object, handle, indices, in_order=False))
            textpage.close()
    finally:
        document.close()
