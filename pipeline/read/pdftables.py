"""Tables on a PDF page: found, read into cells, and kept out of the body text.

- Ruled grids: pdfplumber's table finder with its ruling-line strategy reads them exactly
  (cells wrapped over several lines are joined with spaces here), from a pdfplumber page
  or from the edges pdfium read and the engine's characters (no pdfminer parse).
- Tables drawn with horizontal rules only (a rule above, one under the header row, one
  below): the region between the rules is cut into rows of text, and each row's pieces are
  put in the column whose header starts left of them. pdfplumber's text strategy splits
  ragged cells ("Ongoing | after | 36 months"), which the header's columns avoid.
- Tables with no rules at all: under a "Table N" caption, rows whose pieces start at
  the positions of the header row's cells (three or more), until the alignment breaks.
- Text between two rules with no header rule and no such alignment stays body text.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import numpy

from pipeline.read.layout import Columns, Glyphs, Line
from pipeline.read.pdfchars import horizontal

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (points, from the top)
RULE_MIN_WIDTH = 0.3  # share of the page width
HEADER_MAX_HEIGHT = 40.0  # points between the top rule and the rule under the header
COLUMN_TOLERANCE = 2.0  # points a cell may start left of its header


@dataclass
class Cell:
    text: str
    box: Box | None
    chars: list[dict] = field(default_factory=list)


@dataclass
class TableBlock:
    """A table in reading order: quacks like a :class:`Line` for the layout functions."""

    box: Box
    rows: list[list[Cell]]
    caption: list[Line] = field(default_factory=list)
    kind: str = "full"

    @property
    def x0(self) -> float:
        return self.box[0]

    @property
    def x1(self) -> float:
        return self.box[2]

    @property
    def top(self) -> float:
        return self.box[1]

    @property
    def bottom(self) -> float:
        return self.box[3]


def inside(char: dict, box: Box, slack: float = 1.0) -> bool:
    x0, top, x1, bottom = box
    middle_x, middle_y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return x0 - slack <= middle_x <= x1 + slack and top - slack <= middle_y <= bottom + slack


@dataclass(frozen=True)
class Middles:
    """The middles of a page's character boxes, to test them against boxes all at once
    (as :func:`inside` tests one)."""

    x: numpy.ndarray
    y: numpy.ndarray

    @classmethod
    def of(cls, columns: Columns) -> "Middles":
        return cls((columns.x0 + columns.x1) / 2, (columns.top + columns.bottom) / 2)

    def inside(self, box: Box, slack: float = 1.0) -> numpy.ndarray:
        x0, top, x1, bottom = box
        return ((x0 - slack <= self.x) & (self.x <= x1 + slack)
                & (top - slack <= self.y) & (self.y <= bottom + slack))


def ruled_tables(page, glyphs: Glyphs) -> list[TableBlock]:
    """Grids found by pdfplumber's ruling-line strategy on a pdfplumber page;
    ``glyphs`` are the page's characters, for each cell's source."""
    tables = page.find_tables()
    return table_blocks(tables, [table.extract() for table in tables], glyphs)


@dataclass
class EdgePage:
    """What pdfplumber's table finder reads of a page to find its tables: its edges."""

    edges: list[dict]


def edge_tables(edges: list[dict], glyphs: Glyphs, page: Glyphs) -> list[TableBlock]:
    """:func:`ruled_tables` on edges pdfium read (:mod:`pipeline.read.pdfedges`), the
    cells' text read from ``page`` (every character the engine gave, as pdfplumber's
    ``page.chars`` has every one) by :func:`cell_texts`."""
    from pdfplumber.table import TableFinder

    tables = TableFinder(EdgePage(edges)).tables
    middles = Middles.of(page.columns)
    return table_blocks(tables, [cell_texts(table, page, middles) for table in tables], glyphs)


def cell_texts(table, page: Glyphs, middles: Middles) -> list[list[str | None]]:
    """What pdfplumber's ``Table.extract`` gives for a table, each cell's text read by
    its ``extract_text`` from the characters whose middle is inside the cell (left and
    top edges in, right and bottom out; as pdfplumber's own, upright, ``doctop`` their
    ``top``), in page order; chosen over arrays (``Table.extract`` tests every character
    of the page for each row in Python)."""
    from pdfplumber.utils import extract_text

    def inside(box: Box, x: numpy.ndarray, y: numpy.ndarray) -> numpy.ndarray:
        x0, top, x1, bottom = box
        return (x0 <= x) & (x < x1) & (top <= y) & (y < bottom)

    rows = []
    for row in table.rows:
        in_row = numpy.flatnonzero(inside(row.bbox, middles.x, middles.y))
        texts = []
        for cell in row.cells:
            if cell is None:
                texts.append(None)
                continue
            in_cell = in_row[inside(cell, middles.x[in_row], middles.y[in_row])]
            chars = [dict(char, upright=True, doctop=char["top"]) for char in page.dicts(in_cell)]
            texts.append(extract_text(chars) if chars else "")
        rows.append(texts)
    return rows


def table_blocks(tables, texts: list[list[list[str | None]]], glyphs: Glyphs) -> list[TableBlock]:
    """pdfplumber's tables with at least 2 rows and 2 columns, as blocks; ``texts``: each
    table's cells' texts."""
    blocks = []
    middles = Middles.of(glyphs.columns)
    for table, table_texts in zip(tables, texts):
        rows = []
        for row_texts, row in zip(table_texts, table.rows):
            cells = []
            for text, box in zip(row_texts, row.cells):
                members = glyphs.dicts(numpy.flatnonzero(middles.inside(box, slack=0.5))) if box else []
                cells.append(Cell(" ".join((text or "").split()), box, members))
            rows.append(cells)
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            blocks.append(TableBlock(tuple(table.bbox), rows))
    return blocks


def horizontal_rules(rules: list[Box], width: float) -> list[Box]:
    """Long horizontal rules (lines or hairline rectangles), top to bottom."""
    return sorted((r for r in rules if horizontal(r) and r[2] - r[0] > RULE_MIN_WIDTH * width),
                  key=lambda rule: rule[1])


def rule_bounded_regions(rules: list[Box], height: float, margin: float = 0.06) -> list[Box]:
    """(top rule, header rule, bottom rule) triples -> table regions."""
    inner = [r for r in rules if margin * height < r[1] < (1 - margin) * height]
    regions, index = [], 0
    while index + 2 < len(inner):
        top, header, bottom = inner[index], inner[index + 1], inner[index + 2]
        same_width = abs(top[0] - header[0]) < 3 and abs(top[2] - header[2]) < 3
        if same_width and header[1] - top[1] < HEADER_MAX_HEIGHT and bottom[1] - header[1] > 5:
            regions.append((min(top[0], bottom[0]), top[1], max(top[2], bottom[2]), bottom[3]))
            index += 3
        else:
            index += 1
    return regions


def text_rows(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into rows by vertical position."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda l: (l.top, l.x0)):
        if rows and abs(line.top - rows[-1][0].top) < 0.5 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda l: l.x0) for row in rows]


def cell_of(lines: list[Line]) -> Cell:
    if not lines:
        return Cell("", None)
    box = (min(l.x0 for l in lines), min(l.top for l in lines), max(l.x1 for l in lines),
           max(l.bottom for l in lines))
    return Cell(" ".join(l.text.strip() for l in lines), box, [c for l in lines for c in l.chars])


def header_table(region: Box, lines: list[Line]) -> TableBlock | None:
    """Rows under a header row, each piece in the column whose header starts left of it;
    a row with nothing in the first column continues the row above (a wrapped cell)."""
    rows = text_rows([l for l in lines if inside({"x0": l.x0, "x1": l.x1, "top": l.top,
                                                   "bottom": l.bottom}, region)])
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    starts = [l.x0 for l in rows[0]]
    table: list[list[list[Line]]] = []
    pitch = statistics.median(b[0].top - a[0].top for a, b in zip(rows, rows[1:])) if len(rows) > 2 else 0
    for row in rows:
        columns: list[list[Line]] = [[] for _ in starts]
        for line in row:
            index = max((i for i, x in enumerate(starts) if x <= line.x0 + COLUMN_TOLERANCE), default=0)
            columns[index].append(line)
        continues = (table and not columns[0] and pitch
                     and row[0].top - max(l.top for c in table[-1] for l in c) < 1.6 * pitch)
        if continues:
            for column, more in zip(table[-1], columns):
                column.extend(more)
        else:
            table.append(columns)
    return TableBlock(region, [[cell_of(column) for column in row] for row in table])


ALIGNMENT = 3.0  # points a cell may start away from its column's start


def aligned_region(caption: Line, lines: list[Line]) -> Box | None:
    """The rows under a caption that keep the header row's columns (a rule-less table)."""
    below = [l for l in lines if l.top >= caption.bottom - 1 and l.x0 >= caption.x0 - 5]
    rows = text_rows(below)
    if len(rows) < 3 or len(rows[0]) < 3 or rows[0][0].top - caption.bottom > 3 * caption.size:
        return None
    starts = [l.x0 for l in rows[0]]
    kept = [rows[0]]
    for row in rows[1:]:
        previous = kept[-1]
        gap = row[0].top - max(l.bottom for l in previous)
        aligned = all(any(abs(l.x0 - x) <= ALIGNMENT for x in starts) for l in row)
        if gap > 2 * row[0].size or not aligned or row[-1].x1 > max(l.x1 for l in rows[0]) + 60:
            break
        kept.append(row)
    if len([row for row in kept[1:] if len(row) >= 2]) < 2:
        return None
    cells = [l for row in kept for l in row]
    return (min(l.x0 for l in cells), min(l.top for l in cells), max(l.x1 for l in cells),
            max(l.bottom for l in cells))
