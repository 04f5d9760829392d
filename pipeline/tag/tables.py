"""Where a character sits in a table: the header of its column.

The reader lays a table out as its caption, then one line per row with cells separated
by tabs, the header row first. Taggers ask for a cell's column header because it says
what the cell is ("ALK fusion partner", "First-line"), which the cell alone does not.
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.tag.tags import doc_text

KEY = ("caselit", "tables")


def set_tables(doc: Doc, tables: list[tuple[int, int, list[str]]]) -> None:
    """Record the document's tables as (start, end, header) before the components run."""
    doc.user_data[KEY] = tables


def column_header(doc: Doc, offset: int) -> str | None:
    """The header of the column holding ``offset``; None outside a table's body rows."""
    text = doc_text(doc)
    for start, end, header in doc.user_data.get(KEY, ()):
        if not start <= offset < end:
            continue
        line_start = text.rfind("\n", 0, offset) + 1
        line_end = text.find("\n", offset)
        line = text[line_start:line_end if line_end != -1 else len(text)]
        if "\t" not in line or line.split("\t") == header:
            return None
        column = text.count("\t", line_start, offset)
        return header[column] if column < len(header) else None
    return None


def table_cells(doc: Doc) -> list[tuple[int, int, str]]:
    """Every non-empty body cell of the document's tables as (start, end, column header)."""
    text = doc_text(doc)
    cells = []
    for start, end, _ in doc.user_data.get(KEY, ()):
        line_start = start
        while line_start < end:
            line_end = text.find("\n", line_start, end)
            line_end = end if line_end == -1 else line_end
            offset = line_start
            for cell in text[line_start:line_end].split("\t"):
                header = column_header(doc, offset) if cell.strip() else None
                if header is not None:
                    cells.append((offset, offset + len(cell), header))
                offset += len(cell) + 1
            line_start = line_end + 1
    return cells
