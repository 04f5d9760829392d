from pipeline.read.furniture import PageLines, furniture
from pipeline.read.layout import Line, find_gutter, lines_of, reading_order


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
    (found,) = lines_of(line + chars("Next line here", 50, 112))[:1]
    assert found.text.startswith("ALK fusion.") and "5,6" in found.text
    assert all(found.is_superscript(c) for c in found.chars if c["size"] == 7)


def test_two_columns_with_different_leading_are_not_merged():
    left = [c for n in range(3) for c in chars("body text", 50, 100 + 12 * n)]
    right = [c for n in range(4) for c in chars("small ref", 320, 97 + 8.5 * n, size=7.4)]
    texts = sorted(line.text for line in lines_of(left + right))
    assert texts == ["body text"] * 3 + ["small ref"] * 4


def column_page():
    lines = [Line(chars("A title that runs across the whole page width here", 50, 60, 16))]
    for n in range(8):
        lines.append(Line(chars(f"left column line {n}", 50, 100 + 12 * n)))
        lines.append(Line(chars(f"right column line {n}", 310, 100 + 12 * n)))
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
    lines = [Line(chars("a full line of body text that fills the measure nicely", 50, 100 + 12 * n))
             for n in range(10)] + [Line(chars("short end.", 50, 230))]
    assert find_gutter(lines) is None


def test_repeated_margin_lines_and_page_numbers_are_furniture_but_headings_are_not():
    pages = []
    for number in (1, 2, 3):
        header = Line(chars(f"J Example Oncol {2020 + number}", 50, 30, 7))
        folio = Line(chars(str(number), 290, 830, 7))
        heading = Line(chars("CASE REPORT", 50, 60, 11, "Helvetica-Bold"))
        body = [Line(chars(f"body line {n}", 50, 120 + 12 * n)) for n in range(5)]
        pages.append(PageLines(number, 842, [header, folio, heading, *body]))
    found = furniture(pages, body_size=10)
    kept = [line.text for page in pages for line in page.lines if id(line) not in found]
    assert "CASE REPORT" in kept and "body line 4" in kept
    assert not any(text.startswith("J Example") or text.isdigit() for text in kept)


def test_a_short_heading_inside_a_body_sentence_does_not_make_it_a_running_header():
    kicker = Line(chars("Case Report", 50, 40, 9))
    first = PageLines(1, 842, [kicker, *[Line(chars(f"body {n}", 50, 120 + 12 * n)) for n in range(5)]])
    low = Line(chars("and lung cancer. In a notable case report involving an IMT", 50, 780))
    second = PageLines(2, 842, [*[Line(chars(f"more {n}", 50, 120 + 12 * n)) for n in range(5)], low])
    assert id(low) not in furniture([first, second], body_size=10)
