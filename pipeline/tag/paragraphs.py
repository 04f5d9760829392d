"""Sentence starts at paragraph breaks.

spaCy's sentencizer splits on punctuation only, so a title or heading without a full stop
runs into the next sentence ("Crizotinib resistance in EML4-ALK lung cancer Abstract We
report..."), and that whole run would be shown as a mention's evidence. A blank line
always starts a new sentence.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.tag.tags import doc_text


def paragraph_starts(doc: Doc) -> list[int]:
    """Indices of tokens that follow a whitespace token holding a blank line (read from
    the token arrays: a Token object per token costs more than the search)."""
    text = doc_text(doc)
    array = doc.to_array([IS_SPACE, IDX, LENGTH])
    return [int(i) + 1 for i in numpy.flatnonzero(array[:-1, 0])
            if "\n\n" in text[array[i, 1]:array[i, 1] + array[i, 2]]]


@Language.component("caselit_paragraphs", requires=["token.is_sent_start"],
                    assigns=["token.is_sent_start"])
def mark_paragraph_starts(doc: Doc) -> Doc:
    for index in paragraph_starts(doc):
        doc[index].is_sent_start = True
    return doc
