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

from typing import Callable

import numpy
from spacy.attrs import IDX, LENGTH, ORTH, SENT_START
from spacy.lang.lex_attrs import is_punct  # the lexeme's IS_PUNCT, which spaCy computes so
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from pipeline.tag.context import set_sentences, token_columns
from pipeline.tag.tags import doc_text

SENTENCE_END = -1  # SENT_START of a token inside a sentence (1: it starts one)
BLANK_LINE = "\n\n"


def members(values: numpy.ndarray, sorted_set: numpy.ndarray) -> numpy.ndarray:
    """Which ``values`` are in ``sorted_set`` (faster than ``numpy.isin`` on a small set)."""
    places = numpy.searchsorted(sorted_set, values)
    places[places == len(sorted_set)] = 0
    return sorted_set[places] == values


def punctuation_starts(final: numpy.ndarray, is_punct: Callable[[int], bool]) -> list[int]:
    """Indices of tokens that start a sentence by spaCy's sentencizer rule: each token that
    is neither punctuation (``is_punct`` of its index) nor sentence-final (``final``) with a
    sentence-final token since the last such token, that is the first such token after
    each sentence-final one. Only the tokens right after those are asked whether they are
    punctuation (a lexeme flag, which spaCy would compute for every new word and
    ``to_array`` read for every token)."""
    starts: list[int] = []
    reached = 0  # the tokens before it are walked past
    finals = numpy.flatnonzero(final).tolist()
    final_set, count = set(finals), len(final)  # not an array's element by element
    for index in finals:
        if index < reached:
            continue
        reached = index + 1
        while reached < count and (reached in final_set or is_punct(reached)):
            reached += 1
        if reached < count:
            starts.append(reached)
    return starts


def starts_no_punctuation(character: str) -> bool:
    """Whether a token starting with ``character`` is surely no punctuation (``is_punct``:
    every character of punctuation's categories): a letter, digit or space is none, and
    most tokens after a full stop start with one."""
    return character.isalnum() or character.isspace()


def paragraph_starts(text: str, starts: numpy.ndarray, lengths: numpy.ndarray) -> list[int]:
    """Indices of tokens that follow a whitespace token holding a blank line (a token
    before the last): found from the text's blank lines, each of which lies in one token
    or across two."""
    found: list[int] = []
    at = text.find(BLANK_LINE)
    while at != -1:
        # ``at`` as the starts' type: numpy would cast every start to a float to compare
        index = int(numpy.searchsorted(starts, starts.dtype.type(at), side="right")) - 1
        token_start = int(starts[index])
        token = text[token_start:token_start + int(lengths[index])]
        if (at + len(BLANK_LINE) <= token_start + len(token) and token.isspace()
                and index + 1 < len(starts)):
            found.append(index + 1)
        at = text.find(BLANK_LINE, at + 1)
    return found


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
        columns, text = token_columns(doc), doc_text(doc)
        token_starts, lengths = columns[IDX], columns[LENGTH]

        def token_is_punct(index: int) -> bool:
            start = int(token_starts[index])
            return not starts_no_punctuation(text[start]) and is_punct(
                text[start:start + int(lengths[index])])

        first_tokens = numpy.array(sorted({
            0, *punctuation_starts(members(columns[ORTH], self.final_orths), token_is_punct),
            *paragraph_starts(text, token_starts, lengths)}), dtype="int64")
        starts = numpy.full((len(doc), 1), SENTENCE_END, dtype="int64")
        starts[first_tokens] = 1
        doc.from_array([SENT_START], starts.astype("uint64"))
        set_sentences(doc, first_tokens)
        return doc


@Language.factory("caselit_sentences", default_config={}, assigns=["token.is_sent_start"])
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter(nlp, name)
