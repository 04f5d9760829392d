"""Patient descriptors: "a 23-year-old man" -> age 23, male.

The phrases are the evidence for a case record's age and sex. Words come from
``resources/patients.yaml``; ages are converted to years (18-month-old -> 1.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language

from pipeline.resources import check_keys, check_str_list, check_type, load_resource
from pipeline.schema import PatientDescriptor
from pipeline.tag.tags import Tag, TextTagger

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


@Language.factory("caselit_patients", default_config={}, assigns=["doc._.caselit_tags"])
def make_patient_tagger(nlp: Language, name: str) -> TextTagger:
    patient_words()  # validate the rule file when the pipeline is built
    return TextTagger(name, find_patients)
