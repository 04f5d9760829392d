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
6. the words kept are checked against a second extraction (pypdfium2): a page that lost
   more than 2% of its words gets a warning.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import BadInputError, Errors, Warnings
from pipeline.read.cleanup import is_citation, join_hyphenated, repair_glyphs
from pipeline.read.furniture import PageLines, furniture
from pipeline.read.layout import Line, find_gutter, lines_of, reading_order
from pipeline.read.pdftables import (TableBlock, header_table, horizontal_rules, inside,
                                     rule_bounded_regions, ruled_tables)
from pipeline.read.sections import caption_patterns, heading_rule
from pipeline.read.textmap import Piece, assemble
from pipeline.schema import Page, SourceSpan

PARAGRAPH = "\n\n"
LOSS_LIMIT = 0.02
WORD_GAP = 0.25  # a gap wider than this share of the font size separates words
SENTENCE_END = (".", "!", "?", ":", "”", '"')


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
    removed: list[str] = field(default_factory=list)  # text dropped on purpose


def describe(error: BaseException) -> str:
    """Type and message, looking through wrappers: pdfplumber wraps pdfminer's exception
    in its args ("PdfminerException(PDFPasswordIncorrect())")."""
    inner = next((arg for arg in error.args if isinstance(arg, BaseException)), None)
    if inner is not None:
        return describe(inner)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def open_pdf(path: Path):
    """pdfplumber's PDF, or a BadInputError saying what is wrong with the file."""
    import pdfplumber  # deferred: only PDFs need it

    head = path.read_bytes()[:1024]
    if b"%PDF" not in head:
        raise BadInputError(path, Errors.E007.format(reason="no %PDF header: not a PDF file"))
    try:
        pdf = pdfplumber.open(path)
        pages = pdf.pages
    except Exception as error:  # pdfminer raises many types on malformed files
        if re.search(r"password|encrypt", describe(error), re.IGNORECASE):
            raise BadInputError(path, Errors.E009) from None
        tail = path.read_bytes()[-2048:]
        if b"%%EOF" not in tail:
            raise BadInputError(path, Errors.E010.format(reason=describe(error))) from None
        raise BadInputError(path, Errors.E007.format(reason=describe(error))) from None
    if not pages:
        pdf.close()
        raise BadInputError(path, Errors.E011)
    return pdf


def unique_chars(chars: list[dict], height: float) -> list[dict]:
    """Characters with their page index and baseline, each glyph once: PDFs fake bold by
    drawing a glyph twice at the same spot (pdfplumber's own dedupe is quadratic on dense
    pages). The baseline comes from the text matrix, measured from the top."""
    seen: set[tuple] = set()
    kept = []
    for index, char in enumerate(chars):
        key = (char["text"], round(char["x0"]), round(char["top"]))
        if key in seen or not char.get("upright", True) or char["text"] == "\n":
            continue
        seen.add(key)
        extra = {"index": index}
        if char.get("matrix"):
            extra["baseline"] = height - char["matrix"][5]
        kept.append(dict(char, **extra))
    return kept


def page_content(page, number: int) -> PageContent:
    chars = unique_chars(page.chars, page.height)
    tables = ruled_tables(page, chars)
    lines = lines_of(c for c in chars if not any(inside(c, t.box) for t in tables))
    for region in rule_bounded_regions(horizontal_rules(page), page.height):
        if any(inside({"x0": region[0], "x1": region[2], "top": region[1], "bottom": region[3]},
                      t.box) for t in tables):
            continue
        block = header_table(region, lines)
        if block is not None:
            tables.append(block)
            lines = [l for l in lines if not inside({"x0": l.x0, "x1": l.x1, "top": l.top,
                                                     "bottom": l.bottom}, region)]
    return PageContent(number, page.width, page.height, lines, tables, len(page.images), len(chars))


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


@dataclass
class Word:
    text: str
    chars: list[dict]
    raised: bool = False  # a superscript run
    glued: bool = False  # no gap before it: it only starts here because ``raised`` changed

    def piece(self, page: int, text: str | None = None) -> Piece:
        box = (min(c["x0"] for c in self.chars), min(c["top"] for c in self.chars),
               max(c["x1"] for c in self.chars), max(c["bottom"] for c in self.chars))
        return Piece(self.text if text is None else text, page, self.chars[0]["index"],
                     self.chars[-1]["index"] + 1, tuple(round(v, 1) for v in box))


def words(line: Line) -> list[Word]:
    """A line's words; a run of superscript characters is a word of its own."""
    found: list[Word] = []
    previous = None
    for char in sorted(line.chars, key=lambda c: c["x0"]):
        if not char["text"].strip():
            previous = None
            continue
        raised = line.is_superscript(char)
        close = previous is not None and char["x0"] - previous["x1"] <= WORD_GAP * line.size
        if close and raised == found[-1].raised:
            found[-1].chars.append(char)
            found[-1].text += char["text"]
        else:
            found.append(Word(char["text"], [char], raised, glued=close))
        previous = char
    return found


class ParagraphWriter:
    """Accumulates pieces: lines joined into paragraphs, paragraphs separated."""

    def __init__(self, vocabulary: set[str]):
        self.vocabulary = vocabulary
        self.pieces: list[Piece] = []
        self.removed: list[str] = []
        self.open = False  # inside a paragraph

    def text_tail(self, length: int = 12) -> str:
        tail = ""
        for piece in reversed(self.pieces):
            tail = piece.text + tail
            if len(tail) >= length:
                break
        return tail[-length:]

    def paragraph(self) -> None:
        if self.pieces and self.open:
            self.pieces.append(Piece(PARAGRAPH))
        self.open = False

    def line(self, line: Line, page: int) -> None:
        """Add a line to the open paragraph (or start one)."""
        first = True
        for word in words(line):
            text = repair_glyphs(word.text)
            if word.raised:
                if is_citation(text, self.text_tail()):
                    self.removed.append(text)
                    continue
                self.pieces.append(word.piece(page, "^" + text))
                continue
            if first and self.open:
                self.join_to(text)
            elif not first and not word.glued:  # "Wu¹, Chen": the comma stays on "Wu"
                self.pieces.append(Piece(" "))
            self.pieces.append(word.piece(page, text))
            first = False
        self.open = True

    def join_to(self, text: str) -> None:
        """Separator between the open paragraph's last word and a new line's first word."""
        last = self.pieces[-1] if self.pieces else None
        if last is not None and last.text.endswith("-") and len(last.text) > 1 and text[:1].isalpha():
            left = re.search(r"([A-Za-z0-9]+)-$", last.text)
            right = re.match(r"[A-Za-z0-9]+", text)
            if left and right:
                joint = join_hyphenated(left.group(1), right.group(0), self.vocabulary)
                if joint == "":
                    self.pieces[-1] = Piece(last.text[:-1], last.page, last.source_start,
                                            last.source_end, last.bbox)
                elif joint == "- ":
                    self.pieces.append(Piece(" "))
                return
        self.pieces.append(Piece(" "))

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
                    ordered = sorted(cell.chars, key=lambda c: c["index"])
                    self.pieces.append(Word(text, ordered).piece(page, text))
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
            or table_caption.match(line.text) or figure_caption.match(line.text)):
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


def reference_words(path: Path) -> list[Counter] | None:
    """Every page's words from a second, independent extraction (pypdfium2)."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return None
    document = pdfium.PdfDocument(str(path))
    try:
        return [word_bag(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def lost_words(reference: Counter, kept: str) -> tuple[int, int]:
    """(reference words not found among the kept ones, reference words in all)."""
    ours = word_bag(kept)
    # a word split at a line end reads as one word in pypdfium2 ("rearrangement") and may
    # be kept hyphenated here ("non-small"): count the joined form too
    ours.update(a + b for a, b in re.findall(r"([a-z]+)-([a-z]+)", kept.lower()))
    missing = reference - ours
    return sum(missing.values()), sum(reference.values())


def read_pdf(path: str | Path) -> PdfReading:
    """Read a PDF into clean text with pages and a source map; BadInputError when unusable."""
    path = Path(path)
    pdf = open_pdf(path)
    with pdf:
        try:
            contents = [page_content(page, number) for number, page in enumerate(pdf.pages, 1)]
        except Exception as error:
            raise BadInputError(path, Errors.E007.format(reason=describe(error))) from None
    if not any(c.chars for c in contents):
        images = sum(c.images for c in contents)
        raise BadInputError(path, Errors.E012 if images else Errors.E008.format(pages=len(contents)))
    sizes = Counter(round(l.size, 1) for c in contents for l in c.lines for _ in l.chars)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    dropped = furniture([PageLines(c.number, c.height, c.lines) for c in contents], body_size)
    for content in contents:
        content.removed = [l.text for l in content.lines if id(l) in dropped]
        content.lines = [l for l in content.lines if id(l) not in dropped]
        attach_captions(content)
    writer = ParagraphWriter(vocabulary_of(contents))
    page_starts: list[int] = []
    warnings: list[str] = []
    previous: Line | None = None
    for content in contents:
        page_starts.append(len(writer.pieces))
        gutter = find_gutter(content.lines)
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
    text, source_map = assemble(writer.pieces)
    pages = page_spans(source_map, len(contents), len(text))
    references = reference_words(path)
    if references is not None:
        for page, content, reference in zip(pages, contents, references):
            removed = " ".join(content.removed)
            missing, total = lost_words(reference, text[page.start:page.end] + " " + removed
                                        + " " + " ".join(writer.removed))
            if total and missing / total > LOSS_LIMIT:
                warnings.append(Warnings.W003.format(page=page.number, missing=missing, total=total,
                                                     share=100 * missing / total))
    return PdfReading(text, pages, source_map, warnings)


def page_spans(source_map: list[SourceSpan], count: int, length: int) -> list[Page]:
    """Each page's stretch of the clean text, from the spans that came from it."""
    starts = {}
    for span in source_map:
        starts.setdefault(span.page, span.start)
    pages, previous_start = [], 0
    for number in range(1, count + 1):
        start = starts.get(number, previous_start)
        pages.append(Page(number=number, start=start, end=start))
        previous_start = start
    for page, following in zip(pages, pages[1:] + [None]):
        page.end = following.start if following is not None else length
    return pages
