"""Regimen acronyms: those of ``resources/regimens.yaml`` ("7+3", "FLAG-IDA", "CHOP") and
those the document defines as several drugs, a letter for each ("procarbazine-CCNU-
vincristine (PCV)", "DCA (decitabine+cytarabine+aclarubicin)"), named as printed.

Listed acronyms are matched case-sensitively on characters (acronyms carry "+" and "-"),
longest form first, so "R-CHOP" is not read as "CHOP" and "FLAG-IDA" not as "FLAG"; one
the document spells out in ordinary words that name no drug is no regimen there ("ICE
(intensive care environment)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.lexicons import common_words, drug_lexicon
from pipeline.resources import (check_keys, check_str_list, check_type, load_resource,
                                trie_alternation)
from pipeline.settings import get_settings
from pipeline.tag.abbreviations import initials
from pipeline.tag.drugs import Definition, document_definitions, drug_rules, short_form_uses
from pipeline.tag.matching import ASCII_RUNS, ascii_runs, matches_at_runs
from pipeline.tag.tags import Tag, add_tags, doc_text

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
    alternation = trie_alternation(by_form, case_blind=False)  # longest first
    # a modified or numbered schedule of a listed regimen ("mFOLFIRINOX", "FOLFOX6")
    return re.compile(rf"(?<![A-Za-z0-9+/-])(?P<modified>m)?(?P<form>{alternation})"
                      rf"(?P<schedule>\d(?![\d.,]))?(?![A-Za-z0-9+]|-[A-Za-z0-9])"), by_form


@lru_cache(maxsize=1)
def regimen_first_runs() -> frozenset[str] | None:
    """The runs of ASCII letters and digits a match of :func:`regimen_pattern` starts (its
    look-behind puts a match at a run's start): a form's first run, with the "m" of a
    modified schedule before it and, for a form of one run, a schedule's digit after it;
    None when a form starts with no ASCII letter or digit."""
    _, by_form = regimen_pattern()
    runs = set()
    for form in by_form:
        first = ASCII_RUNS.match(form)
        if first is None:
            return None
        schedules = ("", *"0123456789") if first.group() == form else ("",)
        runs.update(f"{modified}{first.group()}{schedule}"
                    for modified in ("", "m") for schedule in schedules)
    return frozenset(runs)


def regimen_matches(text: str) -> list[re.Match]:
    """``regimen_pattern()[0].finditer(text)``, tried only at the runs of ASCII letters and
    digits a match can start (:func:`regimen_first_runs`), where the pattern alone tries
    its look-behind at every position of the text."""
    pattern, _ = regimen_pattern()
    first_runs = regimen_first_runs()
    if first_runs is None:
        return list(pattern.finditer(text))
    runs = ascii_runs(text)
    return matches_at_runs(pattern, text, runs.starts, runs.printed, first_runs)


def printed_name(match: re.Match, by_form: dict[str, Regimen]) -> str:
    """The regimen's name, with the modification or schedule printed with it (as printed,
    per the guidelines: "mFOLFIRINOX")."""
    return (f"{match.group('modified') or ''}{by_form[match.group('form')].name}"
            f"{match.group('schedule') or ''}")


def find_regimens(text: str, definitions: dict[str, Definition] | None = None) -> list[Tag]:
    """Regimen tags: listed acronyms, but not where the document spells one out in ordinary
    words that name no drug; and acronyms the document defines as several drugs, one
    letter for each ("PCV", not "TMP-SMZ (trimethoprim-sulfamethoxazole)", a combined
    product, nor "AVP (arginine vasopressin)")."""
    definitions = definitions or {}
    _, by_form = regimen_pattern()
    found = [Tag("regimen", m.start(), m.end(), printed_name(m, by_form), "regimen.acronym")
             for m in regimen_matches(text)
             if not (m.group(0) in definitions and definitions[m.group(0)].ordinary)]
    listed = {(tag.start, tag.end) for tag in found}
    for short, definition in definitions.items():
        if len(definition.drugs) > 1 and definition.initials == initials(short):
            found += [Tag("regimen", start, end, short, "regimen.defined")
                      for start, end in short_form_uses(text, short) if (start, end) not in listed]
    return sorted(found, key=lambda tag: tag.start)


class RegimenTagger:
    """spaCy component ``caselit_regimens``."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        settings = get_settings()
        self.drugs = drug_lexicon(settings)
        self.words = common_words(settings)

    def __call__(self, doc: Doc) -> Doc:
        definitions = document_definitions(doc, self.drugs, drug_rules(), self.words)
        add_tags(doc, find_regimens(doc_text(doc), definitions))
        return doc


@Language.factory("caselit_regimens", default_config={}, assigns=["doc._.caselit_tags"])
def make_regimen_tagger(nlp: Language, name: str) -> RegimenTagger:
    regimen_first_runs()  # validate the rule file when the pipeline is built
    return RegimenTagger(nlp, name)
