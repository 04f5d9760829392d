"""Context evidence: rules checked on load, and how their weights add up."""

import pytest

from pipeline.errors import RuleFileError
from pipeline.tag.evidence import ACCEPT, STRONG, WEAK, Evidence


def evidence(*entries):
    return Evidence.from_list(list(entries), file="test.yaml")


THERAPY_NEAR = {"name": "therapy near", "place": "near", "weight": 1, "words": ["treated", "mg"]}
DISEASE_AFTER = {"name": "organ of a disease", "place": "after", "weight": -2,
                 "words": ["cancer", "-dependent"], "only": ["weak"]}


def score(rules, prior, text, word, in_scope=True):
    start = text.index(word)
    return rules.score(prior, text, start, start + len(word), None, in_scope=in_scope)


def test_weights_for_and_against_add_to_the_prior():
    rules = evidence(THERAPY_NEAR, DISEASE_AFTER)
    assert score(rules, WEAK, "She was treated with thyroid extract.", "thyroid") == ACCEPT
    assert score(rules, WEAK, "She was treated for thyroid cancer.", "thyroid") < WEAK
    assert score(rules, WEAK, "Her thyroid was normal.", "thyroid") == WEAK


def test_a_rule_for_weak_forms_does_not_weigh_a_strong_one():
    rules = evidence(DISEASE_AFTER)
    assert score(rules, STRONG, "Cisplatin cancer trials.", "Cisplatin") == STRONG
    assert score(rules, WEAK, "abl cancer", "abl") == WEAK - 2


def test_a_dash_in_a_rule_word_stands_for_any_dash():
    rules = evidence(DISEASE_AFTER)
    text = "the cyclic AMP\u2013dependent kinase"
    assert score(rules, WEAK, text, "cyclic AMP") == WEAK - 2


def test_out_of_scope_only_evidence_against_counts():
    rules = evidence(THERAPY_NEAR, DISEASE_AFTER)
    assert score(rules, WEAK, "1. Treated with iodine 5 mg.", "iodine", in_scope=False) == WEAK
    assert score(rules, WEAK, "1. iodine cancer", "iodine", in_scope=False) == WEAK - 2


def test_a_rule_may_be_a_pattern_and_look_before():
    rules = evidence({"name": "anti- before", "place": "before", "weight": 1, "pattern": "anti"})
    assert score(rules, WEAK, "anti-PD1 antibodies", "PD1") == ACCEPT
    assert score(rules, WEAK, "PD1 antibodies", "PD1") == WEAK


def test_the_cue_window_is_cut_only_for_a_rule_that_looks_in_it(monkeypatch):
    import pipeline.tag.evidence as module

    cut = []
    window = module.cue_window
    monkeypatch.setattr(module, "cue_window", lambda *args: cut.append(args) or window(*args))
    rules = evidence(THERAPY_NEAR, DISEASE_AFTER)
    # nothing against a strong form looks near it, and it counts at once: no window
    assert score(rules, STRONG, "Cisplatin was given.", "Cisplatin") == STRONG and not cut
    # a weak one asks the rule that looks near it
    assert score(rules, WEAK, "She was treated with thyroid extract.", "thyroid") == ACCEPT
    assert len(cut) == 1


def test_evidence_for_is_summed_only_until_the_score_reaches_accept(monkeypatch):
    import pipeline.tag.evidence as module

    asked = []
    holds = module.ContextRule.holds
    monkeypatch.setattr(module.ContextRule, "holds",
                        lambda rule, *args: asked.append(rule.name) or holds(rule, *args))
    levels_after = {"name": "levels after", "place": "after", "weight": 1, "words": ["levels"]}
    rules = evidence(THERAPY_NEAR, levels_after)
    # "treated" near the name accepts it: the word after it is not looked at
    assert score(rules, WEAK, "Lithium levels fell once she was treated.", "Lithium") == ACCEPT
    assert asked == ["therapy near"]
    # with no therapy word near, the word after it is what accepts it
    asked.clear()
    assert score(rules, WEAK, "Lithium levels were high.", "Lithium") == ACCEPT
    assert asked == ["therapy near", "levels after"]


@pytest.mark.parametrize("entry, message", [
    ({"name": "x", "place": "inside", "weight": 1, "words": ["a"]}, "place must be one of"),
    ({"name": "x", "place": "near", "weight": 1}, "one of the two"),
    ({"name": "x", "place": "near", "weight": 1, "words": ["a"], "pattern": "a"}, "one of the two"),
    ({"name": "x", "place": "near", "weight": "1", "words": ["a"]}, "whole number"),
    ({"name": "x", "place": "near", "weight": 1, "words": ["a"], "when": 1}, "unknown key"),
])
def test_a_bad_rule_names_the_file_the_place_and_what_is_allowed(entry, message):
    with pytest.raises(RuleFileError, match=message) as error:
        evidence(entry)
    assert "test.yaml: evidence[0]" in str(error.value)


def test_rule_words_as_a_trie_are_found_where_the_words_one_by_one_are():
    import re

    from pipeline.tag.evidence import DASHES, words_body

    words = ["gene", "genes", "gene fusion", "fusion", "anti-PD-1", "+", "(+)", "mg/kg", "a"]
    one_by_one = "|".join(
        re.escape(w).replace(r"\ ", r"\s+").replace(r"\-", f"[{DASHES}]") for w in words)
    plain = re.compile(rf"(?:(?<![A-Za-z])(?:{one_by_one}))(?![A-Za-z])", re.IGNORECASE)
    trie = re.compile(words_body(words), re.IGNORECASE)
    texts = ["the GENE\nfusion was", "anti\u2013PD\u20111 therapy", "CK7 (+) and CD20+",
             "5 mg/kg daily", "genetic fusions", "regenes", "a", "genesis", "nothing here"]
    for text in texts:
        for start in range(len(text)):
            assert bool(trie.match(text, start)) == bool(plain.match(text, start)), (text, start)
    assert [bool(trie.search(text)) for text in texts] == [
        True, True, True, True, False, False, True, False, False]


def test_near_words_are_found_from_the_window_runs_where_the_pattern_finds_them():
    import random
    import re

    from pipeline.tag.drugs import drug_rules
    from pipeline.tag.evidence import NearWords, words_body
    from pipeline.tag.gene_rules import gene_rules

    words = ["gene", "genes", "wild-type", "tumor marker", "IHC", "mRNA", "co-expressed"]
    mine = NearWords.of(words, re.compile(words_body(words), re.IGNORECASE))
    assert NearWords.of(["+", "gene"], re.compile(words_body(["+", "gene"]), re.IGNORECASE)) is None
    rules = [rule.words for rules in (gene_rules().evidence, drug_rules().evidence)
             for rule in rules.rules if rule.words] + [mine]
    assert len(rules) == 3
    sentences = ["The GENE was", "wild\u2013type KRAS", "wild-typed", "tumor\n marker CEA",
                 "3mRNA levels", "ihc", "co-expression", "co-expressed", "a genetic test",
                 "regenes", "\u017fignaling", "treated with", "nothing here", ""]
    rng = random.Random(7)
    pieces = ["gene", "genes", "wild", "type", "tumor", "marker", "ihc", "mrna", "co",
              "expressed", "treated", "with", "a", "x", "2", " ", "  ", "-", "\u2013", "\n",
              "\u017f", "K", "é", "(", "/"]
    sentences += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
                  for _ in range(3000)]
    for near in rules:
        for sentence in sentences:
            assert near.found_in(sentence) == bool(near.pattern.search(sentence)), sentence
