"""pdfium's characters: the arrays read with them hold the numbers their dicts hold."""

from dataclasses import fields

import numpy

from pipeline.read.layout import Columns
from pipeline.read.pdfchars import pdfium_pages
from tests.read.pdfbuild import PageSpec, build, column_lines


def test_the_columns_read_with_the_characters_are_theirs(tmp_path):
    """Sizes as the characters carry them (rounded), baselines from the origins, spaces
    not printed, the width given to a space pdfium gives none."""
    path = build(tmp_path / "report.pdf", [PageSpec(
        title=["A case of ALK^{1} fusion"], left=column_lines("Left column words", 6),
        right=column_lines("Right column text", 5), header="Journal of Cases", number=3)])
    (source,) = pdfium_pages(path)
    expected = Columns.of(source.chars)
    for column in fields(Columns):
        found, wanted = getattr(source.columns, column.name), getattr(expected, column.name)
        assert found.dtype == wanted.dtype and numpy.array_equal(found, wanted), column.name
    assert not source.columns.printed.all() and source.columns.printed.any()
    assert set(source.columns.size.tolist()) >= {16.0, 10.0, 7.0}
