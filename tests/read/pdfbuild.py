"""Small PDFs for the reader's tests, drawn line by line with ReportLab."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

WIDTH, HEIGHT = A4
BODY = 10
LEADING = 12
LEFT, RIGHT_COLUMN, COLUMN_WIDTH = 50, 310, 235


@dataclass
class PageSpec:
    title: list[str] = field(default_factory=list)  # full width, 16 pt
    left: list[str] = field(default_factory=list)  # left column, or the only column
    right: list[str] = field(default_factory=list)
    header: str | None = None
    footer: str | None = None
    number: int | None = None


def draw_line(pdf: canvas.Canvas, x: float, y: float, text: str, size: float = BODY) -> None:
    """Draw text; "^{...}" parts are set as superscripts (smaller, raised)."""
    while "^{" in text:
        before, rest = text.split("^{", 1)
        raised, text = rest.split("}", 1)
        pdf.setFont("Helvetica", size)
        pdf.drawString(x, y, before)
        x += pdf.stringWidth(before, "Helvetica", size)
        pdf.setFont("Helvetica", size * 0.7)
        pdf.drawString(x, y + size * 0.35, raised)
        x += pdf.stringWidth(raised, "Helvetica", size * 0.7)
    pdf.setFont("Helvetica", size)
    pdf.drawString(x, y, text)


def build(path: Path, pages: list[PageSpec], **options) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4, **options)
    for page in pages:
        y = HEIGHT - 60
        if page.header:
            draw_line(pdf, LEFT, HEIGHT - 30, page.header, 7)
        for line in page.title:
            draw_line(pdf, LEFT, y, line, 16)
            y -= 22
        top = y - 10
        for column, lines in ((LEFT, page.left), (RIGHT_COLUMN, page.right)):
            y = top
            for line in lines:
                draw_line(pdf, column, y, line)
                y -= LEADING
        if page.footer:
            draw_line(pdf, LEFT, 25, page.footer, 7)
        if page.number is not None:
            draw_line(pdf, WIDTH / 2, 25, str(page.number), 7)
        pdf.showPage()
    pdf.save()
    return path


def column_lines(prefix: str, count: int) -> list[str]:
    """Lines long enough to fill a column, each naming where it stands."""
    return [f"{prefix} line {n:02d} of the case narrative goes on here." for n in range(1, count + 1)]
