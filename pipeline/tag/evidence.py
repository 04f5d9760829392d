"""Evidence for and against reading a candidate as an entity, scored from its context.

A lexicon says what a printed form *may* be; its context says what it is here, as a
curator reads it. Each candidate starts from a prior set by its form (a strong one, such
as an INN or an approved symbol with digits, 1; a weak one, such as a brand or a short
symbol, 0; a form even weaker, such as a symbol printed in lower case, -1), and each
piece of context the rule files list adds its weight: positive for evidence for ("treated
with", "mutation"), negative for evidence against ("thyroid *cancer*", "*-dependent*").
A candidate counts when its score reaches 1, waits for evidence from the rest of the
document (the same entity accepted elsewhere, a list of accepted ones around it) at 0,
and never counts below 0.

Rules are data: an ``evidence`` list in a tagger's rule file, each entry checked on load
(:class:`ContextRule`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from pipeline.errors import Errors, RuleFileError
from pipeline.resources import check_keys, check_str_list, check_type, trie_alternation
from pipeline.tag.context import Sentence, cue_window
from pipeline.tag.matching import ASCII_LETTER_RUNS

STRONG, WEAK, WEAKER = 1, 0, -1  # priors
ACCEPT = 1  # the score a candidate needs to count on its own
WEAK_LABEL = frozenset({"weak"})
PLACES = ("near", "after", "before")
REACH = 60  # characters looked at right after or before a candidate
DASHES = "-\u2010\u2011\u2013"  # hyphen, Unicode hyphen, non-breaking hyphen, en dash


@dataclass(frozen=True)
class ContextRule:
    """One kind of evidence: words (or a regular expression) at a place around the
    candidate, with a weight.

    ``near``: anywhere in the cue window (:func:`pipeline.tag.context.cue_window`);
    ``after``: right after the candidate, white space or a dash between; ``before``: right
    before it. ``only``: the rule weighs only candidates with one of these labels (each
    tagger labels its candidates: "weak", the kind of name...); empty: all."""

    name: str
    place: str
    weight: int
    pattern: re.Pattern
    only: frozenset[str] = frozenset()
    # a rule of words placed "near": its search answered from the window's words
    words: "NearWords | None" = None

    @classmethod
    def from_dict(cls, data: dict, *, file: str, where: str) -> "ContextRule":
        check_keys(data, file=file, where=where, required=["name", "place", "weight"],
                   optional=["words", "pattern", "only"])
        check_type(data["name"], str, file=file, where=where, key="name", description="a string")
        place = data["place"]
        if place not in PLACES:
            raise RuleFileError(Errors.E103.format(file=file, where=where, key="place",
                                                   expected=f"one of {', '.join(PLACES)}",
                                                   value=place))
        weight = check_type(data["weight"], int, file=file, where=where, key="weight",
                            description="a whole number (positive: for, negative: against)")
        only = check_str_list(data.get("only", []), file=file, where=where, key="only")
        if ("words" in data) == ("pattern" in data):
            raise RuleFileError(Errors.E103.format(file=file, where=where, key="words, pattern",
                                                   expected="given, one of the two",
                                                   value=sorted(data)))
        words = None
        if "words" in data:
            words = check_str_list(data["words"], file=file, where=where, key="words")
            body = words_body(words)
        else:
            body = check_type(data["pattern"], str, file=file, where=where, key="pattern",
                              description="a regular expression")
        # "after" is matched from the candidate's end, "before" searched up to its start
        anchored = {"near": body, "after": rf"[{DASHES}\s]*(?:{body})",
                    "before": rf"(?:{body})[{DASHES}\s]*$"}[place]
        pattern = re.compile(anchored, re.IGNORECASE)
        return cls(data["name"], place, weight, pattern, frozenset(only),
                   NearWords.of(words, pattern) if words and place == "near" else None)

    def holds(self, text: str, start: int, end: int, window: str) -> bool:
        if self.place == "near":
            return self.words.found_in(window) if self.words else bool(self.pattern.search(window))
        if self.place == "after":
            return bool(self.pattern.match(text, end, min(len(text), end + REACH)))
        return bool(self.pattern.search(text, max(0, start - REACH), start))


@dataclass(frozen=True)
class NearWords:
    """Whether a window holds one of a rule's words (``pattern``: :func:`words_body` of
    them, placed "near"), read from the window's runs of ASCII letters where it is ASCII:
    ``pattern`` tried at every character of a window (it starts with a look-behind, and
    its words with almost every letter) costs about 750 instructions a character, and
    most windows hold no word of two or more runs. A word of letters alone is found
    where a run of the window, in lower case, is that word (no letter on either side);
    a longer word starts where a run is its first letters (a space or dash after them),
    and only then is ``pattern`` asked."""

    pattern: re.Pattern
    alone: frozenset[str]  # the words of letters alone, in lower case
    opening: frozenset[str]  # the letters the other words start with, in lower case

    @classmethod
    def of(cls, words: list[str], pattern: re.Pattern) -> "NearWords | None":
        """None when a word starts with no ASCII letter (nothing to look up)."""
        openings = [ASCII_LETTER_RUNS.match(word) for word in words]
        if None in openings:
            return None
        alone = {word.lower() for word, opening in zip(words, openings) if opening.end() == len(word)}
        return cls(pattern, frozenset(alone),
                   frozenset(opening.group().lower() for word, opening in zip(words, openings)
                             if opening.end() < len(word)))

    def found_in(self, window: str) -> bool:
        """``bool(pattern.search(window))``: beyond ASCII (a character re folds onto a
        letter, a dash of another kind), the pattern's own search."""
        if not window.isascii():
            return bool(self.pattern.search(window))
        runs = set(ASCII_LETTER_RUNS.findall(window.lower()))
        if not runs.isdisjoint(self.alone):
            return True
        return not runs.isdisjoint(self.opening) and bool(self.pattern.search(window))


def words_body(words: list[str]) -> str:
    """Any of ``words`` as a whole word, a dash standing for any dash ("-dependent" also
    matches "–dependent") and a space for any white space. Words that begin with a letter
    share one look-behind: one per word makes the search slow; and the words are written
    as a trie, so the engine tries each character once, not each word in turn (a rule only
    asks whether the words are there)."""
    def spelled(char: str) -> str:
        return r"\s+" if char == " " else f"[{DASHES}]" if char == "-" else re.escape(char)

    def trie(chosen: list[str]) -> str:
        return trie_alternation(chosen, case_blind=False, spell=spelled)

    parts = [rf"(?<![A-Za-z])(?:{trie([w for w in words if w[:1].isalpha()])})",
             rf"(?:{trie([w for w in words if not w[:1].isalpha()])})"]
    return rf"(?:{'|'.join(part for part in parts if not part.endswith('(?:)'))})(?![A-Za-z])"


@dataclass(frozen=True)
class Evidence:
    """A tagger's context rules, applied to its candidates."""

    rules: tuple[ContextRule, ...]
    by_labels: dict = field(default_factory=dict, compare=False)  # applicable rules, cached

    @classmethod
    def from_list(cls, entries: object, *, file: str) -> "Evidence":
        check_type(entries, list, file=file, where="top level", key="evidence",
                   description="a list of evidence rules")
        return cls(tuple(ContextRule.from_dict(entry, file=file, where=f"evidence[{i}]")
                         for i, entry in enumerate(entries)))

    def applicable(self, labels: frozenset[str], in_scope: bool) -> "Applicable":
        """The rules against and for that weigh a candidate with these labels: out of
        scope (a reference list), evidence for counts for nothing, evidence against still
        counts."""
        key = (labels, in_scope)
        if key not in self.by_labels:
            rules = [rule for rule in self.rules if not rule.only or rule.only & labels]
            self.by_labels[key] = Applicable(
                tuple(rule for rule in rules if rule.weight < 0),
                tuple(rule for rule in rules if rule.weight > 0 and in_scope))
        return self.by_labels[key]

    def score(self, prior: int, text: str, start: int, end: int, sentence: Sentence | None,
              *, labels: frozenset[str] = frozenset(), in_scope: bool = True) -> int:
        """``prior`` plus the weight of every rule the context of ``text[start:end]`` meets,
        summed until it reaches ACCEPT; a candidate not strong is labelled "weak" too.
        Evidence against is weighed first, then evidence for, rule by rule: once the score
        reaches ACCEPT, no further rule can take it below (evidence for only adds), and
        callers ask only whether it reaches ACCEPT (or WEAK). So a strong candidate nothing
        speaks against costs no look at its context beyond those rules, and a weak one
        with a gene word near none at the rules after it. The cue window is cut only when
        a rule looks in it."""
        rules = self.applicable(labels | WEAK_LABEL if prior < STRONG else labels, in_scope)
        window = cue_window(text, start, end, sentence) if rules.against_near else ""
        score = prior
        for rule in rules.against:  # a loop: most candidates meet none (no generator made)
            if rule.holds(text, start, end, window):
                score += rule.weight
        if score >= ACCEPT:
            return score
        if rules.for_near and not rules.against_near:
            window = cue_window(text, start, end, sentence)
        for rule in rules.for_:
            if rule.holds(text, start, end, window):
                score += rule.weight
                if score >= ACCEPT:
                    break
        return score


@dataclass(frozen=True)
class Applicable:
    """The rules that weigh a kind of candidate: those against, those for, and whether
    each set looks in the cue window (a rule placed "near")."""

    against: tuple[ContextRule, ...]
    for_: tuple[ContextRule, ...]

    @cached_property
    def against_near(self) -> bool:
        return any(rule.place == "near" for rule in self.against)

    @cached_property
    def for_near(self) -> bool:
        return any(rule.place == "near" for rule in self.for_)
