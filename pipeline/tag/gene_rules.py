"""The rules of ``resources/gene_rules.yaml``: how printed gene symbols and names are judged
in context. Read by the gene tagger, and by the drug tagger for the gene families no drug
is named after ("RAS" is no rasagiline)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from pipeline.resources import (check_keys, check_str_list, check_type, load_resource,
                                trie_alternation, words_pattern)
from pipeline.tag.evidence import Evidence
from pipeline.tag.matching import ASCII_RUNS

FILE = "gene_rules.yaml"


@dataclass(frozen=True)
class GeneRules:
    classes: frozenset[str]
    family_words: re.Pattern
    evidence: Evidence
    ihc_cues: re.Pattern
    ihc_markers: dict[str, str]
    clinical_abbreviations: frozenset[str]
    not_genes: frozenset[str]
    marker_forms: re.Pattern  # the markers as printed (:func:`marker_forms`)
    # the runs of ASCII letters and digits the markers start with (:func:`marker_runs`)
    marker_runs: frozenset[str] | None

    @cached_property
    def lowered_markers(self) -> frozenset[str]:
        return frozenset(marker.lower() for marker in self.ihc_markers)

    def marker_symbol(self, printed: str) -> str | None:
        """The symbol of an IHC marker as printed, also in lower case or with a capital
        opening a sentence ("Napsin A")."""
        if printed.lower() not in self.lowered_markers:
            return None  # no spelling below is a marker's (most candidates)
        markers = self.ihc_markers
        return (markers.get(printed) or markers.get(printed.lower())
                or markers.get(printed[:1].lower() + printed[1:]))

    @classmethod
    def from_dict(cls, data: dict) -> "GeneRules":
        lists = ["classes", "family_words", "ihc_cues", "clinical_abbreviations", "not_genes"]
        check_keys(data, file=FILE, where="top level", required=lists + ["evidence", "ihc_markers"])
        values = {key: check_str_list(data[key], file=FILE, where="top level", key=key)
                  for key in lists}
        markers = check_type(data["ihc_markers"], dict, file=FILE, where="top level",
                             key="ihc_markers", description="a mapping of marker to symbol")
        return cls(frozenset(values["classes"]),
                   words_pattern(values["family_words"], FAMILY_WORD_BEFORE),
                   Evidence.from_list(data["evidence"], file=FILE), words_pattern(values["ihc_cues"]),
                   {str(k): str(v) for k, v in markers.items()},
                   frozenset(values["clinical_abbreviations"]), frozenset(values["not_genes"]),
                   marker_forms([str(k) for k in markers]), marker_runs([str(k) for k in markers]))


def printed_markers(markers: list[str]) -> set[str]:
    """The IHC markers as printed, or with a capital opening a sentence."""
    return {form for marker in markers for form in (marker, marker[:1].upper() + marker[1:])}


def marker_forms(markers: list[str]) -> re.Pattern:
    """The IHC markers as printed, or with a capital opening a sentence, as whole words
    (a marker followed by "-positive" still is one; "CK5/6" is one, "CK5" of it is not)."""
    forms = printed_markers(markers)
    # longest first, as a trie: the engine tries each character once, not every form
    return re.compile(rf"(?<![\w/-])(?:{trie_alternation(forms, case_blind=False)})(?!\w)(?![/-]\d)")


def marker_runs(markers: list[str]) -> frozenset[str] | None:
    """The run of ASCII letters and digits each printed marker starts with ("CK5" of
    "CK5/6", "Ki" of "Ki-67", "napsin" of "napsin A"), as printed: a marker form matches
    only where a run of the text is one of them, since no \\w stands before a match and
    none after the form, and a run a form starts with ends where the form goes on with
    something else. None when a form starts with no ASCII letter or digit."""
    runs = [ASCII_RUNS.match(form) for form in printed_markers(markers)]
    return None if None in runs else frozenset(run.group() for run in runs)


# right after a mention: "KSR family", "insulin receptor superfamily", "(TAPE) domain"
# (matched at the mention's end, the text ended 40 characters on: ``match(text, end, end + 40)``)
FAMILY_WORD_BEFORE = r"\)?\s+(?:gene\s+|protein\s+)?"


@lru_cache(maxsize=1)
def gene_rules() -> GeneRules:
    return GeneRules.from_dict(load_resource(FILE))
