"""What a document's abbreviations stand for: short form -> long form.

Two sources: definitions in running text ("maximum intensity projection (MIP)"), found by
scispaCy's abbreviation detector, and abbreviation lists in footnotes and captions
("Abbreviations: ALK, anaplastic lymphoma kinase; NSCLC, nonsmall cell lung cancer." or
"CR: complete remission, G-CSF: granulocyte colony-stimulating factor"). Taggers use the
map: a short form the document defines as something that is no gene is no gene, and a
short form defined as a drug is that drug ("GO: gemtuzumab ozogamicin").
"""

from __future__ import annotations

import bisect
import re
import warnings

import numpy
from scispacy.abbreviation import AbbreviationDetector, filter_matches
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.tag.tags import doc_text

KEY = ("caselit", "abbreviations")
SHORT = r"[A-Za-z0-9][A-Za-z0-9+/\-α-ω]{0,14}"
LABEL = re.compile(r"^\s*(?:abbreviations?|key)\s*[:.]\s*", re.IGNORECASE)
PAIR = re.compile(rf"^\s*(?P<short>{SHORT})\s*[:=,]\s*(?P<long>[^:;=]{{3,120}}?)\s*[.;,]?\s*$")


def looks_short(text: str) -> bool:
    """An abbreviation has a capital or a digit and no space ("GO", "alloHCT", "CPX-351")."""
    return bool(re.search(r"[A-Z0-9]", text)) and " " not in text


def list_items(paragraph: str) -> list[str]:
    body = LABEL.sub("", paragraph.strip())
    if ";" in body:
        return body.split(";")
    # "ALK: anaplastic lymphoma kinase, CR: complete remission": cut before "SHORT:"
    return re.split(rf",\s*(?={SHORT}\s*[:=])", body)


def parse_abbreviation_list(paragraph: str) -> dict[str, str]:
    """Pairs of an abbreviation list; {} when the paragraph is not one (fewer than two)."""
    pairs = {}
    for item in list_items(paragraph):
        match = PAIR.match(item.split(". ")[-1])  # "...of the patient. NGS, next-generation..."
        if match and looks_short(match.group("short")):
            pairs[match.group("short")] = match.group("long").strip().rstrip(".")
    labelled = bool(LABEL.match(paragraph))
    return pairs if len(pairs) >= 2 or (labelled and pairs) else {}


def document_abbreviations(doc: Doc) -> dict[str, str]:
    found: dict[str, str] = {}
    for paragraph in re.split(r"\n\s*\n|\n", doc_text(doc)):
        for short, long in parse_abbreviation_list(paragraph).items():
            found.setdefault(short, long)
    for short in doc._.abbreviations if Doc.has_extension("abbreviations") else []:
        long_form = short._.long_form
        found.setdefault(short.text, long_form.text if hasattr(long_form, "text") else str(long_form))
    return found


def abbreviations(doc: Doc) -> dict[str, str]:
    """The map built by ``caselit_abbreviations`` (empty when it did not run)."""
    return doc.user_data.get(KEY, {})


MAX_BRACKETED = 8  # tokens; scispaCy's filter_matches drops longer bracketed spans


def bracket_pairs(doc: Doc) -> list[tuple[int, int, int]]:
    """What scispaCy's "( anything+ )" Matcher finds, as (id, start, end) token spans, but
    only the pairs short enough to be kept: the Matcher pairs every "(" with every later
    ")", which costs a fifth of the tagging time on a long report."""
    orth = doc.to_array(ORTH)  # token texts as hashes: no Token object per token
    opening = numpy.flatnonzero(orth == doc.vocab.strings["("]).tolist()
    closing = numpy.flatnonzero(orth == doc.vocab.strings[")"]).tolist()
    pairs = []
    for start in opening:  # the ")" from two tokens on, up to MAX_BRACKETED tokens inside
        first = bisect.bisect_left(closing, start + 2)
        last = bisect.bisect_right(closing, start + MAX_BRACKETED + 1)
        pairs += [(0, start, end + 1) for end in closing[first:last]]
    return pairs


class QuietAbbreviationDetector(AbbreviationDetector):
    """scispaCy's detector, with its bracket search bounded (:func:`bracket_pairs`) and
    without its W036 warning: it runs a Matcher that is empty whenever a document defines
    no abbreviation, and spaCy warns about every such call."""

    def __call__(self, doc: Doc) -> Doc:
        matches = [(match, start + 1, end - 1) for match, start, end in bracket_pairs(doc)]
        for long_form, short_forms in self.find_matches_for(filter_matches(matches, doc), doc):
            for short in short_forms:
                short._.long_form = long_form
                doc._.abbreviations.append(short)
        return doc

    def find_matches_for(self, filtered, doc):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*\[W036\]")
            return super().find_matches_for(filtered, doc)


@Language.factory("caselit_abbreviation_detector")
def make_abbreviation_detector(nlp: Language, name: str) -> QuietAbbreviationDetector:
    return QuietAbbreviationDetector(nlp, name=name, make_serializable=False)


@Language.component("caselit_abbreviations", assigns=["doc.user_data"])
def collect_abbreviations(doc: Doc) -> Doc:
    doc.user_data[KEY] = document_abbreviations(doc)
    return doc
