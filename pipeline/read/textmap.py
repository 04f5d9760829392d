"""Clean text with a map back to its source.

Readers produce :class:`Piece` s in reading order: text taken from the source (with where
it came from) and separators they insert (a space joining two lines, a paragraph
break). :func:`assemble` concatenates them into the clean text and its source map;
:func:`apply_edits` turns edits of a source text into pieces.
"""

from __future__ import annotations

from itertools import accumulate
from typing import Iterable, NamedTuple

import numpy
from pydantic import TypeAdapter

from pipeline.schema import SourceSpan

SOURCE_SPANS = TypeAdapter(list[SourceSpan])


class Piece(NamedTuple):
    """A stretch of text (a named tuple: a PDF reading makes one per word, and a frozen
    dataclass costs three times as much to make)."""

    text: str
    page: int | None = None  # None: inserted by the reader, no source of its own
    source_start: int = 0
    source_end: int = 0
    bbox: tuple[float, float, float, float] | None = None


# A piece with a source as a plain tuple in Piece's order of fields: (text, page,
# source_start, source_end, bbox). What a reader makes per word of a long document: the
# collector stops tracking a plain tuple of plain values once it has looked at it (and
# at what it holds), never a named one (its subclass), which it would carry from
# generation to generation until the document is read.
SourcePiece = tuple[str, int, int, int, "tuple[float, float, float, float] | None"]


class Edit(NamedTuple):
    """Replace ``source[start:end]`` with ``replacement`` (a named tuple: a hard-wrapped
    text makes one per line, and a frozen dataclass costs three times as much to make)."""

    start: int
    end: int
    replacement: str


def rounded(values: numpy.ndarray, digits: int) -> numpy.ndarray:
    """Each value rounded as ``round(value, digits)`` rounds it, all at once. Scaled,
    rounded to an integer and scaled back, a float gives round()'s result unless the
    scaled value lies at a tie (within float error): those few are rounded by round()."""
    scale = 10.0 ** digits
    scaled = values * scale
    result = numpy.rint(scaled) / scale
    near_tie = numpy.abs(scaled - numpy.floor(scaled) - 0.5) < 1e-6
    for index in zip(*numpy.nonzero(near_tie)):
        result[index] = round(float(values[index]), digits)
    return result


def assemble(pieces: Iterable[Piece | SourcePiece],
             checked: bool = True) -> tuple[str, list[SourceSpan]]:
    """The clean text and its source map. ``checked=False``: the pieces' numbers are
    known to be plain ints and their boxes tuples of floats (the PDF reader reads them
    from arrays by ``tolist``), so their spans are made without pydantic's validation,
    which costs ten times the making (a tenth of reading a PDF)."""
    pieces = [piece for piece in pieces if piece[0]]  # those with text
    texts = [piece[0] for piece in pieces]
    ends = accumulate(map(len, texts))  # where each ends in the text
    if not checked:
        return "".join(texts), unchecked_spans(pieces, ends)
    # validated all at once (a SourceSpan each costs twice as much), from dicts made one
    # at a time as the validator asks, so that each is gone before the next
    spans = ({"start": end - len(text), "end": end, "page": page,
              "source_start": source_start, "source_end": source_end, "bbox": bbox}
             for end, (text, page, source_start, source_end, bbox) in zip(ends, pieces)
             if page is not None)
    return "".join(texts), SOURCE_SPANS.validate_python(spans)


def unchecked_spans(pieces: list[Piece | SourcePiece], ends: Iterable[int]) -> list[SourceSpan]:
    """The spans pydantic would validate for the pieces with a source (``ends``: where
    each piece ends in the text), when their values are already of its fields' types:
    each span's slots set, no validator run. One loop, not a call a span, and a piece
    taken apart only once it is known to have a source: the separators are named tuples,
    which Python unpacks through an iterator, a plain tuple without one."""
    spans = []
    for end, piece in zip(ends, pieces):
        if piece[1] is None:
            continue
        text, page, source_start, source_end, bbox = piece
        span = object.__new__(SourceSpan)
        span.start, span.end, span.page = end - len(text), end, page
        span.source_start, span.source_end, span.bbox = source_start, source_end, bbox
        spans.append(span)
    return spans


def apply_edits(source: str, edits: Iterable[Edit], page: int = 1) -> list[Piece]:
    """Pieces of ``source`` with the edits made; an edit overlapping an earlier one is
    skipped. Unchanged stretches map one to one; a replacement maps to what it replaced."""
    pieces: list[Piece] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor:
            continue
        if edit.start > cursor:
            pieces.append(Piece(source[cursor:edit.start], page, cursor, edit.start))
        if edit.replacement:
            pieces.append(Piece(edit.replacement, page, edit.start, edit.end))
        cursor = edit.end
    if cursor < len(source):
        pieces.append(Piece(source[cursor:], page, cursor, len(source)))
    return pieces
