"""Patient descriptors: "a 23-year-old man" -> age 23, male; "a female patient" -> female;
"three children" -> a group of 3; "a NSCLC patient" -> one patient; a table's "8 yo/M".

The phrases are the evidence for a case record's age and sex, and where the assembler
looks for the patients a report describes. Words come from ``resources/patients.yaml``;
ages are converted to years (18-month-old -> 1.5).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.resources import (check_keys, check_str_list, check_type, load_resource,
                                trie_alternation)
from pipeline.schema import PatientDescriptor
from pipeline.screens import holds_other_digits, places_of
from pipeline.tag.matching import (ascii_runs, first_runs, folds_onto_ascii, group_forms,
                                   lower_keeping_offsets, matches_at, matches_at_first_runs,
                                   runs_starting)
from pipeline.tag.tables import table_cells
from pipeline.tag.tags import Tag, add_tags, doc_text

FILE = "patients.yaml"


@dataclass(frozen=True)
class PatientWords:
    sex_by_word: dict[str, str]
    person_words: frozenset[str]
    years_per_unit: dict[str, float]
    max_words_to_noun: int
    max_words_before_age: int
    sex_nouns: frozenset[str]
    sex_adjectives: frozenset[str]
    single_person_nouns: frozenset[str]
    group_counts: dict[str, int]
    group_nouns: frozenset[str]
    phrase_stop_words: frozenset[str]
    not_a_patient_after: frozenset[str]
    aged_words: frozenset[str]
    number_words: dict[str, int]
    tens_words: dict[str, int]
    subject_verbs: frozenset[str]
    header_words: frozenset[str]

    @classmethod
    def from_dict(cls, data: dict) -> "PatientWords":
        lists = ["person_words", "sex_nouns", "sex_adjectives", "single_person_nouns",
                 "group_nouns", "phrase_stop_words", "not_a_patient_after", "aged_words",
                 "subject_verbs", "header_words"]
        check_keys(data, file=FILE, where="top level",
                   required=["sex_words", "age_units", "max_words_to_noun", "max_words_before_age",
                             "group_counts", "age_number_words", "age_tens_words", *lists])
        sexes = check_keys(data["sex_words"], file=FILE, where="sex_words",
                           required=["male", "female"])
        sex_by_word = {word: sex for sex in ("male", "female")
                       for word in check_str_list(sexes[sex], file=FILE, where="sex_words", key=sex)}
        words = {key: frozenset(w.lower() for w in check_str_list(data[key], file=FILE,
                                                                   where="top level", key=key))
                 for key in lists}
        units = check_type(data["age_units"], dict, file=FILE, where="top level", key="age_units",
                           description="a mapping of unit to years")
        limit, before = (check_type(data[key], int, file=FILE, where="top level", key=key,
                                    description="an integer")
                         for key in ("max_words_to_noun", "max_words_before_age"))
        counts, numbers, tens = (number_words(data, key)
                                 for key in ("group_counts", "age_number_words", "age_tens_words"))
        unknown = words["sex_nouns"] | words["sex_adjectives"] - set(sex_by_word)
        if unknown - set(sex_by_word):
            check_type(None, str, file=FILE, where="sex_nouns/sex_adjectives",
                       key=", ".join(sorted(unknown - set(sex_by_word))),
                       description="a word listed under sex_words")
        return cls(sex_by_word, words["person_words"], {k: float(v) for k, v in units.items()},
                   limit, before, words["sex_nouns"], words["sex_adjectives"],
                   words["single_person_nouns"], counts,
                   words["group_nouns"], words["phrase_stop_words"],
                   words["not_a_patient_after"], words["aged_words"], numbers, tens,
                   words["subject_verbs"], words["header_words"])


def number_words(data: dict, key: str) -> dict[str, int]:
    """The rule file's mapping under ``key`` of number words to whole numbers, lower case."""
    numbers = check_type(data[key], dict, file=FILE, where="top level", key=key,
                         description="a mapping of number word to number")
    for word, number in numbers.items():
        check_type(number, int, file=FILE, where=key, key=str(word), description="a whole number")
    return {str(word).lower(): number for word, number in numbers.items()}


@lru_cache(maxsize=1)
def patient_words() -> PatientWords:
    return PatientWords.from_dict(load_resource(FILE))


HYPHEN = "[-\u2010\u2011\u2013]"
# Every age phrase ends with this word, a word boundary after it, and spans at most
# AGE_RUNS runs of ASCII letters and digits: its number's two ("1.5"), the unit, the word
AGE_LAST_WORD = "old"
AGE_RUNS = 4
WORD = r"[^\W\d_][\w'\u2011-]*"  # a word of letters (any script), hyphens inside


def alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def age_pattern() -> re.Pattern:
    """"a 23-year-old", "60-year old", "17yearold" (hyphens lost in copying)."""
    units = alternation(patient_words().years_per_unit)
    # "\b" and the first digit as "\d(?<!\w\d)": a pattern starting with a digit has re
    # find digits by a fast scan, one starting with "\b" is tried at every position
    return re.compile(
        rf"(?P<age>\d(?<!\w\d)\d{{0,2}}(?:\.\d+)?)\s?{HYPHEN}?\s?(?P<unit>{units})s?\s?{HYPHEN}?"
        rf"\s?{AGE_LAST_WORD}\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def spelled_age_pattern() -> re.Pattern:
    """"a sixty-two-year-old", "a nine month old": an age spelled in words, after an article
    or "our" or "this" (a report's patient; never "Eight-week-old male mice were...")."""
    words = patient_words()
    units, tens, ones = (alternation(w) for w in (words.years_per_unit, words.tens_words,
                                                    words.number_words))
    spelled = rf"(?:{tens})(?:{HYPHEN}|\s)?(?:{ones})?|{ones}"
    return re.compile(
        rf"\b(?:an?|the|our|this)\s+(?P<age>{spelled})\s?{HYPHEN}?\s?(?P<unit>{units})s?"
        rf"\s?{HYPHEN}?\s?{AGE_LAST_WORD}\b", re.IGNORECASE)


SPELLED_AGE_REACH = 48  # characters before "old" where its age may start ("an eighty-seven-year-")


def spelled_age_matches(text: str, places: list[int]) -> list[re.Match]:
    """The ages spelled in words that end at the ``places`` of AGE_LAST_WORD (rare: each
    is sought in the few characters before its word only)."""
    pattern, end = spelled_age_pattern(), len(AGE_LAST_WORD)
    return [match for at in places
            for match in pattern.finditer(text, max(0, at - SPELLED_AGE_REACH), at + end + 1)
            if match.end() == at + end]


def spelled_number(phrase: str, words: PatientWords) -> int:
    """"sixty-two" -> 62."""
    return sum(words.tens_words.get(w, words.number_words.get(w, 0))
               for w in re.findall("[a-z]+", phrase.lower()))


@lru_cache(maxsize=1)
def aged_pattern() -> re.Pattern:
    """"an infant aged 18 months", "a woman aged 45 years"."""
    words = patient_words()
    units = alternation(words.years_per_unit)
    return re.compile(rf"\b(?:{alternation(words.aged_words)})\s+(?P<age>\d{{1,3}}(?:\.\d+)?)"
                      rf"(?:\s*(?P<unit>{units})s?)?(?![\w.])", re.IGNORECASE)


OF_AGE = " of age"  # every "45 years of age" holds it; most texts none


@lru_cache(maxsize=1)
def of_age_pattern() -> re.Pattern:
    """"a man, 78 years of age": an age after its noun."""
    units = alternation(patient_words().years_per_unit)
    return re.compile(rf"(?<![\w.])(?P<age>\d{{1,3}}(?:\.\d+)?)\s+(?P<unit>{units})s?{OF_AGE}\b",
                      re.IGNORECASE)


OF_AGE_REACH = 20  # characters before " of age" its age and unit may start ("100.5 months")


def of_age_matches(text: str, lowered: str) -> list[re.Match]:
    """The ages told as "N years of age", each sought in the few characters before the
    places of " of age" in the ``lowered`` text only."""
    pattern = of_age_pattern()
    found = (pattern.search(text, max(0, at - OF_AGE_REACH), at + len(OF_AGE) + 1)
             for at in places_of(lowered, OF_AGE))
    return [match for match in found if match is not None]


def header_matches(text: str, lowered: str) -> list[re.Match]:
    """The header lines ("Patient: Female, 63"), tried only where the ``lowered`` text
    holds a header word and its colon (most texts hold none; "patient" alone is common)."""
    pattern = header_pattern()
    found = (pattern.match(text, at) for word in patient_words().header_words
             for at in places_of(lowered, f"{word}:"))
    return sorted((match for match in found if match is not None), key=lambda m: m.start())


@lru_cache(maxsize=1)
def header_pattern() -> re.Pattern:
    """"Patient: Female, 63": a structured abstract's header line, the line ending after the
    age or its unit."""
    words = patient_words()
    headers, units = alternation(words.header_words), alternation(words.years_per_unit)
    sexes = alternation(words.sex_nouns | words.sex_adjectives)
    return re.compile(
        rf"\b(?:{headers})\s*:\s*(?P<sex>{sexes})"
        rf"\s*,\s*(?P<age>\d{{1,3}}(?:\.\d+)?)(?:\s*(?P<unit>{units})s?)?"
        r"(?![\w.-])(?![ \t]*[^\W\d_%])", re.IGNORECASE)  # never a weight ("63 kg")


@lru_cache(maxsize=1)
def phrase_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Sex phrases ("a female patient"), groups ("three children") and single persons
    ("a NSCLC patient"): an article or a count, up to a few words, the noun, the word
    after it."""
    words = patient_words()
    after = rf"(?:\s+(?P<after>{WORD}))?"
    # words between the article or count and the noun; never a function word, so the
    # phrase cannot run across "of" into another one ("a case of an adult"); the function
    # words as a trie, so the look-ahead tries each character once, not every word
    stop = trie_alternation(words.phrase_stop_words)

    def mods(most: int) -> str:
        return rf"(?P<mods>(?:(?!(?:{stop})\b){WORD}\s+){{0,{most}}}?)"

    sex = alternation(words.sex_nouns | words.sex_adjectives)
    groups = alternation(words.group_nouns)
    single = alternation(words.single_person_nouns)
    counts = alternation(words.group_counts)
    return (
        re.compile(rf"\b(?:an?)\s+{mods(3)}(?P<noun>{sex})\b{after}", re.IGNORECASE),
        re.compile(rf"\b(?P<count>{counts})\s+{mods(4)}(?P<noun>{groups})\b{after}",
                   re.IGNORECASE),
        re.compile(rf"\b(?:an?)\s+{mods(3)}(?P<noun>{single})\b{after}", re.IGNORECASE),
    )


NEXT_WORDS = re.compile(r"[A-Za-z][A-Za-z-]*")


def years_of(age: str, unit: str | None, words: PatientWords) -> int | float:
    years = round(float(age) * words.years_per_unit[(unit or "year").lower()], 2)
    return int(years) if years.is_integer() else years


def describe(age: str, unit: str, following: str, words: PatientWords) -> PatientDescriptor | None:
    """Age and sex from the age phrase and the words after it; None when no person noun and
    no verb right after it ("A 45-year-old presented")."""
    for number, word in enumerate(NEXT_WORDS.findall(following)[: words.max_words_to_noun]):
        lowered = word.lower()
        if number == 0 and lowered in words.subject_verbs:
            return PatientDescriptor(age_years=years_of(age, unit, words))
        if lowered in words.sex_by_word:
            return PatientDescriptor(age_years=years_of(age, unit, words),
                                     sex=words.sex_by_word[lowered])
        if lowered in words.person_words:
            return PatientDescriptor(age_years=years_of(age, unit, words))
    return None


def age_places(text: str, lowered: str | None = None) -> list[int]:
    """Where AGE_LAST_WORD is in the text (any case; ``lowered``: the text in lower case, if
    at hand): every age phrase ends there."""
    return list(places_of(lower_keeping_offsets(text) if lowered is None else lowered,
                          AGE_LAST_WORD))


def age_matches(text: str, places: list[int] | None = None) -> list[re.Match]:
    """``age_pattern().finditer(text)``. A phrase ends in a run that ends with AGE_LAST_WORD
    (found by ``str.find``: most abstracts hold none) and starts with a digit no letter or
    digit precedes, so at a run at most AGE_RUNS - 1 runs before: it is tried only at those
    of them that start with a digit, where ``\\d`` is 0-9 and re folds no character onto
    an ASCII letter; elsewhere the pattern seeks them. ``places``: :func:`age_places`."""
    places = age_places(text) if places is None else places
    if not places:
        return []
    if folds_onto_ascii(text) or holds_other_digits(text):
        return list(age_pattern().finditer(text))
    runs, starts = ascii_runs(text), set()
    for at in places:
        last = bisect_right(runs.starts, at) - 1
        if runs.ends[last] == at + len(AGE_LAST_WORD):
            starts.update(n for n in range(max(0, last - AGE_RUNS + 1), last + 1)
                          if runs.printed[n][0].isdigit())
    return matches_at(age_pattern(), text, runs.starts, sorted(starts))


def age_tags(text: str, words: PatientWords, screened: list[int]) -> list[Tag]:
    """The patients an age phrase describes; ``screened``: :func:`screened_runs`."""
    tags = []
    lowered = lower_keeping_offsets(text)
    places = age_places(text, lowered)
    ages = [(match, match.group("age")) for match in age_matches(text, places)] + [
        (match, str(spelled_number(match.group("age"), words)))
        for match in spelled_age_matches(text, places)]
    for match, age in ages:
        following = text[match.end():match.end() + 80].split(".")[0]
        patient = describe(age, match.group("unit"), following, words)
        if patient is None or patient.sex is None:  # "Male, 63-year-old"
            before = [w.lower() for w in NEXT_WORDS.findall(
                text[max(0, match.start() - 40):match.start()])][-words.max_words_before_age:]
            sex = next((words.sex_by_word[w] for w in reversed(before) if w in words.sex_by_word),
                       None)
            if sex is not None:
                patient = PatientDescriptor(age_years=years_of(age, match.group("unit"), words),
                                            sex=sex)
        if patient is not None:
            tags.append(patient_tag(match.start("age"), match.end(), patient, "patient.age_phrase"))
    for match in header_matches(text, lowered):
        tags.append(patient_tag(match.start("sex"), match.end(), PatientDescriptor(
            age_years=years_of(match.group("age"), match.group("unit"), words),
            sex=words.sex_by_word[match.group("sex").lower()]), "patient.header"))
    for match in [*matches_at_first_runs(aged_pattern(), text, screened),
                  *of_age_matches(text, lowered)]:
        lo = max(0, match.start() - 80, text.rfind(".", 0, match.start()) + 1)
        nouns = list(NEXT_WORDS.finditer(text, lo, match.start()))[-words.max_words_to_noun:]
        noun = next((w for w in reversed(nouns) if w.group(0).lower() in words.sex_by_word
                     or w.group(0).lower() in words.person_words), None)
        if match.re is of_age_pattern() and noun is not (nouns[-1] if nouns else None):
            continue  # right after its noun only (never "male rats, 5 weeks of age")
        if noun is not None:  # from the noun: "infant aged 18 months", "man, 78 years of age"
            tags.append(patient_tag(noun.start(), match.end(), PatientDescriptor(
                age_years=years_of(match.group("age"), match.group("unit"), words),
                sex=words.sex_by_word.get(noun.group(0).lower())), "patient.aged"))
    return tags


def patient_tag(start: int, end: int, patient: PatientDescriptor, rule: str) -> Tag:
    if patient.count:
        label = f"{patient.count} patients"
    else:
        label = f"{patient.age_years} {patient.sex or 'unknown sex'}"
    return Tag("patient", start, end, label, rule, patient=patient)


def a_phrase(match: re.Match, words: PatientWords) -> bool:
    """The word after the noun does not make the phrase something else ("a case report",
    "a patient population")."""
    return (match.group("after") or "").lower() not in words.not_a_patient_after


ASCII_LETTERS = re.compile("[a-z]+")  # the nouns are read in lower case


@lru_cache(maxsize=1)
def phrase_nouns() -> tuple[frozenset[str] | None, ...]:
    """The nouns of :func:`phrase_patterns`, in their order, read from each pattern's
    ``noun`` group (:func:`~pipeline.tag.matching.group_forms`), each set when all its
    nouns are runs of ASCII letters: the group stands between white space and a word
    boundary, so a phrase's noun is then a whole run of its text, and a text none of whose
    runs is one holds no such phrase (:func:`sought_phrases`); else
    None."""
    nouns = (group_forms(pattern.pattern, "noun") for pattern in phrase_patterns())
    return tuple(forms if forms is not None and all(map(ASCII_LETTERS.fullmatch, forms)) else None
                 for forms in nouns)


@lru_cache(maxsize=1)
def screened_words() -> frozenset[str]:
    """The runs, in lower case, a text's runs are screened by for the patients' patterns:
    those the aged and phrase patterns' matches start with (when known:
    :func:`~pipeline.tag.matching.first_runs`) and the phrases' nouns (when known:
    :func:`phrase_nouns`), so a text's runs are read once for all of them, where a pass
    for each pattern's first runs and for each kind's nouns read them all again."""
    patterns = (aged_pattern(), *phrase_patterns())
    return frozenset().union(*filter(None, map(first_runs, patterns)), *filter(None, phrase_nouns()))


def screened_runs(text: str) -> list[int]:
    """The indices of the text's runs that are, in lower case, :func:`screened_words`."""
    return runs_starting(text, screened_words(), True)


def sought_phrases(text: str, screened: list[int]) -> tuple[re.Pattern | None, ...]:
    """:func:`phrase_patterns`, None for a kind of phrase the text holds none of the nouns
    of (:func:`phrase_nouns`; a text holding a character re folds onto an ASCII letter may
    hold any): ``screened`` (:func:`screened_runs`) holds the text's runs that are nouns."""
    lowered = ascii_runs(text).lowered
    held = {lowered[index] for index in screened}
    return tuple(pattern if nouns is None or folds_onto_ascii(text) or not held.isdisjoint(nouns)
                 else None for pattern, nouns in zip(phrase_patterns(), phrase_nouns()))


def phrase_tags(text: str, words: PatientWords, taken: list[Tag], screened: list[int]) -> list[Tag]:
    """Patients named without an age: by sex, as a group, or as one person; a kind of
    phrase is not sought in a text that holds none of its nouns (:func:`sought_phrases`)."""
    sex_phrase, group, single = sought_phrases(text, screened)
    tags: list[Tag] = []

    def free(match: re.Match) -> bool:
        return not any(t.start < match.end("noun") and match.start() < t.end for t in taken + tags)

    for match in matches_at_first_runs(sex_phrase, text, screened) if sex_phrase else ():
        noun, after = match.group("noun").lower(), (match.group("after") or "").lower()
        if noun in words.sex_adjectives and after not in words.person_words:
            continue  # "a male predominance"
        if a_phrase(match, words) and free(match):
            end = match.end("after") if after in words.person_words else match.end("noun")
            tags.append(patient_tag(match.start(), end,
                                    PatientDescriptor(sex=words.sex_by_word[noun]),
                                    "patient.sex_phrase"))
    for match in matches_at_first_runs(group, text, screened) if group else ():
        if a_phrase(match, words) and free(match):
            count = words.group_counts[match.group("count").lower()]
            tags.append(patient_tag(match.start(), match.end("noun"),
                                    PatientDescriptor(count=count), "patient.group"))
    for match in matches_at_first_runs(single, text, screened) if single else ():
        if a_phrase(match, words) and free(match):
            tags.append(patient_tag(match.start(), match.end("noun"), PatientDescriptor(),
                                    "patient.person"))
    return tags


def find_patients(text: str) -> list[Tag]:
    words = patient_words()
    screened = screened_runs(text)
    tags = age_tags(text, words, screened)
    return tags + phrase_tags(text, words, tags, screened)


# Table cells under an "Age/sex", "Age" or "Sex" header: "8 yo/M", "52/F", "18 mo, girl".
AGE_HEADER = re.compile(r"\bage\b", re.IGNORECASE)
SEX_HEADER = re.compile(r"\b(?:sex|gender)\b", re.IGNORECASE)
CELL_AGE = re.compile(r"(?<![\w.])(?P<age>\d{1,3}(?:\.\d+)?)\s*(?P<unit>y\.?o\.?|yrs?|years?|y|"
                      r"mos?|months?|wks?|weeks?|days?|d)?(?![A-Za-z0-9])", re.IGNORECASE)
CELL_SEX = re.compile(r"(?<![A-Za-z])(?:(?P<letter>[MF])|(?P<word>[A-Za-z]+))(?![A-Za-z])")
CELL_UNITS = {"mo": "month", "w": "week", "d": "day"}  # by first letters; else years


def describe_cell(cell: str, header: str, words: PatientWords) -> PatientDescriptor | None:
    """Age and sex as a table cell prints them; None when the cell gives neither."""
    age = sex = None
    if AGE_HEADER.search(header) and (match := CELL_AGE.search(cell)):
        unit = (match.group("unit") or "y").lower()
        unit = next((name for prefix, name in CELL_UNITS.items() if unit.startswith(prefix)), "year")
        age = years_of(match.group("age"), unit, words)
    if SEX_HEADER.search(header):
        for match in CELL_SEX.finditer(cell):
            letter, word = match.group("letter"), (match.group("word") or "").lower()
            sex = {"M": "male", "F": "female"}.get(letter) or words.sex_by_word.get(word)
            if sex:
                break
    if age is None and sex is None:
        return None
    return PatientDescriptor(age_years=age, sex=sex)


def find_table_patients(doc: Doc) -> list[Tag]:
    words = patient_words()
    text = doc_text(doc)
    tags = []
    for start, end, header in table_cells(doc):
        patient = describe_cell(text[start:end], header, words)
        if patient is not None:
            tags.append(patient_tag(start, end, patient, "patient.table_cell"))
    return tags


class PatientTagger:
    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        add_tags(doc, find_patients(doc_text(doc)) + find_table_patients(doc))
        return doc


@Language.factory("caselit_patients", default_config={}, assigns=["doc._.caselit_tags"])
def make_patient_tagger(nlp: Language, name: str) -> PatientTagger:
    patient_words()  # validate the rule file when the pipeline is built
    return PatientTagger(name)
