import re

import pytest

from pipeline.read.cleanup import (GlyphRepair, any_needed, cleanup_rules, is_citation,
                                   join_hyphenated, repair_glyphs)


@pytest.mark.parametrize("printed, repaired", [
    ("patients with ALKþ NSCLC", "patients with ALK+ NSCLC"),
    ("advanced ALK-positive (þ) lung cancer", "advanced ALK-positive (+) lung cancer"),
    ("a mass of 6.8\ufffd6.4 cm", "a mass of 6.8×6.4 cm"),
    ("a mass of 7.9\ufffd 5.3 cm", "a mass of 7.9×5.3 cm"),
    ("the ﬁrst and ﬂat", "the first and flat"),
    ("a dose ðmg/kgÞ", "a dose (mg/kg)"),
    ("þorn is a letter", "þorn is a letter"),
    # a publisher's Unicode hyphens are hyphens; a non-breaking one before a space is a
    # line break kept
    ("a 58\u2010year\u2010old with EML4\u2011ALK", "a 58-year-old with EML4-ALK"),
    ("pro\u2011 gression", "progression"),
])
def test_glyphs_are_repaired_only_where_the_context_shows_what_they_stand_for(printed, repaired):
    assert repair_glyphs(printed) == repaired


@pytest.mark.parametrize("raised, before, citation", [
    ("1", "lung cancer (NSCLC).", True),
    ("5,6", "fusion.", True),
    ("9–11", "targets ALK.", True),
    ("[18-23]", "was used first.", True),
    ("1*", "Leora Boussi", True),
    ("-5", "detected at 4×10", False),
    ("5", "at 4×10", False),
    ("2", "(75 mg/m", False),
    ("2", "patients (n = 12).", True),
])
def test_citation_marks_are_told_from_exponents(raised, before, citation):
    assert is_citation(raised, before) is citation


@pytest.mark.parametrize("left, right, joint", [
    ("rearrange", "ment", ""),
    ("Crizo", "tinib", ""),
    ("EML4", "ALK", "-"),
    ("FLAG", "IDA", "-"),
    ("non", "small", "-"),  # "non-small" is written elsewhere in the document
    ("first", "and", "- "),
    ("anti", "PD", "-"),
])
def test_line_end_hyphens(left, right, joint):
    assert join_hyphenated(left, right, {"non-small", "anaplastic"}) == joint


def test_a_glyph_repair_is_tried_only_on_a_text_holding_the_character_it_needs():
    needs = [repair.needs for repair in cleanup_rules().glyph_repairs]
    assert needs[:3] == ["þ", "\ufffd", "ð"]  # the first glyph each pattern takes
    assert GlyphRepair.of(re.compile(r"ð([^Þ]+)Þ"), "(\\1)").needed_in("a ðdoseÞ")
    assert not GlyphRepair.of(re.compile(r"(?<=\d)x(?=\d)"), "×").needed_in("6 by 4")
    assert GlyphRepair.of(re.compile(r"(?i)x"), "").needed_in("")  # case-blind: none known
    assert repair_glyphs("ALKþ and ðcrizotinibÞ, 6.8\ufffd6.4 cm") == "ALK+ and (crizotinib), 6.8×6.4 cm"
    assert repair_glyphs("no glyph to repair") == "no glyph to repair"


def test_a_word_holding_no_character_a_repair_needs_is_passed_over_in_one_search():
    rules = cleanup_rules()
    assert rules.any_needed.search("the ﬁrst") and not rules.any_needed.search("the first")
    case_blind = GlyphRepair.of(re.compile(r"(?i)x"), "")
    assert any_needed(rules.glyph_repairs + (case_blind,)) is None  # it may apply anywhere
