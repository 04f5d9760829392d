"""Literature files (JATS, MEDLINE, BioC XML and JSON) read into the same Document as a
text rendering, on small fictional articles written for these tests (fixtures/)."""

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.assemble import assemble
from pipeline.errors import BadInputError
from pipeline.read import discover, read_document
from pipeline.read.jats import read_jats
from pipeline.tag import tag

FIXTURES = Path(__file__).parent / "fixtures"


def copy(tmp_path, name, target=None):
    return Path(shutil.copy(FIXTURES / name, tmp_path / (target or name)))


def records(document):
    """The case records without their provenance (mention ids and offsets differ
    between two layouts of one article)."""
    extraction = assemble(document, tag(document), fingerprint="t")
    return extraction, [case.model_dump(exclude={"evidence", "timeline"})
                        for case in extraction.cases]


def test_a_jats_article_gives_the_same_records_as_its_text_rendering(tmp_path):
    xml = read_document(copy(tmp_path, "two_patients.xml"))
    text = read_document(copy(tmp_path, "two_patients.txt"))
    from_xml, xml_cases = records(xml)
    from_text, text_cases = records(text)
    assert xml_cases == text_cases
    assert [c["case_id"] for c in xml_cases] == ["index", "index-2", "table1-row1",
                                                 "table1-row2", "table1-row3"]
    assert xml_cases[0]["therapies"] == [
        {"drugs": ["alectinib"], "regimen": None, "response": "PR", "setting": "first-line"},
        {"drugs": ["lorlatinib"], "regimen": None, "response": "SD", "setting": None}]
    for field in ("genes", "fusions", "drugs", "variants"):
        assert getattr(from_xml, field) == getattr(from_text, field)
    assert xml.media_type == "application/jats+xml"


def test_a_jats_table_is_read_from_its_cells_and_laid_out_as_a_text_rendering(tmp_path):
    path = copy(tmp_path, "two_patients.xml")
    document = read_document(path)
    (table,) = document.tables
    assert table.name == "Table 1"
    assert table.caption.startswith("Previously reported patients with fusion-positive")
    assert table.header == ["Case", "Age/sex", "Site", "Fusion", "Treatment", "Best response"]
    assert table.rows[2] == ["3", "67/M", "Lung", "SLC34A2-ROS1", "Entrectinib", "SD"]
    assert table.footnotes == ["PR: partial response; CR: complete response; SD: stable disease."]
    header, rows = table.layout(document.text)
    assert [document.text[c.start:c.end] for c in rows[1].cells] == table.rows[1]
    # a cell's text maps back to its <td> in the file
    source = path.read_text(encoding="utf-8")
    cell = rows[2].cells[3]
    span = document.source_at(cell.start)
    assert source[span.source_start:span.source_end] == "SLC34A2-ROS1"
    assert source[:span.source_start].endswith("<td>")


def test_a_structured_abstract_keeps_its_sections_and_the_body_its_titles(tmp_path):
    document = read_document(copy(tmp_path, "two_patients.xml"))
    sections = [(s.kind, s.heading) for s in document.sections]
    assert sections[:5] == [("title", None), ("abstract", "Abstract"), ("abstract", "Background"),
                            ("abstract", "Case presentation"), ("abstract", "Conclusions")]
    assert ("case", "Case 2") in sections and ("figure_caption", None) in sections
    assert ("table", None) not in sections  # a table section is headed by its caption line
    assert document.metadata.model_dump() == {
        "title": "Alectinib and crizotinib in two patients with fusion-positive lung "
                 "adenocarcinoma", "journal": "Fictional Case Reports in Oncology",
        "year": 2026, "doi": "10.5555/fcro.2026.001", "pmid": "99000001",
        "pmcid": "PMC9900001"}
    # references, affiliations and acknowledgements are not read
    for left_out in ("Roe R.", "Fictional University Hospital", "We thank"):
        assert left_out not in document.text


def test_citation_marks_are_left_out_with_their_brackets_and_other_links_kept(tmp_path):
    document = read_document(copy(tmp_path, "two_patients.xml"))
    assert "respond to tyrosine kinase inhibitors.\n" in document.text
    assert "[" not in document.text
    assert "achieved a partial response (Figure 1)." in document.text


def test_every_stretch_of_text_maps_to_its_place_in_the_xml(tmp_path):
    path = copy(tmp_path, "two_patients.xml")
    document = read_document(path)
    source = path.read_text(encoding="utf-8")
    assert document.source_map
    for span in document.source_map:
        printed = re.sub(r"\s+", " ", source[span.source_start:span.source_end]).strip()
        assert printed == document.text[span.start:span.end].strip()


def test_table_cells_spanning_columns_and_rows_fill_the_grid(tmp_path):
    path = tmp_path / "spans.xml"
    path.write_text(
        "<article><front><article-meta><title-group><article-title>Spans</article-title>"
        "</title-group></article-meta></front><body><sec><title>Results</title>"
        "<table-wrap><label>Table 2</label><caption><p>Courses</p></caption><table><thead>"
        "<tr><th rowspan='2'>Case</th><th colspan='2'>First line</th></tr>"
        "<tr><th>Drug</th><th>Response</th></tr></thead><tbody>"
        "<tr><td rowspan='2'>1</td><td>Imatinib</td><td>PR</td></tr>"
        "<tr><td>Sunitinib</td><td>SD</td></tr>"
        "<tr><td>2</td><td colspan='2'>Not treated</td></tr>"
        "</tbody></table></table-wrap></sec></body></article>")
    reading = read_jats(path, path.read_bytes(), "spans")
    (table,) = reading.tables
    assert table.header == ["Case", "First line Drug", "First line Response"]
    assert table.rows == [["1", "Imatinib", "PR"], ["1", "Sunitinib", "SD"],
                          ["2", "Not treated", ""]]
    assert table.caption == "Courses"


def test_a_medline_file_with_three_articles_gives_three_records(tmp_path):
    copy(tmp_path, "medline_three.xml")
    found = discover([tmp_path])
    assert [s.doc_id for s in found.sources] == ["PMID99000011", "PMID99000012", "PMID99000013"]
    extracted = {}
    for source in found.sources:
        document = read_document(source)
        assert document.media_type == "application/pubmed+xml"
        extracted[document.id] = records(document)
    ages = {doc_id: [c["age_years"] for c in cases] for doc_id, (_, cases) in extracted.items()}
    assert ages == {"PMID99000011": [58], "PMID99000012": [67], "PMID99000013": [0.67]}
    first, cases = extracted["PMID99000011"]
    assert [v["hgvs"] for v in cases[0]["variants"]] == ["p.Leu858Arg"]
    assert first.document.doi == "10.5555/fjto.2025.011" and first.document.year == 2025
    assert extracted["PMID99000012"][0].run.metadata.pmcid == "PMC9900012"
    document = read_document(found.sources[0])
    assert [(s.kind, s.heading) for s in document.sections] == [
        ("title", None), ("abstract", "Abstract"), ("abstract", "Background"),
        ("abstract", "Case presentation"), ("abstract", "Conclusions")]


def test_bioc_passages_keep_their_offsets_and_numeric_ids_read_as_pmids(tmp_path):
    copy(tmp_path, "bioc_two.xml")
    found = discover([tmp_path])
    assert [s.doc_id for s in found.sources] == ["PMID99000021", "case-b"]
    first = read_document(found.sources[0])
    # the annotation's offset in the file is the gene's offset in the text
    assert first.text[107:111] == "TPM3"
    assert [(s.kind, s.start) for s in first.sections] == [("title", 0), ("abstract", 58)]
    second = read_document(found.sources[1])
    assert [(s.kind, s.heading, s.in_scope) for s in second.sections] == [
        ("title", None, True), ("case", "Case report", True), ("case", None, True),
        ("references", None, False)]
    _, cases = records(second)
    assert cases[0]["therapies"][0]["drugs"] == ["dabrafenib", "trametinib"]


def test_bioc_json_reads_as_bioc_xml_and_an_overlapping_passage_is_laid_out_after(tmp_path):
    path = tmp_path / "pubtator.json"
    path.write_text(json.dumps({"PubTator3": [{"id": "99000031", "passages": [
        {"offset": 0, "infons": {"type": "title"}, "text": "Crizotinib in ALK-positive lymphoma"},
        {"offset": 30, "infons": {"type": "abstract"},
         "text": "A 19-year-old man had an NPM1-ALK fusion and received crizotinib."}]}]}))
    (source,) = discover([path]).sources
    document = read_document(source)
    assert document.id == "PMID99000031" and document.media_type == "application/bioc+json"
    assert document.text.startswith("Crizotinib in ALK-positive lymphoma\n\nA 19-year-old")
    assert "overlaps the one before" in document.warnings[0]
    span = document.source_at(document.text.index("A 19"))
    assert (span.source_start, span.start) == (30, 37)


@pytest.mark.parametrize("name, content, reason", [
    ("broken.xml", "<article><front></article>", "not well-formed XML: line 1"),
    ("cut.json", "{\"documents\": [", "not valid BioC JSON"),
])
def test_a_literature_file_that_cannot_be_parsed_is_a_named_failure(tmp_path, name, content,
                                                                      reason):
    path = tmp_path / name
    path.write_text(content)
    (source,) = discover([tmp_path]).sources  # listed as one document, for the reader to refuse
    with pytest.raises(BadInputError) as refused:
        read_document(source)
    assert refused.value.path == str(path) and reason in refused.value.reason


def test_other_xml_and_json_files_are_passed_over_in_a_folder_and_refused_when_named(tmp_path):
    (tmp_path / "page.xml").write_text("<html><body/></html>")
    (tmp_path / "settings.json").write_text('{"documents": 3}')
    found = discover([tmp_path])
    assert found.sources == [] and found.failures == []
    assert [(Path(i.path).name, i.reason.split(":")[0]) for i in found.ignored] == [
        ("page.xml", "not a literature file caselit reads"), ("settings.json", "not valid BioC JSON")]
    named = discover([tmp_path / "page.xml"])
    assert named.sources == [] and "root element <html>" in named.failures[0].reason


def test_an_untitled_jats_body_is_no_part_of_the_abstract(tmp_path):
    path = tmp_path / "letter.xml"
    path.write_text(
        "<article><front><article-meta><title-group><article-title>A letter</article-title>"
        "</title-group><abstract><p>In short.</p></abstract></article-meta></front>"
        "<body><p>A 70-year-old woman received imatinib.</p></body></article>")
    document = read_jats(path, path.read_bytes(), "letter")
    assert [(s.kind, document.text[s.start:s.end].strip()) for s in document.sections] == [
        ("title", "A letter"), ("abstract", "Abstract\nIn short."),
        ("front_matter", "A 70-year-old woman received imatinib.")]


def test_entities_cdata_comments_and_instructions_keep_the_source_map_in_step(tmp_path):
    path = tmp_path / "marks.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal '
        'Archiving and Interchange DTD v1.3 20210610//EN" "JATS-archivearticle1-3.dtd">\n'
        '<article><body><sec><title>Case &amp; report</title><!-- a note -->'
        '<p>A 5&#x2013;6 cm mass<?page 2?> with an <italic attr=">">EML4</italic>-ALK '
        '<![CDATA[<b>]]> fusion&nbsp;&ndash; see below.</p><p>Then &lt;2% blasts.</p>'
        '</sec></body></article>', encoding="utf-8")
    document = read_document(path)
    assert "A 5–6 cm mass with an EML4-ALK <b> fusion – see below.\n\nThen <2% blasts." in document.text
    source = path.read_text(encoding="utf-8")
    printed = {document.text[s.start:s.end]: source[s.source_start:s.source_end]
               for s in document.source_map}
    assert printed["EML4"] == "EML4" and printed["–"] == "&ndash;"
    assert printed["-ALK <b> fusion"] == "-ALK <![CDATA[<b>]]> fusion"
    assert printed["Then <2% blasts."] == "Then &lt;2% blasts."
    assert printed["A 5–6 cm mass"] == "A 5&#x2013;6 cm mass"
