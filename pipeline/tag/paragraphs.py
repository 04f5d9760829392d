"""Sentence starts at paragraph breaks.

spaCy's sentencizer splits on punctuation only, so a title or heading without a full stop
runs into the next sentence ("Crizotinib resistance in EML4-ALK lung cancer Abstract We
report..."), and that whole run would be shown as a mention's evidence. A blank line
always starts a new sentence.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


def paragraph_starts(doc: Doc) -> list[int]:
    """Indices of tokens that follow a whitespace token holding a blank line."""
    return [token.i + 1 for token in doc[:-1] if token.is_space and "\n\n" in token.text]


@Language.component("caselit_paragraphs", requires=["token.is_sent_start"],
                    assigns=["token.is_sent_start"])
def mark_paragraph_starts(doc: Doc) -> Doc:
    for index in paragraph_starts(doc):
        doc[index].is_sent_start = True
    return doc
