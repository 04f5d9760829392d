from pipeline.assemble import assemble
from pipeline.assemble.document_info import document_info
from pipeline.read import read_document
from pipeline.tag import tag


def read(tmp_path, text, name="case.txt"):
    path = tmp_path / name
    path.write_text(text)
    return read_document(path)


def test_title_doi_and_year_come_from_labelled_places(tmp_path):
    document = read(tmp_path, (
        "Case Report\n\nDurable response to lorlatinib in ALK-positive lung cancer\n\n"
        "Ann Author¹, Ben Author²\n\nPublished: 12-Mar-2021\n\n"
        "Abstract\n\nA 60-year-old man died in 2024. doi: 10.1000/xyz.2021.42.\n"))
    info = document_info(document)
    assert info.title == "Durable response to lorlatinib in ALK-positive lung cancer"
    assert info.doi == "10.1000/xyz.2021.42"
    assert info.year == 2021


def test_clinical_dates_are_no_publication_year(tmp_path):
    document = read(tmp_path, " Abstract\nThe patient died in August 2024 after crizotinib.\n")
    assert document_info(document).model_dump() == {"id": "case", "title": None, "doi": None,
                                                     "year": None}


def test_citation_year_outside_the_reference_list(tmp_path):
    text = ("Abstract\nA case. (J Example Oncol 2014;12:323-326)\n\n"
            "References\n1. Old paper. J Old 1999;1:1-2.\n")
    assert document_info(read(tmp_path, text)).year == 2014


def test_the_year_comes_from_the_labels_in_their_order_then_the_doi_line(tmp_path):
    # "accepted" is tried before "received", wherever the lines stand
    text = "Abstract\nReceived: 2 Jan 2019\nAccepted: 5 May 2020\nA case.\n"
    assert document_info(read(tmp_path, text)).year == 2020
    # with no label, the line printing the DOI before a journal citation
    text = "Abstract\nJ Example Oncol 2014;12:323.\nA case. doi: 10.1000/abc.17 (2017)\n"
    assert document_info(read(tmp_path, text)).year == 2017


def test_document_sets_use_in_scope_mentions_once_each(tmp_path, report_text):
    document = read(tmp_path, report_text)
    extraction = assemble(document, tag(document), fingerprint="test")
    assert extraction.genes == ["EML4", "ALK"]
    assert [f.name for f in extraction.fusions] == ["EML4::ALK"]
    assert [(v.gene, v.hgvs) for v in extraction.variants] == [
        ("ALK", "c.3604G>A"), ("ALK", "p.Gly1202Arg")]
    assert extraction.drugs == ["crizotinib", "lorlatinib"]  # alectinib is only in the references
    assert extraction.rearranged_genes == []  # ALK has a partner


def test_a_fusion_or_rearrangement_the_text_denies_is_none_of_the_document(tmp_path):
    text = ("Abstract\nA 58-year-old man had lung adenocarcinoma. ALK and ROS1 rearrangements "
            "were not detected, and no CD74-ROS1 fusion was found. RNA sequencing revealed a "
            "KIF5B-RET fusion, and a MET rearrangement was seen in the relapse biopsy.\n")
    document = read(tmp_path, text)
    extraction = assemble(document, tag(document), fingerprint="test")
    assert [f.name for f in extraction.fusions] == ["KIF5B::RET"]
    assert extraction.rearranged_genes == ["MET"]


def test_index_case_takes_age_and_sex_with_evidence(tmp_path, report_text):
    document = read(tmp_path, report_text)
    mentions = tag(document)
    (case,) = assemble(document, mentions, fingerprint="test").cases
    assert (case.case_id, case.source, case.age_years, case.sex) == ("index", "narrative", 58, "female")
    (evidence,) = case.evidence["age_years"]
    assert next(m for m in mentions if m.id == evidence).text == "58-year-old"
