import random
import re

from pipeline.read.text import (EMPHASIS, FLATTENED_AFTER_ET_AL, FLATTENED_AFTER_PARENTHESIS,
                                FLATTENED_AFTER_PUNCTUATION, FLATTENED_AFTER_WORD,
                                FLATTENED_AT_DIGIT, UNICODE_RAISED, TextWords, clean_text,
                                is_hard_wrapped, last_word)
from pipeline.read.textmap import assemble


def cleaned(text):
    return assemble(clean_text(text))[0]


def test_markup_and_marked_up_citations_are_removed():
    text = "Given the *STRN::ALK* fusion with CNS disease.^{5,6} **B.** Blasts at 4×10^{-5}."
    assert cleaned(text) == "Given the STRN::ALK fusion with CNS disease. B. Blasts at 4×10^-5."


def test_unicode_superscript_citations_go_and_units_stay():
    assert cleaned("driver in NSCLC.¹ Doses of 75 mg/m² were given.⁹⁻¹¹ ¹Department") == (
        "driver in NSCLC. Doses of 75 mg/m² were given. Department")


def test_flattened_citation_numbers_are_removed_where_unambiguous():
    text = ("survival rate of 70%.2 Although most respond, Lee et al4 found that (e.g., "
            "brigatinib)4 and others failed. It was detected in 2007.2 ALK")
    assert cleaned(text) == ("survival rate of 70%. Although most respond, Lee et al found that "
                             "(e.g., brigatinib) and others failed. It was detected in 2007.2 ALK")


def test_citation_ranges_glued_to_a_long_word_or_after_a_sentence_are_removed():
    text = ("Copy number amplification20,21 was seen in relapse.3-5 Short words like ALK12 "
            "keep their digits, as does exon 19.")
    assert cleaned(text) == ("Copy number amplification was seen in relapse. Short words like "
                             "ALK12 keep their digits, as does exon 19.")


def test_a_coding_change_keeps_its_position_and_a_kept_line_break_joins_its_word():
    # "c.419" is an HGVS prefix and its position, not a word with a citation number
    assert cleaned("IDH2 mutation (c.419 G > A) was found.") == "IDH2 mutation (c.419 G > A) was found."
    # a non-breaking hyphen then a space inside a lower-case word: a line break a copy
    # kept; other non-breaking hyphens are hyphens
    assert cleaned("disease pro\u2011 gression in a 23\u2011year\u2011old") == (
        "disease progression in a 23-year-old")


WRAPPED = "\n".join([
    "Thirteen weeks after starting crizotinib, the pa-",
    "tient underwent a myeloablative stem cell transplant",
    "and received cells from a fully matched donor. Crizo-",
    "tinib was stopped a day before the conditioning regi-",
    "men of cyclophosphamide. The EML4-",
    "ALK fusion, a first- and second-line failure, and a",
    "non-small cell lung cancer in a non-",
    "small cell patient were all discussed at length here.",
    " Discussion",
    "Preclinical data have shown that ALK tyrosine kinase",
    "activity is essential to the survival of ALK+ cells in",
    "culture and in mice that carry the fusion transcript. In posttransplant lym-",
    "",
    "phoma the same holds, as shown in the mice of that study.",
])


def test_hard_wrapped_paragraphs_are_unwrapped_with_hyphen_joins():
    assert is_hard_wrapped(WRAPPED.split("\n"))
    text = cleaned(WRAPPED)
    assert text.startswith("Thirteen weeks after starting crizotinib, the patient underwent a "
                           "myeloablative stem cell transplant and received cells from a fully "
                           "matched donor. Crizotinib was stopped a day before the conditioning "
                           "regimen of cyclophosphamide. The EML4-ALK fusion, a first- and "
                           "second-line failure, and a non-small cell lung cancer in a non-small")
    assert "\n Discussion\nPreclinical data" in text  # a heading keeps its own line
    assert text.endswith("transcript. In posttransplant lymphoma the same holds, as shown in "
                         "the mice of that study.")  # a page break mid-word is joined


def test_one_paragraph_per_line_text_is_not_unwrapped():
    text = "Abstract\nA long paragraph that ends properly.\nCase\tAge\n1\t8\n"
    assert not is_hard_wrapped(text.split("\n")) and cleaned(text) == text


def test_the_source_map_points_back_into_the_file():
    raw = "Given the *STRN::ALK* fusion.^{5,6} Lorlatinib worked."
    text, spans = assemble(clean_text(raw))
    offset = text.index("Lorlatinib")
    span = next(s for s in spans if s.start <= offset < s.end)
    assert raw[span.source_start + offset - span.start:].startswith("Lorlatinib")


def test_a_word_split_at_a_line_end_is_found_by_its_letters_and_digits():
    assert last_word("the EML4") == "EML4" and last_word("non") == "non"
    assert last_word("(e.g.") == "" and last_word("") == "" and last_word("café") == ""


def test_a_word_of_a_text_is_told_where_it_occurs():
    words = TextWords("Non-small cells, and EML4-ALK; a--b x-1-y")
    assert "non-small" in words and "cells" in words and "small" not in words
    assert "eml" in words and "alk" in words and "a" in words and "b" in words
    assert "y" in words and "next-generation" not in words and "cells," not in words
    # the same answers as cutting the text into its words
    chance = random.Random(67)
    asked = ["a", "b", "ab", "ba", "a-b", "b-a", "ab-ba", "aba", "a b", "", "-a", "x"]
    for _ in range(3000):
        text = "".join(chance.choice(["a", "b", "ab", "-", "--", " ", "1", "X", "é", "a-b"])
                       for _ in range(chance.randrange(15)))
        cut = set(re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()))
        assert [word in TextWords(text) for word in asked] == [word in cut for word in asked]


def spans(pattern, text, group=0):
    return [match.span(group) for match in pattern.finditer(text)]


def test_the_marks_patterns_find_what_their_look_behind_first_forms_find():
    # the forms before they were rewritten to start with what re scans for quickly
    emphasis = re.compile(r"(?<![\w*\\])(\*\*|\*)(?=[^\s*])([^*^{}\n]+?)(?<=[^\s*])\1(?![\w*])")
    et_al = re.compile(r"(?<=\bet al)\.?\d{1,3}(?:[,–-]\d{1,3})*(?=\s)")
    raised = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+(?:[,–-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*")
    chance = random.Random(18)
    pieces = ["*", "**", "\\", "a", "B", " ", "\n", "et al", ".", "1", "23", ",", "–", "-", ")",
              "%", ";", "c.", "amplification", "(e.g. x)", "b)4 ", "\t", "¹", "²³", "⁻", "٣", "^", "{"]
    texts = ["*STRN::ALK* and **B.** but a*b*c \\*x*", "Lee et al.12 found, et al4 and et al"] + [
        "".join(chance.choice(pieces) for _ in range(chance.randrange(60))) for _ in range(3000)]
    for text in texts:
        assert [(m.span(), m.groups()) for m in EMPHASIS.finditer(text)] == [
            (m.span(), m.groups()) for m in emphasis.finditer(text)]
        assert spans(FLATTENED_AFTER_ET_AL, text, 1) == spans(et_al, text)
        assert spans(UNICODE_RAISED, text) == spans(raised, text)
        # the three digit-first patterns in one scan: each of their numbers, once
        assert spans(FLATTENED_AT_DIGIT, text) == sorted(
            spans(FLATTENED_AFTER_PUNCTUATION, text) + spans(FLATTENED_AFTER_WORD, text)
            + spans(FLATTENED_AFTER_PARENTHESIS, text))
