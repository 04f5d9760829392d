"""Sentence starts: spaCy's punctuation rule, read from token arrays, and paragraph breaks."""

import pytest
from spacy.pipeline import Sentencizer

from pipeline.tag.context import sentence_bounds
from pipeline.tag.nlp import complete_lexemes
from pipeline.tag.sentences import SentenceSplitter, starts_no_punctuation
from pipeline.tag.tags import make_doc

TEXTS = [
    "The tumour harboured an EML4-ALK fusion. Crizotinib was started! Did it respond? Yes.",
    'She said "it grew." Then (after two cycles.) it shrank... and stayed so?! End',
    "... leading dots, then words. 1. Numbered. e.g. an abbreviation. p.Gly1202Arg was found.",
    "No final punctuation at all",
    ". ! ?",
    "A sentence ends here.\nThe next line goes on",
    'It grew.) "Then" it shrank. 3 cycles followed.\n- a list item. \u00abQuoted\u00bb? \u2013 a dash',
]


def starts(doc):
    return [token.i for token in doc if token.is_sent_start]


@pytest.mark.parametrize("text", TEXTS)
def test_punctuation_starts_sentences_as_spacys_sentencizer_does(nlp, text):
    ours = SentenceSplitter(nlp, "caselit_sentences")(make_doc(nlp, text))
    # spaCy's reads its tokens' lexeme flags, which the tagger's vocabulary leaves unset
    spacys = Sentencizer()(complete_lexemes(make_doc(nlp, text), nlp))
    assert starts(ours) == starts(spacys)
    assert all(token.is_sent_start is not None for token in ours)  # every token decided


def test_a_blank_line_starts_a_sentence(nlp):
    text = "Crizotinib resistance in EML4-ALK lung cancer\n\nAbstract\n\nWe report a case."
    doc = SentenceSplitter(nlp, "caselit_sentences")(make_doc(nlp, text))
    bounds = list(zip(*sentence_bounds(doc)))
    assert [text[start:end].strip() for start, end in bounds] == [
        "Crizotinib resistance in EML4-ALK lung cancer", "Abstract", "We report a case."]
    # the blank line is inside a whitespace token, after a space or before one; a line of
    # spaces between two line ends is no blank line; nothing follows a text's last token
    text = "Case 1 \n\nCase 2\n\n Case 3\n \nstill 3\n\n"
    doc = SentenceSplitter(nlp, "caselit_sentences")(make_doc(nlp, text))
    assert [text[start:end].strip() for start, end in zip(*sentence_bounds(doc))] == [
        "Case 1", "Case 2", "Case 3\n \nstill 3"]


def test_an_empty_text_has_no_sentence(nlp):
    assert sentence_bounds(SentenceSplitter(nlp, "caselit_sentences")(make_doc(nlp, ""))) == ([], [])


@pytest.mark.parametrize("text", TEXTS + [
    "", " ", "  two spaces\n\n\n, a tab\tand \u00a0 a no-break space ", "ends in spaces  "])
def test_token_lengths_worked_out_from_starts_and_spaces_are_spacys(nlp, text):
    from spacy.attrs import LENGTH

    from pipeline.tag.context import token_columns

    doc = make_doc(nlp, text)
    assert token_columns(doc)[LENGTH].tolist() == [len(token) for token in doc]


def test_paragraphs_start_after_each_whitespace_token_holding_a_blank_line(nlp):
    """Found from the text's blank lines (several may overlap in one token), each asked
    which token it lies in: the same starts as asking every whitespace token."""
    splitter = SentenceSplitter(nlp, "caselit_sentences")
    for text in ("Case one\n\nCase two", "Case one \n\n\n Case two", "Case one\n\n",
                 "x.\n\n\n\ny \n \nz\n\n\tw"):
        doc = make_doc(nlp, text)
        expected = [token.i + 1 for token in doc[:-1] if token.text.isspace() and "\n\n" in token.text]
        assert starts(splitter(doc)) == sorted({0, *expected})


def test_a_token_starting_with_a_letter_digit_or_space_is_no_punctuation():
    import sys

    from spacy.lang.lex_attrs import is_punct

    assert starts_no_punctuation("W") and starts_no_punctuation("٣") and starts_no_punctuation("\n")
    assert not starts_no_punctuation('"') and not starts_no_punctuation("(")
    # the screen never hides punctuation: no character it passes is of punctuation's categories
    assert not any(starts_no_punctuation(character) and is_punct(character)
                   for character in map(chr, range(sys.maxunicode + 1)))
