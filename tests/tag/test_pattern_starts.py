"""Patterns whose look-behind follows their first character (so re scans for that
character) find what they found with the look-behind first: a match at a word's start,
none inside a word."""

from pipeline.tag.case_words import KARYOTYPE
from pipeline.tag.drugs import RESEARCH_CODE
from pipeline.tag.fusion_details import TRANSCRIPT


def found(pattern, text):
    return [m.group(0) for m in pattern.finditer(text)]


def test_karyotypes_at_a_word_start_only():
    assert found(KARYOTYPE, "47,XX at birth; karyotype 46,XY,t(9;22); later 45, X") == [
        "47,XX", "46,XY", "45, X"]
    assert found(KARYOTYPE, "a46,XY and 1,46,XX and 146,XY and _46,XY") == []


def test_research_codes_at_a_word_start_only():
    assert found(RESEARCH_CODE, "CPX-351 (ASP3062) then AZD9291.") == [
        "CPX-351", "ASP3062", "AZD9291"]
    assert found(RESEARCH_CODE, "xCPX-351, 5AB123, ABCDEF123, AB-CD123 and CD123-4") == []


def test_transcripts_at_a_word_start_only():
    assert found(TRANSCRIPT, "STRN (NM_003162.3) and NR_024180 in N_NM_000001") == [
        "NM_003162.3", "NR_024180"]
    assert found(TRANSCRIPT, "XNM_003162 and 1NM_003162 and _NM_003162") == []
