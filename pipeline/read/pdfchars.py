"""A PDF page's characters and rules, from one of two engines.

- ``pdfium`` (default): pypdfium2's text page, about 60 pages/s here. Its synthetic
  spaces and line breaks are skipped and its line-end hyphen (U+0002) is read as "-".
  Measured to give the same reading as pdfplumber on the journal-style test PDFs
  (``tests/read/test_seed_pdfs.py``).
- ``pdfplumber``: the reader of record, about 7 pages/s: its characters carry the same
  keys, with the baseline taken from the text matrix.

Either way a page's characters are kept as columns (:class:`~pipeline.read.layout.Glyphs`)
with what pdfplumber's character dicts give as ``text, x0, x1, top, bottom, size,
fontname, baseline, index`` (top-down coordinates in points; ``index`` is the character's
position in the engine's own order, which the source map records). Ruled grids are always read by
pdfplumber's table finder, on the pages that have them: with the pdfium engine from the
edges pdfium reads (:mod:`pipeline.read.pdfedges`), where pdfminer would read the same.
"""

from __future__ import annotations

import ctypes
import threading
import unicodedata
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy

from pipeline.read.layout import Columns, Glyphs, bold_face
from pipeline.read.pdfedges import page_edges

Box = tuple[float, float, float, float]
ENGINES = ("pdfium", "pdfplumber")
RULE_THICKNESS = 3.0  # stroked rules come out about 2 pt thick with their stroke
STX_CODE = 2  # pdfium's code for a hyphen at a line end
NONCHARACTER = 0xFFFE  # what pdfium's page text writes for it
# PDFium keeps global state and is not thread-safe: two documents read at once by the
# flow's worker threads crash the process (segmentation fault), so one reads at a time.
PDFIUM_LOCK = threading.Lock()
# Bidirectional classes of the characters pdfium reorders a line for (right-to-left text,
# explicit embeddings, overrides and isolates): on a page with none, each text object's
# characters come one after another in its text (see object_runs)
REORDERED = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "FSI", "PDF",
                       "PDI"})


@dataclass
class PageSource:
    number: int
    width: float
    height: float
    glyphs: Glyphs  # its characters
    rules: list[Box] = field(default_factory=list)  # thin horizontal or vertical paths
    images: int = 0
    # a grid page's edges as pdfplumber's table finder takes them, read by pdfium
    # (pipeline.read.pdfedges); None: pdfplumber reads the page for its table finder
    edges: list[dict] | None = None

    @property
    def chars(self) -> list[dict]:
        """Its characters as dicts."""
        return self.glyphs.dicts()


def horizontal(rule: Box) -> bool:
    return rule[3] - rule[1] < RULE_THICKNESS <= rule[2] - rule[0]


def vertical(rule: Box) -> bool:
    return rule[2] - rule[0] < RULE_THICKNESS <= rule[3] - rule[1]


def crosses(down: Box, across: Box, slack: float = 2.0) -> bool:
    x, y = (down[0] + down[2]) / 2, (across[1] + across[3]) / 2
    return (across[0] - slack <= x <= across[2] + slack
            and down[1] - slack <= y <= down[3] + slack)


def has_grid(page: PageSource) -> bool:
    """A ruled table to read cell by cell: three or more vertical rules crossing the same
    two horizontal ones (its borders and a column separator). A box has only two."""
    across = [r for r in page.rules if horizontal(r)]
    downs = [r for r in page.rules if vertical(r)]
    for index, first in enumerate(across):
        for second in across[index + 1:]:
            if sum(crosses(d, first) and crosses(d, second) for d in downs) >= 3:
                return True
    return False


def pdfium_pages(path: Path, numbers: range | None = None) -> list[PageSource]:
    """The pages numbered ``numbers`` (1-based; default all)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(path))
        pages = []
        try:
            viewed_right_to_left = right_to_left_view(document.raw, raw)
            for number in numbers or range(1, len(document) + 1):
                page = document[number - 1]
                height = page.get_height()
                source = PageSource(number, page.get_width(), height,
                                    pdfium_chars(page, height, raw, viewed_right_to_left),
                                    *pdfium_rules_and_images(page, height, raw))
                if has_grid(source):
                    source.edges = page_edges(page, raw)
                pages.append(source)
        finally:
            document.close()
    return pages


def right_to_left_view(document, raw) -> bool:
    """Whether the document asks to be viewed right to left (``/ViewerPreferences
    /Direction /R2L``): pdfium then reads every line of it as right-to-left text."""
    name = ctypes.create_string_buffer(8)
    raw.FPDF_VIEWERREF_GetName(document, b"Direction", name, len(name))
    return name.value == b"R2L"


def reordered(codes: numpy.ndarray) -> bool:
    """Whether pdfium may have put some of a page's characters out of their text objects'
    order: it reverses right-to-left stretches of a line (``codes``: the page's)."""
    return any(code > 0x10FFFF or unicodedata.bidirectional(chr(code)) in REORDERED
               for code in numpy.unique(codes).tolist())


def pdfium_page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(path))
        try:
            return len(document)
        finally:
            document.close()


def page_codes(handle, count: int, raw) -> numpy.ndarray:
    """Every character's code point, read in one call where the page text holds one
    UTF-16 unit per character. The page text writes U+FFFE where a character's own code
    is another (pdfium's line-end hyphen, STX): those few are asked one by one. A page
    whose text leaves characters out (those with no code) or takes two units for one
    (beyond U+FFFF) is asked character by character."""
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = raw.FPDFText_GetText(handle, 0, count,
                                   ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    codes = numpy.frombuffer(buffer, dtype=numpy.uint16, count=count).astype(numpy.int64)
    surrogates = (codes >= 0xD800) & (codes <= 0xDFFF)
    if written != count + 1 or surrogates.any():
        return numpy.array([raw.FPDFText_GetUnicode(handle, index) for index in range(count)],
                           dtype=numpy.int64)
    for index in numpy.flatnonzero(codes == NONCHARACTER).tolist():
        codes[index] = raw.FPDFText_GetUnicode(handle, index)
    return codes


class ObjectStyle(NamedTuple):
    """What pdfium reports per character but takes from the character's text object."""

    fontname: str | None  # None: pdfium gave none
    size: float  # in points, as pdfium gives it
    rounded_size: float  # as characters carry it
    rotated: bool


def object_style(calls: "PerCharacterCalls", handle: ctypes.c_void_p, index: int,
                 font: ctypes.Array, flags: ctypes.c_int) -> ObjectStyle:
    length = calls.font_info(handle, index, font, ctypes.c_ulong(len(font)), ctypes.byref(flags))
    written = 0 < length <= len(font)  # pdfium writes nothing for a name that does not fit
    size = calls.font_size(handle, index)
    return ObjectStyle(font.value.decode("latin-1") if written else None, size, round(size, 2),
                       calls.angle(handle, index) > 0.01)


class PerCharacterCalls:
    """pdfium's per-character functions called without pypdfium2's argument conversion:
    the same C functions, about three times as fast a call, which is most of the cost of
    reading a page's characters (pdfium has no call that gives every box at once). They
    are mapped over a page's characters (``map`` calls them from C, with no Python loop
    around each call). Each call keeps the GIL (ctypes' ``PYFUNCTYPE``): these functions
    only read the text page, in well under a microsecond, and letting the GIL go and
    taking it back around each of a page's thousands of calls cost a sixth of a call."""

    def __init__(self, raw):
        def bare(function, restype):
            return ctypes.PYFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value)

        self.is_generated = bare(raw.FPDFText_IsGenerated, ctypes.c_int)
        # an object's address as an int (0 for none)
        self.text_object = bare(raw.FPDFText_GetTextObject, ctypes.c_size_t)
        # their answer (whether the index is valid) is not read: no Python object made for it
        self.loose_box = bare(raw.FPDFText_GetLooseCharBox, None)
        self.origin = bare(raw.FPDFText_GetCharOrigin, None)
        # asked once per run of an object's characters (run_baselines)
        self.matrix = bare(raw.FPDFText_GetMatrix, None)
        # asked once per text object (run_styles)
        self.font_info = bare(raw.FPDFText_GetFontInfo, ctypes.c_ulong)
        self.font_size = bare(raw.FPDFText_GetFontSize, ctypes.c_double)
        self.angle = bare(raw.FPDFText_GetCharAngle, ctypes.c_float)
        self.capacity = 0
        self.boxes = self.origins = None
        self.box_pointers: list = []
        self.origin_pointers: list = []
        self.run_matrix = (ctypes.c_float * 6)()  # a, b, c, d, e, f
        self.run_x, self.run_y = ctypes.c_double(), ctypes.c_double()

    def origin_y(self, handle: ctypes.c_void_p, index: int) -> float:
        self.origin(handle, index, ctypes.byref(self.run_x), ctypes.byref(self.run_y))
        return self.run_y.value

    def reserve(self, count: int) -> None:
        """Room for ``count`` characters' boxes (:attr:`boxes`: left, top, right, bottom as
        C floats) and origins' y (:attr:`origins`, C doubles), and a pointer to each
        character's record in them. The arrays are the process's, reused page after page
        (pdfium is read under PDFIUM_LOCK, one page at a time), so their pointers are made
        once: made per character and page they cost a third of the call they are passed to."""
        if count <= self.capacity:
            return
        self.capacity = max(count, 2 * self.capacity, 4096)
        self.boxes = (ctypes.c_float * (4 * self.capacity))()
        self.origins = (ctypes.c_double * self.capacity)()
        self.box_pointers = list(pointers(self.boxes, self.capacity, 16))
        self.origin_pointers = list(pointers(self.origins, self.capacity, 8))


CALLS: list[PerCharacterCalls] = []  # made once, on first use


def pointers(array: ctypes.Array, count: int, step: int) -> Iterator:
    """Pointers to ``count`` consecutive records of ``step`` bytes in ``array``."""
    return map(ctypes.byref, repeat(array, count), range(0, count * step, step))


def object_runs(text_object, handle: ctypes.c_void_p, indices: list[int],
                in_order: bool) -> tuple[list[int], list[int]]:
    """Where each run of characters of one text object starts (a position in ``indices``),
    and its object (its address; 0 for none: such a character is a run of its own).

    pdfium appends each text object's characters together and reorders a line's only
    where it holds right-to-left text; ``in_order``, the page has none (nor is it viewed
    right to left), so an object's characters are one stretch: its end is found by
    doubling steps, then halving, a few calls a run instead of one a character."""
    if not in_order and indices:  # (no characters: no runs, as below)
        objects = list(map(text_object, repeat(handle, len(indices)), indices))
        found = numpy.array(objects, dtype=numpy.uint64)
        starts = numpy.flatnonzero(numpy.concatenate(
            ([True], (found[1:] != found[:-1]) | (found[1:] == 0)))).tolist()
        return starts, [objects[start] for start in starts]
    starts, objects, count, start = [], [], len(indices), 0
    while start < count:
        current = text_object(handle, indices[start])
        starts.append(start)
        objects.append(current)
        low, step = start, 1  # the character at ``low`` is the object's
        while (current and low + step < count
               and text_object(handle, indices[low + step]) == current):
            low, step = low + step, 2 * step
        high = min(low + step, count) if current else start + 1  # past the object's last
        while high - low > 1:
            middle = (low + high) // 2
            if text_object(handle, indices[middle]) == current:
                low = middle
            else:
                high = middle
        start = high
    return starts, objects


def run_styles(calls: PerCharacterCalls, handle: ctypes.c_void_p, indices: list[int],
               starts: list[int], objects: list[int]) -> list:
    """Each run's (size, rounded size, font name, rotated), the runs of :func:`object_runs`
    (``objects``: each one's text object). Font, size and rotation are the object's (pdfium
    reads them from it): asked once per object, at its first character. A character
    without an object is a run of its own; one without a font keeps the font name before
    it, as pdfium's font buffer did when it was asked per character."""
    font, flags = ctypes.create_string_buffer(128), ctypes.c_int()
    styles: dict[int, ObjectStyle] = {}
    fontname, runs = "", []
    for start, text_object in zip(starts, objects):
        style = styles.get(text_object) if text_object else None
        if style is None:
            style = object_style(calls, handle, indices[start], font, flags)
            if text_object:
                styles[text_object] = style
        fontname = style.fontname if style.fontname is not None else fontname
        runs.append((style.size, style.rounded_size, fontname, style.rotated))
    return runs


def shared_baseline(calls: PerCharacterCalls, handle: ctypes.c_void_p, first: int,
                    last: int) -> float | None:
    """The origin y (bottom up) every character of one text object's run has, from its
    first (``first``) to its last (``last``), or None when they may differ.

    pdfium places an object's character at its matrix times the character's own origin
    in the object, whose y is 0 unless the font writes vertically: with the matrix's
    ``b`` 0, every character's y is the matrix's ``f`` (0 * x + d * 0 + f). A vertical
    font's characters step down from a y of their own, so a run whose first or last
    character is not at ``f`` is read character by character (as is one whose
    characters share an object's ActualText position rather than its matrix)."""
    calls.matrix(handle, first, ctypes.byref(calls.run_matrix))
    _, b, _, _, _, f = calls.run_matrix
    if b != 0 or calls.origin_y(handle, first) != f or calls.origin_y(handle, last) != f:
        return None
    return f


def run_baselines(calls: PerCharacterCalls, handle: ctypes.c_void_p, kept: list[int],
                  lengths: list[int], objects: list[int]) -> numpy.ndarray:
    """The origin y (bottom up) of each of the ``kept`` characters, which come in runs of
    ``lengths`` characters of one text object each (``objects``; 0: none). A run that
    shares one baseline (:func:`shared_baseline`) costs three calls, not one a character;
    the others' characters are asked one by one, their origins written into
    :attr:`PerCharacterCalls.origins`."""
    ends = numpy.cumsum(lengths).tolist()
    # a run of three characters or fewer costs as many calls asked one by one
    shared = [shared_baseline(calls, handle, kept[end - length], kept[end - 1])
              if text_object and length > 3 else None
              for end, length, text_object in zip(ends, lengths, objects)]
    baselines = numpy.repeat(numpy.array([numpy.nan if y is None else y for y in shared]),
                             lengths)
    asked = numpy.flatnonzero(numpy.isnan(baselines))
    # map stops with ``asked``: the first len(asked) records are written
    list(map(calls.origin, repeat(handle, len(asked)), [kept[i] for i in asked.tolist()],
             repeat(ctypes.byref(calls.run_x), len(asked)), calls.origin_pointers))
    baselines[asked] = numpy.frombuffer(calls.origins, dtype=float, count=len(asked))
    return baselines


def pointer_argument(handle) -> "ctypes._CArgObject":
    """A pdfium handle as an argument made once for a page's thousands of calls: a
    reference to the memory at its address, which ctypes passes on as the address itself
    (a ``c_void_p`` is converted into a new argument object on every call)."""
    address = ctypes.cast(handle, ctypes.c_void_p).value
    return ctypes.byref(ctypes.c_char.from_address(address))


def pdfium_chars(page, height: float, raw, viewed_right_to_left: bool = False) -> Glyphs:
    """The page's characters. Which ones are read is
    settled on arrays of their codes and text objects; their boxes and origins are
    written by pdfium straight into arrays, and the coordinates worked out for all of
    them at once."""
    if not CALLS:
        CALLS.append(PerCharacterCalls(raw))
    calls = CALLS[0]
    textpage = page.get_textpage()
    handle = textpage.raw
    bare_handle = pointer_argument(handle)
    count = raw.FPDFText_CountChars(handle)
    codes = page_codes(handle, count, raw)
    # pdfium generates only spaces and line breaks; line breaks are skipped anyway
    read = numpy.flatnonzero((codes != 10) & (codes != 13) & (codes != 0))
    spaces = numpy.flatnonzero(codes[read] == 32)
    generated = list(map(calls.is_generated, repeat(bare_handle, len(spaces)),
                         read[spaces].tolist()))
    read = numpy.delete(read, spaces[numpy.array(generated, dtype=bool)])
    indices = read.tolist()
    starts, objects = object_runs(calls.text_object, bare_handle, indices,
                                  not viewed_right_to_left and not reordered(codes))
    runs = run_styles(calls, bare_handle, indices, starts, objects)
    lengths = numpy.diff(numpy.append(starts, len(indices)))
    # each run's values, repeated for its characters (numbers as numbers: an array of
    # Python objects converted later costs a call per character)
    sizes, rounded, fontnames, rotated = (zip(*runs) if runs else ((),) * 4)
    sizes, rounded, rotated, bold = (
        numpy.repeat(numpy.array(values, dtype=dtype), lengths)
        for values, dtype in ((sizes, float), (rounded, float), (rotated, bool),
                              ([bold_face(name) for name in fontnames], bool)))
    fontnames = numpy.repeat(numpy.array(fontnames, dtype=object), lengths)
    # rotated text: margin notes and stamps, not the article
    upright = ~rotated
    kept_array = read[upright]
    kept = kept_array.tolist()
    found = len(kept)
    # the loose box: advance width and font ascent/descent, so the glyphs of a word abut
    # as they do in pdfplumber (tight outlines leave gaps in words)
    calls.reserve(found)
    # map stops with ``kept``: the first ``found`` records are written
    list(map(calls.loose_box, repeat(bare_handle, found), kept, calls.box_pointers))
    upright_runs = [not run_rotated for *_, run_rotated in runs]
    origins = run_baselines(calls, bare_handle, kept,
                            lengths[numpy.array(upright_runs, dtype=bool)].tolist(),
                            [o for o, upright_run in zip(objects, upright_runs) if upright_run])
    textpage.close()
    kept_codes = codes[kept_array]
    # each distinct code's text and whether it is printed (not blank), worked out once
    distinct, where = numpy.unique(kept_codes, return_inverse=True)
    distinct_texts = ["-" if code == STX_CODE else chr(code) for code in distinct.tolist()]
    texts = numpy.array(distinct_texts, dtype=object)[where]
    printed = numpy.array([bool(text.strip()) for text in distinct_texts], dtype=bool)[where]
    sizes = sizes[upright]
    box = numpy.frombuffer(calls.boxes, dtype=numpy.float32, count=4 * found).reshape(found, 4)
    box = box.astype(float)  # as Python reads a C float, before any arithmetic (and a copy)
    x0, x1 = box[:, 0], box[:, 2]
    # a space pdfium gives no width gets a quarter of its font size
    empty = (kept_codes == 32) & (x1 <= x0)
    x1 = numpy.where(empty, x0 + 0.25 * sizes, x1)
    top, bottom = height - box[:, 1], height - box[:, 3]
    baselines = height - origins
    return Glyphs(texts, fontnames[upright], bold[upright], kept_array,
                  Columns(x0, x1, top, bottom, rounded[upright], baselines, printed))


def page_objects(raw, parent, form: bool = False, depth: int = 4) -> Iterator[tuple[int, int]]:
    """Each object of a page (or of a form object) and its type, those inside form
    objects after the form, ``depth`` levels deep: pypdfium2's ``get_objects`` without
    a Python object made for each (most are text objects, not looked at here)."""
    count, get = ((raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject) if form
                  else (raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject))
    for index in range(count(parent)):
        obj = get(parent, index)
        kind = raw.FPDFPageObj_GetType(obj)
        yield obj, kind
        if kind == raw.FPDF_PAGEOBJ_FORM and depth > 1:
            yield from page_objects(raw, obj, True, depth - 1)


def pdfium_rules_and_images(page, height: float, raw) -> tuple[list[Box], int]:
    rules, images = [], 0
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for obj, kind in page_objects(raw, page.raw):
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
            box = (left.value, height - top.value, right.value, height - bottom.value)
            if horizontal(box) or vertical(box):
                rules.append(box)
    return rules, images


def pdfplumber_source(page, number: int) -> PageSource:
    chars = []
    for index, char in enumerate(page.chars):
        if not char.get("upright", True) or char["text"] == "\n":
            continue
        extra = {"index": index}
        if char.get("matrix"):
            extra["baseline"] = page.height - char["matrix"][5]
        chars.append(dict(char, **extra))
    rules = [(o["x0"], o["top"], o["x1"], o["bottom"]) for o in page.lines + page.rects]
    return PageSource(number, page.width, page.height, Glyphs.of(chars),
                      [r for r in rules if horizontal(r) or vertical(r)], len(page.images))
