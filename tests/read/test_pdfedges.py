"""Grid edges read by pdfium against pdfplumber's own, and the tables found from each."""

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from pipeline.read.layout import Glyphs
from pipeline.read.pdf import unique_chars
from pipeline.read.pdfchars import pdfium_pages
from pipeline.read.pdfedges import page_edges, written
from pipeline.read.pdftables import edge_tables, ruled_tables

KEYS = ("object_type", "orientation", "x0", "x1", "top", "bottom", "width", "height")
ROWS = [["Case", "Fusion", "Drug", "Response"], ["1", "TPM3-ALK", "Crizotinib", "Partial response"],
        ["2", "CLTC-ALK", "Alectinib", "Stable disease for 14 months"],
        ["3", "", "Lorlatinib", "CR"]]


def platypus_grid(path: Path, style: list, pagesize=A4) -> Path:
    table = Table(ROWS, colWidths=[41.3, 77.7, 90.15, 60.05])
    table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 8), *style]))
    SimpleDocTemplate(str(path), pagesize=pagesize, leftMargin=61.7, topMargin=53.3).build([table])
    return path


def canvas_grid(path: Path, scale: float = 1.0, rounded: bool = False) -> Path:
    """Cells drawn as rectangles under a translation (and a scale), text in each."""
    pdf = canvas.Canvas(str(path), pagesize=letter)
    pdf.translate(52.37, 401.9)
    pdf.scale(scale, 1)
    for i, row in enumerate(reversed(ROWS)):
        for j, text in enumerate(row):
            pdf.rect(j * 83.3, i * 19.7, 83.3, 19.7)
            pdf.setFont("Helvetica", 8)
            pdf.drawString(j * 83.3 + 3, i * 19.7 + 6, text)
    if rounded:
        pdf.roundRect(-4, -4, 4 * 83.3 + 8, 4 * 19.7 + 8, 5)
    pdf.showPage()
    pdf.save()
    return path


@pytest.fixture(scope="module")
def grids(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("grids")
    return [
        platypus_grid(folder / "grid.pdf", [("GRID", (0, 0), (-1, -1), 0.45, colors.black)]),
        platypus_grid(folder / "shaded.pdf", [("BOX", (0, 0), (-1, -1), 1, colors.black),
                                              ("INNERGRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                              ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)],
                      pagesize=landscape(letter)),
        platypus_grid(folder / "open.pdf", [("LINEABOVE", (0, 0), (-1, 0), 1, colors.black),
                                            ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black),
                                            ("LINEBEFORE", (1, 0), (-1, -1), 0.3, colors.black)]),
        canvas_grid(folder / "cells.pdf"),
        canvas_grid(folder / "scaled.pdf", scale=0.93, rounded=True),
    ]


def plumber_edges(path: Path) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        return pdf.pages[0].edges


def near(mine: dict, theirs: dict) -> bool:
    """The same edge: kind and orientation exactly, coordinates to 1e-4 points (pdfium
    composes a scale with a translation in 32-bit floats)."""
    return all(mine[key] == theirs[key] if key in ("object_type", "orientation")
               else abs(mine[key] - theirs[key]) < 1e-4 for key in KEYS)


def test_pdfium_reads_the_edges_pdfplumber_reads(grids):
    for path in grids:
        document = pdfium.PdfDocument(str(path))
        mine = page_edges(document[0], raw)
        document.close()
        theirs = plumber_edges(path)
        assert len(mine) == len(theirs), path.name
        assert all(near(a, b) for a, b in zip(mine, theirs)), path.name


def test_edges_without_a_scale_are_pdfplumbers_to_the_last_digit(grids):
    """Lines and their crossings: every coordinate as pdfminer computes it."""
    document = pdfium.PdfDocument(str(grids[0]))
    mine = page_edges(document[0], raw)
    document.close()
    assert [{k: e[k] for k in KEYS} for e in mine] == [{k: e[k] for k in KEYS}
                                                       for e in plumber_edges(grids[0])]


def cells(tables) -> list:
    return [[[(cell.text, [char["index"] for char in cell.chars]) for cell in row]
             for row in table.rows] for table in tables]


def test_the_tables_found_from_either_edges_are_the_same(grids):
    for path in grids:
        (source,) = pdfium_pages(path)
        document = pdfium.PdfDocument(str(path))
        edges = page_edges(document[0], raw)
        document.close()
        glyphs = Glyphs.of(unique_chars(source.chars))
        mine = edge_tables(edges, glyphs, source.glyphs)
        with pdfplumber.open(path) as pdf:
            theirs = ruled_tables(pdf.pages[0], glyphs)
        assert len(mine) == 1 and cells(mine) == cells(theirs), path.name
        assert max(abs(a - b) for a, b in zip(mine[0].box, theirs[0].box)) < 1e-4
        assert {"CLTC-ALK", "Alectinib"} <= {text for text, _ in cells(mine)[0][2]}, path.name


def test_a_grid_page_keeps_its_edges_for_the_table_finder(grids):
    (source,) = pdfium_pages(grids[0])
    assert source.edges is not None and len(source.edges) == 10  # 5 rules across, 5 down


def test_pages_pdfminer_could_read_otherwise_are_left_to_pdfplumber(tmp_path):
    rotated = tmp_path / "rotated.pdf"
    pdf = canvas.Canvas(str(rotated), pagesize=A4)
    pdf.setPageRotation(90)
    pdf.line(50, 50, 300, 50)
    pdf.showPage()
    pdf.save()
    form = tmp_path / "form.pdf"
    pdf = canvas.Canvas(str(form), pagesize=A4)
    pdf.beginForm("grid")
    pdf.line(50, 50, 300, 50)
    pdf.endForm()
    pdf.doForm("grid")
    pdf.showPage()
    pdf.save()
    for path in (rotated, form):
        document = pdfium.PdfDocument(str(path))
        assert page_edges(document[0], raw) is None, path.name
        document.close()


def test_a_number_the_page_wrote_is_read_back_from_its_32_bit_float():
    assert written(203.39999389648438) == 203.4
    assert written(841.8897705078125) == 841.8898
    assert written(78.0) == 78.0
