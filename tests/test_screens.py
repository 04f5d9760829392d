"""A screened pattern finds what the pattern finds: the same matches, spans and groups, in
any stretch of a text."""

import random
import re
from re import _parser as sre_parser

from pipeline.assemble.story import story_rules
from pipeline.assemble.timeline import STEP_BREAKS, therapy_rules
from pipeline.read.cleanup import cleanup_rules
from pipeline.screens import (Screened, needed_character, screened_if_slow, second_characters,
                              start_screened)

SENTENCES = [
    "After progression on carboplatin, she then received osimertinib; PR followed by PD.",
    "To our knowledge, THIS CASE HIGHLIGHTS the value of NGS → crizotinib -> lorlatinib.",
    "In conclusion, the patient was switched to alectinib and he received radiotherapy.",
    # letters re folds onto ASCII case-blind: the long s and the kelvin sign
    "Ϲaſe 2: the ſecond patient, and \u212aRAS; ſhe was treated with \u212a-ras inhibitors.",
    "",
]


def same_finds(screened: Screened, text: str, start: int, end: int) -> None:
    pattern = screened.pattern
    plain, found = pattern.search(text, start, end), screened.search(text, start, end)
    assert (plain and (plain.span(), plain.groups())) == (found and (found.span(), found.groups()))
    assert [(m.span(), m.groups()) for m in pattern.finditer(text, start, end)] == [
        (m.span(), m.groups()) for m in screened.finditer(text, start, end)]


def test_a_case_blind_pattern_finds_letters_folding_onto_its_first_ones():
    pattern = re.compile(r"\b(?:she|kras)\b", re.IGNORECASE)
    assert Screened(pattern).screen is not None
    text = SENTENCES[3]
    assert Screened(pattern).search(text, text.index(";")).group() == "ſhe"
    assert [m.group() for m in Screened(pattern).finditer(text)] == ["\u212aRAS", "ſhe"]


def test_a_stretch_cut_short_ends_a_match_as_the_pattern_does():
    # "then" ends the stretch: \b holds at its end, as it does for the plain pattern
    pattern = re.compile(r"\bthe\b", re.IGNORECASE)
    text = SENTENCES[0]
    end = text.index("then") + 3
    assert Screened(pattern).search(text, 0, end).span() == (end - 3, end)
    assert Screened(pattern).search(text, 0, end - 1) is None


def test_a_word_is_found_after_any_character_its_look_behind_allows():
    # case-sensitive: "X" after a capital is a match, after a small letter none
    pattern = re.compile(r"(?<![a-z])X\w")
    text = "aXy AXy _Xy Xy"
    same_finds(Screened(pattern), text, 0, len(text))
    assert [m.start() for m in Screened(pattern).finditer(text)] == [5, 9, 12]
    assert Screened(pattern).search(text, 5).start() == 5  # at the stretch's start


def test_a_stretch_without_a_character_every_match_holds_finds_none():
    # "(" is in every notation; the letters before it are no such character (case-blind)
    pattern = re.compile(r"\b(?:t|inv)\((?P<chromosomes>\d+;\d+)\)", re.IGNORECASE)
    assert Screened(pattern).required == "("
    assert Screened(re.compile(r"\b(?:t|inv)\b", re.IGNORECASE)).required is None
    text = "with INV(3;3) and t(9;22) translocation, the inv and t of it"
    for start, end in ((0, len(text)), (0, 8), (5, 13), (14, 25), (26, len(text))):
        same_finds(Screened(pattern), text, start, end)
    assert [m.group("chromosomes") for m in Screened(pattern).finditer(text)] == ["3;3", "9;22"]
    assert Screened(pattern).search(text, 0, 8) is None  # "(" but not its match
    assert list(Screened(pattern).finditer(text, 26)) == []


def test_a_pattern_that_may_match_nothing_is_not_screened():
    assert Screened(re.compile(r"\s*")).screen is None
    assert Screened(re.compile(r"(?:a|b?)c?")).screen is None
    assert Screened(re.compile(r".x")).screen is None  # any character may start it


def test_every_rule_pattern_finds_what_it_finds_plainly():
    rules = [story_rules(), therapy_rules()]
    patterns = [STEP_BREAKS] + [value for rule in rules for value in vars(rule).values()
                                if isinstance(value, Screened)]
    chance = random.Random(18)
    letters = "abcdehilnorstwy ,.;:()-→\nſ\u212aĿİıTHEW0123"
    texts = SENTENCES + [" ".join(SENTENCES)] + [
        "".join(chance.choice(letters) for _ in range(400)) for _ in range(20)]
    for pattern in patterns:
        assert pattern.screen is not None  # each starts with a few characters
        for text in texts:
            for _ in range(20):
                start = chance.randint(0, len(text))
                same_finds(pattern, text, start, chance.randint(start, len(text)))


def test_a_start_screened_pattern_matches_where_the_pattern_does_and_fails_at_other_starts():
    pattern = re.compile(r"^\(|^US\$|^(?i:k)g")
    screened = start_screened(pattern)
    for word in ("(EGFR", "US$5", "kg", "Kg", "\u212ag", "cells", "5mg", "", "u"):
        assert (screened.match(word) and screened.match(word).span()) == (
            pattern.search(word) and pattern.search(word).span()), word
    assert start_screened(re.compile(r"^\w*,")) is None  # may start with any word character


def test_a_screen_gives_up_a_start_whose_next_character_no_match_can_hold():
    # "th" of "then" and "the", "sh" of "she": a match's second character is an h (in
    # either case, or beyond ASCII), never the "o" after the "t" of "to"; a pattern with a
    # match of one character, or any character second, has no second characters
    pattern = re.compile(r"\b(?:the|then|she)\b", re.IGNORECASE)
    parsed = lambda p: sre_parser.parse(p.pattern, p.flags).data
    assert set(second_characters(parsed(pattern))) == set("hH")
    assert second_characters(parsed(re.compile(r"\s*(?:→|;|then)"))) is None  # ";" alone
    assert set(second_characters(parsed(re.compile(r",\s*(?:and|or)\b")))) == set(r"\saAoO")
    assert set(second_characters(parsed(re.compile(r"(?:ab)?cd")))) == set("bBdD")
    assert second_characters(parsed(re.compile(r"a.b"))) is None  # any character second
    assert Screened(pattern).screen.search("to go tHe").start() == 6
    text = "Then ſhe, tHEN to toe: \u212athe"
    same_finds(Screened(pattern), text, 0, len(text))
    assert [m.group() for m in Screened(pattern).finditer(text)] == ["Then", "ſhe", "tHEN"]


def test_only_a_pattern_starting_with_a_look_around_or_boundary_is_screened_if_slow():
    assert isinstance(screened_if_slow(re.compile(r"(?<=\bet al)\.?\d")), Screened)
    assert isinstance(screened_if_slow(re.compile(r"\bcase\b")), Screened)
    plain = re.compile(r"\ufb01")  # re scans for its first character itself
    assert screened_if_slow(plain) is plain
    assert screened_if_slow(re.compile("")).pattern == ""


def test_the_text_readers_screened_patterns_find_what_they_find_plainly():
    finders = [repair.finder for repair in cleanup_rules().glyph_repairs
               if isinstance(repair.finder, Screened)]
    assert len(finders) == 3  # those starting with a look-behind
    chance = random.Random(15)
    letters = "aelt ,.;:()-*\\\n0123þð\u2011\ufffdÞAZ9"
    texts = ["as Lee et al.12 found", "ALKþ NSCLC and (þ)", "6.8\ufffd6.4 cm", "pro\u2011 gression",
             "**B.** and *STRN::ALK* but a*b*c", ""] + [
        "".join(chance.choice(letters) for _ in range(400)) for _ in range(40)]
    for finder in finders:
        for text in texts:
            same_finds(finder, text, 0, len(text))


def test_a_needed_character_is_one_every_match_of_a_case_sensitive_pattern_takes():
    assert needed_character(re.compile(r"(?<=[A-Z(])þ(?=[\s),]|$)")) == "þ"  # not the "("
    assert needed_character(re.compile(r"t\((\d+);(\d+)\)")) == "t"  # none beyond ASCII
    assert needed_character(re.compile(r"ð([^Þ]{1,4})Þ")) == "ð"
    assert needed_character(re.compile(r"(?:ab)+\u2011")) == "\u2011"
    assert needed_character(re.compile(r"x?\d")) is None  # the x may be left out
    assert needed_character(re.compile(r"a|b")) is None  # either, neither needed
    assert needed_character(re.compile(r"k", re.IGNORECASE)) is None  # "\u212a" matches too
    assert needed_character(re.compile(r"(?i:k)-(?i:s)")) == "-"


def test_places_of_a_part_are_where_it_starts_wholly_inside_the_stretch_asked():
    from pipeline.screens import places_of

    text = "c.413-2055 and c.3173-193; a g.123 in the cc.5"
    assert list(places_of(text, "c.")) == [0, 15, 43]
    assert list(places_of(text, "c.", 1, 16)) == []  # "c." at 15 ends past 16
    assert list(places_of(text, "c.", 1, 17)) == [15]
    assert list(places_of("aaaa", "aa")) == [0, 1, 2]  # overlapping, as a scan sees them
