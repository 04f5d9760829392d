"""The diff's text rules (``resources/spelling.yaml``) and the entries of shared rule files
it reads (``case_words.yaml``, ``gene_rules.yaml``), checked on load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.errors import Errors, RuleFileError
from pipeline.resources import check_keys, check_str_list, check_type, load_resource

SPELLING = "spelling.yaml"
CASE_WORDS = "case_words.yaml"
GENE_RULES = "gene_rules.yaml"
AGE_UNITS = ("years", "months")


def str_map(data: Any, key: str, description: str, *, where: str = "top level") -> dict[str, str]:
    value = check_type(data[key], dict, file=SPELLING, where=where, key=key,
                       description=f"a mapping of {description}")
    for pair in value.items():
        for text in pair:
            check_type(text, str, file=SPELLING, where=where, key=key,
                       description=f"a mapping of {description}")
    return value


@dataclass(frozen=True)
class TextRules:
    variants: tuple[tuple[re.Pattern, str], ...]
    function_words: frozenset[str]
    stage_words: tuple[re.Pattern, ...]
    plural_endings: tuple[tuple[str, str], ...]  # longest ending first
    not_plural: tuple[str, ...]  # endings of words that are no plurals
    age_forms: dict[str, tuple[str, ...]]  # unit -> regexes, "{n}" standing for the number
    greek_letters: dict[str, str]  # a symbol's last letter -> its Greek letter

    @classmethod
    def from_dict(cls, data: Any) -> "TextRules":
        check_keys(data, file=SPELLING, where="top level",
                   required=["variants", "function_words", "stage_words", "plurals",
                             "age_forms", "greek_letters"])
        plurals = check_keys(data["plurals"], file=SPELLING, where="plurals",
                             required=["endings", "keep"])
        forms = check_keys(data["age_forms"], file=SPELLING, where="age_forms", required=AGE_UNITS)
        return cls(
            variants=tuple((re.compile(pattern), replacement) for pattern, replacement
                           in str_map(data, "variants", "regex -> replacement").items()),
            function_words=frozenset(check_str_list(data["function_words"], file=SPELLING,
                                                    where="top level", key="function_words")),
            stage_words=tuple(re.compile(pattern) for pattern in check_str_list(
                data["stage_words"], file=SPELLING, where="top level", key="stage_words")),
            plural_endings=tuple(sorted(str_map(plurals, "endings", "ending -> singular ending",
                                                where="plurals").items(),
                                        key=lambda pair: len(pair[0]), reverse=True)),
            not_plural=tuple(check_str_list(plurals["keep"], file=SPELLING, where="plurals",
                                            key="keep")),
            age_forms={unit: tuple(check_str_list(forms[unit], file=SPELLING, where="age_forms",
                                                  key=unit)) for unit in AGE_UNITS},
            greek_letters=str_map(data, "greek_letters", "letter -> Greek letter"),
        )


@lru_cache(maxsize=1)
def text_rules() -> TextRules:
    return TextRules.from_dict(load_resource(SPELLING))


def shared_entry(file: str, key: str, expected: type, description: str) -> Any:
    """One top-level entry of a rule file another stage owns (its vocabulary, not its code)."""
    data = load_resource(file)
    if not isinstance(data, dict) or key not in data:
        raise RuleFileError(Errors.E104.format(file=file, where="top level", keys=[key]))
    return check_type(data[key], expected, file=file, where="top level", key=key,
                      description=description)


def word_groups(key: str) -> dict[str, list[str]]:
    """A vocabulary of ``case_words.yaml``: normal form -> its printed forms."""
    groups = shared_entry(CASE_WORDS, key, dict, "a mapping of normal form -> printed forms")
    return {str(norm): check_str_list(forms, file=CASE_WORDS, where=key, key=str(norm))
            for norm, forms in groups.items()}


def ihc_markers() -> dict[str, str]:
    """Printed IHC marker -> HGNC symbol ("napsin A" -> NAPSA), from ``gene_rules.yaml``."""
    return shared_entry(GENE_RULES, "ihc_markers", dict, "a mapping of marker -> symbol")


@lru_cache(maxsize=1)
def course_words() -> frozenset[str]:
    """Stage and course words that do not name a disease ("metastatic", "relapsed"), from
    the disease vocabulary of ``case_words.yaml``."""
    words = shared_entry(CASE_WORDS, "disease_course_words", list, "a list of strings")
    return frozenset(check_str_list(words, file=CASE_WORDS, where="top level",
                                    key="disease_course_words"))
