from pipeline.tag.genes import find_genes


def symbols(text, lexicon):
    return [(text[t.start:t.end], t.normalised) for t in find_genes(text, lexicon)]


def test_full_name_and_symbol_both_resolve(gene_lexicon):
    text = "Anaplastic lymphoma kinase (ALK) staining was diffuse."
    assert symbols(text, gene_lexicon) == [("Anaplastic lymphoma kinase", "ALK"), ("ALK", "ALK")]


def test_fusion_partners_printed_together_are_separate_genes(gene_lexicon):
    assert symbols("An EML4-ALK rearrangement.", gene_lexicon) == [("EML4", "EML4"), ("ALK", "ALK")]


def test_aliases_with_digits_map_to_approved_symbols(gene_lexicon):
    text = "Tumour cells expressed TTF-1 and Ki-67 in 30%, with p53 loss."
    assert symbols(text, gene_lexicon) == [("TTF-1", "NKX2-1"), ("Ki-67", "MKI67"), ("p53", "TP53")]


def test_previous_symbol_maps_to_its_successor(gene_lexicon):
    assert symbols("A FAM179A-ALK fusion was found.", gene_lexicon)[0] == ("FAM179A", "TOGARAM2")


def test_short_letter_only_aliases_are_not_trusted_on_their_own(gene_lexicon):
    # ALL and CML are aliases of BCR, CT of PCYT1A, FISH of SH3PXD2A.
    text = "He had ALL, not CML; CT and FISH were normal."
    assert symbols(text, gene_lexicon) == []


def test_symbols_glued_to_extraction_artefacts_still_match(gene_lexicon):
    assert symbols("advanced ALKþ lung cancer", gene_lexicon) == [("ALK", "ALK")]
