"""What a mention's context says of it: negated, hypothetical (planned, possible), about
other patients or the literature, historical.

The ConText algorithm (Chapman et al.; medspaCy's ConText implements it for spaCy): a
trigger phrase of a category modifies the target mentions after it (forward), before it
(backward) or both, within its sentence and up to a terminating word. Triggers,
directions, terminators and pseudo-triggers are data (``resources/context_rules.yaml``).
medspaCy itself needs spaCy < 3.8 on Python 3.11 (this project pins 3.8) and brings a
UMLS matcher with compiled dependencies, so the algorithm is written here on the
tagger's own tags and sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.clauses import opening_clause
from pipeline.errors import Errors, RuleFileError
from pipeline.resources import (check_keys, check_str_list, check_type, load_resource,
                                trie_alternation)
from pipeline.tag.context import Sentence, doc_sentences
from pipeline.tag.matching import (ASCII_RUNS, PhraseIndex, first_scanned_forms, matches_at,
                                   runs_between)
from pipeline.tag.tags import Tag, doc_tags, doc_text

FILE = "context_rules.yaml"
CATEGORIES = ("negated", "hypothetical", "other_patients", "historical")
DIRECTIONS = ("forward", "backward", "both", "attached")


# Phrases starting with at most this many letters (either case) are scanned for them: more,
# and re stops at so many characters of a text that a look-behind first is faster (over
# the bench texts: 2.5-3x faster with 1-5 letters, 1.1x with 7, 1.1-1.2x slower with 11-15)
FEW_FIRST_LETTERS = 7


def phrases_pattern(phrases: list[str]) -> re.Pattern:
    """Whole-word, case-blind phrases, longest first, and punctuation phrases as printed
    (";" right after a word). The look-ahead for their first characters lets the engine
    pass over most positions."""
    words = [p for p in phrases if p[0].isalnum() and p[-1].isalnum()]
    marks = sorted((p for p in phrases if p not in words), key=len, reverse=True)
    if (words and not marks and all(word.isascii() for word in words)
            and len({word[0].lower() for word in words}) <= FEW_FIRST_LETTERS):
        # the first characters alone, so re scans for them (:func:`first_scanned_forms`)
        return re.compile(first_scanned_forms(words, r"[\w-]", case_blind=True) + r"(?![\w-])",
                          re.IGNORECASE)
    first = "".join(sorted({re.escape(c) for p in words for c in (p[0].lower(), p[0].upper())}))
    parts = [rf"(?<![\w-])(?=[{first}])(?:{trie_alternation(words)})(?![\w-])"] if words else []
    parts += [re.escape(mark) for mark in marks]
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


def first_words(phrases: Sequence[str]) -> tuple[str, ...]:
    """Each phrase's first run of ASCII letters and digits, in lower case ("" for a mark such
    as ";"): a match of a phrase of :func:`phrases_pattern` starts at the text's run that
    is this word (it starts with that run, and nothing of ``\\w`` is next to it)."""
    return tuple(run.group() if (run := ASCII_RUNS.match(phrase.lower())) else ""
                 for phrase in phrases)


def held_matches(pattern: re.Pattern, starting: tuple[str, ...], places: tuple[int, ...] | None,
                 text: str, start: int, end: int,
                 runs: tuple[list[int], list[str]] | None) -> list[re.Match]:
    """``pattern.finditer(text, start, end)`` for the pattern of a list of phrases (first
    words ``starting``) in a sentence that can hold only those at ``places``
    (:meth:`~pipeline.tag.matching.PhraseIndex.held_phrases`; None: any), its ``runs``
    (:func:`~pipeline.tag.matching.runs_between`): tried only at the runs a held phrase
    starts with. No pattern is made for the phrases held, so nothing is compiled for a
    sentence."""
    if places is None or runs is None:
        return list(pattern.finditer(text, start, end))
    firsts = {starting[place] for place in places}
    starts, words = runs
    return matches_at(pattern, text, starts,
                      compress(range(len(words)), map(firsts.__contains__, words)), end)


@dataclass(frozen=True)
class ContextRule:
    category: str
    direction: str
    triggers: re.Pattern
    targets: frozenset[str] = frozenset()  # the mention types it modifies; none: every target
    phrases: tuple[str, ...] = ()  # as the rule file lists them
    starting: tuple[str, ...] = ()  # their first words (:func:`first_words`)

    @classmethod
    def from_dict(cls, data: dict, where: str) -> "ContextRule":
        check_keys(data, file=FILE, where=where, required=["category", "direction", "phrases"],
                   optional=["targets"])
        for key, allowed in (("category", CATEGORIES), ("direction", DIRECTIONS)):
            if data[key] not in allowed:
                raise RuleFileError(Errors.E103.format(file=FILE, where=where, key=key,
                                                       expected=" or ".join(allowed),
                                                       value=data[key]))
        phrases = check_str_list(data["phrases"], file=FILE, where=where, key="phrases")
        targets = check_str_list(data.get("targets", []), file=FILE, where=where, key="targets")
        return cls(data["category"], data["direction"], phrases_pattern(phrases),
                   frozenset(targets), tuple(phrases), first_words(phrases))


@dataclass(frozen=True)
class ContextRules:
    rules: tuple[ContextRule, ...]
    targets: frozenset[str]
    terminators: re.Pattern
    pseudo: re.Pattern
    sentence_wide: frozenset[str]
    own_patient: re.Pattern
    reach: frozenset[str]  # the file's targets and those rules of their own add
    # the rules' phrases (by rule) and the pseudo-triggers, by the words they are made of
    phrase_index: PhraseIndex
    pseudo_index: PhraseIndex
    pseudo_starting: tuple[str, ...]  # the pseudo-triggers' first words
    words: frozenset[str]  # the words of both indexes' phrases (PhraseIndex.words)

    @classmethod
    def from_dict(cls, data: dict) -> "ContextRules":
        keys = ["targets", "terminators", "pseudo", "sentence_wide", "own_patient", "rules"]
        check_keys(data, file=FILE, where="top level", required=keys)
        lists = {key: check_str_list(data[key], file=FILE, where="top level", key=key)
                 for key in keys[:-1]}
        rules = check_type(data["rules"], list, file=FILE, where="top level", key="rules",
                           description="a list of rules")
        unknown = set(lists["sentence_wide"]) - set(CATEGORIES)
        if unknown:
            raise RuleFileError(Errors.E103.format(
                file=FILE, where="top level", key="sentence_wide",
                expected=" or ".join(CATEGORIES), value=sorted(unknown)))
        parsed = tuple(ContextRule.from_dict(rule, f"rules[{n}]") for n, rule in enumerate(rules))
        phrase_index = PhraseIndex([list(rule.phrases) for rule in parsed])
        pseudo_index = PhraseIndex([lists["pseudo"]])
        return cls(parsed, frozenset(lists["targets"]), phrases_pattern(lists["terminators"]),
                   phrases_pattern(lists["pseudo"]), frozenset(lists["sentence_wide"]),
                   phrases_pattern(lists["own_patient"]),
                   frozenset(lists["targets"]).union(*(rule.targets for rule in parsed)),
                   phrase_index, pseudo_index, first_words(lists["pseudo"]),
                   phrase_index.words | pseudo_index.words)

    def triggers_between(self, text: str, start: int, end: int,
                         runs: tuple[list[int], list[str]] | None, words: set[str] | None
                         ) -> list[tuple[ContextRule, re.Match]]:
        """The rules' matches in ``text[start:end]`` (a sentence, its ``runs``:
        :func:`~pipeline.tag.matching.runs_between`, and their ``words``, a set), rule by
        rule in their order: a rule is tried only if the sentence holds every word of one
        of its phrases, and only at the runs such a phrase starts with
        (:func:`held_matches`)."""
        held = self.phrase_index.held_phrases(words)
        return [(self.rules[number], match) for number, places in held.items()
                for match in held_matches(self.rules[number].triggers,
                                          self.rules[number].starting, places,
                                          text, start, end, runs)]

    def pseudo_between(self, text: str, start: int, end: int,
                       runs: tuple[list[int], list[str]] | None, words: set[str] | None
                       ) -> list[re.Match]:
        """The pseudo-triggers' matches in a sentence, as :meth:`triggers_between`."""
        held = self.pseudo_index.held_phrases(words)
        return (held_matches(self.pseudo, self.pseudo_starting, held[0], text, start, end, runs)
                if held else [])


@lru_cache(maxsize=1)
def context_rules() -> ContextRules:
    return ContextRules.from_dict(load_resource(FILE))


@dataclass(frozen=True)
class Trigger:
    category: str
    direction: str
    start: int
    end: int
    targets: frozenset[str] = frozenset()


def triggers_in(text: str, start: int, end: int, tags: list[Tag], rules: ContextRules
                ) -> list[Trigger]:
    """The triggers of one sentence, without those inside a tagged mention ("no response")
    or inside a pseudo-trigger ("not only"). A rule none of whose phrases has all its words
    among the sentence's is not tried (:meth:`ContextRules.triggers_between`), the others
    only where a phrase it can hold starts, nor pseudo-triggers looked for in a sentence
    without a trigger (four in five) or without their words."""
    runs = runs_between(text, start, end)
    # the same for the triggers and the pseudo: only the words of their phrases, all the
    # indexes read (a set of the sentence's every word cost more than the look-ups)
    words = None if runs is None else rules.words.intersection(runs[1])
    matches = rules.triggers_between(text, start, end, runs, words)
    if not matches:
        return []
    pseudo = [m.span() for m in rules.pseudo_between(text, start, end, runs, words)]
    inside = [(t.start, t.end) for t in tags] + pseudo
    found = [Trigger(rule.category, rule.direction, match.start(), match.end(), rule.targets)
             for rule, match in matches
             if not any(a < match.end() and match.start() < b for a, b in inside)]
    # a trigger inside a longer one is part of it: the "not" of "was not identified" does
    # not reach forward as well
    return [t for t in found if not any(o.start <= t.start and t.end <= o.end
                                        and o.end - o.start > t.end - t.start for o in found)]


def cell_of(text: str, trigger: Trigger, sentence: Sentence) -> tuple[int, int]:
    """The part of the sentence a trigger sits in: a table row's cell (cells are
    tab-separated), or the whole sentence."""
    tab_before = text.rfind("\t", sentence.start, trigger.start)
    tab_after = text.find("\t", trigger.end, sentence.end)
    return (sentence.start if tab_before == -1 else tab_before + 1,
            sentence.end if tab_after == -1 else tab_after)


CLAUSE_MARK = re.compile(r"[,;()]")


def scope(text: str, trigger: Trigger, sentence: Sentence, rules: ContextRules) -> tuple[int, int]:
    """The characters a trigger reaches: towards its direction, to the nearest terminating
    word or the edge of its sentence (of its cell, in a table row); an attached one, the
    word it is glued to."""
    start, end = cell_of(text, trigger, sentence)
    if trigger.category in rules.sentence_wide:
        if rules.own_patient.search(text, start, end) is None:
            return start, end
        # a sentence about the authors' own patient: the literature only in its clause
        # ("Our patient, like the cases reported by Smith et al., responded to crizotinib")
        before = [m.end() for m in CLAUSE_MARK.finditer(text, start, trigger.start)]
        after = CLAUSE_MARK.search(text, trigger.end, end)
        return (before[-1] if before else start), (after.start() if after else end)
    # a sentence's opening clause ("Because he would not accept chemotherapy, erlotinib
    # was given") ends at its comma for the triggers on either side of it
    if trigger.direction == "attached":  # the word it is glued to ("R132H-negative")
        return max(text.rfind(" ", start, trigger.start) + 1, start), trigger.start
    opening = opening_clause().match(text, start, end)
    closes = opening.end() - 1 if opening else None
    left, right = start, end
    if trigger.direction in ("forward", "both"):
        after = rules.terminators.search(text, trigger.end, end)
        right = after.start() if after else end
        if closes is not None and trigger.end <= closes < right:
            right = closes
    else:
        right = trigger.start
    if trigger.direction in ("backward", "both"):
        before = [m.end() for m in rules.terminators.finditer(text, start, trigger.start)]
        left = before[-1] if before else start
        if closes is not None and left <= closes < trigger.start:
            left = closes + 1
    else:
        left = trigger.end
    return left, right


def with_modifiers(text: str, sentences: list[Sentence], tags: list[Tag]) -> list[Tag]:
    """``tags`` with the modifiers their sentences give them (in the same order). A tag
    some trigger reaches is made again once, with all they say of it."""
    rules = context_rules()
    targets = [n for n, tag in enumerate(tags) if tag.type in rules.reach]
    said: dict[int, set[str]] = {}  # by tag: its modifiers and those triggers add
    position = 0
    ordered = sorted(targets, key=lambda n: tags[n].start)
    for sentence in sentences:
        members = []
        while position < len(ordered) and tags[ordered[position]].start < sentence.end:
            if tags[ordered[position]].start >= sentence.start:
                members.append(ordered[position])
            position += 1
        if not members:
            continue
        in_sentence = [tags[n] for n in members]
        for trigger in triggers_in(text, sentence.start, sentence.end, in_sentence, rules):
            left, right = scope(text, trigger, sentence, rules)
            for n in members:
                tag = tags[n]
                if (left <= tag.start and tag.end <= right
                        and tag.type in (trigger.targets or rules.targets)):
                    said.setdefault(n, set(tag.modifiers)).add(trigger.category)
    result = list(tags)
    for n, categories in said.items():
        if not categories.issubset(tags[n].modifiers):
            result[n] = with_new_modifiers(tags[n], tuple(c for c in CATEGORIES if c in categories))
    return result


def with_new_modifiers(tag: Tag, modifiers: tuple[str, ...]) -> Tag:
    """``dataclasses.replace(tag, modifiers=modifiers)``, from the tag's fields as they are
    (every field of a Tag is an argument of its __init__): replace asks the dataclass for
    its fields and each field for its kind, ten times the cost of the Tag itself."""
    return Tag(**{**vars(tag), "modifiers": modifiers})


class ContextModifiers:
    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        tags = doc_tags(doc)
        tags[:] = with_modifiers(doc_text(doc), doc_sentences(doc), tags)
        return doc


@Language.factory("caselit_context", default_config={}, assigns=["doc._.caselit_tags"],
                  requires=["doc._.caselit_tags"])
def make_context_modifiers(nlp: Language, name: str) -> ContextModifiers:
    context_rules()  # validate the rule file when the pipeline is built
    return ContextModifiers(name)
