"""PMC / JATS article XML (``<article>``) -> an :class:`ArticleReading`.

Read: the title, the abstract (a structured abstract's sections kept as sections of kind
``abstract`` under their labels), the body's sections by their titles (nested sections
take their parent's kind unless their title names one), paragraphs, lists, tables from
``<table-wrap>`` (label, caption, header and body rows as cells, ``colspan`` and
``rowspan`` spread over the grid, footnotes) and figure captions, where the body has
them or in the floats group. Citation marks (``<xref ref-type="bibr">``) are left out
with their brackets. References, affiliations, funding and the rest of the back matter
are out of scope per the guidelines and not read.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import BadInputError, Errors
from pipeline.read.article import (ArticleReading, ArticleWriter, Cell, cell_text, heading_kind,
                                   literature_rules)
from pipeline.read.textmap import Piece
from pipeline.read.xmlsource import InlineRules, XmlFile, inline_pieces, parse_xml, plain_text
from pipeline.schema import ArticleMetadata
from pipeline.xmltree import children, first, local_name

MEDIA_TYPE = "application/jats+xml"
BLOCKS = frozenset({"table-wrap", "fig", "table-wrap-group", "fig-group", "list",
                    "disp-quote", "boxed-text"})
INLINE = InlineRules(drop=frozenset({"table-wrap", "fig", "table-wrap-group", "fig-group",
                                     "supplementary-material", "fn", "alternatives",
                                     "disp-formula", "list", "disp-quote", "boxed-text",
                                     "label"}),
                     citation=frozenset({"bibr"}))
YEAR = re.compile(r"(19|20)\d\d")


def is_jats(root) -> bool:
    return local_name(root) == "article"


def read_jats(path: str | Path, data: bytes, doc_id: str) -> ArticleReading:
    xml = parse_xml(path, data)
    if not is_jats(xml.root):
        raise BadInputError(path, Errors.E018.format(found=f"root element <{local_name(xml.root)}>"))
    return jats_reading(xml, doc_id)


def jats_reading(xml: XmlFile, doc_id: str) -> ArticleReading:
    root = xml.root
    meta = first(root, "front/article-meta")
    writer = ArticleWriter()
    title = first(meta, "title-group/article-title") if meta is not None else None
    writer.title(inline_pieces(xml, title, INLINE) if title is not None else [])
    for abstract in abstracts(meta):
        write_abstract(xml, writer, abstract)
    body = first(root, "body")
    if body is not None:
        if any(local_name(child) != "sec" for child in body[:1]):
            writer.start_section("front_matter", None)  # an untitled body (a letter)
        write_blocks(xml, writer, body, kind=None)
    floats = first(root, "floats-group")
    if floats is not None:
        for child in floats:
            write_block(xml, writer, child)
    text, source_map, sections, tables = writer.finish()
    return ArticleReading(doc_id=doc_id, media_type=MEDIA_TYPE, text=text,
                          source_map=source_map, sections=sections, tables=tables,
                          metadata=metadata(xml, root, meta))


def abstracts(meta) -> list:
    """The article's abstract(s): those without a type (the main one), else the first."""
    if meta is None:
        return []
    found = children(meta, "abstract")
    plain = [a for a in found if a.get("abstract-type") in (None, "structured", "summary")]
    return plain or found[:1]


def write_abstract(xml: XmlFile, writer: ArticleWriter, abstract) -> None:
    heading = first(abstract, "title")
    writer.heading(inline_pieces(xml, heading, INLINE) if heading is not None
                   else [Piece("Abstract")], "abstract")
    for child in abstract:
        name = local_name(child)
        if name == "sec":  # a structured abstract's section, under its label
            label = first(child, "title")
            writer.heading(inline_pieces(xml, label, INLINE) if label is not None else [],
                           "abstract")
            write_blocks(xml, writer, child, kind="abstract")
        elif name == "p":
            writer.paragraph(inline_pieces(xml, child, INLINE))


def section_kind(xml: XmlFile, sec, title: str, inherited: str | None) -> str:
    types = literature_rules().jats_section_types
    by_type = types.get((sec.get("sec-type") or "").lower())
    return heading_kind(title, by_type, inherited) or "front_matter"


def write_blocks(xml: XmlFile, writer: ArticleWriter, parent, kind: str | None) -> None:
    """The block content of a body or a section, in order."""
    for child in parent:
        name = local_name(child)
        if name == "sec":
            title = first(child, "title")
            pieces = inline_pieces(xml, title, INLINE) if title is not None else []
            inherited = kind or writer.kind
            child_kind = section_kind(xml, child, plain_text(pieces),
                                      inherited if inherited not in ("title", None) else None)
            writer.heading(pieces, child_kind)
            write_blocks(xml, writer, child, kind=child_kind)
            if kind is not None and writer.kind != kind:
                writer.start_section(kind, None)  # the parent resumes after a subsection
        elif name == "p":
            writer.paragraph(inline_pieces(xml, child, INLINE))
            for block in (node for node in child if local_name(node) in BLOCKS):
                write_block(xml, writer, block)
        else:
            write_block(xml, writer, child)


def write_block(xml: XmlFile, writer: ArticleWriter, block) -> None:
    name = local_name(block)
    if name in ("table-wrap-group", "fig-group", "disp-quote", "boxed-text"):
        write_blocks(xml, writer, block, kind=writer.kind)
    elif name == "table-wrap":
        write_table(xml, writer, block)
    elif name == "fig":
        write_figure(xml, writer, block)
    elif name == "list":
        for item in children(block, "list-item"):
            write_blocks(xml, writer, item, kind=writer.kind)


def caption_pieces(xml: XmlFile, wrap) -> list[Piece]:
    """A caption's title and paragraphs as one line."""
    caption = first(wrap, "caption")
    if caption is None:
        return []
    pieces: list[Piece] = []
    for part in caption:
        if local_name(part) in ("title", "p"):
            found = inline_pieces(xml, part, INLINE)
            if found and pieces:
                last = pieces[-1].text.rstrip()
                pieces.append(Piece(" " if last.endswith((".", ":", "?", "!")) else ". "))
            pieces += found
    return pieces


def write_figure(xml: XmlFile, writer: ArticleWriter, fig) -> None:
    label = first(fig, "label")
    label_pieces = inline_pieces(xml, label, INLINE) if label is not None else [Piece("Figure")]
    caption = caption_pieces(xml, fig)
    writer.figure(label_pieces + ([Piece(". ")] + caption if caption else []))


def write_table(xml: XmlFile, writer: ArticleWriter, wrap) -> None:
    label = first(wrap, "label")
    name = plain_text(inline_pieces(xml, label, INLINE)).rstrip(".:") if label is not None else ""
    name = name or f"Table {len(writer.tables) + 1}"
    table = next((node for node in wrap.iter() if local_name(node) == "table"), None)
    header, rows = table_grid(xml, table) if table is not None else ([], [])
    foot = first(wrap, "table-wrap-foot")
    footnotes = footnote_pieces(xml, foot) if foot is not None else []
    writer.table(name, caption_pieces(xml, wrap), header, rows, footnotes)


def footnote_pieces(xml: XmlFile, foot) -> list[list[Piece]]:
    """Each footnote of a table as one line: a ``<fn>`` with its mark, or a paragraph."""
    notes = []
    for child in foot:
        name = local_name(child)
        if name == "fn-group":
            notes += footnote_pieces(xml, child)
        elif name == "fn":
            mark = first(child, "label")
            text = [piece for p in children(child, "p") for piece in
                    [Piece(" ")] + inline_pieces(xml, p, INLINE)][1:]
            if mark is not None:
                text = inline_pieces(xml, mark, INLINE) + [Piece(" ")] + text
            notes.append(text)
        elif name == "p":
            notes.append(inline_pieces(xml, child, INLINE))
    return [note for note in notes if cell_text(note).strip()]


def table_grid(xml: XmlFile, table) -> tuple[list[Cell], list[list[Cell]]]:
    """(header cells, body rows) of a ``<table>``: ``colspan`` repeats a header cell over
    the columns it spans (and leaves a body's empty), ``rowspan`` repeats a cell down the
    rows it spans; several header rows are joined column by column."""
    head_rows, body_rows = [], []
    for node in table.iter():
        if local_name(node) == "tr":
            in_head = any(local_name(a) == "thead" for a in node.iterancestors())
            (head_rows if in_head else body_rows).append(node)
    grid = spread(xml, head_rows + body_rows, header_rows=len(head_rows))
    if not head_rows and grid:
        head_rows = [None]
    head, body = grid[:len(head_rows)], grid[len(head_rows):]
    width = max((len(row) for row in grid), default=0)
    header: list[Cell] = []
    for column in range(width):
        parts: list[Piece] = []
        for row in head:
            cell = row[column] if column < len(row) else []
            if cell and (not parts or cell_text(parts) != cell_text(cell)):
                parts += ([Piece(" ")] if parts else []) + cell
        header.append(parts)
    return header, [row + [[] for _ in range(width - len(row))] for row in body]


def spread(xml: XmlFile, rows: list, header_rows: int) -> list[list[Cell]]:
    grid: list[list[Cell | None]] = []
    pending: dict[tuple[int, int], Cell] = {}  # (row, column) -> a cell spanning into it
    for index, row in enumerate(rows):
        line: list[Cell] = []
        column = 0

        def fill_pending() -> None:
            nonlocal column
            while (index, column) in pending:
                line.append(pending.pop((index, column)))
                column += 1

        for cell in row:
            if local_name(cell) not in ("td", "th"):
                continue
            fill_pending()
            pieces = [Piece(p.text.replace("\t", " "), p.page, p.source_start, p.source_end)
                      for p in inline_pieces(xml, cell, INLINE)]
            span_columns = positive(cell.get("colspan"))
            span_rows = positive(cell.get("rowspan"))
            for offset in range(span_columns):
                value = pieces if offset == 0 or index < header_rows else []
                line.append(value)
                for below in range(1, span_rows):
                    pending[(index + below, column)] = value
                column += 1
        fill_pending()
        grid.append(line)
    return grid


def positive(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def metadata(xml: XmlFile, root, meta) -> ArticleMetadata:
    journal = first(root, "front/journal-meta/journal-title-group/journal-title")
    if journal is None:
        journal = first(root, "front/journal-meta/journal-title")
    ids = {}
    if meta is not None:
        for node in children(meta, "article-id"):
            ids.setdefault((node.get("pub-id-type") or "").lower(), (node.text or "").strip())
    pmcid = ids.get("pmc") or ids.get("pmcid") or ids.get("pmcaid")
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    title = first(meta, "title-group/article-title") if meta is not None else None
    return ArticleMetadata(
        title=plain_text(inline_pieces(xml, title, INLINE)) or None if title is not None else None,
        journal=" ".join(journal.itertext()).strip() or None if journal is not None else None,
        year=publication_year(meta), doi=ids.get("doi") or None, pmid=ids.get("pmid") or None,
        pmcid=pmcid or None)


def publication_year(meta) -> int | None:
    if meta is None:
        return None
    dates = children(meta, "pub-date")
    preferred = sorted(dates, key=lambda d: (d.get("pub-type") or d.get("date-type") or "")
                       not in ("epub", "ppub", "pub", "collection"))
    for date in preferred:
        year = first(date, "year")
        if year is not None and YEAR.fullmatch((year.text or "").strip()):
            return int(year.text.strip())
    return None
