from pipeline.read import read_document
from pipeline.read.sections import heading_rule, label_rule, segment


def kinds(text):
    sections, _ = segment(text)
    return [(s.kind, s.in_scope, text[s.start:s.end].strip().split("\n")[0]) for s in sections]


def test_numbered_and_upper_case_headings_start_sections():
    assert heading_rule("2 Case description").kind == "case"
    assert heading_rule("INTRODUCTION").kind == "introduction"
    assert heading_rule("REFERENCES:").kind == "references"
    assert heading_rule("The case was discussed at the tumour board.") is None


def test_a_case_heading_may_number_the_case_of_a_series():
    assert heading_rule("Case 2").kind == "case"
    assert heading_rule("Patient 1:").kind == "case"
    assert heading_rule("Introduction 2") is None and heading_rule("Table 1") is None


def test_labelled_statements_are_recognised_by_their_opening_words():
    assert label_rule("Author Contributions: AB and CD wrote the manuscript.").kind == "statements"
    assert label_rule("Funding: None.").kind == "funding"
    assert label_rule("Abstract Anaplastic lymphoma kinase inhibitors are standard.").kind == "abstract"
    assert label_rule("abstract thinking helps") is None


def test_statement_heading_covers_only_its_paragraph_and_the_body_stays_in_scope():
    text = ("Title of a report on ROS1\n\nConflict of interest\n\nNone declared.\n\n"
            "A 40-year-old man received crizotinib.\n\nREFERENCES\n\n1. A paper on lorlatinib.\n")
    found = kinds(text)
    assert ("disclosures", False, "Conflict of interest") in found
    body = [k for k in found if k[2].startswith("A 40-year-old")]
    assert body and body[0][1] is True
    assert found[-1][:2] == ("references", False)


def test_table_with_tab_rows_and_abbreviation_footnote_interrupts_the_discussion():
    text = ("Discussion\n\nFirst paragraph.\n\nTable 1: Reported cases\n\n"
            "Case\tAge\tPartner\n1\t8\tTPM3\n2\t12\tCLTC\n\n"
            "PR: partial response, CR: complete response\n\nThe discussion goes on.\n")
    sections, tables = segment(text)
    assert [s.kind for s in sections] == ["discussion", "table", "discussion"]
    (table,) = tables
    assert table.name == "Table 1" and table.caption == "Reported cases"
    assert table.header == ["Case", "Age", "Partner"]
    assert table.rows == [["1", "8", "TPM3"], ["2", "12", "CLTC"]]
    assert table.footnotes == ["PR: partial response, CR: complete response"]


def test_a_sentence_about_a_table_is_not_a_caption():
    _, tables = segment("Results\n\nTable 1 provides a summary of the cases.\n")
    assert tables == []


def test_a_caption_running_into_a_heading_ends_at_the_heading():
    text = "Figure 1 PET/CT at baseline and after\ntreatment.\n Discussion\nCrizotinib works.\n"
    sections, _ = segment(text)
    assert [s.kind for s in sections][-2:] == ["figure_caption", "discussion"]


def test_read_document_maps_sections_over_the_whole_text(tmp_path):
    path = tmp_path / "case.txt"
    path.write_text("Case report\n\nA 3-year-old girl.\n\nReferences\n\n1. X.\n")
    document = read_document(path)
    assert document.id == "case" and document.media_type == "text/plain"
    assert document.sections[0].start == 0 and document.sections[-1].end == len(document.text)
    assert all(a.end == b.start for a, b in zip(document.sections, document.sections[1:]))
    assert document.pages[0].number == 1 and document.pages[0].end == len(document.text)
