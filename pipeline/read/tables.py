"""Tables of text renderings: a caption line, tab-separated rows, a footnote paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.resources import load_resource
from pipeline.schema import Table

if TYPE_CHECKING:
    from pipeline.read.sections import Line

CAPTION_NAME = re.compile(r"^\s*[*_]*([A-Za-z]+)\.?\s*(\d+[A-Za-z]?)[*_]*[.:|]?\s*(.*)$")
# "ALK: anaplastic lymphoma kinase, PR: partial response" -- two or more "ABBR: words".
ABBREVIATION = r"[A-Za-z][\w+/-]*\s*[:=]\s*[^,;:=]+"
ABBREVIATION_LIST = re.compile(rf"^\s*{ABBREVIATION}(?:[,;]\s*{ABBREVIATION})+")


@dataclass
class TableBlock:
    caption: "Line"
    rows: list["Line"]
    footnotes: list["Line"]


@lru_cache(maxsize=1)
def footnote_openers() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = load_resource("tables.yaml")
    return tuple(w.lower() for w in data["footnote_labels"]), tuple(data["footnote_marks"])


def is_table_row(line: str) -> bool:
    return "\t" in line.strip("\n")


def is_footnote(line: str) -> bool:
    labels, marks = footnote_openers()
    stripped = line.strip()
    first_word = re.split(r"[\s:.]", stripped, maxsplit=1)[0].lower()
    return (
        first_word in labels
        or stripped.startswith(marks)
        or bool(ABBREVIATION_LIST.match(stripped))
    )


def build_table(block: TableBlock) -> Table:
    match = CAPTION_NAME.match(block.caption.text)
    name = f"{match.group(1).title()} {match.group(2)}" if match else block.caption.text.strip()
    caption = (match.group(3).strip() if match else "") or None
    cells = [[cell.strip() for cell in row.text.split("\t")] for row in block.rows]
    header, rows = (cells[0], cells[1:]) if cells else ([], [])
    last = (block.footnotes or block.rows or [block.caption])[-1]
    return Table(
        name=name,
        caption=caption,
        header=header,
        rows=rows,
        footnotes=[line.text.strip() for line in block.footnotes if line.text.strip()],
        start=block.caption.start,
        end=last.end,
    )
