import re

import pytest

from pipeline.read.cleanup import (any_of, cleanup_rules, is_citation, join_hyphenated,
                                   repair_glyphs)


@pytest.mark.parametrize("printed, repaired", [
    ("patients with ALKþ NSCLC", "patients with ALK+ NSCLC"),
    ("advanced ALK-positive (þ) lung cancer", "advanced ALK-positive (+) lung cancer"),
    ("a mass of 6.8\ufffd6.4 cm", "a mass of 6.8×6.4 cm"),
    ("a mass of 7.9\ufffd 5.3 cm", "a mass of 7.9×5.3 cm"),
    ("the ﬁrst and ﬂat", "the first and flat"),
    ("a dose ðmg/kgÞ", "a dose (mg/kg)"),
    ("þorn is a letter", "þorn is a letter"),
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


def test_the_glyph_repairs_are_tried_at_once_only_where_that_is_exact():
    joined = any_of([re.compile(r"(?<=\d)x(?=\d)"), re.compile(r"ð([^Þ]+)Þ")])
    assert joined.search("6x4") and joined.search("ðaÞ") and not joined.search("6 x 4")
    assert any_of([re.compile(r"(a)\1")]) is None  # its group would be renumbered
    assert any_of([re.compile("a"), re.compile("(?i)b")]) is None  # a flag mid-pattern
    assert cleanup_rules().any_repair is not None
    assert repair_glyphs("ALKþ and ðcrizotinibÞ, 6.8\ufffd6.4 cm") == "ALK+ and (crizotinib), 6.8×6.4 cm"
