"""Dictionary look-up over raw characters, on phrases written for each rule."""

from pipeline.tag.matching import find_terms

NAMES = {"anaplastic lymphoma kinase": "ALK", "caveolin 1": "CAV1", "vimentin": "VIM",
         "echinoderm microtubule-associated protein-like 4": "EML4"}


def hits(text, **options):
    return [(text[m.start:m.end], value) for m, value in find_terms(text, NAMES, **options)]


def test_longest_phrase_first_case_blind_and_across_hyphens():
    text = "Anaplastic Lymphoma Kinase and echinoderm microtubule-associated protein-like 4"
    assert hits(text, max_words=8, lower=True) == [
        ("Anaplastic Lymphoma Kinase", "ALK"),
        ("echinoderm microtubule-associated protein-like 4", "EML4")]


def test_skipping_words_no_key_begins_with_finds_the_same():
    text = ("Tumour cells expressed vimentin and caveolin-1, and the anaplastic lymphoma kinase "
            "was rearranged; kinase and lymphoma alone are no names.")
    respell = lambda key: (key.replace("-", " "),) if "-" in key else ()  # noqa: E731
    plain = hits(text, max_words=8, lower=True, respellings=respell)
    assert plain == [("vimentin", "VIM"), ("caveolin-1", "CAV1"),
                     ("anaplastic lymphoma kinase", "ALK")]
    assert hits(text, max_words=8, lower=True, respellings=respell, by_first_word=True) == plain
