"""Sentence starts: after sentence-final punctuation, and at paragraph breaks.

The punctuation rule is spaCy's sentencizer's (a sentence ends at one of its
``default_punct_chars``, and the next starts at the first token that is no punctuation),
read from the token arrays: the sentencizer builds a Token object per token, which cost
more than the rule.

spaCy's rule splits on punctuation only, so a title or heading without a full stop runs
into the next sentence ("Crizotinib resistance in EML4-ALK lung cancer Abstract We
report..."), and that whole run would be shown as a mention's evidence. A blank line
always starts a new sentence.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from pipeline.tag.context import set_sentences, token_columns

SENTENCE_END = -1  # SENT_START of a token inside a sentence (1: it starts one)


def members(values: numpy.ndarray, sorted_set: numpy.ndarray) -> numpy.ndarray:
    """Which ``values`` are in ``sorted_set`` (faster than ``numpy.isin`` on a small set)."""
    places = numpy.searchsorted(sorted_set, values)
    places[places == len(sorted_set)] = 0
    return sorted_set[places] == values


def punctuation_starts(orths: numpy.ndarray, punct: numpy.ndarray,
                       final_orths: numpy.ndarray) -> numpy.ndarray:
    """Indices of tokens after the first that start a sentence by spaCy's sentencizer
    rule: each token that is neither punctuation nor sentence-final (``orths`` in the
    sorted ``final_orths``) with a sentence-final token since the last such token."""
    final = members(orths, final_orths)
    cumulative = numpy.cumsum(final)
    ordinary = numpy.flatnonzero(~(final | punct))
    finals_before = numpy.zeros_like(ordinary)
    finals_before[1:] = cumulative[ordinary[:-1]]
    return ordinary[cumulative[ordinary] > finals_before]


def paragraph_starts(doc: Doc, orths: numpy.ndarray, space: numpy.ndarray) -> list[int]:
    """Indices of tokens that follow a whitespace token holding a blank line (read from
    the whitespace token's own string, by its ORTH hash)."""
    strings = doc.vocab.strings
    return [int(i) + 1 for i in numpy.flatnonzero(space[:-1]) if "\n\n" in strings[int(orths[i])]]


class SentenceSplitter:
    """spaCy component ``caselit_sentences``."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.final_orths = numpy.sort(numpy.array(
            [nlp.vocab.strings.add(char) for char in Sentencizer.default_punct_chars],
            dtype="uint64"))

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        columns = token_columns(doc)
        orths = columns[ORTH]
        starts = numpy.full((len(doc), 1), SENTENCE_END, dtype="int64")
        starts[0] = 1
        starts[punctuation_starts(orths, columns[IS_PUNCT].astype(bool), self.final_orths)] = 1
        starts[paragraph_starts(doc, orths, columns[IS_SPACE])] = 1
        doc.from_array([SENT_START], starts.astype("uint64"))
        set_sentences(doc, numpy.flatnonzero(starts[:, 0] == 1))
        return doc


@Language.factory("caselit_sentences", default_config={}, assigns=["token.is_sent_start"])
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(nlp, name)
