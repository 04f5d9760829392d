"""Tag stage: :class:`~pipeline.schema.Document` -> :class:`~pipeline.schema.Mention` list.

Front doors: :func:`tag` and :func:`tagger_fingerprint` (what decides reprocessing).
Components are spaCy factories (``caselit_genes``, ``caselit_variants``...) built from
``default.cfg``; each writes typed tags on the Doc, turned here into mentions with
their sentence, page and section.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pipeline import __version__
from pipeline.schema import Document, Mention, Section
from pipeline.settings import Settings, get_settings

_build_lock = threading.Lock()
_call_lock = threading.Lock()
MENTION_FIELDS = frozenset(Mention.model_fields)
# The set of fields every unchecked mention was given (all of them), shared: pydantic only
# adds to it a field assigned, which is in it already, and copies it for a model's copy. One
# set per mention cost a tenth of making the mentions (built, then walked by every
# collection of the young objects).
ALL_MENTION_FIELDS_SET = set(MENTION_FIELDS)


@lru_cache(maxsize=4)
def _load(config_path: str | None, settings: Settings):
    """(the tagger, its components in order): spaCy's ``nlp.pipeline`` formats an error
    message each time it is read (30 us a document, 0.5% of tagging the bench texts)."""
    from pipeline.tag.nlp import build_nlp

    nlp = build_nlp(config_path)
    return nlp, tuple(component for _, component in nlp.pipeline)


def load_tagger(config_path: str | Path | None = None):
    """The process-wide tagger for a config and the current settings (built once each:
    loading the lexicons takes about a second). Its vocabulary gives new words only the
    lexeme attributes the components read (``pipeline.tag.nlp.READ_LEXEME_ATTRIBUTES``);
    :func:`tag_with_doc` hands out Docs with all of them."""
    return _loaded(config_path)[0]


def _loaded(config_path: str | Path | None):
    with _build_lock:
        return _load(str(config_path) if config_path else None, get_settings())


def tagger_fingerprint(config_path: str | Path | None = None) -> str:
    """Hash of pipeline version, rule files, reference data, config and PDF engine.

    Cheap (no spaCy import): a run that has nothing to do decides so from this.
    """
    from pipeline.lexicons import lexicons_digest
    from pipeline.resources import resources_digest

    if config_path:
        config = Path(config_path).read_text(encoding="utf-8")
    else:
        from importlib import resources

        config = resources.files("pipeline.tag").joinpath("default.cfg").read_text(encoding="utf-8")
    digest = hashlib.sha256()
    settings = get_settings()
    for part in (__version__, resources_digest(), lexicons_digest(), config,
                 settings.pdf_engine, *ner_model_identities(settings.ner_models)):
        digest.update(part.encode())
    return digest.hexdigest()[:16]


def ner_model_identities(models: tuple[str, ...]) -> list[str]:
    """What identifies each configured NER model: its name and, for a model folder, its
    meta.json (retraining into the same folder changes it)."""
    identities = []
    for model in models:
        meta = Path(model).expanduser() / "meta.json"
        identities.append(model + (meta.read_text(encoding="utf-8") if meta.is_file() else ""))
    return identities


def stripped_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """A sentence's bounds without surrounding whitespace, so the mention's offset in its
    sentence is simply ``mention.start - mention.sentence_start``."""
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        return start, end  # most sentences: nothing to strip, no copy of them made
    raw = text[start:end]
    return start + len(raw) - len(raw.lstrip()), end - (len(raw) - len(raw.rstrip()))


class SectionBounds(NamedTuple):
    """What the evidence shown for a mention asks of its section, read once per section
    (each read of a pydantic model's field goes through its attribute hook): its edges,
    where its heading line ends (-1 without one), whether it is a table."""

    start: int
    end: int
    heading_end: int
    table: bool


def section_bounds(text: str, section: Section | None) -> SectionBounds | None:
    if section is None:
        return None
    start, end = section.start, section.end
    return SectionBounds(start, end, text.find("\n", start, end) if section.heading else -1,
                         section.kind == "table")


def evidence_within(text: str, section: SectionBounds | None, sentence: tuple[int, int],
                    offset: int) -> tuple[int, int]:
    """The text a curator is shown for a mention at ``offset``: its sentence (its
    :func:`stripped_bounds`), never past its section's edges (``section``: its
    :func:`section_bounds`) nor into the heading line above it; in a table, its row."""
    start, end = sentence
    if section is not None:
        start, end = max(start, section.start), min(end, section.end)
        if start <= section.heading_end < offset:
            start = section.heading_end + 1
        if section.table:
            start = max(start, text.rfind("\n", 0, offset) + 1)
            line_end = text.find("\n", offset)
            end = min(end, line_end if line_end != -1 else len(text))
    if (start, end) == sentence:
        return sentence  # stripped already: most mentions' sentences are shown whole
    return stripped_bounds(text, start, end)


def same_within(section: SectionBounds | None, sentence: tuple[int, int]) -> bool:
    """Whether :func:`evidence_within` gives every offset of ``sentence`` in ``section`` (its
    :func:`section_bounds`) the same bounds: outside a table, with no heading line ending
    inside the sentence's part in the section (the only two things that ask where the
    mention is)."""
    if section is None:
        return True
    return not section.table and section.heading_end < max(sentence[0], section.start)


def tag(document: Document, config_path: str | Path | None = None) -> list[Mention]:
    """Every mention in the document, sorted by position, with its provenance."""
    return tagged(document, config_path)[1]


def tag_with_doc(document: Document, config_path: str | Path | None = None):
    """(the tagged spaCy Doc, the mentions of :func:`tag`): for the Python API."""
    from pipeline.tag.nlp import complete_lexemes

    doc, mentions = tagged(document, config_path)
    with _call_lock:  # the lexemes are the tagger's vocabulary's, shared with other calls
        return complete_lexemes(doc, load_tagger(config_path)), mentions


def tagged(document: Document, config_path: str | Path | None = None):
    """(the tagged spaCy Doc, whose lexemes hold only what the tagger reads, the mentions)."""
    from pipeline.tag.context import OUT_OF_SCOPE
    from pipeline.tag.tables import set_tables
    from pipeline.tag.tags import make_doc

    nlp, components = _loaded(config_path)
    with _call_lock:  # spaCy pipelines are not documented as thread-safe
        doc = make_doc(nlp, document.text)
        # components may use what the reader knows: where the parts out of scope are
        doc.user_data[OUT_OF_SCOPE] = [
            (s.start, s.end) for s in document.sections if not s.in_scope]
        set_tables(doc, document.tables)
        for component in components:
            doc = component(doc)
    return doc, doc_mentions(document, doc)


class Places:
    """A document's section and page at an offset, as ``Document.section_at`` and
    ``page_at`` answer, looked up by bisection: the answers are the same between two
    consecutive section or page edges, so they are asked once per stretch, not once per
    mention (each walks the document's sections or pages)."""

    def __init__(self, document: Document):
        end = len(document.text)  # page_at gives the last page there
        self.edges = sorted({0, end, end + 1, *(part.start for part in document.sections),
                             *(part.end for part in document.sections),
                             *(page.start for page in document.pages),
                             *(page.end for page in document.pages)})
        self.answers = [(document.section_at(edge), document.page_at(edge)) for edge in self.edges]
        self.document = document

    def at(self, offset: int) -> tuple[Section | None, int | None]:
        index = self.stretch_at(offset)
        if index < 0:  # before every edge: no offset of a mention
            return self.document.section_at(offset), self.document.page_at(offset)
        return self.answers[index]

    def stretch_at(self, offset: int) -> int:
        """Which stretch between two edges holds ``offset`` (its answers are
        ``answers[stretch]``); -1 before the text."""
        return bisect.bisect_right(self.edges, offset) - 1


def doc_mentions(document: Document, doc) -> list[Mention]:
    """The mentions of a tagged Doc's tags, sorted by position, with their sentence, page and
    section."""
    from pipeline.tag.context import doc_sentences
    from pipeline.tag.tags import doc_tags

    text = document.text
    sentences = [stripped_bounds(text, sent.start, sent.end) for sent in doc_sentences(doc)]
    starts = [start for start, _ in sentences]
    places = Places(document)
    evidence: dict[tuple[int, int], str] = {}  # one string per sentence shown, not per mention
    # (sentence, stretch of places) -> what is shown of any mention there, where that is
    # the same for every mention (same_within): asked once, not per mention
    shown_throughout: dict[tuple[int, int], tuple[str, int, int]] = {}
    # per stretch, what its mentions ask of their section and page, read once, not per
    # mention (a pydantic model's attribute costs a look-up through its __getattr__ hook):
    # (the section's bounds, the page, the section's kind, whether in scope)
    of_stretch = [(section_bounds(text, section), page, section.kind, section.in_scope)
                  if section else (None, page, None, True) for section, page in places.answers]
    # by position, the mentions' order: one tuple a tag, both its key and its sort key
    unique = {(t.start, t.end, t.type): t for t in doc_tags(doc)}
    mentions = []
    # the tags come by position: a tag's sentence and stretch are the tag's before until the
    # next sentence start or place edge (most share both), looked up again only past it
    index = stretch = next_change = -1
    for number, position in enumerate(sorted(unique), 1):
        tag_ = unique[position]
        start, end, kind_of_tag = position  # the tag's, read from its key
        if start >= next_change:
            index = max(bisect.bisect_right(starts, start) - 1, 0)
            stretch = places.stretch_at(start)
            next_change = min(starts[index + 1] if index + 1 < len(starts) else len(text) + 1,
                              places.edges[stretch + 1])
            section, page, kind, in_scope = of_stretch[stretch]
        shown_here = shown_throughout.get((index, stretch))
        if shown_here is None:
            sentence = sentences[index]
            s_start, s_end = bounds = evidence_within(text, section, sentence, start)
            shown = evidence.get(bounds)
            if shown is None:
                shown = evidence[bounds] = text[s_start:s_end]
            shown_here = shown, s_start, s_end
            if same_within(section, sentence):
                shown_throughout[index, stretch] = shown_here
        shown, s_start, s_end = shown_here
        # fifteen fields at most in one display, which Python builds at its size (with more,
        # it adds them one by one, growing the dict twice); the last two added after
        fields = {
            "id": f"m{number}",
            "type": kind_of_tag,
            "text": text[start:end],
            "start": start,
            "end": end,
            "page": page,
            "section": kind,
            "in_scope": in_scope,
            "sentence": shown,
            "sentence_start": s_start,
            "sentence_end": s_end,
            "normalised": tag_.normalised,
            "rule": tag_.rule,
            "fusion": tag_.fusion,
            "variant": tag_.variant,
        }
        fields["patient"] = tag_.patient
        fields["modifiers"] = list(tag_.modifiers)
        mentions.append(unchecked_mention(fields))
    return mentions


def unchecked_mention(fields: dict) -> Mention:
    """The Mention pydantic would validate from ``fields``, every field given and already of
    its type (the taggers' tags hold ints, strings, the schema's own models and modifier
    names; a test checks the two alike): its fields set, no validator
    run. Validating a mention cost four times the making, about 2% of tagging."""
    mention = object.__new__(Mention)
    object.__setattr__(mention, "__dict__", fields)
    object.__setattr__(mention, "__pydantic_fields_set__", ALL_MENTION_FIELDS_SET)
    object.__setattr__(mention, "__pydantic_extra__", None)
    object.__setattr__(mention, "__pydantic_private__", None)
    return mention
