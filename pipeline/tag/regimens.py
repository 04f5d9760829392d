"""Regimen acronyms ("7+3", "FLAG-IDA", "CHOP") from ``resources/regimens.yaml``.

Matched case-sensitively on characters (acronyms carry "+" and "-"), longest form first,
so "R-CHOP" is not read as "CHOP" and "FLAG-IDA" not as "FLAG".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language

from pipeline.resources import check_keys, check_str_list, check_type, load_resource
from pipeline.tag.tags import Tag, TextTagger

FILE = "regimens.yaml"


@dataclass(frozen=True)
class Regimen:
    name: str
    forms: tuple[str, ...]
    drugs: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: dict, where: str) -> "Regimen":
        check_keys(data, file=FILE, where=where, required=["name", "forms", "drugs"])
        check_type(data["name"], str, file=FILE, where=where, key="name", description="a string")
        forms = check_str_list(data["forms"], file=FILE, where=where, key="forms")
        drugs = check_str_list(data["drugs"], file=FILE, where=where, key="drugs")
        return cls(data["name"], tuple(forms), tuple(drugs))


@lru_cache(maxsize=1)
def regimens() -> tuple[Regimen, ...]:
    data = check_keys(load_resource(FILE), file=FILE, where="top level", required=["regimens"])
    return tuple(Regimen.from_dict(entry, f"regimens[{i}]") for i, entry in enumerate(data["regimens"]))


@lru_cache(maxsize=1)
def regimen_pattern() -> tuple[re.Pattern, dict[str, Regimen]]:
    by_form = {form: regimen for regimen in regimens() for form in regimen.forms}
    alternation = "|".join(re.escape(form) for form in sorted(by_form, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9+/-])(?:{alternation})(?![A-Za-z0-9+]|-[A-Za-z0-9])"), by_form


def find_regimens(text: str) -> list[Tag]:
    pattern, by_form = regimen_pattern()
    return [Tag("regimen", m.start(), m.end(), by_form[m.group(0)].name, "regimen.acronym")
            for m in pattern.finditer(text)]


@Language.factory("caselit_regimens", default_config={}, assigns=["doc._.caselit_tags"])
def make_regimen_tagger(nlp: Language, name: str) -> TextTagger:
    regimen_pattern()  # validate the rule file when the pipeline is built
    return TextTagger(name, find_regimens)
