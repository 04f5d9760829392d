"""Dictionary look-up over raw characters, on phrases written for each rule."""

import random
import re

from pipeline.tag.case_words import whole_words
from pipeline.resources import trie_alternation
from pipeline.tag.matching import (matches_at_runs, per_lookup, FOLDED_ONTO_ASCII, WholeWordForms, ascii_runs, find_terms,
                                   first_scanned_forms, group_forms, joined_words, may_hold, may_hold_each,
                                   required_words, requirements,
                                   sharing_screens, words_of)

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


def test_the_joined_pairs_that_resolve_are_given_by_their_first_word():
    from pipeline.tag.matching import resolving_pairs

    symbols = {"EML4": "EML4", "IGF1": "IGF1", "ALK": "ALK"}
    no_hyphen = lambda key: (key.replace("-", ""),) if "-" in key else ()  # noqa: E731
    text = "EML-4 and IGF-1 rose; ALK-1 and EML 4 did not."
    pairs = resolving_pairs(text, words_of(text), joined_words(text, "-"), symbols, no_hyphen, None)
    assert [words_of(text).printed[index] for index in pairs] == ["EML", "IGF"]


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


def test_a_text_s_words_their_offsets_and_the_characters_between():
    words = words_of("EML4-ALK  in PDGFRα, (Xβ)")
    assert words.printed == ["EML4", "ALK", "in", "PDGFRα", "Xβ"]
    assert words.lowered == ["eml4", "alk", "in", "pdgfrα", "xβ"]
    assert list(zip(words.starts, words.ends)) == [(0, 4), (5, 8), (10, 12), (13, 19), (22, 24)]
    assert words.gaps == ["-", "  ", " ", ", (", ""]
    assert joined_words("EML4-ALK  in PDGFRα, (Xβ)", " -") == [True, False, True, False, False]
    assert words_of("").printed == [] and words_of(" ; ").starts == []
    # a character whose lower case is a word's and it is not: the words cut one by one
    assert words_of("\u2126mega").lowered == ["mega"] and words_of("\u212a9").lowered == ["9"]


def test_a_text_without_greek_letters_has_its_runs_as_words():
    text = "EML4-ALK  in PDGFRa, (XB) İ\u212a\u2126s"
    words, runs = words_of(text), ascii_runs(text)
    assert words.printed == runs.printed == ["EML4", "ALK", "in", "PDGFRa", "XB", "s"]
    assert words.lowered == ["eml4", "alk", "in", "pdgfra", "xb", "s"]
    assert list(zip(words.starts, words.ends)) == [(0, 4), (5, 8), (10, 12), (13, 19), (22, 24),
                                                   (29, 30)]
    assert words.gaps == ["-", "  ", " ", ", (", ") İ\u212a\u2126", ""]
    # one Greek letter: the words hold it ("PDGFRα" is one word, two runs)
    assert words_of(text.replace("PDGFRa", "PDGFRα")).printed[3] == "PDGFRα"


def test_the_characters_lowering_takes_into_or_out_of_words_are_listed():
    from pipeline.tag.matching import RELOWERED_WORDS, WORD

    def relowered(word):
        return {char for char in map(chr, range(0x110000)) if len(char.lower()) == 1
                and bool(word.fullmatch(char)) != bool(word.fullmatch(char.lower()))}

    assert relowered(WORD) == set(RELOWERED_WORDS.pattern[1:-1])


FORMS = ["complete remission", "complete remission 1", "remission", "CR", "stable disease",
         "MRD+ CR", "N/A", "RT–PCR"]


def whole(forms, case_blind, not_before=None):
    regex = whole_words(forms, case_blind) + (f"(?!{not_before})" if not_before else "")
    return WholeWordForms.build(forms, re.compile(regex, re.IGNORECASE if case_blind else 0),
                                case_blind, not_before)


def spans(text, matcher):
    return [text[start:end] for start, end in matcher.spans(text)]


def test_whole_word_forms_are_found_longest_first_as_their_regex_finds_them():
    blind = whole(FORMS, True)
    assert blind.by_runs
    text = ("Complete remission 1, then complete remission and CR (CRi, xCR, CR2); "
            "MRD+ CR; N/A; RT–PCR and RT-PCR; stable disease2 but stable  disease.")
    assert spans(text, blind) == ["Complete remission 1", "complete remission", "CR",
                                  "MRD+ CR", "N/A", "RT–PCR"]
    assert spans(text, blind) == [text[m.start():m.end()] for m in blind.regex.finditer(text)]


def test_case_sensitive_forms_and_what_may_not_follow_them():
    sensitive = whole(["PD", "PD-L1 high"], False, r"-[A-Za-z0-9]")
    text = "PD on PD-L1 high, PD-1, pd, PD-L1, PD."
    assert spans(text, sensitive) == ["PD", "PD-L1 high", "PD"]
    assert sensitive.spans(text) == [m.span() for m in sensitive.regex.finditer(text)]


def test_characters_re_folds_onto_ascii_letters_send_the_text_to_the_regex():
    blind = whole(["stable disease", "risk"], True)
    text = "ſtable diſeaſe and RISK (Kelvin sign)"
    assert spans(text, blind) == ["ſtable diſeaſe", "RISK"]
    everything = "".join(map(chr, range(0x80, 0x110000)))
    folded = set(re.findall("[A-Za-z]", everything, re.IGNORECASE)) | {
        char for char in everything if re.search("[A-Za-z]", char.lower())}
    assert folded == set(FOLDED_ONTO_ASCII.pattern[1:-1])


def test_forms_a_run_of_letters_cannot_bound_are_left_to_the_regex():
    odd = whole(["+ve", "CR"], True)
    assert not odd.by_runs
    assert spans("ER +ve, CR", odd) == ["+ve", "CR"]


def test_screens_shared_by_vocabularies_find_what_each_finds_alone():
    alone = [whole(["complete remission"], True), whole(["stable disease", "CR"], True),
             whole(["PD"], False)]
    shared = sharing_screens(alone)
    text = "CR then stable disease, PD and complete remission"
    assert [m.spans(text) for m in shared] == [m.spans(text) for m in alone]
    assert shared[0].screen == {"complete", "stable", "cr"} and shared[2].screen == {"PD"}


def test_matchers_read_together_find_what_each_finds_alone():
    from pipeline.tag.matching import spans_of_each

    alone = [whole(["complete remission", "complete"], True), whole(["complete response", "CR"], True),
             whole(["PD", "CR"], False, r"-[A-Za-z0-9]"), whole(["+ve"], True)]
    shared = sharing_screens(alone)
    # forms of several matchers start at the same run; one matcher's forms overlap
    text = ("Complete response, then complete remission, CR and PD-1; complete CR; +ve; "
            "complete complete remission PD")
    expected = [[m.span() for m in matcher.regex.finditer(text)] for matcher in alone]
    assert spans_of_each(shared, text) == expected == [m.spans(text) for m in shared]
    assert all(expected)
    folding = text + " ſtable"  # the case-blind ones read by their regex
    assert spans_of_each(shared, folding) == [
        [m.span() for m in matcher.regex.finditer(folding)] for matcher in alone]


def test_what_a_pattern_s_matches_start_with():
    from pipeline.tag.matching import run_prefixes

    # a run the literal text closes (a space, a mark) is screened whole; one it leaves
    # open ("remain" of "remains", "3" of "35%") by its prefix
    assert run_prefixes(re.compile(r"(?<!\w)\b(?:remains?|was\s+still)\s+in", re.I)) == (
        {"remain", "remains", "was"}, ())
    assert run_prefixes(re.compile(r"\bat\s+the|\b[3-5]\d%|\bx\.y|\bfailed\b")) == (
        {"at", "x"}, ("3", "4", "5", "failed"))
    assert run_prefixes(re.compile(r"\b[A-Za-z]+oma")) is None  # any letter
    assert run_prefixes(re.compile(r"\b(?:x|\(y)")) is None  # "(" is no letter
    assert run_prefixes(re.compile(r"(?:ab)?c")) == (set(), ("abc", "c"))
    assert run_prefixes(re.compile(r"(?:ab)*c")) is None  # "ababc" too: not read


def test_a_sentence_holds_a_phrase_only_with_every_one_of_its_words():
    from pipeline.tag.matching import PhraseIndex, phrase_runs, runs_between

    assert phrase_runs(["no", "did not detect", "free of"]) == [
        {"no"}, {"did", "not", "detect"}, {"free", "of"}]
    assert phrase_runs(["no", ";"]) is None  # a mark is matched anywhere
    index = PhraseIndex([["did not detect", "free of"], ["no"], ["no", ";"], ["not fit"]])
    # a list is held where one of its phrases has every word: "free" alone holds none
    assert list(index.held_phrases({"free", "not", "detect", "no"})) == [1, 2]
    assert list(index.held_phrases({"did", "not", "detect", "fit"})) == [0, 2, 3]
    assert index.held_phrases(None) == dict.fromkeys([0, 1, 2, 3])
    # and which of a list's phrases: "no" alone of the first list's, every one of a list
    # with a mark (None)
    assert index.held_phrases({"did", "not", "detect", "fit"}) == {0: (0,), 2: None, 3: (0,)}
    assert index.held_phrases({"free", "of", "did", "not", "detect", "no"}) == {
        0: (0, 1), 1: (0,), 2: None}
    assert index.held_phrases(None) == {0: None, 1: None, 2: None, 3: None}
    # the words of the keyed phrases are all it reads: a sentence's words narrowed to them
    # (none at all, too) are held alike
    assert index.words == {"did", "not", "detect", "free", "of", "no", "fit"}
    for words in ({"free", "of", "did", "not", "detect", "no", "so"}, {"it", "was", "fit"},
                  {"was", "not", "fit", "at", "all"}, {"so", "it", "was"}, set()):
        assert index.held_phrases(words & index.words) == index.held_phrases(words)
    assert index.held_phrases(set()) == {2: None}
    text = "No EGFR mutation was detected. It was not fit; so"
    assert runs_between(text, 0, 30) == ([0, 3, 8, 17, 21],
                                         ["no", "egfr", "mutation", "was", "detected"])
    # the last word as a search ending there sees it: "fi" of "fit"
    assert runs_between(text, 31, 44) == ([31, 34, 38, 42], ["it", "was", "not", "fi"])
    assert runs_between(text, 47, 49) == ([47], ["so"])
    assert runs_between(text + " ſo", 0, 5) is None  # re reads "ſ" as "s"


def test_the_first_word_of_a_pattern_s_matches_and_the_matches_found_there():
    from pipeline.tag.matching import first_runs, matches_at_first_runs

    article = re.compile(r"\b(?:an?)\s+(?:\w+\s+)?(?P<noun>man|woman)\b", re.I)
    assert first_runs(article) == {"a", "an"}
    assert first_runs(re.compile(r"\b(?:two|2)\s+patients")) == {"two", "2"}
    assert first_runs(re.compile(r"\bremains?")) is None  # "remains" may go on: "remainsX"
    assert first_runs(re.compile(r"\b\d+\s+patients")) is None
    text = "A man, an old woman, a-man, Ana man, an\twoman and a ſtrange man."
    assert [m.group() for m in matches_at_first_runs(article, text)] == [
        m.group() for m in article.finditer(text)] == [
        "A man", "an old woman", "an\twoman", "a ſtrange man"]
    # a second pattern starting with the same runs tried at the runs found for the first
    person = re.compile(r"\b(?:an?)\s+(?:\w+\s+)?(?P<noun>patient)\b", re.I)
    text = "A man, an old patient, a-patient and a woman patient."
    for pattern in (article, person, article):
        assert [m.span() for m in matches_at_first_runs(pattern, text)] == [
            m.span() for m in pattern.finditer(text)]
    # or at those of the runs found already (for several patterns' first runs at once)
    screened = [0, 1, 2, 3, 4, 5]  # "A", "man", "an", "old", "patient", "a" (of "a-patient")
    assert [m.group() for m in matches_at_first_runs(article, text, screened)] == ["A man"]
    assert [m.group() for m in matches_at_first_runs(person, text, screened)] == [
        "an old patient"]


def test_forms_with_their_look_behind_after_the_first_character_match_as_before_it():
    forms = ["G-CSF", "GM-CSF", "rhG-CSF", "rhGM-CSF", "A", "AB", "ABC", "T"]
    text = ("G-CSF at the start, then rhG-CSF and xG-CSF, -GM-CSF, 2GM-CSF, (GM-CSF); "
            "A, AB, ABC, ABCD, ZABC, T-cells\nrhGM-CSF at a line's start; "
            "the glyph 'é' before AB: éAB, and a space: AB")
    for not_after in ("[A-Za-z0-9-]", r"[\w/-]"):
        before = re.compile(rf"(?<!{not_after})(?:{trie_alternation(forms, case_blind=False)})")
        after = re.compile(first_scanned_forms(forms, not_after))
        found = [m.span() for m in after.finditer(text)]
        assert found == [m.span() for m in before.finditer(text)]
        assert len(found) > 10
    assert re.compile(first_scanned_forms(forms, "[A-Za-z0-9-]")).fullmatch("ABC")


def test_required_words_are_those_every_match_holds():
    assert required_words(r"[A-Za-z][\w-]*(?:-|\s)based\s+(?:therapy|regimens?)") == {"based"}
    assert required_words(r"(?-i:[A-Z]\w*\d)\s+(?:Protocol|regimen)") == {"protocol", "regimen"}
    assert required_words(r"(?-i:anti-[A-Z0-9][\w-]*)\s+(?:therapy|agents?)") == {"anti-"}
    assert required_words(r"(?:ab)+c?") == {"ab"}
    assert required_words(r"x?y*[a-z]+") is None  # nothing it cannot do without
    assert required_words(r"(?:stage|\d+)\s+disease") == {"disease"}  # a branch needs none
    assert required_words("\u017fpindle cell") == {"pindle cell"}  # re folds "ſ" onto "s"
    text = "He got cisplatin-based therapy per the NOPHO2008 protocol."
    for pattern in (r"[A-Za-z][\w-]*(?:-|\s)based\s+therapy", r"(?-i:[A-Z]\w*\d)\s+protocol"):
        assert re.search(pattern, text, re.IGNORECASE)
        assert any(word in text.lower() for word in required_words(pattern))


def test_a_named_group_s_needed_words_and_forms_are_read_from_the_pattern():
    edits = r"\d+\s?bp\s(?P<edit>insertion/deletion|ins/del|deletion|deleted)(?![a-z])"
    # the group's words, none holding another; the whole pattern would need "bp"
    assert required_words(edits) == {"bp"}
    assert required_words(edits, "edit") == {"ins/del", "deletion", "deleted"}
    nouns = r"\ban?\s+(?P<mods>(?:\w+\s+)?)(?P<noun>man|WOMAN|girls?)\b(?:\s+(?P<after>\w+))?"
    assert group_forms(nouns, "noun") == {"man", "woman", "girl", "girls"}
    assert required_words(nouns, "noun") == {"man", "girl"}  # "woman" holds "man"
    # a group that may be left out, or is more than literal text, gives none
    assert group_forms(nouns, "after") is None and required_words(nouns, "after") is None
    assert group_forms(r"(?P<age>\d+) years", "age") is None
    assert group_forms(r"(?P<unit>years?|months?)", "unit") == {"year", "years", "month", "months"}
    assert group_forms(r"(?:(?P<noun>man)|boy)", "noun") is None  # one choice of two
    text = "In 2019 a young woman had a 12 bp deletion; a 4 bp ins/del later."
    for pattern, group in ((edits, "edit"), (nouns, "noun")):
        found = [m.group(group).lower() for m in re.finditer(pattern, text, re.IGNORECASE)]
        assert found and all(any(word in form for word in required_words(pattern, group))
                             for form in found)
    assert [m.group("noun") for m in re.finditer(nouns, text, re.IGNORECASE)] == ["woman"]



def test_a_text_may_hold_a_match_only_with_a_word_of_each_set_the_pattern_needs():
    based = r"[A-Za-z][\w-]*(?:-|\s)based\s+(?:therapy|therapies|regimens?)"
    needed = requirements(based)
    assert needed == ({"based"}, {"therapy", "therapies", "regimen"})
    assert required_words(based) == {"based"}  # the fewest words of those sets
    assert may_hold_each("platinum-based therapy", needed)
    assert not may_hold_each("based on the database", needed)  # "based" alone
    assert may_hold_each("any text", ())  # a pattern that needs no word


def test_the_characters_a_match_can_take_are_those_its_literals_and_classes_name():
    from pipeline.tag.matching import held_characters

    based = r"(?<![\w-])[A-Za-z][\w-]*(?:-|\s)based\s+(?:therapy|regimens?)\b"
    held = re.compile(f"[{held_characters(based, re.IGNORECASE)}]+", re.IGNORECASE)
    text = "After platinum-based therapy and Anti-PD1 based  regimens, a cure."
    found = [m.group() for m in re.finditer(based, text, re.IGNORECASE)]
    assert found == ["platinum-based therapy", "Anti-PD1 based  regimens"]
    assert all(held.fullmatch(match) for match in found)
    assert not held.search(",.;(")  # no match takes a comma, a full stop...
    # what "]", "-" or "\\" would mean in a class is kept as the characters themselves
    marks = held_characters(r"[]-]x|[\\\\]")
    assert re.fullmatch(f"[{marks}]+", "]-x\\") and not re.search(f"[{marks}]", "abc")
    assert held_characters(r"a.b") is None  # "." takes any character but a newline
    assert held_characters(r"a[^b]") is None


def test_a_match_starts_at_a_run_near_a_word_it_needs():
    from pipeline.tag.matching import NeededStretches, lower_keeping_offsets

    pattern = r"[A-Za-z][\w-]*(?:-|\s)based\s+(?:therapy|regimens?)"
    stretches = NeededStretches.of(pattern, re.IGNORECASE)
    text = "Based on data, a platinum-based therapy; then an anti-PD1 based regimen."
    runs = ascii_runs(text)
    starts = [runs.starts[index] for index in stretches.run_starts(
        text, lower_keeping_offsets(text), runs)]
    # the runs from the last comma or semicolon before each "based" up to that "based"
    assert [text[start:].split(maxsplit=1)[0] for start in starts] == [
        "Based", "a", "platinum-based", "based", "then", "an", "anti-PD1", "PD1", "based"]
    assert NeededStretches.of(r"\d+ cycles", 0) is not None
    assert NeededStretches.of(r"\d+", 0) is None  # needs no word
    assert NeededStretches.of(r"based on .*", 0) is None  # takes any character


STRETCH_PIECES = ["based", "Based ", "-", " ", "therapy", "regimens", "anti", "PD1", ", ", ".",
                  "(", "\n", "é", "_", "2", "–", "data"]


def test_needed_stretches_hold_every_start_of_a_match_in_random_texts():
    from pipeline.tag.matching import NeededStretches, lower_keeping_offsets

    pattern = r"(?<![\w-])[A-Za-z][\w-]*(?:-|\s)based\s+(?:therapy|regimens?)"
    regex = re.compile(pattern, re.IGNORECASE)
    stretches = NeededStretches.of(pattern, re.IGNORECASE)
    rng = random.Random(18)
    for _ in range(3_000):
        text = "".join(rng.choice(STRETCH_PIECES) for _ in range(rng.randint(1, 14)))
        runs = ascii_runs(text)
        near = {runs.starts[index] for index in stretches.run_starts(
            text, lower_keeping_offsets(text), runs)}
        assert {m.start() for m in regex.finditer(text)} <= near, text


def test_screens_of_a_text_s_runs_look_each_run_up_once_for_all_of_them(monkeypatch):
    from pipeline.tag import matching
    from functools import partial

    from pipeline.tag.matching import RunScreens, lowered_in, printed_in

    asked = []

    def capital(runs, lowered):
        asked.extend(runs)
        return [run for run in runs if run.isupper()]

    screens = RunScreens()
    capitals = screens.add(capital)
    numbers = screens.add(lambda runs, lowered: filter(str.isdigit, runs))
    responses = screens.add(partial(lowered_in, {"cr", "pr"}))
    printed = screens.add(partial(printed_in, {"CR", "then"}))
    text = "CR in 2019, then PR; CR again in 2020, cr."
    runs = ascii_runs(text)
    assert [runs.printed[index] for index in capitals.runs(text)] == ["CR", "PR", "CR"]
    assert [runs.printed[index] for index in numbers.runs(text)] == ["2019", "2020"]
    assert [runs.printed[index] for index in responses.runs(text)] == ["CR", "PR", "CR", "cr"]
    assert [runs.printed[index] for index in printed.runs(text)] == ["CR", "then", "CR"]
    # each run judged once while the process remembers it, whatever the screens or texts
    assert sorted(asked) == sorted(set(runs.printed))
    assert capitals.runs("CR in 2021") == [0] and asked[-1] == "2021"
    # forgotten after REMEMBERED_WORDS runs, to bound the memory: a text's runs all judged
    monkeypatch.setattr(matching, "REMEMBERED_WORDS", 3)
    assert capitals.runs("PD in 2022 after PR") == [0, 4]
    assert screens.judged == {"PD", "in", "2022", "after", "PR"}
    assert set(screens.verdicts) == {"PD", "2022", "PR"}  # only runs some screen passes


class AskedLookup(dict):
    """A lookup that notes every key it is asked for."""

    def __init__(self, *args):
        super().__init__(*args)
        self.asked = []

    def get(self, key, default=None):
        self.asked.append(key)
        return super().get(key, default)


def test_a_phrase_is_tried_no_longer_than_the_keys_starting_with_its_first_word():
    lookup = AskedLookup({"small cell lung cancer": "SCLC", "small molecule": "SM", "cell": "C"})
    text = "small molecule inhibitors of the cell cycle in small cell lung cancer patients"
    found = find_terms(text, lookup, max_words=8, lower=True)
    assert [(text[m.start:m.end], value) for m, value in found] == [
        ("small molecule", "SM"), ("cell", "C"), ("small cell lung cancer", "SCLC")]
    # keys starting with "small" have at most four words, "cell" one: no longer phrase asked
    assert max(len(key.split()) for key in lookup.asked) == 4
    assert [key for key in lookup.asked if key.startswith("cell")] == ["cell"]


def test_a_phrase_is_tried_no_longer_than_its_first_two_or_three_words_start_a_key():
    lookup = AskedLookup({"small cell lung cancer": "SCLC", "small cell": "SC", "small": "S"})
    text = "a small molecule, a small cell tumour and small cell lung cancer"
    found = find_terms(text, lookup, max_words=8, lower=True)
    assert [(text[m.start:m.end], value) for m, value in found] == [
        ("small", "S"), ("small cell", "SC"), ("small cell lung cancer", "SCLC")]
    # "small molecule" starts no key, nor does "small cell tumour": only shorter ones asked
    assert [key for key in lookup.asked if key.startswith("small")] == [
        "small", "small cell", "small cell lung cancer"]


def test_two_words_are_tried_only_where_they_make_a_key_or_are_respelt_to_one():
    asked = []

    def no_hyphen(key):
        asked.append(key)
        return (key.replace("-", ""),) if "-" in key else ()

    symbols = {"EML4": "EML4", "ALK": "ALK", "HER2": "ERBB2"}
    text = "EML-4 and well-differentiated HER-2; ALK-positive, not EML-four."
    found = find_terms(text, symbols, max_words=2, respellings=no_hyphen, joiners="-")
    assert [(text[m.start:m.end], m.key) for m, _ in found] == [
        ("EML-4", "EML4"), ("HER-2", "HER2"), ("ALK", "ALK")]
    # a pair that is no key and respelt to none starts no phrase: it and its first word
    # are asked once each, to screen them, and not again as a phrase and a word
    assert [asked.count(key) for key in ("well-differentiated", "well", "EML-four", "EML")] == [
        1, 1, 1, 1]


def test_a_text_may_hold_a_match_only_with_a_word_the_pattern_needs():
    needed = required_words(r"\d+\s?years?\s?old")
    assert may_hold("a 63-year-old woman presented", needed)
    assert not may_hold("the tumour shrank after two cycles", needed)
    assert may_hold("any text", None)  # a pattern that needs no word


def test_what_is_computed_per_lookup_is_computed_once_for_each_lookup_object():
    computed = []

    @per_lookup
    def keys_upper(lookup):
        computed.append(lookup)
        return sorted(key.upper() for key in lookup)

    lexicon, equal_copy = {"alk": 1, "ros1": 2}, {"alk": 1, "ros1": 2}
    assert keys_upper(lexicon) == ["ALK", "ROS1"] and keys_upper(lexicon) == ["ALK", "ROS1"]
    assert keys_upper(equal_copy) == ["ALK", "ROS1"]  # another object: computed for it too
    assert [id(lookup) for lookup in computed] == [id(lexicon), id(equal_copy)]


def test_a_pattern_tried_at_the_runs_whose_key_is_wanted_finds_what_it_finds_alone():
    text = "An EML4-ALK and a KIF5B-RET fusion; ALK-positive, not EML4 alone."
    pair = re.compile(r"(?<![A-Za-z0-9])([A-Z0-9]+)-([A-Z0-9]+)(?![A-Za-z0-9])")
    runs = ascii_runs(text)
    found = matches_at_runs(pair, text, runs.starts, runs.gaps, {"-"})
    assert [m.group() for m in found] == [m.group() for m in pair.finditer(text)] == [
        "EML4-ALK", "KIF5B-RET"]
    assert matches_at_runs(pair, text, runs.starts, runs.gaps, {"::"}) == []


def test_a_run_may_start_a_match_when_it_is_closed_or_an_open_prefix_starts_it():
    from pipeline.tag.matching import ascii_runs, may_start, run_prefixes

    pattern = re.compile(r"(?<![A-Za-z0-9_])(?=\w)(?:\bat\s+the\s+last|\b[3-9]\d?%|\bon\s?set"
                         r"|\bx\.y)", re.IGNORECASE)
    prefixes = run_prefixes(pattern)
    # "on set" closes its run, "onset" leaves it open
    assert prefixes == ({"at", "on", "x"}, ("3", "4", "5", "6", "7", "8", "9", "onset"))
    text = ("At the last visit 35% and 5% shrank, not 25%; an onset at 2 sites, "
            "ON SET, x.y and xx.y, at theory, At the last, onsets, attic")
    runs = ascii_runs(text)
    passing = {runs.starts[index] for index in range(len(runs.printed))
               if list(may_start(prefixes, [runs.printed[index]], [runs.lowered[index]]))}
    # every match starts at a passing run; the runs no prefix starts do not pass
    assert {m.start() for m in pattern.finditer(text)} <= passing
    assert {text[start:start + 6] for start in passing} >= {"onsets", "At the"}
    assert list(may_start(prefixes, ["attic", "25", "xx", "ON"], ["attic", "25", "xx", "on"])
                ) == ["ON"]


def test_case_blind_forms_scanned_by_their_first_characters_match_as_before():
    forms = ["not", "no evidence of", "denies", "ruled out", "free of", "k-ras", "s"]
    before = re.compile(rf"(?<![\w-])(?:{trie_alternation(forms)})(?![\w-])", re.IGNORECASE)
    after = re.compile(first_scanned_forms(forms, r"[\w-]", case_blind=True) + r"(?![\w-])",
                       re.IGNORECASE)
    text = ("NOT seen; No Evidence Of disease, he DENIES pain, notably not-ruled out, "
            "ſ and ſo, Free of K-RAS or \u212a-ras, xnot, -not, éno evidence of, 'not', S.")
    found = [m.span() for m in after.finditer(text)]
    assert found == [m.span() for m in before.finditer(text)]
    assert [text[a:b] for a, b in found] == [
        "NOT", "No Evidence Of", "DENIES", "ſ", "Free of", "K-RAS", "\u212a-ras", "not", "S"]


def test_short_texts_do_not_push_a_document_s_runs_out_of_the_caches():
    document = "EML4-ALK fusion in a lung adenocarcinoma, treated with crizotinib. " * 4
    runs = ascii_runs(document)
    long_forms = [f"anaplastic lymphoma kinase {n}" for n in range(10)]
    assert [ascii_runs(form).printed for form in long_forms] == [
        ["anaplastic", "lymphoma", "kinase", str(n)] for n in range(10)]
    assert ascii_runs(document) is runs  # still remembered
    assert ascii_runs(long_forms[0]) == ascii_runs(long_forms[0])  # the same, made again


def test_a_value_handed_to_a_per_lookup_function_is_its_answer_for_that_lookup_only():
    calls = []

    @per_lookup
    def size(lookup):
        calls.append(lookup)
        return len(lookup)

    lookup, other = {"ALK": 1}, {"ALK": 1}
    size.remember(lookup, 5)  # as loaded from the lexicon cache
    assert size(lookup) == 5 and calls == []
    assert size(other) == 1 and calls == [other]


def test_spans_overlapping_a_stretch_are_those_a_scan_finds():
    import random

    from pipeline.tag.matching import SpanIndex

    # "EML4-ALK" and "ALK": a fusion and a gene inside it, then a drug after them
    spans = [(12, 20), (17, 20), (40, 51)]
    index = SpanIndex(spans)
    assert [index.overlaps(*stretch) for stretch in ((17, 20), (20, 25), (0, 12), (50, 60),
                                                     (21, 40), (11, 13))] == [
        True, False, False, True, False, True]
    chance = random.Random(18)
    for _ in range(300):
        spans = [(start, start + chance.randint(1, 9))
                 for start in (chance.randint(0, 60) for _ in range(chance.randint(0, 6)))]
        index = SpanIndex(spans)
        for start in range(0, 70, 3):
            end = start + chance.randint(1, 8)
            assert index.overlaps(start, end) == any(s < end and start < e for s, e in spans)


def test_a_text_s_shape_holds_its_ascii_characters_side_by_side_as_the_text_does():
    from pipeline.tag.matching import shape

    assert shape("CPX-351, ASP3062 é. x") == b"AAA-000  AAA0000     a"  # é: two bytes
    assert b"AA000" in shape("AZD9291") and b"AA000" not in shape("AZ\u03b19291")
    assert b"AA000" not in shape("AZ\ud8009291")  # a lone surrogate is no digit either
    rng = random.Random(18)
    pieces = list("AZaz09-. é\u03b1\U0001f600")
    for _ in range(2_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert (b"AA0" in shape(text)) == bool(re.search("[A-Z]{2}[0-9]", text)), text


def test_parts_one_of_which_each_form_holds():
    from pipeline.tag.matching import holding_parts

    assert holding_parts(["G-CSF", "GM-CSF", "rhG-CSF", "rhGM-CSF", "rhEPO", "rh-EPO"]) == (
        "CSF", "EPO")
    assert holding_parts(["7+3", "FLAG-IDA", "FLAG"]) == ("7", "FLAG")
    assert holding_parts(["a-b", "--"]) is None  # "--" holds no run to look for
    assert holding_parts([]) == ()


def test_a_text_none_of_whose_words_starts_a_key_holds_no_phrase():
    from pipeline.tag.matching import may_hold_terms

    assert may_hold_terms("Anaplastic lymphoma kinase (ALK)", NAMES, lower=True)
    assert not may_hold_terms("Anaplastic lymphoma kinase (ALK)", NAMES)  # printed case
    assert not may_hold_terms("lymphoma kinase, caveolins and vimentins-like", NAMES, lower=True)
    assert not may_hold_terms("Anaplastic kinase, caveolin one, echinoderm", NAMES, lower=True)
    assert may_hold_terms("Vımentin", NAMES, lower=True)  # beyond ASCII: find_terms reads it
    rng = random.Random(18)
    pieces = ["anaplastic", "Anaplastic", "lymphoma", "kinase", "caveolin", "1", "vimentin",
              "VIMENTIN", "echinoderm", "protein-like", " ", "-", "  ", "x", "İ", "\u212a"]
    for _ in range(5_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        for lower in (True, False):
            if not may_hold_terms(text, NAMES, lower=lower):
                assert find_terms(text, NAMES, max_words=4, lower=lower) == [], text


def test_matches_at_a_search_s_end_see_the_text_cut_there():
    from pipeline.tag.matching import matches_at

    word = re.compile(r"(?<![\w-])no(?![\w-])", re.IGNORECASE)
    text = "No one, nothing, no"
    # "no" of "nothing" is a whole word in a search ending after it, as in finditer's
    assert [m.span() for m in matches_at(word, text, [0, 8, 17], range(3), 10)] == [
        m.span() for m in word.finditer(text, 0, 10)] == [(0, 2), (8, 10)]
    assert [m.span() for m in matches_at(word, text, [0, 8, 17], range(3))] == [(0, 2), (17, 19)]
