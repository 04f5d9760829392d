"""Where a character sits in a table: the header of its column.

The reader lays a table out as its caption, then one line per row with cells separated
by tabs, the header row first (:meth:`pipeline.schema.Table.layout`, which the assembly
of table cases reads too). Taggers ask for a cell's column header because it says what
the cell is ("ALK fusion partner", "First-line"), which the cell alone does not.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Doc

from pipeline.schema import Table
from pipeline.tag.tags import doc_text

KEY = ("caselit", "table_cells")


def set_tables(doc: Doc, tables: list[Table]) -> None:
    """Record the body cells of the document's tables before the components run, as
    (start, end, column header), non-empty cells under a named column only."""
    text = doc_text(doc)
    cells = []
    for table in tables:
        for row in table.layout(text)[1]:
            cells += [(cell.start, cell.end, table.header[cell.column]) for cell in row.cells
                      if cell.column < len(table.header) and text[cell.start:cell.end].strip()]
    doc.user_data[KEY] = cells


def table_cells(doc: Doc) -> list[tuple[int, int, str]]:
    """Every non-empty body cell of the document's tables as (start, end, column header)."""
    return doc.user_data.get(KEY, [])


def column_header(doc: Doc, offset: int) -> str | None:
    """The header of the column holding ``offset``; None outside a table's body cells
    (asked for every weak drug: the cells are in text order, so bisected, not scanned)."""
    cell = cell_holding(table_cells(doc), offset)
    return cell[2] if cell is not None else None


def cell_holding(cells: Sequence[tuple], offset: int) -> tuple | None:
    """The cell of ``cells`` (in text order, each (start, end, ...)) that holds ``offset``:
    bisected, not scanned."""
    index = bisect.bisect_right(cells, offset, key=lambda cell: cell[0]) - 1
    return cells[index] if index >= 0 and offset <= cells[index][1] else None
