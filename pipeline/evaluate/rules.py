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


@dataclass(frozen=True)
class TextRules:
    variants: tuple[tuple[re.Pattern, str], ...]
    age_forms: dict[str, tuple[str, ...]]  # unit -> regexes, "{n}" standing for the number
    greek_letters: dict[str, str]  # a symbol's last letter -> its Greek letter

    @classmethod
    def from_dict(cls, data: Any) -> "TextRules":
        check_keys(data, file=SPELLING, where="top level",
                   required=["variants", "age_forms", "greek_letters"])
        variants = check_type(data["variants"], dict, file=SPELLING, where="top level",
                              key="variants", description="a mapping of regex -> replacement")
        forms = check_keys(data["age_forms"], file=SPELLING, where="age_forms", required=AGE_UNITS)
        return cls(
            variants=tuple((re.compile(pattern), replacement)
                           for pattern, replacement in variants.items()),
            age_forms={unit: tuple(check_str_list(forms[unit], file=SPELLING, where="age_forms",
                                                  key=unit)) for unit in AGE_UNITS},
            greek_letters={str(letter): str(greek) for letter, greek in check_type(
                data["greek_letters"], dict, file=SPELLING, where="top level",
                key="greek_letters", description="a mapping of letter -> Greek letter").items()},
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
