"""Clauses of a sentence that more than one stage reads: one rule, in
``pipeline/resources/clauses.yaml``, so the context modifiers and the therapy timeline
agree on where a sentence's main clause begins."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.resources import check_keys, check_str_list, check_type, load_resource

FILE = "clauses.yaml"


def opening_clause_pattern(rule: dict, where: str = "opening_clause") -> re.Pattern:
    """A pattern matching a sentence's opening clause up to and including the comma that
    closes it, from where it is matched (``pattern.match(text, sentence_start)``)."""
    check_keys(rule, file=FILE, where=where,
               required=["openers", "longest", "words_to_verb", "main_clause_verbs"])
    openers = check_str_list(rule["openers"], file=FILE, where=where, key="openers")
    verbs = check_str_list(rule["main_clause_verbs"], file=FILE, where=where,
                           key="main_clause_verbs")
    longest, words = (check_type(rule[key], int, file=FILE, where=where, key=key,
                                 description="a whole number")
                      for key in ("longest", "words_to_verb"))
    opener = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in openers)
    verb = "|".join(map(re.escape, verbs))
    # the main clause's words before its verb may be a dose or a brand in brackets
    # ("larotrectinib (Vitrakvi) 100 mg/m2 twice daily was started"), never a sentence end
    word = r"(?:[^\s,;.]|\.(?=\S))+"
    return re.compile(rf"\s*(?:{opener})\b[^,;.]{{3,{longest}}},"
                      rf"(?=\s*(?:{word}\s+){{1,{words}}}?(?:{verb})\b)", re.IGNORECASE)


@lru_cache(maxsize=1)
def opening_clause() -> re.Pattern:
    data = load_resource(FILE)
    check_keys(data, file=FILE, where="top level", required=["opening_clause"])
    return opening_clause_pattern(data["opening_clause"])
