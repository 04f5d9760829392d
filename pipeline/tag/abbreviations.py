"""What a document's abbreviations stand for: short form -> long form.

Three sources: definitions in running text ("maximum intensity projection (MIP)"), found
by scispaCy's abbreviation detector; a short form printed before the words it stands for,
their initials ("DCA (decitabine+cytarabine+aclarubicin)"); and abbreviation lists in
footnotes and captions
("Abbreviations: ALK, anaplastic lymphoma kinase; NSCLC, nonsmall cell lung cancer." or
"CR: complete remission, G-CSF: granulocyte colony-stimulating factor"). Taggers use the
map: a short form the document defines as something that is no gene is no gene, and a
short form defined as a drug is that drug ("GO: gemtuzumab ozogamicin").
"""

from __future__ import annotations

import bisect
import re

import numpy
from scispacy.abbreviation import AbbreviationDetector, filter_matches, find_abbreviation
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


# a bracketed long form, then the short form right before its bracket (searched from the
# bracket: a pattern beginning with the short form would be tried at every position)
BRACKETED_LONG_FORM = re.compile(r"\((?P<long>[^()\n\d]{6,150})\)")
SHORT_BEFORE = re.compile(rf"(?<![\w-])(?P<short>{SHORT})\s*$")
SHORT_REACH = 20
LONG_FORM_WORD = re.compile(r"[A-Za-z]+")
MIN_WORD = 3  # letters: "0.5 mg/kg" is no long form of "MK-801"


def initials(short: str) -> str:
    return "".join(char for char in short.lower() if char.isalpha())


def short_first_definitions(text: str) -> dict[str, str]:
    """Short forms printed before their long form in brackets, where the long form's words
    begin with the short form's letters, in order and all of them: "DCA (decitabine+
    cytarabine+aclarubicin)", not "KIT (CD117)". (scispaCy reads the other order.)"""
    found: dict[str, str] = {}
    for match in BRACKETED_LONG_FORM.finditer(text):
        before = SHORT_BEFORE.search(text, max(0, match.start() - SHORT_REACH), match.start())
        if before is None:
            continue
        short, long_form = before.group("short"), match.group("long").strip()
        words = LONG_FORM_WORD.findall(long_form)
        if (len(initials(short)) > 1 and looks_short(short)
                and all(len(word) >= MIN_WORD for word in words)
                and "".join(word[0] for word in words).lower() == initials(short)):
            found.setdefault(short, long_form)
    return found


def document_abbreviations(doc: Doc) -> dict[str, str]:
    text = doc_text(doc)
    found: dict[str, str] = {}
    for paragraph in re.split(r"\n\s*\n|\n", text):
        for short, long in parse_abbreviation_list(paragraph).items():
            found.setdefault(short, long)
    for short in doc._.abbreviations if Doc.has_extension("abbreviations") else []:
        long_form = short._.long_form
        found.setdefault(short.text, long_form.text if hasattr(long_form, "text") else str(long_form))
    for short, long_form in short_first_definitions(text).items():
        found.setdefault(short, long_form)
    return found


def abbreviations(doc: Doc) -> dict[str, str]:
    """The map built by ``caselit_abbreviations`` (empty when it did not run)."""
    return doc.user_data.get(KEY, {})


SENTENCE_BREAK = re.compile(r"[.;!?]\s+[A-Z]")
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


class DefinitionDetector(AbbreviationDetector):
    """scispaCy's detector, with its bracket search bounded (:func:`bracket_pairs`) and
    without its global search for every later use of each short form: the map needs only
    the definitions, and that search (a Matcher over every token) cost a quarter of the
    tagging time. ``doc._.abbreviations`` holds the defining short forms only."""

    def __call__(self, doc: Doc) -> Doc:
        matches = [(match, start + 1, end - 1) for match, start, end in bracket_pairs(doc)]
        seen_long: set[str] = set()
        seen_short: set[str] = set()
        for long_candidate, short_candidate in filter_matches(matches, doc):
            short, long_form = find_abbreviation(long_candidate, short_candidate)
            # scispaCy's rule: a long or short form defined twice keeps its first definition;
            # and a long form never runs on from the sentence before ("... injury. Oxidized
            # glutathione (GSSG)" defines GSSG by the last two words only, if at all)
            if (long_form is None or long_form.text in seen_long or short.text in seen_short
                    or SENTENCE_BREAK.search(long_form.text)):
                continue
            seen_long.add(long_form.text)
            seen_short.add(short.text)
            short._.long_form = long_form
            doc._.abbreviations.append(short)
        return doc


@Language.factory("caselit_abbreviation_detector")
def make_abbreviation_detector(nlp: Language, name: str) -> DefinitionDetector:
    return DefinitionDetector(nlp, name=name, make_serializable=False)


@Language.component("caselit_abbreviations", assigns=["doc.user_data"])
def collect_abbreviations(doc: Doc) -> Doc:
    doc.user_data[KEY] = document_abbreviations(doc)
    return doc
