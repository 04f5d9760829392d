"""PDF case reports -> clean text in reading order, with a map back to the page.

pdfplumber is the reader of record: its characters (with font size and position) and
ruling lines. Per document:

1. each page's tables are found (:mod:`pipeline.read.pdftables`) and their characters
   kept out of the body; the rest is grouped into lines (:mod:`pipeline.read.layout`);
2. running headers, footers, page numbers and mastheads are dropped
   (:mod:`pipeline.read.furniture`);
3. each page is read column by column (full-width blocks in place);
4. lines become paragraphs: superscript citation marks dropped (exponents kept as ``^``),
   line-end hyphens joined or kept (:func:`~pipeline.read.cleanup.join_hyphenated`, with
   the document's own words as vocabulary), glyphs repaired; tables become a caption and
   tab-separated rows, as in the text renderings, so the same section and table
   recognition serves both;
5. every word keeps its page, its characters' indices and box (the source map);
6. the words kept are checked against all the words on the page, taken from character
   positions alone: a page that lost more than 2% of its words gets a warning.

A long PDF is read at most ``CASELIT_PDF_PIECE_PAGES`` pages at a time (steps 1-6 on
each stretch, headers and footers found among its pages) and the stretches joined, so the
characters of a 500-page PDF (about 1.5 GB as Python objects) are never all held at once.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path

import numpy

from pipeline.errors import BadInputError, Errors, Warnings
from pipeline.read.cleanup import LIST_ITEM, is_citation, join_hyphenated, repair_glyphs
from pipeline.read.furniture import PageLines, furniture
from pipeline.read.layout import (SUPERSCRIPT_RAISE, SUPERSCRIPT_SIZE, Columns, Glyphs, Line,
                                  document_gutter, find_gutter, inherit_gutter, joined,
                                  lines_of, order_within, reading_order, rounded_counts)
from pipeline.read.pdfchars import (PageSource, has_grid, pdfium_page_count, pdfium_pages,
                                    pdfplumber_source)
from pipeline.read.pdftables import (Middles, TableBlock, aligned_region, edge_tables, header_table,
                                     horizontal_rules, inside, rule_bounded_regions, ruled_tables)
from pipeline.read.sections import caption_patterns, heading_rule
from pipeline.read.textmap import Piece, SourcePiece, assemble, rounded
from pipeline.schema import Page, SourceSpan
from pipeline.settings import get_limits, get_settings

PARAGRAPH = "\n\n"
LOSS_LIMIT = 0.02
WORD_GAP = 0.25  # a gap wider than this share of the font size separates words
SENTENCE_END = (".", "!", "?", ":", "”", '"')
BOX_DIGITS = 1  # a word's box in the source map, in tenths of a point
SPACE = Piece(" ")  # between words, one for all
PARAGRAPH_BREAK = Piece(PARAGRAPH)


@dataclass
class PdfReading:
    text: str
    pages: list[Page]
    source_map: list[SourceSpan]
    warnings: list[str] = field(default_factory=list)


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[TableBlock]
    images: int
    chars: int
    words: Counter = field(default_factory=Counter)  # every word on the page, by position
    removed: list[str] = field(default_factory=list)  # text dropped on purpose


def describe(error: BaseException) -> str:
    """Type and message, looking through wrappers: pdfplumber wraps pdfminer's exception
    in its args ("PdfminerException(PDFPasswordIncorrect())")."""
    inner = next((arg for arg in error.args if isinstance(arg, BaseException)), None)
    if inner is not None:
        return describe(inner)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def check_file(path: Path, data: bytes) -> None:
    """Refuse what is plainly no complete PDF before any engine parses it."""
    if b"%PDF" not in data[:1024]:
        raise BadInputError(path, Errors.E007.format(reason="no %PDF header: not a PDF file"))
    if b"%%EOF" not in data[-2048:]:
        raise BadInputError(path, Errors.E010.format(reason="the file ends early"))


def plumber_sources(path: Path, numbers: range | None = None) -> list[PageSource]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [pdfplumber_source(pdf.pages[number - 1], number)
                for number in numbers or range(1, len(pdf.pages) + 1)]


def plumber_page_count(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def unreadable(path: Path, error: BaseException) -> BadInputError:
    if re.search(r"password|encrypt", describe(error), re.IGNORECASE):
        return BadInputError(path, Errors.E009)
    return BadInputError(path, Errors.E007.format(reason=describe(error)))


def page_count(path: Path, engine: str) -> int:
    """How many pages the file has; BadInputError saying why when it cannot be opened.

    A file pdfium refuses goes to pdfplumber, the reader of record: it either reads it
    (its parser tolerates more) or says what is wrong (no pages, damaged).
    """
    counters = [pdfium_page_count, plumber_page_count] if engine == "pdfium" else [plumber_page_count]
    for counter in counters:
        try:
            count = counter(path)
            break
        except Exception as error:  # each engine raises its own types on malformed files
            if unreadable(path, error).reason == Errors.E009:
                raise BadInputError(path, Errors.E009) from None
            failure = error
    else:
        raise unreadable(path, failure) from None
    if not count:
        raise BadInputError(path, Errors.E011)
    return count


def page_sources(path: Path, engine: str, numbers: range | None = None) -> list[PageSource]:
    """The characters and rules of pages ``numbers``, from the engine that could open it."""
    readers = [pdfium_pages, plumber_sources] if engine == "pdfium" else [plumber_sources]
    for reader in readers:
        try:
            return reader(path, numbers)
        except Exception as error:
            failure = error
    raise unreadable(path, failure) from None


class GridReader:
    """pdfplumber's table finder for the pages that have ruled grids (opened on demand)."""

    def __init__(self, path: Path):
        self.path = path
        self.pdf = None

    def tables(self, number: int, glyphs: Glyphs) -> list[TableBlock]:
        import pdfplumber

        if self.pdf is None:
            self.pdf = pdfplumber.open(self.path)
        return ruled_tables(self.pdf.pages[number - 1], glyphs)

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def unique_chars(chars: list[dict]) -> list[dict]:
    """Each glyph once: PDFs fake bold by drawing a glyph twice at the same spot
    (pdfplumber's own dedupe is quadratic on dense pages)."""
    kept = unique_positions(numpy.array([c["text"] for c in chars], dtype=object), Columns.of(chars))
    return [chars[i] for i in kept.tolist()]


def unique_positions(texts: numpy.ndarray, columns: Columns) -> numpy.ndarray:
    """Where the characters :func:`unique_chars` keeps are. The same glyph is the same
    text at the same x0 and top rounded to whole points; the first one drawn is kept.
    Texts are compared only among characters that share a place with another."""
    # numpy's rint rounds half to even, as round() does
    x0, top = numpy.rint(columns.x0), numpy.rint(columns.top)
    order = order_within(x0.astype(int), top)  # by x0, then top
    shared = (x0[order][1:] == x0[order][:-1]) & (top[order][1:] == top[order][:-1])
    if not shared.any():
        return numpy.arange(len(texts))
    crowded = numpy.sort(order[numpy.flatnonzero(numpy.concatenate(([False], shared))
                                                 | numpy.concatenate((shared, [False])))])
    codes: dict[str, int] = {}
    text = numpy.array([codes.setdefault(text, len(codes)) for text in texts[crowded].tolist()])
    x0, top = x0[crowded], top[crowded]
    order = numpy.lexsort((top, x0, text))  # stable: the first drawn leads its glyph
    again = ((text[order][1:] == text[order][:-1]) & (x0[order][1:] == x0[order][:-1])
             & (top[order][1:] == top[order][:-1]))
    return numpy.delete(numpy.arange(len(texts)), crowded[order[1:][again]])


def page_content(source: PageSource, grids: GridReader) -> PageContent:
    glyphs = source.glyphs
    kept = unique_positions(glyphs.texts, glyphs.columns)
    if len(kept) < len(glyphs):
        glyphs = glyphs.take(kept)
    if source.edges is not None:
        tables = edge_tables(source.edges, glyphs, source.glyphs)
    else:
        tables = grids.tables(source.number, glyphs) if has_grid(source) else []
    if tables:
        middles = Middles.of(glyphs.columns)
        covered = numpy.logical_or.reduce([middles.inside(t.box) for t in tables])
        lines = lines_of(glyphs.take(~covered))
    else:
        lines = lines_of(glyphs)
    table_caption, _ = caption_patterns()
    regions = rule_bounded_regions(horizontal_rules(source.rules, source.width), source.height)
    for region in regions:
        if not any(box_inside(region, t.box) for t in tables):
            lines = add_table(tables, region, lines)
    for caption in [l for l in lines if table_caption.match(l.text)]:
        region = aligned_region(caption, lines)
        if region is not None and not any(box_inside(region, t.box) for t in tables):
            lines = add_table(tables, region, lines)
    read_words(lines)
    return PageContent(source.number, source.width, source.height, lines, tables, source.images,
                       len(glyphs), positional_words(glyphs))


def box_inside(box: tuple, outer: tuple) -> bool:
    return inside({"x0": box[0], "x1": box[2], "top": box[1], "bottom": box[3]}, outer)


def add_table(tables: list[TableBlock], region: tuple, lines: list[Line]) -> list[Line]:
    """Read the region as a table (when it is one); the lines left for the body."""
    block = header_table(region, lines)
    if block is None:
        return lines
    tables.append(block)
    return [l for l in lines if not box_inside((l.x0, l.top, l.x1, l.bottom), region)]


def attach_captions(content: PageContent) -> None:
    """A "Table N" caption printed just above a table travels with it."""
    table_caption, _ = caption_patterns()
    for table in content.tables:
        above = [l for l in content.lines if l.bottom <= table.top + 1
                 and table.top - l.bottom < 4 * l.size and l.x0 < table.x1 and l.x1 > table.x0]
        above.sort(key=lambda l: l.top)
        start = next((i for i, l in enumerate(above) if table_caption.match(l.text)), None)
        if start is not None:
            table.caption = above[start:]
            taken = {id(l) for l in table.caption}
            content.lines = [l for l in content.lines if id(l) not in taken]


# A word of a line: (text, source_start, source_end, box, raised, glued): its characters'
# first index and last index + 1, their box rounded as the source map keeps it, whether
# it is a superscript run, and whether no gap parts it from the word before (it only
# starts there because ``raised`` changed). A plain tuple, as a piece of text with a
# source is (:data:`~pipeline.read.textmap.SourcePiece`): a page has thousands, kept
# until the document is read.
Word = tuple[str, int, int, tuple[float, float, float, float], bool, bool]


def cell_piece(text: str, chars: list[dict], page: int) -> SourcePiece:
    """A table cell's text as a piece, its characters in their order on the page."""
    ordered = sorted(chars, key=itemgetter("index"))
    box = [min(c["x0"] for c in chars), min(c["top"] for c in chars),
           max(c["x1"] for c in chars), max(c["bottom"] for c in chars)]
    return (text, page, ordered[0]["index"], ordered[-1]["index"] + 1,
            tuple(rounded(numpy.array(box), BOX_DIGITS).tolist()))


def read_words(lines: list[Line]) -> None:
    """Each line's words (:attr:`Line.words`), for all of a page's lines at once. A word
    is a run of printed characters left to right, each within ``WORD_GAP`` of the line's
    size after the one before; a run of superscript characters (smaller and raised, as
    :meth:`Line.is_superscript` has it) is a word of its own, ``glued`` when no gap parts
    it from the word before."""
    if not lines:
        return
    page = lines[0].page
    order, owner = joined([line.ordered for line in lines])
    columns = page.columns.take(order)
    size = numpy.array([line.size for line in lines])[owner]
    foot = numpy.array([line.foot for line in lines])[owner]
    raised = (columns.size <= SUPERSCRIPT_SIZE * size) & (columns.bottom < foot - SUPERSCRIPT_RAISE * size)
    # close: after a printed character of the same line, within the word gap
    close = numpy.zeros(len(order), dtype=bool)
    close[1:] = (columns.printed[:-1] & (owner[1:] == owner[:-1])
                 & (columns.x0[1:] - columns.x1[:-1] <= WORD_GAP * size[1:]))
    same_kind = numpy.zeros(len(order), dtype=bool)
    same_kind[1:] = raised[1:] == raised[:-1]
    printed = numpy.flatnonzero(columns.printed)
    starts = numpy.flatnonzero(~(close & same_kind)[printed])
    if not len(starts):
        return
    firsts, ends = printed[starts], printed[numpy.append(starts[1:], len(printed)) - 1]
    printed_texts = page.texts[order[printed]].tolist()
    bounds = [*starts.tolist(), len(printed)]
    indices = page.indices[order]
    boxes = rounded(numpy.array([numpy.minimum.reduceat(columns.x0[printed], starts),
                                 numpy.minimum.reduceat(columns.top[printed], starts),
                                 numpy.maximum.reduceat(columns.x1[printed], starts),
                                 numpy.maximum.reduceat(columns.bottom[printed], starts)]),
                    BOX_DIGITS)
    texts = ["".join(printed_texts[start:end]) for start, end in zip(bounds, bounds[1:])]
    words: list[Word] = list(zip(texts, indices[firsts].tolist(), (indices[ends] + 1).tolist(),
                                 zip(*boxes.tolist()), raised[firsts].tolist(),
                                 close[firsts].tolist()))
    # the words come line after line
    ends = numpy.cumsum(numpy.bincount(owner[firsts], minlength=len(lines))).tolist()
    for line, start, end in zip(lines, [0, *ends], ends):
        line.words = words[start:end]


class ParagraphWriter:
    """Accumulates pieces: lines joined into paragraphs, paragraphs separated."""

    def __init__(self, vocabulary: set[str]):
        self.vocabulary = vocabulary
        self.pieces: list[Piece | SourcePiece] = []
        self.changed: dict[int, list[str]] = {}  # page -> text dropped or joined on purpose
        self.open = False  # inside a paragraph
        self.repaired: dict[str, str] = {}  # repair_glyphs of each text met (words recur)

    def repair(self, text: str) -> str:
        if text not in self.repaired:
            self.repaired[text] = repair_glyphs(text)
        return self.repaired[text]

    def text_tail(self, length: int = 12) -> str:
        tail = ""
        for piece in reversed(self.pieces):
            tail = piece[0] + tail  # its text
            if len(tail) >= length:
                break
        return tail[-length:]

    def paragraph(self) -> None:
        if self.pieces and self.open:
            self.pieces.append(PARAGRAPH_BREAK)
        self.open = False

    def line(self, line: Line, page: int) -> None:
        """Add a line to the open paragraph (or start one)."""
        first = True
        for text, source_start, source_end, box, raised, glued in line.words:
            text = self.repair(text)
            if raised:
                if is_citation(text, self.text_tail()):
                    self.changed.setdefault(page, []).append(text)
                    continue
                self.pieces.append(("^" + text, page, source_start, source_end, box))
                continue
            if first and self.open:
                self.join_to(text, page)
            elif not first and not glued:  # "Wu¹, Chen": the comma stays on "Wu"
                self.pieces.append(SPACE)
            self.pieces.append((text, page, source_start, source_end, box))
            first = False
        self.open = True

    def join_to(self, text: str, page: int) -> None:
        """Separator between the open paragraph's last word and a new line's first word."""
        last_text, *source = self.pieces[-1] if self.pieces else ("",)
        if last_text.endswith("-") and len(last_text) > 1 and text[:1].isalpha():
            left = re.search(r"([A-Za-z0-9]+)-$", last_text)
            right = re.match(r"[A-Za-z0-9]+", text)
            if left and right:
                joint = join_hyphenated(left.group(1), right.group(0), self.vocabulary)
                if joint == "":
                    self.pieces[-1] = (last_text[:-1], *source)
                    self.changed.setdefault(page, []).append(f"{left.group(1)} {right.group(0)}")
                elif joint == "- ":
                    self.pieces.append(SPACE)
                return
        self.pieces.append(SPACE)

    def table(self, block: TableBlock, page: int) -> None:
        self.paragraph()
        for line in block.caption:
            self.line(line, page)
        self.paragraph()
        for number, row in enumerate(block.rows):
            if number:
                self.pieces.append(Piece("\n"))
            for column, cell in enumerate(row):
                if column:
                    self.pieces.append(Piece("\t"))
                text = repair_glyphs(cell.text)
                if text and cell.chars:
                    self.pieces.append(cell_piece(text, cell.chars, page))
                elif text:
                    self.pieces.append(Piece(text))
        self.open = True
        self.paragraph()


def column_edges(lines: list[Line]) -> dict[str, tuple[float, float]]:
    """Left and right edge of each column kind on a page (most common x0, high x1)."""
    edges = {}
    for kind in {l.kind for l in lines}:
        members = [l for l in lines if l.kind == kind]
        lefts = Counter(round(l.x0) for l in members)
        rights = sorted(l.x1 for l in members)
        edges[kind] = (lefts.most_common(1)[0][0], rights[int(0.9 * (len(rights) - 1))])
    return edges


def set_as_heading(line: Line, previous: Line | None) -> bool:
    """A line naming a section ("Discussion") that is also set as a heading: bold, in
    capitals, in another size, or alone after a finished sentence; never one that
    continues the line above in the same type (the last line of a bold title, "...A Case
    and / Literature Review", or of a paragraph, "...in our / case.")."""
    text = line.text.strip()
    if heading_rule(text) is None:
        return False
    if previous is None:
        return True
    same_type = abs(line.size - previous.size) <= 0.5 and line.bold == previous.bold
    ended = previous.text.rstrip().endswith(SENTENCE_END)
    if same_type and not ended and line.top - previous.bottom < line.size:
        return False
    return line.bold or text.isupper() or not same_type or not text.endswith(".")


def starts_paragraph(previous: Line, line: Line, spacing: float, edges: dict) -> bool:
    """Whether ``line`` starts a new paragraph after ``previous`` (both text lines);
    ``spacing`` is the page's line pitch as a multiple of the font size."""
    table_caption, figure_caption = caption_patterns()
    ended = previous.text.rstrip().endswith(SENTENCE_END)
    if (set_as_heading(line, previous) or previous.bold and heading_rule(previous.text)
            or table_caption.match(line.text) or figure_caption.match(line.text)
            or LIST_ITEM.match(line.text)):
        return True
    if abs(line.size - previous.size) > 0.6 or line.bold != previous.bold:
        return True
    if line.kind != previous.kind or line.top < previous.top:  # next column or page
        return ended and line.text[:1].isupper()
    left, right = edges.get(line.kind, (line.x0, line.x1))
    if line.top - previous.top > 1.45 * spacing * previous.size:
        return True
    indented = line.x0 > left + 0.7 * line.size
    short = previous.x1 < right - 2 * previous.size
    return ended and (indented or short)


def line_spacing(lines: list[Line]) -> float:
    """Typical distance between consecutive lines, in font sizes (1.2 for "single")."""
    steps = [(b.top - a.top) / a.size for a, b in zip(lines, lines[1:])
             if a.kind == b.kind and 0 < b.top - a.top < 3 * a.size and abs(a.size - b.size) < 0.3]
    return statistics.median(steps) if steps else 1.2


def vocabulary_of(contents: list[PageContent]) -> set[str]:
    text = " ".join(line.text for content in contents for line in content.lines)
    return set(re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()))


def word_bag(text: str) -> Counter:
    text = unicodedata.normalize("NFKC", text).lower().replace("\ufffe", "").replace("\ufffd", "")
    return Counter(re.findall(r"[a-z]+|\d+", text))


def positional_words(glyphs: Glyphs) -> Counter:
    """All of a page's words, from character positions alone (baseline, then x; a gap or
    a space separates words): what the reading must account for, independent of the
    layout, furniture and table logic it checks."""
    if not len(glyphs):
        return word_bag("")
    columns = glyphs.columns
    line = numpy.rint(columns.baseline)  # as round() rounds
    x0, x1, size = columns.x0, columns.x1, columns.size
    order = order_within(line.astype(int), x0)  # stable, as sorted() is
    line, x0, x1, size = line[order], x0[order], x1[order], size[order]
    # a word ends where the line changes or a gap wider than a share of the size follows
    ends = (line[1:] != line[:-1]) | (x0[1:] - x1[:-1] > WORD_GAP * size[1:])
    starts = numpy.flatnonzero(ends) + 1
    texts = glyphs.texts[order].tolist()
    bounds = [0, *starts.tolist(), len(texts)]
    return word_bag(" ".join("".join(texts[a:b]) for a, b in zip(bounds, bounds[1:])))


def lost_words(reference: Counter, kept: str) -> tuple[int, int]:
    """(reference words not found among the kept ones, reference words in all)."""
    missing = reference - word_bag(kept)
    return sum(missing.values()), sum(reference.values())


@dataclass
class PartReading:
    """The reading of a stretch of pages, and what they hold."""

    reading: PdfReading
    chars: int
    images: int


def read_pdf(path: str | Path, data: bytes | None = None) -> PdfReading:
    """Read a PDF into clean text with pages and a source map; BadInputError when unusable.
    ``data``: the file's bytes, when the caller has read them."""
    path = Path(path)
    check_file(path, path.read_bytes() if data is None else data)
    engine = get_settings().pdf_engine
    count = page_count(path, engine)
    parts = [read_pages(path, engine, numbers)
             for numbers in page_stretches(count, get_limits().pdf_piece_pages)]
    if not any(part.chars for part in parts):
        images = sum(part.images for part in parts)
        raise BadInputError(path, Errors.E012 if images else Errors.E008.format(pages=count))
    return join_readings([part.reading for part in parts])


def page_stretches(count: int, most: int) -> list[range]:
    """Pages 1..count in stretches of at most ``most``, as even as can be: headers and
    footers are found by recurring within a stretch, so none is left with a page or two."""
    stretches = math.ceil(count / most)
    size = math.ceil(count / stretches)
    return [range(first, min(first + size, count + 1)) for first in range(1, count + 1, size)]


def join_readings(readings: list[PdfReading]) -> PdfReading:
    """Readings of consecutive stretches of pages as one, a paragraph break between
    (their pages and spans moved in place: each stretch's reading is read only here)."""
    if len(readings) == 1:
        return readings[0]
    texts, pages, source_map, warnings = [], [], [], []
    offset = 0
    for reading in readings:
        if reading.text and texts:
            texts.append(PARAGRAPH)
            offset += len(PARAGRAPH)
        for item in [*reading.pages, *reading.source_map]:
            item.start += offset
            item.end += offset
        pages += reading.pages
        source_map += reading.source_map
        warnings += reading.warnings
        texts.append(reading.text)
        offset += len(reading.text)
    return PdfReading("".join(texts), pages, source_map, warnings)


def read_pages(path: Path, engine: str, numbers: range) -> PartReading:
    """Steps 1-6 of the module's docstring on pages ``numbers``."""
    sources = page_sources(path, engine, numbers)
    grids = GridReader(path)
    try:
        contents = [page_content(source, grids) for source in sources]
    except Exception as error:
        raise BadInputError(path, Errors.E007.format(reason=describe(error))) from None
    finally:
        grids.close()
    chars, images = sum(c.chars for c in contents), sum(c.images for c in contents)
    if not chars:
        pages = [Page(number=number, start=0, end=0) for number in numbers]
        return PartReading(PdfReading("", pages, [], [Warnings.W002.format(page=number)
                                                      for number in numbers]), 0, images)
    chars_of_size: Counter = Counter()  # each line's size, once per character
    for line in (l for c in contents for l in c.lines):
        chars_of_size[line.size] += len(line.members)
    sizes = rounded_counts(chars_of_size)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    dropped = furniture([PageLines(c.number, c.height, c.lines) for c in contents], body_size)
    for content in contents:
        content.removed = [l.text for l in content.lines if id(l) in dropped]
        content.lines = [l for l in content.lines if id(l) not in dropped]
        attach_captions(content)
    writer = ParagraphWriter(vocabulary_of(contents))
    warnings: list[str] = []
    previous: Line | None = None
    gutters = [find_gutter(content.lines) for content in contents]
    shared = document_gutter(gutters)
    for content, gutter in zip(contents, gutters):
        if gutter is None:
            gutter = inherit_gutter(content.lines, shared)
        ordered = reading_order([*content.lines, *content.tables], gutter)
        text_lines = [l for l in ordered if isinstance(l, Line)]
        spacing = line_spacing(text_lines)
        edges = column_edges(text_lines)
        if not content.chars:
            warnings.append(Warnings.W002.format(page=content.number))
        for item in ordered:
            if isinstance(item, TableBlock):
                writer.table(item, content.number)
                previous = None
                continue
            if previous is None or starts_paragraph(previous, item, spacing, edges):
                writer.paragraph()
            writer.line(item, content.number)
            previous = item
    # the pieces' numbers are read from arrays by tolist: plain ints and floats
    text, source_map = assemble(writer.pieces, checked=False)
    pages = page_spans(source_map, numbers, len(text))
    for page, content in zip(pages, contents):
        # kept text, plus what was dropped or joined on purpose: furniture, citation marks,
        # the halves of words split at line ends
        accounted = " ".join([text[page.start:page.end], *content.removed,
                              *writer.changed.get(page.number, [])])
        missing, total = lost_words(content.words, accounted)
        if total and missing / total > LOSS_LIMIT:
            warnings.append(Warnings.W003.format(page=page.number, missing=missing, total=total,
                                                 share=100 * missing / total))
    return PartReading(PdfReading(text, pages, source_map, warnings), chars, images)


def page_spans(source_map: list[SourceSpan], numbers: range, length: int) -> list[Page]:
    """Each page's stretch of the clean text, from the spans that came from it."""
    # the first span of each page: later ones are overwritten, read from the end
    starts = dict(zip(map(attrgetter("page"), reversed(source_map)),
                      map(attrgetter("start"), reversed(source_map))))
    pages, previous_start = [], 0
    for number in numbers:
        start = starts.get(number, previous_start)
        pages.append(Page(number=number, start=start, end=start))
        previous_start = start
    for page, following in zip(pages, pages[1:] + [None]):
        page.end = following.start if following is not None else length
    return pages
