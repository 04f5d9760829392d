"""Sentence starts: spaCy's punctuation rule, read from token arrays, and paragraph breaks."""

import pytest
from spacy.pipeline import Sentencizer

from pipeline.tag.context import sentence_bounds
from pipeline.tag.sentences import SentenceSplitter
from pipeline.tag.tags import make_doc

TEXTS = [
    "The tumour harboured an EML4-ALK fusion. Crizotinib was started! Did it respond? Yes.",
    'She said "it grew." Then (after two cycles.) it shrank... and stayed so?! End',
    "... leading dots, then words. 1. Numbered. e.g. an abbreviation. p.Gly1202Arg was found.",
    "No final punctuation at all",
    ". ! ?",
    "A sentence ends here.\nThe next line goes on",
]


def starts(doc):
    return [token.i for token in doc if token.is_sent_start]


@pytest.mark.parametrize("text", TEXTS)
def test_punctuation_starts_sentences_as_spacys_sentencizer_does(nlp, text):
    ours = SentenceSplitter(nlp, "caselit_sentences")(make_doc(nlp, text))
    spacys = Sentencizer()(make_doc(nlp, text))
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
