import pickle
import re
import string
from random import Random
from re import _parser as sre_parser

import spacy
from spacy.symbols import ORTH

from pipeline.tag.nlp import (CACHED_CHUNKS, PLAIN_ALPHABETS, PLAIN_LETTERS, AffixPattern, PlainLetters, WordEdges,
                              idle_special_cases, whole_word_match, matches_within, tokenizer_warnings_off,
                              without_idle_special_cases)

LETTERS = string.ascii_letters
LETTERS_AND_DIGITS = string.ascii_letters + string.digits


def span(match: re.Match | None) -> tuple[int, int] | None:
    return match and match.span()


def within(pattern: str, alphabet: str) -> bool:
    regex = re.compile(pattern)
    return matches_within(sre_parser.parse(regex.pattern, regex.flags).data, regex.flags, alphabet)


def test_a_pattern_needing_a_character_outside_the_alphabet_matches_nothing_within_it():
    units = r"(?<=[0-9])(?:km|mg)$|\.$|'s$"
    assert not within(units, LETTERS)  # a unit needs a digit before it; "." and "'" no letter
    assert within(units, LETTERS_AND_DIGITS)  # "10mg"
    assert not within(r"(?<![a-z])-", LETTERS)  # a negative look-behind decides nothing
    assert not within(r"(?:(?:ab)+|c{2,})[,;]", LETTERS)  # every branch and repeat reach ","
    assert within(r"[a-z]+ing$", LETTERS)
    assert within(r"x?$", LETTERS)  # may match empty
    assert within(r"(?=\d)|(?!\d)", LETTERS)  # the second branch holds anywhere
    assert within(r"(?i:S)\b", "s")  # a scoped flag is the part's own


def test_an_affix_pattern_answers_as_its_regex_for_every_word():
    words = ("The 54-year-old patient's tumours (ALK+) shrank by 10mg/kg, i.e. 45%; "
             "U.S. C++ co-mutation x2 \"cells\" 3'UTR e.g. Dr. NM_004304.5:c.3604G>A "
             "résistance ſtage km2 mg").split() + ["", "abc\n", "10mg\n"]
    for pattern in (r"(?<=[0-9])(?:km|mg)$|\.$|'s$|\)$", r"^\(|^\"|^U\.S\.", r"(?<=[a-z])[-/](?=[a-z])"):
        regex = re.compile(pattern)
        affix = AffixPattern(regex)
        assert affix.plain is not None and affix.pattern == pattern
        for word in words + words:  # asked again: answered from what it remembers
            found = affix.search(word)
            assert (found and found.span()) == ((m := regex.search(word)) and m.span()), word
            assert [m.span() for m in affix.finditer(word)] == [m.span() for m in regex.finditer(word)]
    assert AffixPattern(re.compile(r"s$")).plain is None  # matches in plain words: always read


def edges(pattern: str) -> WordEdges | None:
    regex = re.compile(pattern)
    return WordEdges.of(sre_parser.parse(regex.pattern, regex.flags), regex)


def test_a_suffix_pattern_is_searched_with_the_alternatives_that_can_end_the_word():
    suffixes = edges(r"(?<=[0-9])(?:km|mg)$|\.\.+$|'s$|\)$|(?i:X)$")
    # "10mg" can end only with the units, "cells." only with the dots; no alternative ends "x1"
    assert suffixes.regex_for("10mg") is not suffixes.regex  # the alternatives kept only
    assert [suffixes.regex_for(word).search(word).span() for word in ("10mg", "5km", "e.g..", "(ALK)",
                                                                       "man's", "2x")] == [
        (2, 4), (1, 3), (3, 5), (4, 5), (3, 5), (1, 2)]  # "(?i:X)" ends a word with "x" too
    assert suffixes.regex_for("x1") is None and suffixes.regex_for("cells.").search("cells.") is None
    assert suffixes.regex_for("10mg") is suffixes.regex_for("5mg")  # made once per last character
    # "$" holds before a final newline: such a word is searched with every alternative
    assert suffixes.regex_for("10mg\n") is suffixes.regex and suffixes.regex_for("") is suffixes.regex
    # an alternative that may end with any character (a repeat that may be empty) is kept
    assert edges(r",$|a[0-9]*$").regex_for("b1").search("xa1").span() == (1, 3)
    # a pattern with an alternative that need not end the word, or whose "$" ends lines: none
    assert edges(r",$|-") is None and edges(r"(?m),$") is None
    assert edges(r"(?:a|b),$").regex_for("a.") is None  # a single alternative: kept or not


def test_a_prefix_pattern_is_searched_with_the_alternatives_that_can_start_the_word():
    prefixes = edges(r"^\(|^US\$|^[0-9]+x|^\.\.+")  # the parser takes the shared "^" out
    assert not prefixes.at_end and prefixes.head
    assert prefixes.regex_for("EGFR") is None and prefixes.regex_for("(EGFR").search("(EGFR").span() == (0, 1)
    assert prefixes.regex_for("US$5").search("US$5").span() == (0, 3)
    assert prefixes.regex_for("2x3").search("2x3").span() == (0, 2) and prefixes.regex_for("2x3") is not (
        prefixes.regex)  # the alternatives kept only: "^[0-9]+x" ...
    assert prefixes.regex_for("23").search("23") is None  # ... which no other word of digits ends
    assert edges(r"^\(|\)") is None  # an alternative that may match anywhere


def test_a_word_is_kept_whole_at_once_when_no_affix_pattern_can_match_in_it():
    prefix, infix = AffixPattern(re.compile(r"^\(")), AffixPattern(re.compile(r"(?<=[a-z])-(?=[a-z])"))
    # a word of letters, even where a suffix may end with a digit ("m2") or a prefix match in a
    # word of letters and digits ("2x")
    for suffix in (r"(?<=[0-9])mg$|,$", r"(?<=[0-9])m2$|,$"):
        assert whole_word_match(prefix, AffixPattern(re.compile(suffix)), infix) == PLAIN_LETTERS.issuperset
    assert whole_word_match(AffixPattern(re.compile(r"^[0-9]x")), AffixPattern(re.compile(r",$")),
                            infix) == PLAIN_LETTERS.issuperset
    # a pattern that may match in a word of letters: none
    assert whole_word_match(prefix, AffixPattern(re.compile(r"s$")), infix) is None


def test_an_affix_pattern_remembers_a_bounded_number_of_answers_and_pickles_without_them():
    regex = re.compile(r"(?<=[0-9])(?:km|mg)$|\.$")
    affix = AffixPattern(regex, remembered=3)
    words = ["10mg", "cells.", "x2", "(ALK+)", "10mg", "5km"]
    answers = [affix.search(word) and affix.search(word).span() for word in words]
    assert answers == [(2, 4), (5, 6), None, None, (2, 4), (1, 3)]
    assert 0 < len(affix.found) <= 3 and "5km" in affix.found
    assert "Cells" not in affix.found  # a plain word: answered from its letters, not stored
    assert "x2" not in affix.found  # ... and a word no alternative can end ("2"): none to search
    copy = pickle.loads(pickle.dumps(affix.search))
    assert copy.__self__.found == {} and copy.__self__.pattern == regex.pattern
    assert [copy(word) and copy(word).span() for word in words] == answers


def test_the_tagger_screens_its_affix_patterns_and_tokenizes_as_scispacy(nlp):
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    tokenizer = nlp.tokenizer
    # the prefix pattern, whose matches start the word, is matched there behind a look-ahead
    # for its first characters (no Python call a word)
    assert tokenizer.prefix_search.__self__.pattern.startswith("(?=(?-i:[")
    assert tokenizer.prefix_search.__name__ == "match"
    assert tokenizer.suffix_search.__self__.plain is str.isalpha  # units follow digits: "10mg"
    assert tokenizer.infix_finditer.__self__.plain is str.isalnum
    assert tokenizer.max_cache_size == CACHED_CHUNKS
    # words no affix pattern can match in are kept whole at once: ASCII letters, tested in C
    # without a regex; spaCy saves the test as the regex of the same words
    assert tokenizer.token_match == PLAIN_LETTERS.issuperset
    assert tokenizer.token_match.__self__.pattern == PlainLetters.pattern
    assert all(set(LETTERS) <= set(alphabet) for alphabet, _ in PLAIN_ALPHABETS)
    with tokenizer_warnings_off():  # scispaCy's patterns: re's "Possible set union" warning
        scispacy = combined_rule_tokenizer(spacy.blank("en", vocab=nlp.vocab))
    random = Random(14)  # and words of letters, digits and others, for the possessive repeats
    for word in ("EGFR", "tumour", "x", "EGFR2", "ALK+", "résistance", "ſtage", "abc\n", "", "10mg", "2019",
                 "T790", "٣", *("".join(random.choices("aZ09,.-(é\n", k=random.randint(1, 6)))
                                for _ in range(20_000))):
        if word:  # spaCy asks token_match of no empty text
            assert PLAIN_LETTERS.issuperset(word) == (word.isascii() and word.isalpha()) == bool(
                re.match(PlainLetters.pattern, word)), word
        assert span(tokenizer.prefix_search(word)) == span(scispacy.prefix_search(word)), word
    text = ("Ou et al. report that the 61-year-old man's NSCLC (EGFR-mutant, T790M+) was treated with osimertinib "
            "80mg/day; after 3cycles, CEA fell 45%.\nPatients' scans: 2x2cm, 10mm-lesions, "
            "wasn't it? \"Stable\" disease (SD) [ref. 12]; ALK/ROS1-negative; 5-FU.")
    expected = [(t.text, t.idx) for t in scispacy(text)]
    # again: after "et al." spaCy caches no word of the text, the affix patterns remember
    for _ in range(2):
        assert [(t.text, t.idx) for t in nlp.tokenizer(text)] == expected


def test_the_idle_special_cases_are_found_once_and_read_from_the_cache_for_those_cases(
        nlp, tmp_path, monkeypatch):
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    monkeypatch.setenv("CASELIT_CACHE_DIR", str(tmp_path))
    scispacy = combined_rule_tokenizer(spacy.blank("en", vocab=nlp.vocab))
    idle = idle_special_cases(scispacy)
    assert {"\n", " ", "C++"} <= idle and "e.g." not in idle and "don't" not in idle
    kept = {text: tokens for text, tokens in scispacy.rules.items() if text not in idle}
    assert without_idle_special_cases(scispacy) == kept == nlp.tokenizer.rules
    (cached,) = tmp_path.glob("idle-special-cases-*.pickle")
    assert pickle.loads(cached.read_bytes()) == idle
    assert without_idle_special_cases(scispacy) == kept  # read from the cache
    # a tokenizer with other cases has its own: "C++" split is no idle case
    scispacy.add_special_case("C++", [{ORTH: "C"}, {ORTH: "++"}])
    assert "C++" in without_idle_special_cases(scispacy)
    assert len(list(tmp_path.glob("idle-special-cases-*.pickle"))) == 2
