"""Page geometry: characters -> lines -> reading order, for one- and two-column pages.

Functions over a page's characters kept as columns (:class:`Glyphs`: arrays of their
numbers and texts), made from the engine's arrays or from pdfplumber-like
character dicts (``text``, ``x0``, ``x1``, ``top``, ``bottom``, ``size``, ``fontname``),
so each step can be tested with hand-made chars.

1. :func:`lines_of` groups characters by baseline and size, cuts each group where a gap
   after a non-space character is wider than the font size (in a two-column page a
   baseline holds one line per column), then merges superscripts and subscripts into the
   line they sit on. Grouping by overlap instead merges lines of two columns set with
   different leading.
3. :func:`find_gutter` finds the white channel between columns from where the right
   column's lines start and the left column's end; lines that cross it are full width
   (title block, wide tables).
4. :func:`reading_order` reads the page in bands: a run of full-width lines in order, then
   a two-column stretch left column first, then right.
"""

from __future__ import annotations

import bisect
from collections import Counter, deque
from dataclasses import dataclass, field, fields
from typing import Iterable, Sequence

import numpy

from pipeline.read.textmap import rounded as rounded_as_round

Char = dict  # a pdfplumber character

# A superscript is at most this share of the line's body size and raised by more than
# this share of it.
SUPERSCRIPT_SIZE = 0.85
SUPERSCRIPT_RAISE = 0.12
# A gap wider than this many font sizes after a non-space character ends a segment.
SEGMENT_GAP = 0.9
# A gap after a space character is word spacing unless it is wider than this.
WORD_GAP = 3.0
# Characters of one line share their baseline exactly; columns set side by side may not.
BASELINE_TOLERANCE = 0.05


def rounded_counts(values: Iterable[float], digits: int = 1) -> Counter:
    """How often each value occurs, rounded to ``digits``, keys in the order they first
    occur (as ``Counter(round(v, digits) for v in values)``): rounding each distinct value
    once, since a line's characters share a few sizes and baselines. ``values`` may be a
    Counter of them already."""
    counts: Counter = Counter()
    for value, count in Counter(values).items():
        counts[round(value, digits)] += count
    return counts


def baseline(char: Char) -> float:
    """Top-down baseline: from the text matrix when the reader gives one (exact for every
    font), else the box bottom (which moves with each font's descent)."""
    return char.get("baseline", char["bottom"])


def baselines(chars: list[Char]) -> list[float]:
    """:func:`baseline` of each character (without a call per character)."""
    return [c.get("baseline", c["bottom"]) for c in chars]


@dataclass(frozen=True)
class Columns:
    """Characters' numbers as arrays: as the engine read them, or read from dicts
    (:meth:`of`)."""

    x0: numpy.ndarray
    x1: numpy.ndarray
    top: numpy.ndarray
    bottom: numpy.ndarray
    size: numpy.ndarray
    baseline: numpy.ndarray
    printed: numpy.ndarray  # its text is not blank

    @classmethod
    def of(cls, chars: list[Char]) -> "Columns":
        def column(key: str) -> numpy.ndarray:
            return numpy.array([c[key] for c in chars], dtype=float)

        return cls(column("x0"), column("x1"), column("top"), column("bottom"), column("size"),
                   numpy.array(baselines(chars), dtype=float),
                   numpy.array([bool(c["text"].strip()) for c in chars], dtype=bool))

    def take(self, index: numpy.ndarray) -> "Columns":
        return Columns(*(getattr(self, name.name)[index] for name in fields(self)))


def bold_face(fontname: str) -> bool:
    return "Bold" in fontname


@dataclass(frozen=True)
class Glyphs:
    """Characters as columns, not a dict each (a page has thousands, and the reader looks
    at them a page or a line at a time): their numbers (:class:`Columns`), texts, font
    names and indices in the engine's own order. :meth:`dicts` gives pdfplumber-like
    dicts where one is needed (the table finder, a table's cells)."""

    texts: numpy.ndarray  # of str (an object array: gathered in one call, not a loop)
    fontnames: numpy.ndarray  # of str
    bold: numpy.ndarray  # its font is a bold face
    indices: numpy.ndarray
    columns: Columns

    @classmethod
    def of(cls, chars: list[Char]) -> "Glyphs":
        """From dicts; a character without an ``index`` takes its position."""
        fontnames = numpy.array([c["fontname"] for c in chars], dtype=object)
        return cls(numpy.array([c["text"] for c in chars], dtype=object), fontnames,
                   numpy.array([bold_face(name) for name in fontnames.tolist()], dtype=bool),
                   numpy.array([c.get("index", n) for n, c in enumerate(chars)], dtype=int),
                   Columns.of(chars))

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, positions: numpy.ndarray) -> "Glyphs":
        """The characters at ``positions`` (or where a mask of them is true), in order."""
        if positions.dtype == bool:
            positions = numpy.flatnonzero(positions)
        return Glyphs(self.texts[positions], self.fontnames[positions],
                      self.bold[positions], self.indices[positions], self.columns.take(positions))

    def dicts(self, positions: numpy.ndarray | None = None) -> list[Char]:
        """The characters (those at ``positions``) as pdfplumber-like dicts."""
        chosen = self if positions is None else self.take(positions)
        columns = chosen.columns
        return [{"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size,
                 "fontname": fontname, "baseline": line, "index": index}
                for text, x0, x1, top, bottom, size, fontname, line, index
                in zip(chosen.texts.tolist(), columns.x0.tolist(), columns.x1.tolist(),
                       columns.top.tolist(), columns.bottom.tolist(), columns.size.tolist(),
                       chosen.fontnames.tolist(), columns.baseline.tolist(),
                       chosen.indices.tolist())]


@dataclass(eq=False, slots=True)
class Line:
    """A run of characters on one visual row, within one column (slots: read often, and
    one object each, not two, for the collector)."""

    page: Glyphs  # the characters of its page
    members: numpy.ndarray  # its characters' positions in ``page``
    size: float = 0.0  # body font size: the most common size of its characters
    baseline: float = 0.0  # the most common baseline of its body-size characters
    foot: float = 0.0  # the most common box bottom of its body-size characters
    kind: str = "body"  # body | full | left | right (set by reading_order)
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    # read by :func:`read_lines` for all of a page's lines at once, once their characters
    # are settled: the positions of its characters left to right, its text, whether most
    # of its printed characters are set in a bold face
    ordered: numpy.ndarray | None = None
    text: str = ""
    bold: bool = False
    words: list = field(default_factory=list)  # as the PDF reader reads them

    @classmethod
    def of(cls, chars: list[Char]) -> "Line":
        """A line of the characters given as dicts."""
        (line,) = measured_lines([chars])
        return line

    @property
    def chars(self) -> list[Char]:
        return self.page.dicts(self.members)

    def absorb(self, other: "Line") -> None:
        """Take a superscript or subscript fragment's characters."""
        self.members = numpy.concatenate((self.members, other.members))
        other.members = other.members[:0]
        columns = self.page.columns
        self.x0 = float(columns.x0[self.members].min())
        self.x1 = float(columns.x1[self.members].max())
        self.top = float(columns.top[self.members].min())
        self.bottom = float(columns.bottom[self.members].max())

    def is_superscript(self, char: Char) -> bool:
        """Smaller and raised. The raise is read from box bottoms: a PDF's text rise moves
        the glyph's box but not its text-matrix baseline."""
        return (char["size"] <= SUPERSCRIPT_SIZE * self.size
                and char["bottom"] < self.foot - SUPERSCRIPT_RAISE * self.size)


def order_within(groups: numpy.ndarray, values: numpy.ndarray) -> numpy.ndarray:
    """``numpy.lexsort((values, groups))``: by group (integers), then value, ties in the
    order given; as two stable sorts, by value and then by group, the second a radix
    sort when the groups fit 16 bits (lexsort took twice as long). Given in order
    already (a line's characters often are), they are left as they are: one pass to
    see it, no sort."""
    if in_order(groups, values):
        return numpy.arange(len(values))
    by_value = numpy.argsort(values, kind="stable")
    if len(groups) and -2 ** 15 <= groups.min() and groups.max() < 2 ** 15:
        groups = groups.astype(numpy.int16)
    return by_value[numpy.argsort(groups[by_value], kind="stable")]


def in_order(groups: numpy.ndarray, values: numpy.ndarray) -> bool:
    """Whether each element comes after the one before by group, or in the same group
    by value (ties included, as a stable sort leaves them)."""
    later, same = groups[1:] > groups[:-1], groups[1:] == groups[:-1]
    return bool((later | same & (values[1:] >= values[:-1])).all())


def joined(parts: list[numpy.ndarray]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The parts end to end, and the number of the part each element is from."""
    return (numpy.concatenate(parts),
            numpy.repeat(numpy.arange(len(parts)), [len(part) for part in parts]))


def read_lines(lines: list[Line]) -> None:
    """Each line's characters left to right (a stable sort by x0, as sorted() is), its
    text and boldness, worked out for all of a page's lines at once."""
    lines = [line for line in lines if len(line.members)]
    if not lines:
        return
    page = lines[0].page
    members, owner = joined([line.members for line in lines])
    ordered = members[order_within(owner, page.columns.x0[members])]
    ordered_texts = page.texts[ordered].tolist()
    printed = page.columns.printed[members]
    printed_count = numpy.bincount(owner, weights=printed, minlength=len(lines))
    bold_count = numpy.bincount(owner, weights=printed & page.bold[members], minlength=len(lines))
    bold = (printed_count > 0) & (bold_count > printed_count / 2)
    ends = numpy.cumsum([len(line.members) for line in lines]).tolist()
    for line, start, end, is_bold in zip(lines, [0, *ends], ends, bold.tolist()):
        line.ordered = ordered[start:end]
        line.text = "".join(ordered_texts[start:end])
        line.bold = is_bold


def baseline_groups(chars: Iterable[Char]) -> list[list[Char]]:
    """Characters sharing a baseline and a size, top to bottom (both columns of a page may
    share one; :func:`split_at_gaps` parts them)."""
    chars = list(chars)
    return [[chars[i] for i in group.tolist()] for group in group_indices(Columns.of(chars))]


def group_indices(columns: Columns) -> list[numpy.ndarray]:
    """:func:`baseline_groups` as the positions of their characters."""
    if not len(columns.x0):
        return []
    # by baseline, then x; numpy's lexsort is stable, as sorted() is
    order = numpy.lexsort((columns.x0, columns.baseline))
    # characters of the same baseline and size next to each other in that order join the
    # same group (nothing between them can change the open groups they would find), so
    # the groups are looked up once per such run, not per character
    lines, sizes = columns.baseline[order], columns.size[order]
    starts = numpy.flatnonzero((lines[1:] != lines[:-1]) | (sizes[1:] != sizes[:-1])) + 1
    bounds = [0, *starts.tolist(), len(order)]
    lines, sizes = lines.tolist(), sizes.tolist()
    groups: list[list[tuple[int, int]]] = []  # each group's runs of ``order``
    # baseline, size, runs; opened top to bottom, so the groups a character closes are
    # the first ones
    open_groups: deque[tuple[float, float, list[tuple[int, int]]]] = deque()
    for start, end in zip(bounds, bounds[1:]):
        line, size = lines[start], sizes[start]
        # a group well above these characters can no longer grow
        while open_groups and open_groups[0][0] <= line - 2 * size:
            open_groups.popleft()
        for group_line, group_size, runs in open_groups:
            if abs(line - group_line) <= BASELINE_TOLERANCE * size and abs(size - group_size) <= 0.5:
                runs.append((start, end))
                break
        else:
            runs = [(start, end)]
            open_groups.append((line, size, runs))
            groups.append(runs)
    return [numpy.concatenate([order[start:end] for start, end in runs]) for runs in groups]


def split_at_gaps(chars: list[Char]) -> list[list[Char]]:
    """A group cut where a gap follows a non-space character and is wider than the font
    size (a column gutter or a table gap), or is huge even after a space."""
    return gap_pieces([chars])


def gap_pieces(groups: list[list[Char]]) -> list[list[Char]]:
    """:func:`split_at_gaps` of each group, in order, worked out for all of them at once."""
    chars = [c for group in groups for c in group]
    ends = numpy.cumsum([len(group) for group in groups], dtype=int)
    positions = [numpy.arange(end - len(group), end) for group, end in zip(groups, ends.tolist())]
    return [[chars[i] for i in piece.tolist()]
            for piece in piece_indices(positions, Columns.of(chars))]


def piece_indices(groups: list[numpy.ndarray], columns: Columns) -> list[numpy.ndarray]:
    """:func:`gap_pieces` as the positions of their characters: each group left to right
    (a stable sort, as sorted() is), its median size (as statistics.median: the middle
    one, or the mean of the two middle ones), cut where the gap after a character exceeds
    its limit, each piece trimmed of spaces at both ends."""
    groups = [group for group in groups if len(group)]
    if not groups:
        return []
    lengths = numpy.array([len(group) for group in groups])
    owner = numpy.repeat(numpy.arange(len(groups)), lengths)
    starts = numpy.concatenate(([0], numpy.cumsum(lengths)[:-1]))
    index = numpy.concatenate(groups)
    index = index[order_within(owner, columns.x0[index])]
    x0, x1, size = columns.x0[index], columns.x1[index], columns.size[index]
    by_size = size[order_within(owner, size)]
    low, high = starts + (lengths - 1) // 2, starts + lengths // 2
    median = numpy.where(lengths % 2 == 1, by_size[high], (by_size[low] + by_size[high]) / 2)
    printed = columns.printed[index]
    limit = numpy.where(printed[:-1], SEGMENT_GAP, WORD_GAP) * median[owner[1:]]
    cut = numpy.zeros(len(index), dtype=bool)
    cut[starts] = True
    cut[1:] |= (x0[1:] - x1[:-1]) > limit
    bounds = numpy.append(numpy.flatnonzero(cut), len(index))
    # each piece from its first printed character to its last
    counted = numpy.concatenate(([0], numpy.cumsum(printed)))
    where_printed = numpy.flatnonzero(printed)
    before, through = counted[bounds[:-1]], counted[bounds[1:]]
    kept = through > before
    firsts = where_printed[before[kept]].tolist()
    lasts = where_printed[through[kept] - 1].tolist()
    return [index[first:last + 1] for first, last in zip(firsts, lasts)]


def host_of(small: Line, lines: list[Line]) -> Line | None:
    """The line a small fragment is raised or lowered on: larger type, overlapping it
    vertically, and touching it horizontally."""
    hosts = [line for line in lines
             if line is not small and small.size <= SUPERSCRIPT_SIZE * line.size
             and line.top - 1 <= small.bottom <= line.bottom + 0.5 * line.size
             and small.top < line.bottom
             and line.x0 - 0.8 * line.size <= small.x0 <= line.x1 + 0.8 * line.size]
    return min(hosts, key=lambda line: abs(small.baseline - line.baseline), default=None)


def rounded_modes(owner: numpy.ndarray, values: numpy.ndarray, counted: numpy.ndarray,
                  pieces: int) -> numpy.ndarray:
    """For each piece, the most common of its counted values rounded to 0.1 (ties: the
    first to occur), as ``rounded_counts(...).most_common(1)`` gives it; NaN for a piece
    with none counted."""
    rounded = rounded_as_round(values, 1)
    index = numpy.flatnonzero(counted)
    modes = numpy.full(pieces, numpy.nan)
    if not len(index):
        return modes
    of, key = owner[index], rounded[index]
    order = order_within(of, key)  # ties in the order of index, which only grows
    of, key, index = of[order], key[order], index[order]
    changed = (of[1:] != of[:-1]) | (key[1:] != key[:-1])
    starts = numpy.flatnonzero(numpy.concatenate(([True], changed)))
    counts = numpy.diff(numpy.append(starts, len(order)))
    # per piece: the highest count, then the earliest first occurrence
    best = numpy.lexsort((index[starts], -counts, of[starts]))
    first = numpy.concatenate(([True], of[starts][best][1:] != of[starts][best][:-1]))
    chosen = starts[best][first]
    modes[of[chosen]] = key[chosen]
    return modes


def measured_lines(pieces: list[list[Char]]) -> list[Line]:
    """A line for each piece of characters given as dicts (one page's), measured and
    read as :func:`lines_of` measures and reads them, without merging superscripts."""
    chars = [c for piece in pieces for c in piece]
    ends = numpy.cumsum([len(piece) for piece in pieces], dtype=int)
    positions = [numpy.arange(end - len(piece), end) for piece, end in zip(pieces, ends.tolist())]
    lines = lines_at(Glyphs.of(chars), positions)
    read_lines(lines)
    return lines


def lines_at(page: Glyphs, pieces: list[numpy.ndarray]) -> list[Line]:
    """A line for each piece (the positions of its characters in ``page``), its size,
    baseline, foot and box worked out for all of them at once: its size the most common
    of its printed characters' sizes rounded to 0.1 (ties: the first to occur; none
    printed: its first character's), its baseline and foot the most common rounded
    baseline and box bottom of its body-size printed characters (none: of all)."""
    if not pieces:
        return []
    lengths = numpy.array([len(piece) for piece in pieces])
    starts = numpy.concatenate(([0], numpy.cumsum(lengths)[:-1]))
    owner = numpy.repeat(numpy.arange(len(pieces)), lengths)
    columns = page.columns.take(numpy.concatenate(pieces))
    sizes = rounded_modes(owner, columns.size, columns.printed, len(pieces))
    unprinted = numpy.isnan(sizes)  # no printed character: the first one's size
    sizes[unprinted] = [round(size, 1) for size in columns.size[starts[unprinted]].tolist()]
    body = columns.printed & (numpy.abs(columns.size - sizes[owner]) < 0.3)
    bodiless = numpy.bincount(owner, weights=body, minlength=len(pieces)) == 0
    body |= bodiless[owner]  # no body-size character: all of them
    measures = zip(sizes.tolist(),
                   rounded_modes(owner, columns.baseline, body, len(pieces)).tolist(),
                   rounded_modes(owner, columns.bottom, body, len(pieces)).tolist(),
                   numpy.minimum.reduceat(columns.x0, starts).tolist(),
                   numpy.maximum.reduceat(columns.x1, starts).tolist(),
                   numpy.minimum.reduceat(columns.top, starts).tolist(),
                   numpy.maximum.reduceat(columns.bottom, starts).tolist())
    return [Line(page, piece, size=line_size, baseline=line, foot=foot, x0=x0, x1=x1, top=top,
                 bottom=low)
            for piece, (line_size, line, foot, x0, x1, top, low) in zip(pieces, measures)]


def lines_of(page: Glyphs) -> list[Line]:
    """Characters -> lines: one baseline and size each, split at gaps, with superscripts
    and subscripts merged into the line they belong to; each read (:func:`read_lines`)."""
    columns = page.columns
    lines = lines_at(page, piece_indices(group_indices(columns), columns))
    # a host's type is larger by a share: only lines from some size up can host a line of
    # a given size (sizes never change here), so those alone are looked at, in page order
    by_limit = sorted(range(len(lines)), key=lambda i: SUPERSCRIPT_SIZE * lines[i].size)
    limits = [SUPERSCRIPT_SIZE * lines[i].size for i in by_limit]
    for small in sorted(lines, key=lambda line: line.size):
        larger = sorted(by_limit[bisect.bisect_left(limits, small.size):])
        host = host_of(small, [lines[i] for i in larger])
        if host is not None:
            host.absorb(small)
    lines = sorted((line for line in lines if len(line.members)),
                   key=lambda line: (line.top, line.x0))
    read_lines(lines)
    return lines


def find_gutter(lines: Sequence[Line], min_gap: float = 6.0, min_lines: int = 5) -> float | None:
    """The x of the white channel between two columns, or None for a one-column page.

    Among column-width lines (narrower than 60% of the text width), the right column is
    where many lines start at the same x in the middle of the page; the left column's edge
    is where the longest of the lines left of it ends. Run it on a page whose running
    headers and footers are already removed: they often straddle the channel.
    """
    if not lines:
        return None
    left, right = min(l.x0 for l in lines), max(l.x1 for l in lines)
    span = right - left
    narrow = [l for l in lines if l.x1 - l.x0 < 0.6 * span]
    starts = Counter(round(l.x0) for l in narrow if left + 0.35 * span < l.x0 < left + 0.7 * span)
    if not starts:
        return None
    start = max(starts, key=lambda x: (sum(starts[x + d] for d in (-1, 0, 1)), -x))
    column = [l for l in narrow if abs(l.x0 - start) <= 1.5]
    before = [l for l in narrow if l.x1 < start - 1 and len(l.text.strip()) >= 10]
    if len(column) < min_lines or len(before) < min_lines:
        return None
    edge = max(l.x1 for l in before)
    if start - edge < min_gap:
        return None
    gutter = (edge + start) / 2
    crossing = sum(1 for l in narrow if l.x0 < gutter < l.x1)
    return gutter if crossing <= 0.15 * len(column) else None


def document_gutter(gutters: list[float | None]) -> float | None:
    """The gutter most pages share, for pages too sparse to show their own."""
    found = Counter(round(g) for g in gutters if g is not None)
    return found.most_common(1)[0][0] if found else None


def inherit_gutter(lines: Sequence[Line], gutter: float | None) -> float | None:
    """Use the document's gutter on a sparse page when few of its lines cross it."""
    if gutter is None or not lines:
        return None
    crossing = sum(1 for l in lines if l.x0 < gutter < l.x1)
    both_sides = any(l.x1 <= gutter for l in lines) and any(l.x0 >= gutter for l in lines)
    return gutter if both_sides and crossing <= 0.15 * len(lines) else None


def reading_order(lines: Sequence[Line], gutter: float | None) -> list[Line]:
    """Lines in reading order; sets each line's ``kind`` (full, left, right or body)."""
    ordered = sorted(lines, key=lambda l: (l.top, l.x0))
    if gutter is None:
        for line in ordered:
            line.kind = "body"
        return ordered
    for line in ordered:
        line.kind = ("full" if line.x0 < gutter < line.x1
                     else "left" if line.x1 <= gutter else "right")
    result: list[Line] = []
    band: list[Line] = []

    def flush() -> None:
        result.extend(sorted((l for l in band if l.kind == "left"), key=lambda l: l.top))
        result.extend(sorted((l for l in band if l.kind == "right"), key=lambda l: l.top))
        band.clear()

    for line in ordered:
        if line.kind == "full":
            flush()
            result.append(line)
        else:
            band.append(line)
    flush()
    return result
