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
from dataclasses import dataclass
from typing import Sequence

import numpy
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.tag.context import token_columns
from pipeline.tag.matching import ASCII_LETTER_RUNS
from pipeline.tag.tags import doc_text

KEY = ("caselit", "abbreviations")
DETECTED = ("caselit", "detected_definitions")
SHORT = r"[A-Za-z0-9][A-Za-z0-9+/\-α-ω]{0,14}"
LABEL = re.compile(r"^\s*(?:abbreviations?|key)\s*[:.]\s*", re.IGNORECASE)
PAIR = re.compile(rf"^\s*(?P<short>{SHORT})\s*[:=,]\s*(?P<long>[^:;=]{{3,120}}?)\s*[.;,]?\s*$")
ITEM_BREAK = re.compile(rf",\s*(?={SHORT}\s*[:=])")  # "..., CR: complete remission"
PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")
CAPITAL_OR_DIGIT = re.compile("[A-Z0-9]")


def looks_short(text: str) -> bool:
    """An abbreviation has a capital or a digit and no space ("GO", "alloHCT", "CPX-351")."""
    return bool(CAPITAL_OR_DIGIT.search(text)) and " " not in text


def list_items(paragraph: str) -> list[str]:
    body = LABEL.sub("", paragraph.strip())
    if ";" in body:
        return body.split(";")
    # "ALK: anaplastic lymphoma kinase, CR: complete remission": cut before "SHORT:"
    return ITEM_BREAK.split(body)


def may_list_abbreviations(paragraph: str) -> bool:
    """Whether a paragraph can be an abbreviation list: it is labelled as one, or it holds
    a ";", ":" or "=" (unlabelled, a list needs two pairs, and without those characters
    its items are not cut apart)."""
    return ";" in paragraph or ":" in paragraph or "=" in paragraph or bool(LABEL.match(paragraph))


def parse_abbreviation_list(paragraph: str) -> dict[str, str]:
    """Pairs of an abbreviation list; {} when the paragraph is not one (fewer than two)."""
    if not may_list_abbreviations(paragraph):
        return {}
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
        words = ASCII_LETTER_RUNS.findall(long_form)
        if (len(initials(short)) > 1 and looks_short(short)
                and all(len(word) >= MIN_WORD for word in words)
                and "".join(word[0] for word in words).lower() == initials(short)):
            found.setdefault(short, long_form)
    return found


def document_abbreviations(doc: Doc) -> dict[str, str]:
    text = doc_text(doc)
    found: dict[str, str] = {}
    for paragraph in PARAGRAPH_BREAK.split(text):
        for short, long in parse_abbreviation_list(paragraph).items():
            found.setdefault(short, long)
    for short, long_form in detected_definitions(doc):
        found.setdefault(short, long_form)
    for short, long_form in short_first_definitions(text).items():
        found.setdefault(short, long_form)
    return found


def detected_definitions(doc: Doc) -> list[tuple[str, str]]:
    """(short form, long form) of each definition the detector found, in text order: as
    :class:`DefinitionDetector` noted them, or read from the ``doc._.abbreviations`` of
    scispaCy's own detector (a pipeline configured with it)."""
    found = doc.user_data.get(DETECTED)
    if found is None:
        found = [(short.text, short._.long_form.text if hasattr(short._.long_form, "text")
                  else str(short._.long_form))
                 for short in (doc._.abbreviations if Doc.has_extension("abbreviations") else [])]
    return found


def abbreviations(doc: Doc) -> dict[str, str]:
    """The map built by ``caselit_abbreviations`` (empty when it did not run)."""
    return doc.user_data.get(KEY, {})


SENTENCE_BREAK = re.compile(r"[.;!?]\s+[A-Z]")
MAX_BRACKETED = 8  # tokens; scispaCy's filter_matches drops longer bracketed spans


def bracket_pairs(doc: Doc) -> list[tuple[int, int, int]]:
    """What scispaCy's "( anything+ )" Matcher finds, as (id, start, end) token spans, but
    only the pairs short enough to be kept: the Matcher pairs every "(" with every later
    ")", which costs a fifth of the tagging time on a long report. A text without a "("
    holds no "(" token: its columns are not compared."""
    if "(" not in doc_text(doc):
        return []
    orth = token_columns(doc)[ORTH]  # token texts as hashes: no Token object per token
    opening = numpy.flatnonzero(orth == doc.vocab.strings["("]).tolist()
    closing = numpy.flatnonzero(orth == doc.vocab.strings[")"]).tolist()
    pairs = []
    for start in opening:  # the ")" from two tokens on, up to MAX_BRACKETED tokens inside
        first = bisect.bisect_left(closing, start + 2)
        last = bisect.bisect_right(closing, start + MAX_BRACKETED + 1)
        pairs += [(0, start, end + 1) for end in closing[first:last]]
    return pairs


@dataclass(frozen=True)
class Tokens:
    """A Doc's tokens as the detector reads them: where each starts in the text and its
    length (token texts as slices of the text, with no Token or Span object). A token
    and the space after it, if any, reach to the next token's start: a Doc's text is its
    tokens' texts, each followed by its space. The token columns are read through
    memoryviews, which give Python ints one at a time: the detector reads the tokens
    around brackets only, and turning whole columns into lists cost a fifth of its
    time."""

    text: str
    starts: Sequence[int]
    lengths: Sequence[int]

    @classmethod
    def of(cls, doc: Doc) -> "Tokens":
        columns = token_columns(doc)
        return cls(doc_text(doc), memoryview(columns[IDX]), memoryview(columns[LENGTH]))

    def words(self, start: int, end: int) -> list[str]:
        text, starts, lengths = self.text, self.starts, self.lengths
        return [text[starts[i]:starts[i] + lengths[i]] for i in range(start, end)]

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``: the text of a Doc holds its tokens as printed."""
        if start >= end:
            return ""
        return self.text[self.starts[start]:self.starts[end - 1] + self.lengths[end - 1]]


def unbalanced(words: list[str]) -> bool:
    """scispaCy's ``span_contains_unbalanced_parentheses``, on token texts."""
    depth = 0
    for word in words:
        if word == "(":
            depth += 1
        elif word == ")":
            if depth == 0:
                return True
            depth -= 1
    return depth != 0


def short_form_kept(tokens: Tokens, start: int, end: int) -> bool:
    """scispaCy's ``short_form_filter``: every token 2 to 9 characters long, at least half
    of the text letters, a letter first (C-level passes: no generator per candidate)."""
    lengths = tokens.lengths[start:end]
    if len(lengths) and (min(lengths) < 2 or max(lengths) >= 10):
        return False
    text = tokens.span_text(start, end)
    return sum(map(str.isalpha, text)) / len(text) >= 0.5 and text[0].isalpha()


def definition_candidates(tokens: Tokens, matches: list[tuple[int, int, int]]
                          ) -> list[tuple[int, int, int, int]]:
    """scispaCy's ``filter_matches`` on token texts: for each bracket's inside (its first
    and end token), the (start, end) tokens of a long form candidate and of a short form
    candidate: the long form inside the brackets (more than three tokens) and the word
    before them the short form, or the short form inside and the long form up to
    ``min(letters + 5, 2 * letters)`` tokens before."""
    found = []
    for _, start, end in matches:
        if end - start > 8 or start == 1:
            continue
        if end - start > 3:
            inside = tokens.span_text(start, end)  # no bracket in it: no bracket token
            if ("(" in inside or ")" in inside) and unbalanced(tokens.words(start, end)):
                continue
            long_form, short_form = (start, end), (start - 2, start - 1)
        else:
            letters = sum(tokens.lengths[start:end])
            long_form = (max(start - min(letters + 5, letters * 2) - 1, 0), start - 1)
            short_form = (start, end)
        if short_form_kept(tokens, *short_form):
            found.append((*long_form, *short_form))
    return found


def char_lowered(text: str) -> str:
    """Each character of the text lower-cased alone, one for one, as scispaCy's rule
    compares them (a character whose lower case is two, "İ", stays as it is: it then
    equals only itself, as its lower case does). ``str.lower`` lowers so unless it
    makes a character two or a capital sigma final (its only rule of context)."""
    lowered = text.lower()
    if len(lowered) == len(text) and "\u03a3" not in text:
        return lowered
    return "".join([char if len(low := char.lower()) > 1 else low for char in text])


def last_before(lowered: str, original: str, char: str, end: int, word_start: bool) -> int:
    """The last index before ``end`` where ``lowered`` holds ``char`` (-1: none), when
    ``word_start`` only where no letter or digit of ``original`` stands before it."""
    at = lowered.rfind(char, 0, end)
    while word_start and at > 0 and original[at - 1].isalnum():
        at = lowered.rfind(char, 0, at)
    return at


def long_form_start(tokens: Tokens, long_start: int, long_end: int, short_start: int,
                    short_end: int) -> int | None:
    """scispaCy's ``find_abbreviation`` (Schwartz & Hearst, 2003) on token texts: the token
    the long form starts at, None when the candidate holds no long form. The short form's
    letters and digits are found in the long form from the end, in order, its first one
    at the start of a word (each found by ``str.rfind``, where scispaCy compares the
    characters one by one)."""
    long_form = " ".join(tokens.words(long_start, long_end))
    short_form = " ".join(tokens.words(short_start, short_end))
    lowered, short_lowered = char_lowered(long_form), char_lowered(short_form)
    long_index = len(long_form) - 1
    for short_index in range(len(short_form) - 1, -1, -1):
        if not short_form[short_index].lower().isalnum():
            continue
        long_index = last_before(lowered, long_form, short_lowered[short_index], long_index + 1,
                                 short_index == 0)
        if long_index < 0:
            return None
        long_index -= 1
    long_index += 1
    # the character found first, as a token: the first whose width with its space, added
    # to those before it, passes long_index, as scispaCy counts them; that sum is where
    # the next token starts (a long form ends before a bracket token: a next one is there)
    after = bisect.bisect_right(tokens.starts, tokens.starts[long_start] + long_index,
                                long_start + 1, long_end + 1)
    # none: scispaCy slices from None, the whole candidate
    return after - 1 if after <= long_end else long_start


class DefinitionDetector:
    """The definitions scispaCy's abbreviation detector finds, (short form, long form) in
    text order for :func:`detected_definitions`. Its bracket search is bounded
    (:func:`bracket_pairs`); it does not search for every later use of each short form (a
    Matcher over every token that cost a quarter of the tagging time), nor make a Span for
    each definition (scispaCy's ``doc._.abbreviations``, a quarter of the detector's time),
    since the map needs only the definitions' texts.

    Its rules (:func:`definition_candidates`, :func:`long_form_start`) read token texts
    as slices of the Doc's text: scispaCy's read them from Span and Token objects, which
    cost most of the detector's time."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        tokens = Tokens.of(doc)
        matches = [(match, start + 1, end - 1) for match, start, end in bracket_pairs(doc)]
        seen_long: set[str] = set()
        seen_short: set[str] = set()
        detected = []
        for long_start, long_end, short_start, short_end in definition_candidates(tokens, matches):
            first = long_form_start(tokens, long_start, long_end, short_start, short_end)
            if first is None:
                continue
            long_text, short_text = (tokens.span_text(first, long_end),
                                     tokens.span_text(short_start, short_end))
            # scispaCy's rule: a long or short form defined twice keeps its first definition;
            # and a long form never runs on from the sentence before ("... injury. Oxidized
            # glutathione (GSSG)" defines GSSG by the last two words only, if at all)
            if long_text in seen_long or short_text in seen_short or SENTENCE_BREAK.search(long_text):
                continue
            seen_long.add(long_text)
            seen_short.add(short_text)
            detected.append((short_text, long_text))
        doc.user_data[DETECTED] = detected
        return doc


@Language.factory("caselit_abbreviation_detector")
def make_abbreviation_detector(nlp: Language, name: str) -> DefinitionDetector:
    return DefinitionDetector(nlp, name)


@Language.component("caselit_abbreviations", assigns=["doc.user_data"])
def collect_abbreviations(doc: Doc) -> Doc:
    doc.user_data[KEY] = document_abbreviations(doc)
    return doc
