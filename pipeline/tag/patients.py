"""Patient descriptors: "a 23-year-old man" -> age 23, male; a table's "8 yo/M" cell.

The phrases are the evidence for a case record's age and sex. Words come from
``resources/patients.yaml``; ages are converted to years (18-month-old -> 1.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.resources import check_keys, check_str_list, check_type, load_resource
from pipeline.schema import PatientDescriptor
from pipeline.tag.tables import table_cells
from pipeline.tag.tags import Tag, add_tags, doc_text

FILE = "patients.yaml"


@dataclass(frozen=True)
class PatientWords:
    sex_by_word: dict[str, str]
    person_words: frozenset[str]
    years_per_unit: dict[str, float]
    max_words_to_noun: int

    @classmethod
    def from_dict(cls, data: dict) -> "PatientWords":
        check_keys(data, file=FILE, where="top level",
                   required=["sex_words", "person_words", "age_units", "max_words_to_noun"])
        sexes = check_keys(data["sex_words"], file=FILE, where="sex_words",
                           required=["male", "female"])
        sex_by_word = {word: sex for sex in ("male", "female")
                       for word in check_str_list(sexes[sex], file=FILE, where="sex_words", key=sex)}
        persons = check_str_list(data["person_words"], file=FILE, where="top level",
                                 key="person_words")
        units = check_type(data["age_units"], dict, file=FILE, where="top level", key="age_units",
                           description="a mapping of unit to years")
        limit = check_type(data["max_words_to_noun"], int, file=FILE, where="top level",
                           key="max_words_to_noun", description="an integer")
        return cls(sex_by_word, frozenset(persons), {k: float(v) for k, v in units.items()}, limit)


@lru_cache(maxsize=1)
def patient_words() -> PatientWords:
    return PatientWords.from_dict(load_resource(FILE))


@lru_cache(maxsize=1)
def age_pattern() -> re.Pattern:
    units = "|".join(patient_words().years_per_unit)
    return re.compile(
        rf"\b(?P<age>\d{{1,3}}(?:\.\d+)?)\s?[-‐]?\s?(?P<unit>{units})s?\s?[-‐]\s?old\b", re.IGNORECASE
    )


NEXT_WORDS = re.compile(r"[A-Za-z][A-Za-z-]*")


def describe(age: str, unit: str, following: str, words: PatientWords) -> PatientDescriptor | None:
    """Age and sex from the age phrase and the words after it; None when no person noun."""
    years = round(float(age) * words.years_per_unit[unit.lower()], 2)
    for word in NEXT_WORDS.findall(following)[: words.max_words_to_noun]:
        lowered = word.lower()
        if lowered in words.sex_by_word:
            return PatientDescriptor(age_years=int(years) if years.is_integer() else years,
                                     sex=words.sex_by_word[lowered])
        if lowered in words.person_words:
            return PatientDescriptor(age_years=int(years) if years.is_integer() else years)
    return None


def find_patients(text: str) -> list[Tag]:
    words = patient_words()
    tags = []
    for match in age_pattern().finditer(text):
        following = text[match.end():match.end() + 80].split(".")[0]
        patient = describe(match.group("age"), match.group("unit"), following, words)
        if patient is not None:
            label = f"{patient.age_years} {patient.sex or 'unknown sex'}"
            tags.append(Tag("patient", match.start(), match.end(), label, "patient.age_phrase",
                            patient=patient))
    return tags


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
        years = round(float(match.group("age")) * words.years_per_unit[unit], 2)
        age = int(years) if years.is_integer() else years
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
            label = f"{patient.age_years} {patient.sex or 'unknown sex'}"
            tags.append(Tag("patient", start, end, label, "patient.table_cell", patient=patient))
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
