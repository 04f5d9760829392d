"""What components write on a Doc: typed tags over character spans.

Span extensions in spaCy are keyed by character offsets only, so a gene and a fusion over
the same characters would share attributes; tags live in one Doc-level list instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Doc

from pipeline.schema import Fusion, MentionType, PatientDescriptor, Variant

EXTENSION = "caselit_tags"
TEXT_KEY = ("caselit", "text")
TAGS_KEY = ("caselit", "tags")


@dataclass(frozen=True)
class Tag:
    type: MentionType
    start: int
    end: int
    normalised: str | None
    rule: str
    fusion: Fusion | None = None
    variant: Variant | None = None
    patient: PatientDescriptor | None = None
    modifiers: tuple[str, ...] = ()  # what its context says of it (tag/modifiers.py)


def register_extension() -> None:
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


def doc_tags(doc: Doc) -> list[Tag]:
    """The Doc's tag list, created on first use. The extension holds it; the Doc's
    ``user_data`` holds the same list for the components, which ask for it often (each
    ``doc._`` builds an object)."""
    tags = doc.user_data.get(TAGS_KEY)
    if tags is None:
        register_extension()
        tags = doc._.get(EXTENSION)
        if tags is None:
            tags = []
            doc._.set(EXTENSION, tags)
        doc.user_data[TAGS_KEY] = tags
    return tags


def doc_text(doc: Doc) -> str:
    """The Doc's text, computed once: ``Doc.text`` rebuilds it from every token."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def make_doc(nlp, text: str) -> Doc:
    """The tokenized Doc, knowing its text: spaCy keeps the input text exactly, and
    ``Doc.text`` would rebuild it from every token."""
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    return doc


def add_tags(doc: Doc, tags: list[Tag]) -> None:
    doc_tags(doc).extend(tags)


def tags_of_type(doc: Doc, *types: str) -> list[Tag]:
    return [tag for tag in doc_tags(doc) if tag.type in types]


def resolved_genes(doc: Doc) -> list[Tag]:
    """Gene tags with a symbol: what fusions and variants may build on (a model's entity
    that no lexicon resolves is a gene mention without one)."""
    return [tag for tag in tags_of_type(doc, "gene") if tag.normalised is not None]


class TextTagger:
    """A component that adds to the Doc the tags a function finds in its text.

    The function holds the algorithm (and any lexicon, bound when the component is
    built); the component only wires it into the pipeline.
    """

    def __init__(self, name: str, find: Callable[[str], list[Tag]]):
        self.name = name
        self.find = find

    def __call__(self, doc: Doc) -> Doc:
        add_tags(doc, self.find(doc_text(doc)))
        return doc


def remove_tags(doc: Doc, unwanted: Callable[[Tag], bool]) -> None:
    """Drop the tags a later component shows to be something else (an exon notation
    "H6::A20" is no gene)."""
    doc_tags(doc)[:] = [tag for tag in doc_tags(doc) if not unwanted(tag)]
