"""The source map: pieces' offsets and boxes; boxes rounded all at once as round() rounds
each."""

import random

import numpy

from pipeline.read.textmap import Piece, assemble, rounded


def test_rounded_gives_what_round_gives_at_ties_and_elsewhere():
    # ties as written (0.25, 2.675: neither is exact in binary, so round() goes by the
    # stored value) and values a float step either side of them
    ties = [0.05, 0.15, 0.25, 0.35, 0.45, 1.45, 2.675, 100.05, 612.25, 791.95, -0.05, -3.25]
    values = ties + [numpy.nextafter(v, numpy.inf) for v in ties] + [
        numpy.nextafter(v, -numpy.inf) for v in ties]
    generator = random.Random(18)
    values += [generator.uniform(-10, 900) for _ in range(5000)]
    values += [generator.randrange(0, 18000) / 20 for _ in range(2000)]  # on the tie grid
    for digits in (0, 1, 2):
        found = rounded(numpy.array(values, dtype=float).reshape(-1, 1), digits).ravel().tolist()
        assert found == [round(float(v), digits) for v in values], digits


def test_assembled_pieces_keep_their_offsets_and_boxes():
    pieces = [Piece("ALK", 1, 0, 3, (10.25, 20.35, 30.04999, 40.96)), Piece(" "),
              Piece("fusion", 2, 4, 10, (1.0, 2.0, 3.0, 4.0))]
    text, spans = assemble(pieces)
    assert text == "ALK fusion"
    assert [(span.start, span.end, span.page, span.source_start, span.source_end, span.bbox)
            for span in spans] == [(0, 3, 1, 0, 3, (10.25, 20.35, 30.04999, 40.96)),
                                   (4, 10, 2, 4, 10, (1.0, 2.0, 3.0, 4.0))]


def test_pieces_as_plain_tuples_assemble_as_pieces_do():
    """A reader may hand pieces with a source as plain tuples in Piece's order of fields
    (the PDF reader's words are): the text and spans are those of the same Pieces; a
    piece without text has no span."""
    pieces = [Piece("ALK", 1, 0, 3, (10.25, 20.35, 30.05, 40.96)), Piece(" "),
              Piece("", 1, 3, 3, (1.0, 1.0, 1.0, 1.0)), Piece("fusion", 2, 4, 10, (1.0, 2.0, 3.0, 4.0)),
              Piece("\n\n")]
    plain = [tuple(piece) if piece.page is not None else piece for piece in pieces]
    assert all(type(piece) is tuple for piece in plain if piece[1] is not None)
    assert assemble(plain) == assemble(pieces)
    text, spans = assemble(plain)
    assert text == "ALK fusion\n\n"
    assert [(span.start, span.end, span.page) for span in spans] == [(0, 3, 1), (4, 10, 2)]


def test_unchecked_spans_are_the_spans_validation_makes():
    """The PDF reader's pieces hold plain ints and float boxes: made without pydantic's
    validation, their spans equal the validated ones, field by field and type by type,
    and serialise the same."""
    from pipeline.read.textmap import SOURCE_SPANS

    pieces = [("ALK", 3, 0, 3, (10.25, 20.35, 30.05, 40.96)), Piece(" "),
              ("fusion", 3, 4, 10, None), Piece("\n\n"), ("^12", 4, 11, 13, (1.0, 2.0, 3.0, 4.0))]
    checked, unchecked = assemble(pieces), assemble(pieces, checked=False)
    assert checked == unchecked
    for validated, made in zip(checked[1], unchecked[1]):
        assert [(type(v), v) for v in vars_of(made)] == [(type(v), v) for v in vars_of(validated)]
    assert SOURCE_SPANS.dump_json(unchecked[1]) == SOURCE_SPANS.dump_json(checked[1])


def vars_of(span) -> list:
    return [getattr(span, name) for name in span.__slots__]
