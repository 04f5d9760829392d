from pipeline.read.furniture import PageLines, furniture
import random
from collections import Counter

import numpy

from pipeline.read.layout import (Glyphs, Line, find_gutter, gap_pieces, lines_of,
                                  measured_lines, order_within, reading_order)


def chars(text, x, baseline, size=10.0, font="Helvetica"):
    """Hand-made pdfplumber-like characters, 0.5 em wide."""
    out = []
    for index, char in enumerate(text):
        x0 = x + index * size * 0.5
        out.append({"text": char, "x0": x0, "x1": x0 + size * 0.5, "top": baseline - size,
                    "bottom": baseline, "size": size, "fontname": font})
    return out


def test_a_superscript_joins_the_line_it_is_raised_on():
    line = chars("ALK fusion.", 50, 100) + chars("5,6", 105, 96.5, size=7)
    (found,) = lines_of(Glyphs.of(line + chars("Next line here", 50, 112)))[:1]
    assert found.text.startswith("ALK fusion.") and "5,6" in found.text
    assert all(found.is_superscript(c) for c in found.chars if c["size"] == 7)


def test_two_columns_with_different_leading_are_not_merged():
    left = [c for n in range(3) for c in chars("body text", 50, 100 + 12 * n)]
    right = [c for n in range(4) for c in chars("small ref", 320, 97 + 8.5 * n, size=7.4)]
    texts = sorted(line.text for line in lines_of(Glyphs.of(left + right)))
    assert texts == ["body text"] * 3 + ["small ref"] * 4


def column_page():
    lines = [Line.of(chars("A title that runs across the whole page width here", 50, 60, 16))]
    for n in range(8):
        lines.append(Line.of(chars(f"left column line {n}", 50, 100 + 12 * n)))
        lines.append(Line.of(chars(f"right column line {n}", 310, 100 + 12 * n)))
    return lines


def test_the_gutter_is_found_and_columns_read_in_order():
    lines = column_page()
    gutter = find_gutter(lines)
    assert gutter is not None and 150 < gutter < 310
    order = [line.text for line in reading_order(lines, gutter)]
    assert order[0].startswith("A title")
    assert order[1:9] == [f"left column line {n}" for n in range(8)]
    assert order[9:] == [f"right column line {n}" for n in range(8)]


def test_a_one_column_page_has_no_gutter():
    lines = [Line.of(chars("a full line of body text that fills the measure nicely", 50, 100 + 12 * n))
             for n in range(10)] + [Line.of(chars("short end.", 50, 230))]
    assert find_gutter(lines) is None


def test_repeated_margin_lines_and_page_numbers_are_furniture_but_headings_are_not():
    pages = []
    for number in (1, 2, 3):
        header = Line.of(chars(f"J Example Oncol {2020 + number}", 50, 30, 7))
        folio = Line.of(chars(str(number), 290, 830, 7))
        heading = Line.of(chars("CASE REPORT", 50, 60, 11, "Helvetica-Bold"))
        body = [Line.of(chars(f"body line {n}", 50, 120 + 12 * n)) for n in range(5)]
        pages.append(PageLines(number, 842, [header, folio, heading, *body]))
    found = furniture(pages, body_size=10)
    kept = [line.text for page in pages for line in page.lines if id(line) not in found]
    assert "CASE REPORT" in kept and "body line 4" in kept
    assert not any(text.startswith("J Example") or text.isdigit() for text in kept)


def test_a_short_heading_inside_a_body_sentence_does_not_make_it_a_running_header():
    kicker = Line.of(chars("Case Report", 50, 40, 9))
    first = PageLines(1, 842, [kicker, *[Line.of(chars(f"body {n}", 50, 120 + 12 * n)) for n in range(5)]])
    low = Line.of(chars("and lung cancer. In a notable case report involving an IMT", 50, 780))
    second = PageLines(2, 842, [*[Line.of(chars(f"more {n}", 50, 120 + 12 * n)) for n in range(5)], low])
    assert id(low) not in furniture([first, second], body_size=10)


MEASURES = ("size", "baseline", "foot", "x0", "x1", "top", "bottom")


def measures(line: Line) -> tuple:
    return tuple(getattr(line, name) for name in MEASURES)


def most_common(values) -> float:
    """The most common value rounded to 0.1; ties: the first to occur."""
    return Counter(round(value, 1) for value in values).most_common(1)[0][0]


def measured_alone(chars: list[dict]) -> tuple:
    """A line's measures as their rules read for one line, character by character."""
    printed = [c for c in chars if c["text"].strip()]
    size = most_common(c["size"] for c in printed) if printed else round(chars[0]["size"], 1)
    body = [c for c in printed if abs(c["size"] - size) < 0.3] or chars
    baselines = (c.get("baseline", c["bottom"]) for c in body)  # the box bottom without one
    return (size, most_common(baselines), most_common(c["bottom"] for c in body),
            min(c["x0"] for c in chars), max(c["x1"] for c in chars),
            min(c["top"] for c in chars), max(c["bottom"] for c in chars))


def test_a_pages_lines_measured_at_once_are_measured_as_one_by_one():
    """Most common rounded size, baseline and foot (ties: the first to occur), the body
    being the characters near the size, else all of them; a line of spaces takes its
    first character's size."""
    pieces = [
        chars("ALK", 50, 100) + chars("12", 65, 97, size=7),  # superscript, fewer
        chars("ab", 50, 120, size=9.96) + chars("cd", 60, 120.04, size=10.04),  # a tie
        chars("  ", 50, 140, size=8.26),  # spaces only
        chars("x", 50, 160, size=12) + chars("yz", 56, 160.3, size=7.5),  # body: one of three
        chars("pq", 50, 180, size=9.95) + chars("rs", 60, 180.05, size=10.05),  # 0.05 steps
    ]
    rng = random.Random(18)
    for _ in range(40):  # random runs of sizes and baselines
        pieces.append([dict(c, size=rng.choice([7, 8.5, 9.96, 10, 10.04]),
                            bottom=c["bottom"] + rng.choice([0, 0.04, 0.26, 3]))
                       for c in chars(rng.choice(["a b", "cdef", " g ", "hi jk"]), 50, 200)])
    for piece, line in zip(pieces, measured_lines([list(p) for p in pieces])):
        assert measures(line) == measured_alone(piece), piece


def test_groups_are_cut_at_gaps_and_trimmed_all_at_once():
    """A gap wider than the median size after a printed character cuts (a gutter), one
    after a space only when three times wider; spaces at a piece's ends go; a group of
    spaces gives nothing; each group left to right whatever order its characters come in."""
    gutter = chars("left col ", 50, 100) + chars("right", 150, 100)  # 55 pt gap after a space
    tight = chars("a b", 50, 120) + chars("c", 75, 120)  # 10 pt after "b": cut (> 9)
    spaced = chars("d ", 50, 140) + chars("e", 82, 140)  # 22 pt after a space: kept (< 30)
    blank = chars("   ", 50, 160)
    pieces = gap_pieces([list(reversed(gutter)), tight, spaced, blank])
    assert ["".join(c["text"] for c in piece) for piece in pieces] == [
        "left col", "right", "a b", "c", "d e"]


def test_ordering_within_groups_is_lexsorts_order():
    """By group, then value, ties in the order given: with groups that fit 16 bits
    (sorted by a radix sort), negative ones, and ones beyond 16 bits."""
    rng = numpy.random.default_rng(18)
    for low, high in ((0, 1), (0, 7), (-40, 900), (0, 40_000), (-40_000, 5)):
        groups = rng.integers(low, high, 3000)
        values = rng.choice([0.5, 1.25, 2.0, 7.0, -3.0], 3000)  # many ties
        assert numpy.array_equal(order_within(groups, values), numpy.lexsort((values, groups)))


def test_ordering_what_is_in_order_already_leaves_it_as_it_is():
    """Characters already by group and value (ties included) keep their order, with no
    sort; one out of place anywhere, or a value that compares with none (NaN), gets
    lexsort's order."""
    rng = numpy.random.default_rng(16)
    for _ in range(50):
        groups = rng.integers(0, 30, 500)
        values = rng.choice([0.5, 1.25, 2.0, 7.0, -3.0, -0.0, 0.0], 500)
        order = numpy.lexsort((values, groups))
        groups, values = groups[order], values[order]
        assert numpy.array_equal(order_within(groups, values), numpy.arange(500))
        swapped = values.copy()
        first, second = sorted(rng.choice(500, 2, replace=False))
        swapped[[first, second]] = swapped[[second, first]]
        assert numpy.array_equal(order_within(groups, swapped), numpy.lexsort((swapped, groups)))
    values = numpy.array([1.0, numpy.nan, 2.0])
    assert numpy.array_equal(order_within(numpy.zeros(3, dtype=int), values),
                             numpy.lexsort((values, numpy.zeros(3, dtype=int))))
