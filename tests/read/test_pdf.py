"""The PDF reader on small PDFs built for each layout feature and each kind of bad file."""

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

import pipeline.read.pdf as pdf_module
from pipeline.errors import BadInputError
from pipeline.read import read_document
from tests.read.pdfbuild import LEFT, PageSpec, build, column_lines, draw_line

HEADER = "J Example Oncol 2026;4:1-9 - Case Report"


def two_column_report(path, pages=2):
    specs = [PageSpec(title=["Alectinib in a child with TPM3-ALK fusion"] if n == 1 else [],
                      left=column_lines(f"P{n} left", 30), right=column_lines(f"P{n} right", 30),
                      header=HEADER, footer="doi: 10.1000/example.2026.1", number=n)
             for n in range(1, pages + 1)]
    return build(path, specs)


def test_two_columns_are_read_left_then_right_below_a_full_width_title(tmp_path):
    document = read_document(two_column_report(tmp_path / "report.pdf"))
    text = document.text
    assert text.startswith("Alectinib in a child with TPM3-ALK fusion")
    positions = [text.index(f"P1 {side} line {n:02d}") for side in ("left", "right") for n in (1, 30)]
    assert positions == sorted(positions)
    assert text.index("P1 right line 30") < text.index("P2 left line 01")


def test_running_headers_footers_and_page_numbers_are_not_text(tmp_path):
    text = read_document(two_column_report(tmp_path / "report.pdf", pages=3)).text
    assert HEADER not in text and "doi:" not in text
    assert not any(line.strip() in {"1", "2", "3"} for line in text.split("\n"))


def test_a_body_size_line_in_the_bottom_margin_is_kept(tmp_path):
    path = tmp_path / "low.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for n, line in enumerate(column_lines("Body", 3)):
        draw_line(pdf, LEFT, 700 - 12 * n, line)
    draw_line(pdf, LEFT, 70, "The patient remains alive on crizotinib at last follow-up.")
    pdf.showPage()
    pdf.save()
    assert "remains alive on crizotinib" in read_document(path).text


def test_superscript_citations_are_dropped_and_exponents_kept(tmp_path):
    spec = PageSpec(left=["Lorlatinib targets ALK.^{5,6} Blasts were 4x10^{-5} of cells.",
                          "Shaw and colleagues^{12} reported the ALK^{3} data."])
    text = read_document(build(tmp_path / "sup.pdf", [spec])).text
    assert "Lorlatinib targets ALK. Blasts were 4x10^-5 of cells." in text
    assert "Shaw and colleagues reported the ALK data." in text


def test_line_end_hyphens_are_joined_kept_or_suspended_by_context(tmp_path):
    spec = PageSpec(left=[
        "NGS found an ALK rearrange-",
        "ment and an EML4-",
        "ALK transcript in this non-",
        "small cell tumour; first-",
        "and second-line drugs failed in non-small cell lung cancer.",
    ])
    text = read_document(build(tmp_path / "hyphen.pdf", [spec])).text
    assert ("NGS found an ALK rearrangement and an EML4-ALK transcript in this non-small cell "
            "tumour; first- and second-line drugs failed") in text


def test_a_ruled_grid_becomes_a_table_with_a_caption(tmp_path):
    path = tmp_path / "grid.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    draw_line(pdf, LEFT, 760, "Results of the literature review are summarised below.")
    draw_line(pdf, LEFT, 730, "Table 1: Reported cases")
    rows = [["Case", "Fusion", "Drug"], ["1", "TPM3-ALK", "Crizotinib"], ["2", "CLTC-ALK", "Alectinib"]]
    xs, top, height = [LEFT, 130, 260, 390], 720, 18
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            draw_line(pdf, xs[j] + 4, top - height * (i + 1) + 5, cell, 9)
    for i in range(len(rows) + 1):
        pdf.line(xs[0], top - height * i, xs[-1], top - height * i)
    for x in xs:
        pdf.line(x, top, x, top - height * len(rows))
    draw_line(pdf, LEFT, 630, "Both patients responded.")
    pdf.showPage()
    pdf.save()
    document = read_document(path)
    (table,) = document.tables
    assert (table.name, table.caption) == ("Table 1", "Reported cases")
    assert table.header == ["Case", "Fusion", "Drug"]
    assert table.rows == [["1", "TPM3-ALK", "Crizotinib"], ["2", "CLTC-ALK", "Alectinib"]]
    assert document.text.count("TPM3-ALK") == 1  # not also in the body


def test_a_table_with_horizontal_rules_only_takes_columns_from_its_header(tmp_path):
    path = tmp_path / "rules.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    draw_line(pdf, LEFT, 760, "Table 2: Outcomes")
    xs = [LEFT, 110, 220, 330]
    rows = [["Case", "Partner", "Response", "PFS"], ["1", "TNS1", "CR", "Ongoing after 36 months"],
            ["2", "Not reported", "PR", "8 months"]]
    for rule in (750, 735, 690):
        pdf.line(LEFT, rule, 520, rule)
    for i, row in enumerate(rows):
        y = 740 if i == 0 else 722 - 14 * (i - 1)
        for x, cell in zip(xs, row):
            draw_line(pdf, x, y, cell, 9)
    pdf.showPage()
    pdf.save()
    (table,) = read_document(path).tables
    assert table.header == ["Case", "Partner", "Response", "PFS"]
    assert table.rows == [["1", "TNS1", "CR", "Ongoing after 36 months"],
                          ["2", "Not reported", "PR", "8 months"]]


def test_a_table_without_any_rules_is_read_by_its_aligned_columns(tmp_path):
    path = tmp_path / "plain.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    draw_line(pdf, LEFT, 780, "The partners reported so far are listed below.")
    draw_line(pdf, LEFT, 750, "Table 3 ALK fusion partners in NSCLC")
    xs = [LEFT, 120, 220, 320]
    rows = [["Variant", "Symbol", "Year", "Reference"], ["1", "E13; A20", "2007", "2"],
            ["2", "E20; A20", "2007", "2"], ["3a/3b", "E6; A20", "2008", "7"]]
    for i, row in enumerate(rows):
        for x, cell in zip(xs, row):
            draw_line(pdf, x, 732 - 13 * i, cell, 9)
    draw_line(pdf, LEFT, 660, "Variant 1 is the most common in lung adenocarcinoma patients.")
    pdf.showPage()
    pdf.save()
    document = read_document(path)
    (table,) = document.tables
    assert (table.name, table.header) == ("Table 3", ["Variant", "Symbol", "Year", "Reference"])
    assert table.rows[2] == ["3a/3b", "E6; A20", "2008", "7"]
    assert "Variant 1 is the most common" in document.text  # the paragraph after stays text


def test_every_word_maps_back_to_its_page_and_box(tmp_path):
    document = read_document(two_column_report(tmp_path / "report.pdf"))
    offset = document.text.index("P2 right line 07")
    span = document.source_at(offset)
    assert span.page == 2 == document.page_at(offset)
    x0, top, x1, bottom = span.bbox
    assert x0 >= 300 and top > 0 and bottom > top  # the right column of page 2
    # every box in tenths of a point, as round() gives them
    assert all(value == round(value, 1) for span in document.source_map for value in span.bbox)


def test_a_pages_words_are_plain_tuples_the_collector_stops_tracking(tmp_path):
    """A document's words are kept until it is read: plain tuples of plain values, which
    the collector stops tracking once it has looked at them (a named tuple it keeps
    tracking, and carries from generation to generation)."""
    path = build(tmp_path / "words.pdf", [PageSpec(title=["A case of ALK^{1} fusion"],
                                                   left=column_lines("Left column words", 6))])
    (source,) = pdf_module.page_sources(path, "pdfium")
    content = pdf_module.page_content(source, pdf_module.GridReader(path))
    words = [word for line in content.lines for word in line.words]
    assert len(words) > 40 and all(type(word) is tuple for word in words)
    # (text, source_start, source_end, box, raised, glued)
    assert ("ALK", False) in [(text, raised) for text, _, _, _, raised, _ in words]
    assert ("1", True) in [(text, raised) for text, _, _, _, raised, _ in words]
    # a tuple is let go once what it holds is: a word's box at the first look, the word at
    # the first look after that (the collector may come to a word before its box)
    gc.collect()
    gc.collect()
    assert [word for word in words if gc.is_tracked(word)] == []


def test_a_page_that_loses_words_gets_a_warning(tmp_path, monkeypatch):
    path = two_column_report(tmp_path / "report.pdf", pages=1)
    assert read_document(path).warnings == []
    real = pdf_module.find_gutter
    # a layout bug that drops the right column: the guard must notice
    monkeypatch.setattr(pdf_module, "find_gutter", lambda lines: real(
        [l for l in lines if l.x0 < 300]))
    monkeypatch.setattr(pdf_module, "reading_order", lambda lines, gutter: [
        l for l in sorted(lines, key=lambda l: (l.top, l.x0)) if l.x0 < 300])
    (warning,) = read_document(path).warnings
    # 30 right-column lines of 12 words each ("P1", "right", "line", "07", "of", ...)
    assert warning.startswith("page 1: 360 of") and "missing from the reading" in warning


def zero_page_pdf() -> bytes:
    """A well-formed PDF (catalog, empty page tree, cross-reference table) with no page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def broken(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bad_pdfs_get_specific_errors(tmp_path):
    good = two_column_report(tmp_path / "good.pdf", pages=1).read_bytes()
    encrypted = build(tmp_path / "locked.pdf", [PageSpec(left=["Secret text."])], encrypt="pw")
    image_only = tmp_path / "scan.pdf"
    from PIL import Image

    Image.new("RGB", (60, 60), "white").save(tmp_path / "scan.png")
    pdf = canvas.Canvas(str(image_only), pagesize=A4)
    pdf.drawImage(str(tmp_path / "scan.png"), 50, 500, 300, 300)
    pdf.showPage()
    pdf.save()
    cases = {
        encrypted: "encrypted PDF",
        broken(tmp_path, "cut.pdf", good[: len(good) // 2]): "truncated or damaged PDF",
        broken(tmp_path, "junk.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50 + b"\n%%EOF\n"):
            "not a readable PDF",
        broken(tmp_path, "fake.pdf", b"Just text with a .pdf name\n"): "no %PDF header",
        broken(tmp_path, "empty.pdf", zero_page_pdf()): "PDF has no pages",
        image_only: "no text layer (scanned?)",
    }
    for path, reason in cases.items():
        with pytest.raises(BadInputError) as raised:
            read_document(path)
        assert str(raised.value).startswith(f"{path}: ") and reason in str(raised.value), path


def test_small_margin_lines_apart_from_the_body_are_furniture_on_a_single_page(tmp_path):
    spec = PageSpec(left=column_lines("Body", 20), footer="Printed for review only", header=HEADER)
    text = read_document(build(tmp_path / "single.pdf", [spec])).text
    assert "Printed for review only" not in text and HEADER not in text
    assert "Body line 01" in text and "Body line 20" in text


CONCURRENT_READS = """
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from pipeline.read.pdfchars import pdfium_pages

paths = [Path(p) for p in sys.argv[1:]] * 6
with ThreadPoolExecutor(4) as pool:
    readings = list(pool.map(lambda p: [len(page.chars) for page in pdfium_pages(p)], paths))
print(len({tuple(counts) for counts in readings}))
"""


def test_pdfs_read_by_several_threads_at_once_do_not_crash(tmp_path):
    # The flow reads documents in worker threads; PDFium is not thread-safe and crashed
    # the whole run when two PDFs were read at once. A subprocess, so a crash fails here.
    paths = [two_column_report(tmp_path / f"report{n}.pdf", pages=3) for n in range(2)]
    done = subprocess.run([sys.executable, "-c", CONCURRENT_READS, *map(str, paths)],
                          capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1"]  # the files are alike: every reading agrees


def test_a_glyph_drawn_twice_in_one_place_is_read_once_and_other_glyphs_there_are_kept():
    """Fake bold draws a glyph twice at the same place (x0 and top to whole points); a
    different glyph at that place, or the same glyph a point away, is another character."""
    def char(text, x0, top):
        return {"text": text, "x0": x0, "x1": x0 + 5, "top": top, "bottom": top + 10,
                "size": 10.0, "fontname": "Helvetica", "index": 0}

    chars = [char("A", 10.2, 50.0), char("B", 20.0, 50.0), char("A", 10.4, 49.8),
             char("x", 10.0, 50.1), char("B", 21.0, 50.0), char("A", 9.9, 50.3),
             char("C", 30.0, 60.0), char("x", 10.3, 50.0)]
    for index, c in enumerate(chars):
        c["index"] = index
    assert [c["index"] for c in pdf_module.unique_chars(chars)] == [0, 1, 3, 4, 6]
    assert [c["index"] for c in pdf_module.unique_chars(chars[:2] + chars[6:7])] == [0, 1, 6]
    assert pdf_module.unique_chars([]) == []
