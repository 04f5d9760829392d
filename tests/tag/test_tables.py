"""A cell's column header, which tells taggers what the cell holds."""

from pipeline.read import text_document
from pipeline.tag.tables import cell_holding, column_header, set_tables, table_cells


def test_a_cell_knows_its_column_header(nlp):
    text = ("Results\n\nTable 1: Reported cases treated with alectinib\n\n"
            "Case\tSite\tALK fusion partner\tFirst-line\n"
            "1\tLung\tTNS1\tASP3062\n\nCase 1 is ours.\n")
    document = text_document(text, "t")
    assert [t.header for t in document.tables] == [["Case", "Site", "ALK fusion partner", "First-line"]]
    doc = nlp.make_doc(document.text)
    set_tables(doc, document.tables)
    at = document.text.index
    assert column_header(doc, at("TNS1")) == "ALK fusion partner"
    assert column_header(doc, at("ASP3062") + 3) == "First-line"
    assert column_header(doc, at("Site")) is None  # the header row is no cell
    assert column_header(doc, at("alectinib")) is None  # caption
    assert column_header(doc, at("ours")) is None  # after the table


def test_table_cells_are_the_body_cells_with_their_headers(nlp):
    text = ("Table 1: Partners\n\nCase\tALK fusion partner\tResponse\n"
            "1\tTNS1\tCR\n2\t\tPR\n\nAfter the table.\n")
    document = text_document(text, "t")
    doc = nlp.make_doc(document.text)
    set_tables(doc, document.tables)
    cells = [(document.text[start:end], header) for start, end, header in table_cells(doc)]
    # the empty cell of row 2 is no cell; the header row and the text after are none either
    assert cells == [("1", "Case"), ("TNS1", "ALK fusion partner"), ("CR", "Response"),
                     ("2", "Case"), ("PR", "Response")]


def test_table_cases_and_taggers_read_one_layout():
    from pipeline.schema import Table

    text = "Table 2: Cases\nCase\tDrug\n1\tcrizotinib\n2\talectinib\nNote\tnot a row\n"
    table = Table(name="Table 2", caption="Cases", header=["Case", "Drug"],
                  rows=[["1", "crizotinib"], ["2", "alectinib"]], start=0, end=len(text))
    header, rows = table.layout(text)
    assert [text[c.start:c.end] for c in header] == ["Case", "Drug"]
    # as many rows as the reader found: the tabbed line after them is no row
    assert [[text[c.start:c.end] for c in row.cells] for row in rows] == [
        ["1", "crizotinib"], ["2", "alectinib"]]
    assert [row.number for row in rows] == [1, 2]


def test_the_cell_holding_an_offset_is_found_by_its_bounds():
    cells = [(10, 20, "Fusion"), (25, 30, "Age")]
    assert [cell_holding(cells, offset) for offset in (5, 10, 20, 22, 27, 31)] == [
        None, (10, 20, "Fusion"), (10, 20, "Fusion"), None, (25, 30, "Age"), None]
    assert cell_holding([(3, 8)], 8) == (3, 8)  # any cell shape starting (start, end)
