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


def test_trying_only_words_keys_are_made_of_finds_the_same():
    text = ("Tumour cells expressed vimentin and caveolin-1, and the anaplastic lymphoma kinase "
            "was rearranged; kinase and lymphoma alone are no names.")
    respell = lambda key: (key.replace("-", " "),) if "-" in key else ()  # noqa: E731
    plain = hits(text, max_words=8, lower=True, respellings=respell)
    assert plain == [("vimentin", "VIM"), ("caveolin-1", "CAV1"),
                     ("anaplastic lymphoma kinase", "ALK")]
    assert hits(text, max_words=8, lower=True, respellings=respell, respellings_keep_words=True) == plain


def test_respellings_that_join_words_are_tried_where_words_are_joined():
    symbols = {"EML4": "EML4", "ALK": "ALK"}
    no_hyphen = lambda key: (key.replace("-", ""),) if "-" in key else ()  # noqa: E731
    text = "EML-4 fused to ALK; EML 4 is no symbol, nor is EML alone."
    found = find_terms(text, symbols, max_words=2, respellings=no_hyphen, joiners="-")
    assert [(text[m.start:m.end], m.key) for m, _ in found] == [("EML-4", "EML4"), ("ALK", "ALK")]


def test_words_inside_a_longer_match_start_no_other():
    lookup = {"anaplastic lymphoma kinase": "ALK", "lymphoma kinase": "LK", "kinase": "K"}
    text = "anaplastic lymphoma kinase, then lymphoma kinase, then a kinase"
    assert [(text[m.start:m.end], v) for m, v in find_terms(text, lookup, max_words=3)] == [
        ("anaplastic lymphoma kinase", "ALK"), ("lymphoma kinase", "LK"), ("kinase", "K")]


def test_words_are_respelt_once_per_process_whatever_text_holds_them():
    asked = []

    def upper(key):
        asked.append(key)
        return (key.upper(),)

    symbols = {"ALK": "ALK", "RET": "RET"}
    first = find_terms("alk and ret fusions", symbols, respellings=upper)
    second = find_terms("ret, not alk; ret again", symbols, respellings=upper)
    assert [m.key for m, _ in first] == ["ALK", "RET"]
    assert [m.key for m, _ in second] == ["RET", "ALK", "RET"]
    # each word once to choose where phrases start, then each match's own look-up
    assert sorted(set(asked)) == ["again", "alk", "and", "fusions", "not", "ret"]
    assert asked.count("and") == 1 and asked.count("not") == 1
