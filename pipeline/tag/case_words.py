"""The clinical words case records are built from: responses, status at follow-up, therapy
settings, detection methods, events of the course, diseases and primary sites.

Each becomes a mention whose normal form is the guidelines' word ("complete remission"
-> CR, "passed away" -> dead, "front-line" -> first-line, FoundationOne -> NGS,
"pulmonary" -> lung), so the assembly stage works on typed mentions with their sentence
and every case field keeps its evidence. Vocabularies are in ``resources/case_words.yaml``.

Diseases are phrases, not a closed list: a head noun ("leukemia", "tumor", "-sarcoma")
with the words before it that name the disease, stopped by function words and stripped
of course words ("metastatic", "relapsed"), so "a relapsed acute myeloid leukemia" is
"acute myeloid leukemia". An abbreviation the document defines as a disease ("IMT") is
that disease.
"""

from __future__ import annotations

import re
from dataclasses import InitVar, dataclass, field, replace
from functools import lru_cache, partial
from itertools import compress
from operator import itemgetter, not_, or_
from re import _parser as sre_parser
from string import ascii_letters

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.errors import Errors, RuleFileError
from pipeline.resources import (check_keys, check_str_list, check_type, load_resource,
                                trie_alternation)
from pipeline.screens import ASCII_RUN_CHARACTERS, first_characters
from pipeline.tag.abbreviations import abbreviations
from pipeline.tag.matching import (ASCII_RUNS, WholeWordForms, ascii_runs, first_scanned_forms,
                                   folds_onto_ascii, lowered_in, lower_keeping_offsets,
                                   matches_at, may_start, NeededStretches, printed_in, RememberedRuns,
                                   run_prefixes, RunScreen, RunScreens, SHORT_TEXT, ScreenGroup,
                                   screen_groups, sharing_screens, spans_of_each, split_at)
from pipeline.tag.tags import Tag, add_tags, doc_text

FILE = "case_words.yaml"
VOCABULARIES = {"responses": "response", "status": "status", "settings": "setting",
                "detection_methods": "detection_method", "course_events": "course_event"}
# "45,XY,inv(2)..." printed. The look-behind follows the first digit, so re finds that
# digit by a fast scan instead of trying the look-behind at every position.
KARYOTYPE = re.compile(r"4(?<![\w,]4)[4-9],\s?(?:X[XY]?|Y)\b")


@dataclass(frozen=True)
class Vocabulary:
    type: str
    normal: dict[str, str]  # printed form, lower case unless case-sensitive -> normal form
    blind: WholeWordForms
    sensitive: WholeWordForms

    def find(self, text: str) -> list[Tag]:
        return self.tags(text, self.blind.spans(text) + self.sensitive.spans(text))

    def tags(self, text: str, spans: list[tuple[int, int]]) -> list[Tag]:
        """The tags of the forms found at ``spans``, the longest of those overlapping."""
        tags = []
        for start, end in spans:
            printed = text[start:end]
            normal = self.normal.get(printed) or self.normal.get(printed.lower())
            tags.append(Tag(self.type, start, end, normal, f"{self.type}.word"))
        return longest(tags)


@dataclass(frozen=True)
class Vocabularies:
    """Vocabularies read in the same texts, their forms found in one pass over a text's runs
    (:func:`~pipeline.tag.matching.spans_of_each`)."""

    vocabularies: tuple[Vocabulary, ...]
    groups: tuple[ScreenGroup, ...]

    @classmethod
    def build(cls, vocabularies: tuple[Vocabulary, ...], screens: RunScreens) -> "Vocabularies":
        """The vocabularies screening a text's runs once for all (case-blind forms and
        case-sensitive ones apart), their screens among ``screens``."""
        screened = iter(sharing_screens(matchers_of(vocabularies)))
        vocabularies = tuple(replace(v, blind=next(screened), sensitive=next(screened))
                             for v in vocabularies)
        return cls(vocabularies, tuple(replace(group, runs=screens.add(group.passing))
                                       for group in screen_groups(matchers_of(vocabularies))))

    def find(self, text: str) -> list[list[Tag]]:
        """``[v.find(text) for v in self.vocabularies]``."""
        spans = iter(spans_of_each(matchers_of(self.vocabularies), text, self.groups))
        return [v.tags(text, next(spans) + next(spans)) for v in self.vocabularies]


def matchers_of(vocabularies: tuple[Vocabulary, ...]) -> list[WholeWordForms]:
    return [m for v in vocabularies for m in (v.blind, v.sensitive)]


def longest(tags: list[Tag]) -> list[Tag]:
    """Drop tags inside a longer one of the same type ("PCR" inside "RT-PCR")."""
    kept: list[Tag] = []
    for tag in sorted(tags, key=lambda t: (t.start, -(t.end - t.start))):
        if kept and tag.start < kept[-1].end:
            continue
        kept.append(tag)
    return kept


def alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


def build_vocabulary(type_: str, groups: dict, sensitive: frozenset[str]) -> Vocabulary:
    normal, blind_forms, sensitive_forms = {}, [], []
    for norm, forms in groups.items():
        for form in check_str_list(forms, file=FILE, where=type_, key=str(norm)):
            if form in sensitive:
                sensitive_forms.append(form)
                normal[form] = str(norm)
            else:
                blind_forms.append(form)
                normal[form.lower()] = str(norm)
    # an abbreviation is no word inside a hyphenated name ("PD" of "PD-L1")
    not_in_name = r"-[A-Za-z0-9]"
    return Vocabulary(
        type_, normal,
        WholeWordForms.build(blind_forms, re.compile(
            whole_words(blind_forms, True) if blind_forms else "(?!)", re.IGNORECASE), True),
        WholeWordForms.build(sensitive_forms, re.compile(
            whole_words(sensitive_forms, False) + f"(?!{not_in_name})" if sensitive_forms
            else "(?!)"), False, not_in_name))


def whole_words(forms: list[str], case_blind: bool) -> str:
    """Any of ``forms`` as whole words, longest first. The look-ahead for their first
    characters lets the regex engine pass over most positions, and the forms written as
    a trie try each character once (together about four times as fast on a report)."""
    first = "".join(sorted({re.escape(c) for form in forms
                            for c in ((form[0].lower(), form[0].upper()) if case_blind
                                      else (form[0],))}))
    return (rf"(?<![A-Za-z0-9])(?=[{first}])(?:{trie_alternation(forms, case_blind)})"
            r"(?![A-Za-z0-9])")


@dataclass(frozen=True)
class DiseaseWords:
    heads: re.Pattern
    generic: frozenset[str]
    stop: frozenset[str]
    course: frozenset[str]
    cell_words: frozenset[str]
    alteration: frozenset[str]
    misspelled: dict[str, str]  # a long head misprinted by one letter -> the head
    size: re.Pattern  # a tumour's size, no part of its name: "a 9-cm gastric GIST"
    # what the run of letters a head starts ends with (a head, a suffix, a plural of one,
    # or the first word of a head of several: "myelodysplastic" syndrome), by their last
    # HEAD_TAIL letters
    head_endings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # what a head's match ends with: its last run of letters, with a plural ending or not
    last_endings: tuple[str, ...] = ()
    max_modifiers: int = 6
    # the screens of a text's runs the finder's is worked out with (None: its own)
    screens: InitVar[RunScreens | None] = None
    # what each run of a text is to the finder (:func:`run_kind`), derived from
    # ``head_endings`` and ``misspelled`` and remembered as runs are met
    kinds: RememberedRuns = field(init=False, compare=False, repr=False)
    # the runs that are something to the finder (a kind other than 0)
    kind_runs: RunScreen = field(init=False, compare=False, repr=False)

    def __post_init__(self, screens: RunScreens | None) -> None:
        kinds = RememberedRuns(partial(run_kind, self.head_endings, self.misspelled))
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "kind_runs", (screens or RunScreens()).add(
            partial(runs_of_some_kind, self)))


@dataclass(frozen=True)
class TreatmentWords:
    """Treatments printed with no drug ("platinum-based chemotherapy")."""

    forms: re.Pattern  # the words and the patterns, case-blind
    count: re.Pattern  # "two cycles of " before the words
    joins: re.Pattern  # " in conjunction with " between two of them
    partners: re.Pattern  # what may be joined to them without being a treatment alone
    # the runs of a text that are the first run of a word, in any letter case: a word's
    # match starts at one (it starts with a letter no letter, digit or hyphen is before);
    # None when a word starts with no ASCII letter
    word_starts: RunScreen | None = None
    # per pattern, the runs its matches can start at (None: some pattern's are not known)
    stretches: tuple[NeededStretches, ...] | None = None

    def matches(self, text: str) -> list[re.Match]:
        """``forms.finditer(text)``, tried only at the runs of the text a word's match starts
        at and those where a pattern's can (:class:`NeededStretches`: near the words it
        needs; most texts hold none, or a few). A text holding a character re folds onto
        an ASCII letter is read by the regex."""
        if self.word_starts is None or self.stretches is None or folds_onto_ascii(text):
            return list(self.forms.finditer(text))
        lowered, runs = lower_keeping_offsets(text), ascii_runs(text)
        near = (index for stretches in self.stretches
                for index in stretches.run_starts(text, lowered, runs))
        return matches_at(self.forms, text, runs.starts,
                          sorted({*self.word_starts.runs(text), *near}))

    def find(self, text: str) -> list[Tag]:
        found = longest([Tag("treatment", m.start(), m.end(), None, "treatment.words")
                         for m in self.matches(text)])
        found = [self.with_partner(text, tag) for tag in found]
        joined: list[Tag] = []
        for tag in found:
            previous = joined[-1] if joined else None
            if previous is not None and self.joins.fullmatch(text, previous.end, tag.start):
                joined[-1] = replace(previous, end=tag.end)
                continue
            joined.append(tag)
        tags = []
        for tag in longest(joined):
            count = self.count.search(text, max(0, tag.start - 40), tag.start)
            start = count.start() if count and count.end() == tag.start else tag.start
            tags.append(replace(tag, start=start, normalised=text[start:tag.end].lower()))
        return tags

    def with_partner(self, text: str, tag: Tag) -> Tag:
        join = self.joins.match(text, tag.end)
        partner = self.partners.match(text, join.end()) if join else None
        return replace(tag, end=partner.end()) if partner else tag


def pattern_stretches(patterns: list[str], flags: int) -> tuple[NeededStretches, ...] | None:
    """Each treatment pattern's :class:`NeededStretches`, when all are known and every
    pattern starts with an ASCII letter or digit (after the treatments' look-behind, so at
    a run's start); else None."""
    found = []
    for pattern in patterns:
        stretches = NeededStretches.of(pattern, flags)
        starts = first_characters(sre_parser.parse(pattern, flags).data)
        if stretches is None or starts is None or not set(starts).issubset(ASCII_RUN_CHARACTERS):
            return None
        found.append(stretches)
    return tuple(found)


@dataclass(frozen=True)
class CaseWords:
    vocabularies: Vocabularies  # the word lists, the sites' last
    disease: DiseaseWords
    patterns: "WordPatterns"
    treatments: TreatmentWords
    abbreviated_diseases: KnownDiseases
    site_compounds: re.Pattern  # right after a site: "-invasive", "-directed"

    @classmethod
    def from_dict(cls, data: dict) -> "CaseWords":
        required = [*VOCABULARIES, "case_sensitive", "disease_heads", "disease_head_suffixes",
                    "generic_disease_heads", "disease_stop_words", "disease_course_words",
                    "disease_cell_words", "disease_alteration_words", "sites", "site_adjectives",
                    "status_patterns", "response_patterns", "setting_patterns", "site_patterns",
                    "treatment_partners",
                    "treatments", "treatment_patterns", "treatment_count", "treatment_joins",
                    "abbreviated_diseases", "site_compound_words", "disease_size_units"]
        check_keys(data, file=FILE, where="top level", required=required)
        # the parts' screens of a text's runs, worked out together
        screens = RunScreens()
        sensitive = frozenset(check_str_list(data["case_sensitive"], file=FILE, where="top level",
                                             key="case_sensitive"))
        vocabularies = tuple(
            build_vocabulary(type_, check_type(data[key], dict, file=FILE, where="top level",
                                               key=key, description="a mapping"), sensitive)
            for key, type_ in VOCABULARIES.items())
        words = {key: check_str_list(data[key], file=FILE, where="top level", key=key)
                 for key in required if key.startswith("disease_") or key == "generic_disease_heads"}
        adjectives = check_type(data["site_adjectives"], dict, file=FILE, where="top level",
                                key="site_adjectives", description="a mapping")
        site_groups: dict[str, list[str]] = {}
        for site in check_str_list(data["sites"], file=FILE, where="top level", key="sites"):
            site_groups.setdefault(site, []).append(site)
        for adjective, site in adjectives.items():
            site_groups.setdefault(str(site), []).append(str(adjective))
        generic = words["generic_disease_heads"]
        heads = (rf"(?<![A-Za-z])(?P<head>{alternation(words['disease_heads'] + generic)}"
                 rf"|[A-Za-z]+(?:{alternation(words['disease_head_suffixes'])}))"
                 r"(?P<plural>e?s)?(?![A-Za-z])(?!\s+(?:cells?|kinase|receptor|genes?|proteins?)\b)"
                 # a compound adjective says no disease: "leukemia-free state", "tumor-related"
                 r"(?!-(?:free|like|related|associated|directed|derived|specific|infiltrating)\b)")
        head_pattern = re.compile(heads, re.IGNORECASE)
        head_words = words["disease_heads"] + generic + words["disease_head_suffixes"]
        disease = DiseaseWords(
            head_pattern, frozenset(generic),
            frozenset(words["disease_stop_words"]), frozenset(words["disease_course_words"]),
            frozenset(words["disease_cell_words"]), frozenset(words["disease_alteration_words"]),
            misspellings(words["disease_heads"], head_pattern),
            re.compile(rf"\d+(?:[.,]\d+)?-?(?:{alternation(words['disease_size_units'])})"),
            head_endings(head_words), last_endings(head_words), screens=screens)
        # the words as a trie, longest first (the engine tries each character once, not
        # every word), then the patterns in their order
        treatment_words = check_str_list(data["treatments"], file=FILE, where="top level",
                                         key="treatments")
        treatment_patterns = check_str_list(data["treatment_patterns"], file=FILE,
                                            where="top level", key="treatment_patterns")
        treatment_forms = [trie_alternation(treatment_words), *treatment_patterns]
        joins = check_str_list(data["treatment_joins"], file=FILE, where="top level",
                               key="treatment_joins")
        treatments = TreatmentWords(
            re.compile(rf"(?<![\w-])(?:{'|'.join(treatment_forms)})(?![\w-])", re.IGNORECASE),
            re.compile(check_type(data["treatment_count"], str, file=FILE, where="top level",
                                  key="treatment_count", description="a pattern") + "$",
                       re.IGNORECASE),
            re.compile(rf"\s*,?\s*(?:{alternation(joins)})\s+", re.IGNORECASE),
            re.compile("|".join(check_str_list(data["treatment_partners"], file=FILE,
                                               where="top level", key="treatment_partners")),
                       re.IGNORECASE),
            screens.add(partial(lowered_in, frozenset(ASCII_RUNS.match(word.lower()).group()
                                                for word in treatment_words)))
            if all(word.isascii() and word[:1].isalpha() for word in treatment_words) else None,
            pattern_stretches(treatment_patterns, re.IGNORECASE))
        compounds = check_str_list(data["site_compound_words"], file=FILE, where="top level",
                                   key="site_compound_words")
        known = check_type(data["abbreviated_diseases"], dict, file=FILE, where="top level",
                           key="abbreviated_diseases", description="a mapping of short to long form")
        return cls(Vocabularies.build(vocabularies + (
                       build_vocabulary("site", site_groups, frozenset()),), screens), disease,
                   WordPatterns.from_dict(data, screens), treatments,
                   KnownDiseases.from_dict(known, disease, screens),
                   re.compile(rf"-(?:{alternation(compounds)})\b", re.IGNORECASE))


PATTERN_KINDS = {"status_patterns": "status", "response_patterns": "response",
                 "setting_patterns": "setting", "site_patterns": "site"}


@dataclass(frozen=True)
class WordPatterns:
    """Forms a word list cannot hold ("at the 32-mo follow-up", "lost her major molecular
    response"), of every kind, as one regular expression read in one pass over the text.
    Each pattern starts at the start of a word (``\\b``), so the pass tries them at word
    starts only (about a third of the time of a pass per pattern)."""

    regex: re.Pattern
    meanings: tuple[tuple[str, str], ...]  # per pattern: its kind and normal form
    # the runs of a text a match can start at, by what a match starts with
    # (:func:`~pipeline.tag.matching.run_prefixes`; None: anything)
    starts: RunScreen | None

    @classmethod
    def from_dict(cls, data: dict, screens: RunScreens | None = None) -> "WordPatterns":
        """The patterns of the rule file's data, their screen among ``screens`` (None: its
        own)."""
        meanings, patterns = [], []
        for key, kind in PATTERN_KINDS.items():
            by_normal = check_type(data[key], dict, file=FILE, where="top level", key=key,
                                   description="a mapping of normal form to patterns")
            for normal, forms in by_normal.items():
                for pattern in check_str_list(forms, file=FILE, where=key, key=str(normal)):
                    if not pattern.startswith("\\b"):
                        raise RuleFileError(Errors.E103.format(
                            file=FILE, where=f"{key}.{normal}", key="a pattern",
                            expected="a pattern starting at a word start (\\b)", value=pattern))
                    patterns.append(f"(?P<p{len(patterns)}>{pattern})")
                    meanings.append((kind, str(normal)))
        regex = re.compile(rf"(?<![A-Za-z0-9_])(?=\w)(?:{'|'.join(patterns)})", re.IGNORECASE)
        prefixes = run_prefixes(regex)
        return cls(regex, tuple(meanings), None if prefixes is None else (
            screens or RunScreens()).add(partial(may_start, prefixes)))

    def matches(self, text: str) -> list[re.Match]:
        """``regex.finditer(text)``, tried only at the runs a match can start at (the regex
        matches at a run's start only); a text holding a character re folds onto an ASCII
        letter is read by the regex."""
        if self.starts is None or folds_onto_ascii(text):
            return list(self.regex.finditer(text))
        return matches_at(self.regex, text, ascii_runs(text).starts, self.starts.runs(text))

    def find(self, text: str) -> list[Tag]:
        tags = []
        for match in self.matches(text):
            kind, normal = self.meanings[int(match.lastgroup[1:])]
            tags.append(Tag(kind, match.start(), match.end(), normal, f"{kind}.pattern"))
        return tags


@lru_cache(maxsize=1)
def case_words() -> CaseWords:
    return CaseWords.from_dict(load_resource(FILE))


# The characters of a word before a disease head: ASCII letters, digits and "+-/"
WORD_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-/"


def previous_word(text: str, end: int) -> tuple[int, str] | None:
    """The word right before ``end`` and where it starts, spaces apart on one line
    ("myeloid " before "leukemia"): within the 60 characters before ``end`` (a newline
    right before ``end`` aside), spaces or tabs, before them a run of WORD_CHARACTERS
    starting with a letter or digit, after white space, "(" or "[" or at the 60
    characters' start. Found by stripping from the end (C-level), where a regular
    expression searched each of the 60 positions for where the word starts."""
    lo = max(0, end - 60)
    piece = text[lo:end]
    if piece.endswith("\n"):
        piece = piece[:-1]
    bare = piece.rstrip(" \t")
    start = len(bare.rstrip(WORD_CHARACTERS))
    if len(bare) == len(piece) or start == len(bare) or bare[start] in "+-/" or (
            start and not (bare[start - 1].isspace() or bare[start - 1] in "([")):
        return None
    return lo + start, bare[start:]


def starts_sentence(word: str, next_letter: str) -> bool:
    """A capitalised word before a word in lower case starts the phrase: it starts a
    sentence or a line the text runs on from ("Processing time: 10 Hours Anaplastic
    thyroid cancer"), and no word before it names the disease."""
    rest = word[1:]
    return word[:1].isupper() and rest.isalpha() and rest.islower() and next_letter.islower()


def word_from(text: str, start: int) -> str:
    """The text from ``start`` to the next space (``text[start:].split(" ", 1)[0]``, without
    copying the rest of the text twice for each word a disease phrase takes)."""
    end = text.find(" ", start)
    return text[start:end] if end != -1 else text[start:]


def disease_start(text: str, head_start: int, words: DiseaseWords) -> int:
    """Where a disease phrase starts: the words before its head that name it, without
    course words at the front ("relapsed acute myeloid leukemia" -> "acute myeloid...")."""
    starts = []  # of the words taken, nearest first
    position = head_start
    while len(starts) < words.max_modifiers:
        found = previous_word(text, position)
        if found is None:
            break
        word_start, word = found[0], found[1].lower()
        if not re.search("[a-z]", word):
            # a number ends the phrase, and an alteration word after it is the number's
            # ("exon 20 insertion-positive lung adenocarcinoma", "exon 14 skipping NSCLC";
            # not "stage 4 pancreatic cancer")
            nearest = word_from(text, starts[-1]).lower() if starts else ""
            if nearest.rsplit("-", 1)[-1] in words.alteration:
                starts = starts[:-1]
            break
        if word in words.stop or words.size.fullmatch(word):
            break
        if word in ("cell", "cells"):  # "small cell lung cancer", not "tumor cell carcinoma"
            before = previous_word(text, word_start)
            if before is None or before[1].lower() not in words.cell_words:
                break
        starts.append(word_start)
        if starts_sentence(found[1], text[position:position + 1]):
            break
        position = word_start
    for start in reversed(starts):
        if word_from(text, start).lower() not in words.course:
            return start
    return head_start


def disease_normal(phrase: str, plural: str | None) -> str:
    normal = re.sub(r"\s+", " ", phrase.lower())
    return normal[: -len(plural)] if plural else normal


MISSPELLING_MIN = 9  # heads this long are told apart from every word by more than a letter
LONG_WORD = re.compile(rf"(?<![A-Za-z-])[A-Za-z]{{{MISSPELLING_MIN - 1},}}(?![A-Za-z-])")


def misspellings(heads: list[str], spelled: re.Pattern) -> dict[str, str]:
    """Every form one letter away from a long head (a letter dropped, added, changed or two
    swapped: "adenocrcinoma"), mapped to the head; none that is a head itself, in any of
    its spellings (``spelled``: "leukemias", "leukaemia")."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    found: dict[str, str] = {}
    for head in (h.lower() for h in heads if len(h) >= MISSPELLING_MIN and h.isalpha()):
        splits = [(head[:n], head[n:]) for n in range(len(head) + 1)]
        forms = ({a + b[1:] for a, b in splits if b}
                 | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
                 | {a + c + b[1:] for a, b in splits if b for c in letters}
                 | {a + c + b for a, b in splits for c in letters})
        for form in forms - {head}:
            found.setdefault(form, head)
    return {form: head for form, head in found.items() if not spelled.fullmatch(form)}


HEAD_TAIL = 3
TAIL = itemgetter(slice(-HEAD_TAIL, None))


LETTERS = re.compile("[a-z]+")


def last_endings(heads: list[str]) -> tuple[str, ...]:
    """The ends of a head match (``heads``: a head's or suffix's last run of letters, with
    its plural ending or not), in lower case."""
    return tuple(sorted({LETTERS.findall(head.lower())[-1] + plural
                         for head in heads for plural in ("", "s", "es")}))


def may_end_with_head(text: str, words: DiseaseWords) -> bool:
    """Whether a disease found in ``text`` may end where the text ends (white space apart):
    a head's match ends a run of letters, which then ends the text and ends as a head does
    (:func:`last_endings`), or is a long head misprinted; most long forms a document
    defines are no disease, and the head pattern's suffix form tries each of their letters.
    A text holding a character re folds onto an ASCII letter may."""
    if folds_onto_ascii(text):
        return True
    return bool(run := last_letters(text).lower()) and (
        run.endswith(words.last_endings) or run in words.misspelled)


def last_letters(text: str) -> str:
    """The run of ASCII letters the text ends with, white space apart ("" if none): what
    ``[A-Za-z]+$`` finds in it stripped, by stripping (C-level), where the pattern, tried
    at each letter, read each run of letters to its end again (a long definition cost
    about 45 microseconds)."""
    bare = text.rstrip()
    return bare[len(bare.rstrip(ascii_letters)):]


def head_endings(heads: list[str]) -> dict[str, tuple[str, ...]]:
    """What the run of letters a head match starts at ends with (see ``heads``): a head or
    suffix, with its plural ending or not, or the first word of a head of several, by
    their last HEAD_TAIL letters (none is shorter: else none, and the regex reads). A run
    is asked only about the endings sharing its tail (at most a few dozen of 135)."""
    words = [head.lower().split()[0] for head in heads]
    endings = sorted({word + plural for word in words for plural in ("", "s", "es")})
    if any(len(ending) < HEAD_TAIL for ending in endings):
        return {}
    by_tail: dict[str, tuple[str, ...]] = {}
    for ending in endings:
        by_tail[TAIL(ending)] = by_tail.get(TAIL(ending), ()) + (ending,)
    return by_tail


# What a run of ASCII letters and digits (in lower case) can be to the disease finder:
# letters ending as a head can (:func:`head_endings`), a long head misprinted, letters and
# digits both, whose runs of letters are asked again ("5carcinoma"), when one of those runs
# is one of the others ("CD20" is none); 0 for none of these
HEAD, MISSPELLED, MIXED = 1, 2, 4
SPLIT_LOWER_LETTERS = re.compile("([a-z]+)")


def run_kind(endings: dict[str, tuple[str, ...]], misspelled: dict[str, str], run: str) -> int:
    """What a run, in lower case, is to the disease finder (HEAD, MISSPELLED, MIXED, a sum of
    them), by the heads' ``endings`` (:func:`head_endings`) and ``misspelled`` forms."""
    if not run.isalpha():
        return MIXED if any(run_kind(endings, misspelled, letters)
                            for letters in LETTERS.findall(run)) else 0
    return ((HEAD if run.endswith(endings.get(TAIL(run), ())) else 0)
            | (MISSPELLED if run in misspelled else 0))


def runs_of_some_kind(words: DiseaseWords, runs: list[str], lowered: list[str]) -> list[str]:
    """The runs (``lowered``: in lower case) whose kind (:func:`run_kind`) is not 0 (a judge
    of :class:`~pipeline.tag.matching.RunScreens`): asked only of the runs that end as some
    head ending does (their last HEAD_TAIL letters), are misspelled forms or hold letters
    and digits both (the others are of kind 0), found by C-level look-ups."""
    maybe = map(or_, map(or_, map(words.head_endings.__contains__, map(TAIL, lowered)),
                         map(words.misspelled.__contains__, lowered)),
                map(not_, map(or_, map(str.isalpha, lowered), map(str.isdigit, lowered))))
    kinds = words.kinds
    return [run for run, low in compress(zip(runs, lowered), maybe) if kinds[low]]


def letter_runs_of_kinds(text: str, words: DiseaseWords
                         ) -> dict[int, list[tuple[int, int, str]]]:
    """HEAD and MISSPELLED -> (start, end, lowered) of the text's runs of ASCII letters of that
    kind, in text order, as the runs of ``[A-Za-z]+`` would give them, but from the runs of
    letters and digits other taggers have found, screened by their kind (``kinds``: each
    run's :func:`run_kind`, remembered: one look-up a run, where a screen per kind sliced
    each run's last letters or asked whether it was letters only);
    the runs of letters inside those holding digits are asked in turn."""
    runs = ascii_runs(text)
    starts, ends, lowered = runs.starts, runs.ends, runs.lowered
    found: dict[int, list[tuple[int, int, str]]] = {HEAD: [], MISSPELLED: []}
    kinds = words.kinds
    for index in words.kind_runs.runs(text):
        run = lowered[index]
        kind = kinds[run]
        if kind & MIXED:
            parts, part_starts, part_ends = split_at(SPLIT_LOWER_LETTERS, run)
            pieces = [(starts[index] + start, starts[index] + end, piece)
                      for start, end, piece in zip(part_starts, part_ends, parts[1::2])]
        else:
            pieces = [(starts[index], ends[index], run)]
        for piece in pieces:
            piece_kind = kinds[piece[2]]
            if piece_kind & HEAD:
                found[HEAD].append(piece)
            if piece_kind & MISSPELLED:
                found[MISSPELLED].append(piece)
    return found


def heads_found(text: str, words: DiseaseWords,
                runs: list[tuple[int, int, str]] | None) -> list[re.Match]:
    """``words.heads.finditer(text)``, tried only at ``runs``, the runs of letters that end as
    a head can (:func:`letter_runs_of_kinds`' HEAD; None: the regex reads the text). Each
    head is letters, or words of letters, so a match starts at a run's start."""
    if runs is None:
        return list(words.heads.finditer(text))
    return matches_at(words.heads, text, [start for start, _, _ in runs], range(len(runs)))


def misspelled_heads(text: str, words: DiseaseWords,
                     runs: list[tuple[int, int, str]] | None) -> list[tuple[int, int, str]]:
    """(start, end, head) of each misprinted long head: a word ``LONG_WORD`` finds (a run of
    letters with no hyphen on either side) that is a form in ``words.misspelled`` (all of
    them long enough); ``runs``: the runs of letters that are such forms
    (:func:`letter_runs_of_kinds`' MISSPELLED; None: ``LONG_WORD`` reads the text)."""
    if runs is None:
        return [(match.start(), match.end(), words.misspelled[match.group().lower()])
                for match in LONG_WORD.finditer(text) if match.group().lower() in words.misspelled]
    return [(start, end, words.misspelled[run]) for start, end, run in runs
            if text[start - 1:start] != "-" and text[end:end + 1] != "-"]


def disease_heads_in(text: str, words: DiseaseWords
                     ) -> list[tuple[int, int, str, str | None, str | None]]:
    """(start, end, head, plural ending, correction) of every disease head, long heads
    misprinted by one letter included with the head they should be ("lung
    adenocrcinoma")."""
    # a long text is read at its runs of letters (a short one, a definition's long form,
    # by the regexes: finding its runs would cost more than they save); the heads' regex
    # reads a text holding a character re folds onto an ASCII letter, or when the heads'
    # endings are too short to screen the runs (:func:`head_endings`)
    runs = letter_runs_of_kinds(text, words) if len(text) >= SHORT_TEXT else None
    head_runs = (runs[HEAD] if runs is not None and words.head_endings
                 and not folds_onto_ascii(text) else None)
    found = [(m.start(), m.end(), m.group("head").lower(), m.group("plural"), None)
             for m in heads_found(text, words, head_runs)]
    return found + [(start, end, head, None, head) for start, end, head in misspelled_heads(
        text, words, runs[MISSPELLED] if runs is not None else None)]


def find_diseases(text: str, words: DiseaseWords) -> list[Tag]:
    tags = []
    for head_start, end, head, plural, correction in disease_heads_in(text, words):
        start = disease_start(text, head_start, words)
        if start == head_start and head in words.generic:
            continue  # "the tumor" names no disease
        phrase = text[start:head_start] + correction if correction else text[start:end]
        tags.append(Tag("disease", start, end, disease_normal(phrase, plural), "disease.phrase"))
    return tags


def definition_normal(long_form: str, words: DiseaseWords) -> str | None:
    """The disease a definition names, when the whole definition is one."""
    if not may_end_with_head(long_form, words):
        return None
    found = find_diseases(long_form, words)
    if not found or found[-1].end != len(long_form.rstrip()):
        return None
    return found[-1].normalised


def short_base(short: str) -> str:
    """A short form without its plural s ("NSCLCs" defined, "NSCLC" used)."""
    return short[:-1] if short.endswith("s") and short[:-1].isupper() else short


def short_form_pattern(shorts: list[str]) -> re.Pattern:
    """Uses of short forms with or without a plural s."""
    bases = [short_base(s) for s in shorts]
    return re.compile(rf"(?P<short>{first_scanned_forms(bases, '[A-Za-z0-9]')})s?"
                      r"(?![A-Za-z0-9])")


def defined_diseases(text: str, defined: dict[str, str], words: DiseaseWords) -> list[Tag]:
    """Uses of an abbreviation the document defines as a disease: "IMT" -> its long form."""
    normals = {short: definition_normal(long_form, words) for short, long_form in defined.items()}
    normals = {short: normal for short, normal in normals.items() if normal}
    if not normals:
        return []
    by_base = {short_base(short): normal for short, normal in normals.items()}
    return [Tag("disease", start, end, by_base[base], "disease.abbreviation")
            for start, end, base in short_form_uses(text, list(normals))]


def short_form_uses(text: str, shorts: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, base) of each use ``short_form_pattern(shorts)`` finds in ``text``. When
    every base is a run of ASCII letters and digits (most: "IMT", "NSCLC"), a use is such
    a run of the text, a base or a base and "s" (the base itself first, as the pattern's
    longest-first trie takes it), so the text's runs are looked up instead of a pattern
    compiled for each document's own definitions (about 10 ms each)."""
    bases = [short_base(short) for short in shorts]
    if not all(map(ASCII_RUNS.fullmatch, bases)):
        return [(m.start(), m.end(), m.group("short"))
                for m in short_form_pattern(shorts).finditer(text)]
    uses = {**{base + "s": base for base in bases}, **{base: base for base in bases}}
    runs = ascii_runs(text)
    return [(runs.starts[index], runs.ends[index], uses[runs.printed[index]])
            for index in compress(range(len(runs.printed)), map(uses.__contains__, runs.printed))]


@dataclass(frozen=True)
class KnownDiseases:
    """Disease abbreviations every report uses undefined (``abbreviated_diseases``), read
    in one pass; a document's own definition of one wins."""

    pattern: re.Pattern
    normals: dict[str, str]
    # the runs of a text a use starts at: a base's first run, and a base of one run with
    # its plural s ("GISTs") (:func:`use_first_runs`); the pattern is tried there only
    # (None: a base starts with no ASCII letter or digit, and the pattern reads the text)
    use_starts: RunScreen | None

    @classmethod
    def from_dict(cls, known: dict, words: DiseaseWords,
                  screens: RunScreens | None = None) -> "KnownDiseases":
        normals = {}
        for short, long_form in known.items():
            normal = definition_normal(str(long_form), words)
            if normal is None:
                raise RuleFileError(Errors.E103.format(
                    file=FILE, where="abbreviated_diseases", key=str(short),
                    expected="a long form that is a disease name", value=long_form))
            normals[short_base(str(short))] = normal
        first_runs = use_first_runs(list(normals))
        return cls(short_form_pattern(list(normals)), normals, None if first_runs is None else (
            screens or RunScreens()).add(partial(printed_in, first_runs)))

    def find(self, text: str, defined: dict[str, str]) -> list[Tag]:
        own = {short_base(short) for short in defined}
        uses = (self.pattern.finditer(text) if self.use_starts is None else
                matches_at(self.pattern, text, ascii_runs(text).starts, self.use_starts.runs(text)))
        return [Tag("disease", m.start(), m.end(), self.normals[m.group("short")],
                    "disease.abbreviation")
                for m in uses if m.group("short") not in own]


def use_first_runs(bases: list[str]) -> frozenset[str] | None:
    """The runs a use of ``bases`` (:func:`short_form_pattern`) starts at, when each
    starts with an ASCII letter or digit (else None): a use starts where no letter or
    digit is before, so at a run, the base's first run or, a base of one run, the base
    and its plural s (case as printed)."""
    if not all(ASCII_RUNS.match(base) for base in bases):
        return None
    return frozenset(run for base in bases for run in (
        (base, base + "s") if ASCII_RUNS.fullmatch(base) else (ASCII_RUNS.match(base).group(),)))


def find_case_words(text: str, defined: dict[str, str] | None = None) -> list[Tag]:
    words = case_words()
    *found, sites = words.vocabularies.find(text)
    tags = [tag for tags in found for tag in tags]
    # a site in a compound adjective names no site ("muscle-invasive", "liver-directed")
    tags += [t for t in sites if not words.site_compounds.match(text, t.end)]
    tags += words.patterns.find(text)
    # a pattern's form holds the words inside it ("lost his complete cytogenetic response")
    tags = [tag for kind in {t.type for t in tags} for tag in longest([t for t in tags
                                                                       if t.type == kind])]
    tags += [Tag("detection_method", m.start(), m.end(), "karyotype", "detection_method.karyotype")
             for m in KARYOTYPE.finditer(text)]
    tags += words.treatments.find(text)
    # the document's own definitions first, then the abbreviations every report uses
    defined = defined or {}
    tags += longest(find_diseases(text, words.disease)
                    + defined_diseases(text, defined, words.disease)
                    + words.abbreviated_diseases.find(text, defined))
    # a form both a word list and a pattern hold once, in text order
    return sorted({(t.type, t.start, t.end): t for t in reversed(tags)}.values(),
                  key=lambda t: (t.start, t.end, t.type))


class CaseWordTagger:
    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        add_tags(doc, find_case_words(doc_text(doc), abbreviations(doc)))
        return doc


@Language.factory("caselit_case_words", default_config={}, assigns=["doc._.caselit_tags"])
def make_case_word_tagger(nlp: Language, name: str) -> CaseWordTagger:
    case_words()  # validate the rule file when the pipeline is built
    return CaseWordTagger(name)
