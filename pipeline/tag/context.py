"""The text around a mention that taggers weigh as evidence, and the parts that vouch for
nothing (out of scope: reference lists, affiliations, disclosures).

Shared by taggers that accept a weak form only with a cue word close by: a gene symbol
spelled like a word needs "mutation" or "fusion" near it, a brand name needs "treated"
or "mg" near it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import numpy
from spacy.attrs import IDX, LENGTH, ORTH, SENT_START, SPACY
from spacy.tokens import Doc

from pipeline.tag.tags import doc_text

CUE_REACH = 40  # characters either side of a weak form where a cue word vouches for it
OUT_OF_SCOPE = ("caselit", "out_of_scope")
SENTENCES = ("caselit", "sentences")
TOKEN_COLUMNS = ("caselit", "token_columns")
# what the components read of each token: its text's hash, where it starts, whether a
# space follows it (and its length, worked out from those: :func:`token_lengths`)
TOKEN_ATTRIBUTES = (ORTH, IDX, SPACY)


@dataclass
class Sentence:
    start: int
    end: int
    text: str


class Sentences(list):
    """A Doc's sentences in text order, and their start characters (``starts``), which
    :func:`sentence_at` bisects without a key function called at each step."""

    def __init__(self, sentences):
        super().__init__(sentences)
        self.starts = [sentence.start for sentence in self]


def token_columns(doc: Doc) -> dict[int, numpy.ndarray]:
    """The Doc's token columns (``TOKEN_ATTRIBUTES`` and ``LENGTH``, by attribute), read
    once for the components that read them: each ``Doc.to_array`` walks every token, and
    each attribute asked costs (a lexeme's length or flags the most). Tokens do not
    change once the Doc is made; sentence starts do, so they are not among them."""
    columns = doc.user_data.get(TOKEN_COLUMNS)
    if columns is None:
        array = (doc.to_array(list(TOKEN_ATTRIBUTES)) if len(doc)
                 else numpy.zeros((0, len(TOKEN_ATTRIBUTES)), dtype="uint64"))
        columns = dict(zip(TOKEN_ATTRIBUTES, numpy.ascontiguousarray(array.T)))
        columns[LENGTH] = token_lengths(columns[IDX], columns[SPACY], len(doc_text(doc)))
        doc.user_data[TOKEN_COLUMNS] = columns
    return columns


def token_lengths(starts: numpy.ndarray, spaces: numpy.ndarray, text_length: int
                  ) -> numpy.ndarray:
    """Each token's length (``LENGTH``): from its start to the next token's (the text's
    end), less its trailing space; a Doc's text is its tokens' texts, each followed by
    its space if it has one."""
    ends = numpy.empty_like(starts)
    if len(ends):
        ends[:-1], ends[-1] = starts[1:], text_length
    return ends - starts - spaces


def doc_sentences(doc: Doc) -> Sentences:
    """The Doc's sentences, computed once from its token arrays: ``Doc.sents`` builds a
    Token object per token each time it is walked. The sentence splitter sets them as it
    splits (:func:`set_sentences`)."""
    sentences = doc.user_data.get(SENTENCES)
    if sentences is None:
        sentences = set_sentences(doc, sentence_starts(doc))
    return sentences


def set_sentences(doc: Doc, first_tokens: numpy.ndarray) -> Sentences:
    """The Doc's sentences, from the indices of their first tokens (in order, 0 first)."""
    text = doc_text(doc)
    starts, ends = bounds_of(doc, first_tokens)
    sentences = doc.user_data[SENTENCES] = Sentences(
        Sentence(start, end, text[start:end]) for start, end in zip(starts, ends))
    return sentences


def sentence_starts(doc: Doc) -> numpy.ndarray:
    """Indices of the tokens that start a sentence, the first token always among them."""
    if not len(doc):
        return numpy.zeros(0, dtype="int64")
    first = numpy.flatnonzero(doc.to_array(SENT_START) == 1)
    return first if len(first) and first[0] == 0 else numpy.concatenate(([0], first))


def bounds_of(doc: Doc, first_tokens: numpy.ndarray) -> tuple[list[int], list[int]]:
    if not len(first_tokens):
        return [], []
    columns = token_columns(doc)
    last = numpy.append(first_tokens[1:], len(doc)) - 1
    return (columns[IDX][first_tokens].tolist(),
            (columns[IDX][last] + columns[LENGTH][last]).tolist())


def sentence_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end characters of the Doc's sentences (as ``Span.start_char/end_char``)."""
    return bounds_of(doc, sentence_starts(doc))


def sentence_at(sentences: Sentences, offset: int) -> Sentence | None:
    """The sentence holding ``offset``."""
    index = bisect.bisect_right(sentences.starts, offset) - 1
    if index >= 0 and sentences[index].start <= offset < sentences[index].end:
        return sentences[index]
    return None


def out_of_scope(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges the reader marked out of scope (set by ``pipeline.tag.tag``)."""
    return doc.user_data.get(OUT_OF_SCOPE, [])


def in_ranges(offset: int, ranges: list[tuple[int, int]]) -> bool:
    # most texts have no range out of scope: no generator to make for each mention
    return bool(ranges) and any(start <= offset < end for start, end in ranges)


def cue_window(text: str, start: int, end: int, sentence: Sentence | None = None) -> str:
    """The text around a mention: 40 characters either side, within its sentence and line,
    only its own cell in a table row (a table's cells are no evidence for each other), and
    without the mention itself."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    lo, hi = max(line_start, start - CUE_REACH), min(line_end if line_end != -1 else len(text),
                                                     end + CUE_REACH)
    if sentence is not None:
        lo, hi = max(lo, sentence.start), min(hi, sentence.end)
    cell_start, cell_end = text.rfind("\t", lo, start), text.find("\t", end, hi)
    lo, hi = cell_start + 1 if cell_start != -1 else lo, cell_end if cell_end != -1 else hi
    return f"{text[lo:start]} {text[end:hi]}"  # the mention itself is no evidence


def listed_beside(index: int, spans: list, accepted, text: str, joiner: re.Pattern) -> bool:
    """Whether ``spans[index]`` sits next to an accepted span (index in ``accepted``) with
    only a list joiner between them: "TPM3, TPM4", "cytarabine and GO"."""
    for neighbour in (index - 1, index + 1):
        if neighbour in accepted:
            a, b = sorted((spans[index], spans[neighbour]), key=lambda span: span.start)
            if joiner.match(text[a.end:b.start]):
                return True
    return False
