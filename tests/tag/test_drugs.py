from pipeline.tag.drugs import find_drugs


def drugs(text, lexicon):
    return [(text[t.start:t.end], t.normalised) for t in find_drugs(text, lexicon)]


def test_inns_match_in_any_case(drug_lexicon):
    assert drugs("Crizotinib, then LORLATINIB.", drug_lexicon) == [
        ("Crizotinib", "crizotinib"), ("LORLATINIB", "lorlatinib")]


def test_code_and_brand_names_map_to_the_inn(drug_lexicon):
    text = "She enrolled on PF-06463922 after Xalkori and Alecensa."
    assert drugs(text, drug_lexicon) == [
        ("PF-06463922", "lorlatinib"), ("Xalkori", "crizotinib"), ("Alecensa", "alectinib")]


def test_multi_word_inns_match_whole(drug_lexicon):
    assert drugs("brentuximab vedotin was given", drug_lexicon) == [
        ("brentuximab vedotin", "brentuximab vedotin")]


def test_a_research_code_without_inn_is_kept_as_printed(drug_lexicon):
    assert drugs("The ALK inhibitor ASP3026 was tested.", drug_lexicon) == [("ASP3026", "asp3026")]
