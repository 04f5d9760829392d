import pytest

from pipeline.tag.fusions import find_fusions, find_rearranged, orient, fusion_rules
from pipeline.tag.tags import tags_of_type


def fusions(text, lexicon):
    return [(t.fusion.name, t.fusion.unresolved) for t in find_fusions(text, lexicon)
            if t.type == "fusion"]


@pytest.mark.parametrize("sentence, expected", [
    ("RNA sequencing revealed an EML4-ALK fusion.", [("EML4::ALK", False)]),
    ("NGS identified a STRN::ALK fusion.", [("STRN::ALK", False)]),
    ("The tumour carried an SQSTM1:ALK fusion.", [("SQSTM1::ALK", False)]),
    ("The ALK-EML4 fusion is the most common.", [("EML4::ALK", False)]),
    ("An FGFR3-TACC3 fusion was detected.", [("FGFR3::TACC3", False)]),
    ("The marrow also carried a FUS:ERG fusion.", [("FUS::ERG", False)]),
])
def test_printed_fusions_are_named_in_established_orientation(sentence, expected, gene_lexicon):
    assert fusions(sentence, gene_lexicon) == expected


def test_short_alias_is_accepted_as_a_fusion_partner(gene_lexicon):
    text = "The NPM-ALK fusion protein drives ALCL."
    tags = find_fusions(text, gene_lexicon)
    assert [t.normalised for t in tags if t.type == "fusion"] == ["NPM1::ALK"]
    assert [(text[t.start:t.end], t.normalised) for t in tags if t.type == "gene"] == [
        ("NPM", "NPM1"), ("ALK", "ALK")]


def test_partner_that_is_no_hgnc_symbol_keeps_its_printed_form(gene_lexicon):
    tags = find_fusions("A TGF-ALK transcript was reported.", gene_lexicon)
    assert fusions("A TGF-ALK transcript was reported.", gene_lexicon) == [("TGF::ALK", True)]
    assert [t.normalised for t in tags if t.type == "unresolved_gene"] == ["TGF"]


@pytest.mark.parametrize("sentence", [
    "ALK/ROS1 inhibitors are approved.",
    "FUS-ERG and other transcription factors were studied.",
    "PET/CT showed uptake.",
    "The ALK-D5F3 antibody was positive.",
    "ALK-positive tumours respond.",
])
def test_lists_tests_and_clones_are_not_fusions(sentence, gene_lexicon):
    assert fusions(sentence, gene_lexicon) == []


def test_genes_followed_by_a_rearrangement_word_are_rearranged(nlp):
    text = "An IGFBP5 fusion and an ALK gene rearrangement; ALK inhibitors."
    genes = tags_of_type(nlp(text), "gene")
    assert [t.normalised for t in find_rearranged(text, genes)] == ["IGFBP5", "ALK"]


def test_orientation_keeps_a_partner_first_order():
    rules = fusion_rules()
    assert orient("EML4", "ALK", rules) == ("EML4", "ALK")
    assert orient("ALK", "EML4", rules) == ("EML4", "ALK")
    assert orient("TACC3", "FGFR3", rules) == ("FGFR3", "TACC3")
