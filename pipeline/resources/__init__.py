"""Rule files shipped with the package (YAML), loaded with importlib.resources.

Each rule type is a small class with a ``from_dict`` that calls :func:`check_keys`, so a
typo in a rule file fails loudly with the file, the place and what is allowed.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Iterable

import yaml

from pipeline.errors import Errors, RuleFileError

PACKAGE = "pipeline.resources"
# libyaml's safe loader: the same objects as yaml.safe_load, parsed ten times as fast (the
# rule files take 0.01 s instead of 0.1 s in every process that loads the tagger); PyYAML
# built without libyaml has only the Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def load_resource(name: str) -> Any:
    """Parsed content of ``pipeline/resources/<name>``."""
    text = resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)


def resource_files() -> list[str]:
    return sorted(
        entry.name for entry in resources.files(PACKAGE).iterdir() if entry.name.endswith(".yaml")
    )


# Rule files that do not change what is extracted (where ``caselit data fetch`` downloads
# from; how the gold diff compares text), so editing them does not reprocess every document.
NOT_EXTRACTION_RULES = frozenset({"data_sources.yaml", "spelling.yaml"})


def resources_digest() -> str:
    """Hash of every shipped rule file that shapes extraction: part of the fingerprint that
    decides reprocessing."""
    digest = hashlib.sha256()
    for name in (n for n in resource_files() if n not in NOT_EXTRACTION_RULES):
        digest.update(name.encode())
        digest.update(resources.files(PACKAGE).joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def check_keys(
    data: Any,
    *,
    file: str,
    where: str,
    required: Iterable[str] = (),
    optional: Iterable[str] = (),
) -> dict:
    """Reject a rule entry that is not a mapping, lacks a key, or has an unknown one."""
    required, optional = list(required), list(optional)
    if not isinstance(data, dict):
        raise RuleFileError(
            Errors.E103.format(file=file, where=where, key="entry", expected="a mapping", value=data)
        )
    unknown = sorted(set(data) - set(required) - set(optional))
    if unknown:
        raise RuleFileError(
            Errors.E102.format(file=file, where=where, keys=unknown, allowed=required + optional)
        )
    missing = [key for key in required if key not in data]
    if missing:
        raise RuleFileError(Errors.E104.format(file=file, where=where, keys=missing))
    return data


def check_type(value: Any, expected: type | tuple[type, ...], *, file: str, where: str, key: str,
               description: str) -> Any:
    if not isinstance(value, expected):
        raise RuleFileError(
            Errors.E103.format(file=file, where=where, key=key, expected=description, value=value)
        )
    return value


def check_str_list(value: Any, *, file: str, where: str, key: str) -> list[str]:
    check_type(value, list, file=file, where=where, key=key, description="a list of strings")
    for item in value:
        check_type(item, str, file=file, where=where, key=key, description="a list of strings")
    return value


def trie_alternation(forms: Iterable[str], case_blind: bool = True,
                     spell: Callable[[str], str] = re.escape) -> str:
    """A regular expression matching any of ``forms``, longest first, written as a trie
    ("re(?:sponse(?:s|d)?|mission)") so the engine tries each character once instead of
    every form in turn: several times faster on long vocabularies. With ``case_blind``
    the forms are folded to lower case (compile the pattern with re.IGNORECASE);
    ``spell`` writes a character as a pattern (default: itself, escaped)."""
    trie: dict = {}
    for form in forms:
        node = trie
        for char in (form.lower() if case_blind else form):
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        ends = "" in node
        alternatives = [spell(char) + branch(node[char]) for char in sorted(node) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        return f"(?:{body})?" if ends else body

    return branch(trie)


def words_pattern(words: list[str], before: str = "") -> re.Pattern:
    """Any of ``words`` as a whole word, case-blind, longest first; ``before`` anchors the
    match to a prefix, e.g. to the text right after a mention."""
    alternation = trie_alternation(words)
    if before:
        return re.compile(rf"{before}(?:{alternation})(?![A-Za-z])", re.IGNORECASE)
    return re.compile(rf"(?<![A-Za-z])(?:{alternation})(?![A-Za-z])", re.IGNORECASE)
