"""Dictionary look-up over the raw characters of a text.

Tokenizers disagree about "EML4-ALK", "CPX-351" or "ALKþ"; lexicon entries are matched
here on words made of ASCII letters, Greek letters and digits instead, joined by one space
or hyphen,
longest match first, so the same entry is found however a tokenizer would split it.
"""

from __future__ import annotations

import re
import string
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache, wraps
from itertools import accumulate, compress, filterfalse, repeat
from operator import or_
from re import _constants as sre_constants, _parser as sre_parser
from typing import (Callable, Collection, Container, Iterable, Mapping, NamedTuple, Protocol,
                    Sequence, TypeVar)

from pipeline.resources import trie_alternation
from pipeline.screens import REPEATS, ZERO_WIDTH, holds_other_digits, places_of

T = TypeVar("T")

WORD = re.compile(r"[A-Za-z0-9\u0391-\u03a9\u03b1-\u03c9]+")  # Greek letters too: "PDGFRα"
SPLIT_WORDS = re.compile(f"({WORD.pattern})")  # see split_at
# The characters of WORD that are no ASCII letter or digit: a text without them has the
# runs of ASCII letters and digits as its words
BEYOND_ASCII_WORDS = re.compile("[\u0391-\u03a9\u03b1-\u03c9]")
# The characters whose lower case is a character of WORD and they are not, or the reverse
# (ϴ, the Ohm and Kelvin signs; tests/tag/test_matching.py checks them against Unicode)
RELOWERED_WORDS = re.compile("[\u03f4\u2126\u212a]")
# Lower-cases ASCII letters only, so the lowered text keeps every offset of the original
# (str.lower() turns some characters into two).
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# A text this short (an abbreviation's long form) is not remembered by the per-text caches
# below: the drug tagger reads every long form a document defines between the taggers that
# read the document, and remembered, the long forms pushed the document's words out. The
# last short texts are remembered apart (a look-up asks for a short text's words twice:
# for themselves and for what joins them).
SHORT_TEXT = 200
REMEMBERED_SHORT_TEXTS = 2


def per_text(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """``lru_cache(maxsize)`` for a function of a text (and more), a text shorter than
    SHORT_TEXT remembered in a cache of its own, of the last REMEMBERED_SHORT_TEXTS."""
    def decorate(compute: Callable[..., T]) -> Callable[..., T]:
        remembered = lru_cache(maxsize=maxsize)(compute)
        remembered_short = lru_cache(maxsize=REMEMBERED_SHORT_TEXTS)(compute)

        @wraps(compute)
        def computed(text: str, *rest) -> T:
            return (remembered_short if len(text) < SHORT_TEXT else remembered)(text, *rest)

        return computed

    return decorate


@per_text(maxsize=4)
def lower_keeping_offsets(text: str) -> str:
    """The text in lower case, every character where it was: ``str.lower()`` (many times
    faster than a translation table) unless it turns a character into two ("İ"), then ASCII
    letters only. Cached: the taggers of one document lower the same text several times."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(ASCII_LOWER)


@dataclass(frozen=True)
class KeyWords:
    """What words a lookup's keys are made of: a phrase can be a key only if it is one
    of ``single_words`` or its first two words are one of ``word_pairs`` (and its first
    three one of ``word_triples``, if it has three or more)."""

    single_words: frozenset[str]
    word_pairs: frozenset[tuple[str, str]]
    pair_starts: frozenset[str]  # the first words of ``word_pairs``
    starts: frozenset[str]  # the words a key can start with: single words and pair starts
    # first word -> the most words of a key starting with it: a longer phrase is no key
    longest: dict[str, int]
    word_triples: frozenset[tuple[str, str, str]]

    def most_words(self, words: list[str], joined: list[bool], index: int, most: int) -> int:
        """The most words (at most ``most``) of a key starting at ``words[index]``, the
        words joined as ``joined`` says: none beyond the longest key starting with that
        word, and one or two when the first two or three words start no key."""
        most = min(most, self.longest[words[index]])
        if most > 1 and not (joined[index] and (words[index], words[index + 1]) in self.word_pairs):
            return 1
        if most > 2 and not (joined[index + 1] and (words[index], words[index + 1], words[index + 2])
                             in self.word_triples):
            return 2
        return most


def per_lookup(compute: Callable[[Mapping], T]) -> Callable[[Mapping], T]:
    """``compute(lookup)`` once per lookup object: a lexicon's lookup lives for the whole
    process, and a dict cannot be a cache key. The lookup is held beside its value, so its
    id is never reused for another. ``.remember(lookup, value)`` hands it a value computed
    before (a lexicon's, loaded from the lexicon cache)."""
    remembered: dict[int, tuple[Mapping, T]] = {}

    @wraps(compute)
    def computed_once(lookup: Mapping) -> T:
        held = remembered.get(id(lookup))
        if held is None or held[0] is not lookup:
            held = remembered[id(lookup)] = (lookup, compute(lookup))
        return held[1]

    def remember(lookup: Mapping, value: T) -> None:
        remembered[id(lookup)] = (lookup, value)

    computed_once.remember = remember
    return computed_once


@per_lookup
def key_words(lookup: Mapping[str, object]) -> KeyWords:
    """The words of a lookup's keys."""
    singles, pairs, triples, longest = set(), set(), set(), {}
    for key in lookup:
        words = WORD.findall(key)
        if len(words) == 1:
            singles.add(words[0])
        elif len(words) > 1:
            pairs.add((words[0], words[1]))
        if len(words) > 2:
            triples.add((words[0], words[1], words[2]))
        if words:
            longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return KeyWords(frozenset(singles), frozenset(pairs), frozenset(first for first, _ in pairs),
                    frozenset(singles).union(first for first, _ in pairs), longest,
                    frozenset(triples))


class KeyScreen(Protocol):
    """A quick test of keys before they are respelt (see :func:`find_terms`): False only
    when no respelling of a key can be in the lookup; asked of one key, or of a text's
    new words at once (``passing``), which may answer most of them by C-level calls."""

    def __call__(self, key: str) -> bool: ...

    def passing(self, keys: Collection[str]) -> Iterable[str]:
        """The keys the screen lets through."""


REMEMBERED_WORDS = 1 << 16  # per lookup: then forgotten, to bound the memory
_RESOLVING: dict[tuple[int, int, int], tuple[Mapping, Callable, Callable | None, set[str], set[str]]] = {}


def resolving_words(words: list[str], lookup: Mapping[str, object],
                    respellings: Callable[[str], tuple[str, ...]],
                    may_respell: KeyScreen | None = None) -> set[str]:
    """A set holding those of ``words`` that are keys of ``lookup`` or respelt to one
    (and such words of earlier texts: a corpus repeats its words, so each is looked up
    once per lookup and respelling function while the process remembers it). Only the
    words ``may_respell`` lets through are respelt (see :func:`find_terms`)."""
    cached = _RESOLVING.get((id(lookup), id(respellings), id(may_respell)))
    if (cached is None or cached[0] is not lookup or cached[1] is not respellings
            or cached[2] is not may_respell or len(cached[3]) > REMEMBERED_WORDS):
        cached = _RESOLVING[id(lookup), id(respellings), id(may_respell)] = (
            lookup, respellings, may_respell, set(), set())
    _, _, _, seen, resolving = cached
    # only the words not seen before are put in a set: a text's words are mostly seen ones
    new = set(filterfalse(seen.__contains__, words))
    # the new words that are keys, looked up at C level (no lookup holds None values)
    keys = new & lookup.keys()
    resolving |= keys
    respelt = new - keys
    for word in respelt if may_respell is None else may_respell.passing(respelt):
        for other in respellings(word):
            if lookup.get(other) is not None:
                resolving.add(word)
                break
    seen |= new
    return resolving


class RememberedRuns(dict):
    """Run -> ``judge(run)``, for runs of ASCII letters and digits (or other words a corpus
    repeats: drug names), each worked out on its
    first look-up while the process remembers it: a corpus repeats its words, so a text's
    runs are screened by one dictionary look-up each at C speed
    (``map(remembered.__getitem__, runs)``), whatever the judge costs. Forgotten after
    REMEMBERED_WORDS runs, to bound the memory."""

    def __init__(self, judge: Callable[[str], object]):
        super().__init__()
        self.judge = judge

    def __missing__(self, run: str) -> object:
        if len(self) >= REMEMBERED_WORDS:
            self.clear()
        verdict = self[run] = self.judge(run)
        return verdict


class RunScreens:
    """Screens of the runs of ASCII letters and digits of texts, worked out together: a
    run's verdict, the screens it passes, is remembered while the process remembers it
    (REMEMBERED_WORDS runs), so a text's runs are looked up once for all the screens, where
    a pass per screen looked each run up again (about 400 instructions a run and a pass).
    The runs a text brings that none of its earlier texts held are judged together, each
    judge given all of them (as printed and in lower case) and answering with those it
    lets through, mostly by C-level set look-ups over them: asked a run at a time, the
    judges cost a text's first pass a quarter of the case words' work. Only the runs some
    screen lets through (a few in ten) keep a verdict; the others are only noted as
    judged, so a text's runs are told apart by a set difference (C-level, per distinct
    run) and one membership test each. Judges are added (:meth:`add`) before texts are
    screened."""

    def __init__(self):
        self.judges: list[Callable[[list[str], list[str]], Iterable[str]]] = []
        self.judged: set[str] = set()
        self.verdicts: dict[str, tuple[int, ...]] = {}  # of the judged runs some screen passes

    def add(self, judge: Callable[[list[str], list[str]], Iterable[str]]) -> "RunScreen":
        self.judges.append(judge)
        self.judged.clear()
        self.verdicts.clear()
        return RunScreen(self, len(self.judges) - 1)

    def judge_new(self, runs: list[str]) -> None:
        """Judge those of ``runs`` (as printed) not judged yet."""
        new = set(runs).difference(self.judged)
        if new:
            if len(self.judged) + len(new) > REMEMBERED_WORDS:
                self.judged.clear()
                self.verdicts.clear()
                new = set(runs)
            self.judge(list(new))

    def judge(self, runs: list[str]) -> None:
        """Work out the verdicts of ``runs``, none of them judged yet."""
        lowered = list(map(str.lower, runs))
        passed: dict[str, tuple[int, ...]] = {}
        for number, judge in enumerate(self.judges):
            for run in judge(runs, lowered):
                passed[run] = passed.get(run, ()) + (number,)
        self.judged.update(runs)
        self.verdicts.update(passed)


def lowered_in(words: Container[str], runs: list[str], lowered: list[str]) -> Iterable[str]:
    """The runs that, in lower case, are one of ``words`` (a judge of :class:`RunScreens`)."""
    return compress(runs, map(words.__contains__, lowered))


def printed_in(words: Container[str], runs: list[str], lowered: list[str]) -> Iterable[str]:
    """The runs that, as printed, are one of ``words`` (a judge of :class:`RunScreens`)."""
    return compress(runs, map(words.__contains__, runs))


class RunScreen(NamedTuple):
    """One screen of a :class:`RunScreens`."""

    screens: RunScreens
    number: int

    def runs(self, text: str) -> list[int]:
        """The indices of the text's runs (:func:`ascii_runs`) the screen lets through."""
        return runs_passing(text, self.screens)[self.number]


class SpanIndex:
    """Spans (start, end) of a text, asked whether any of them overlaps a stretch: by
    bisection over their starts, beside the furthest end the spans starting so far reach
    (a span starting before the stretch's end overlaps it when it ends after its start),
    where a scan would compare every span with each stretch asked of."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.furthest = list(accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end)
        return before > 0 and self.furthest[before - 1] > start


class Match(NamedTuple):
    """A phrase found (a tuple: one is made for every phrase, at a third of the cost of a
    frozen dataclass)."""

    start: int
    end: int
    key: str


@dataclass(frozen=True)
class Words:
    """A text's words, found once for every look-up of the text (genes, gene names and
    drugs read the same words)."""

    starts: list[int]
    ends: list[int]
    printed: list[str]
    lowered: list[str]  # as :func:`lower_keeping_offsets` lowers them
    gaps: list[str]  # the characters between a word and the next ("" after the last)


def split_at(splitter: re.Pattern, text: str) -> tuple[list[str], list[int], list[int]]:
    """(separators and words, starts, ends) of the words a splitter with one group finds:
    its split alternates separators and words (separator, word, ..., word, separator), so
    the words and their offsets come from C-level calls, with no match object per word."""
    parts = splitter.split(text)
    bounds = list(accumulate(map(len, parts)))
    return parts, bounds[0:-1:2], bounds[1::2]


@per_text(maxsize=4)
def words_of(text: str) -> Words:
    # str.isascii() answers at once (a string knows its widest character); a search reads
    if text.isascii() or BEYOND_ASCII_WORDS.search(text) is None:
        # no Greek letter: the words are the runs of ASCII letters and digits, found once
        runs = ascii_runs(text)
        return Words(runs.starts, runs.ends, runs.printed, runs.lowered, runs.gaps)
    parts, starts, ends = split_at(SPLIT_WORDS, text)
    # the lowered text splits the same unless it holds a character whose lower case is
    # a word's and it is not, or the reverse; then its words are cut one by one
    lowered_text = lower_keeping_offsets(text)
    lowered = (SPLIT_WORDS.split(lowered_text)[1::2] if RELOWERED_WORDS.search(text) is None
               else list(map(lowered_text.__getitem__, map(slice, starts, ends))))
    return Words(starts, ends, parts[1::2], lowered, gaps(parts, starts))


def gaps(parts: list[str], starts: list[int]) -> list[str]:
    """The separators between the words of a split (:func:`split_at`), "" after the last."""
    return parts[2:-1:2] + [""] * bool(starts)


@per_text(maxsize=8)
def joined_words(text: str, joiners: str) -> list[bool]:
    """Per word of :func:`words_of`: whether one of ``joiners`` (alone) joins it to the next."""
    return list(map(frozenset(joiners).__contains__, words_of(text).gaps))


def resolving_pairs(source: str, words: Words, joined: list[bool], lookup: Mapping[str, object],
                    respellings: Callable[[str], tuple[str, ...]],
                    may_respell: KeyScreen | None) -> list[int]:
    """The indices, in order, of the words joined to the next such that the two words (as
    in ``source``) are a key of ``lookup`` or respelt to one (:func:`resolving_words`)."""
    at = list(compress(range(len(joined)), joined))
    phrases = [source[words.starts[index]:words.ends[index + 1]] for index in at]
    resolving = resolving_words(phrases, lookup, respellings, may_respell)
    return list(compress(at, map(resolving.__contains__, phrases)))


def find_terms(text: str, lookup: Mapping[str, T], *, max_words: int = 1, lower: bool = False,
               accept: Callable[[str, T], bool] | None = None,
               respellings: Callable[[str], tuple[str, ...]] | None = None,
               respellings_keep_words: bool = False, joiners: str = " -",
               may_respell: KeyScreen | None = None) -> list[tuple[Match, T]]:
    """Non-overlapping (match, value) pairs for every phrase whose key is in ``lookup``.

    A phrase is 1..``max_words`` words joined by single spaces or hyphens, tried longest
    first; its key is the printed phrase, lower-cased when ``lower``. ``accept``
    can veto a hit given the printed phrase and its value (e.g. brand-name casing).
    ``respellings`` gives other keys to try when a phrase's own key is not in ``lookup``
    ("IGF-1" -> "IGF1"); the match's ``key`` is then the key found. ``respellings_keep_words``
    says that respellings change only the characters between a phrase's words. ``joiners`` are the characters that
    may join a phrase's words: "-" alone when no key (nor any respelling of a spaced
    phrase) holds a space, which spares a look-up per word. ``may_respell``, given with
    ``respellings``, is a quick test of keys (:class:`KeyScreen`), False only when no
    respelling of a key can be in ``lookup``: keys it fails are not respelt.

    Phrases are tried only at the words that can start one, chosen for the whole text
    at once: a word that is a key, or whose pair with the next word begins one (without
    respellings, or when they keep the words), else a word that is a key or respelt to
    one, or is joined to the next (when phrases have two words at most, to a next word
    with which it makes a key or is respelt to one).
    """
    words = words_of(text)
    starts, ends, count = words.starts, words.ends, len(words.starts)
    keys = words.lowered if lower else words.printed
    joined = joined_words(text, joiners)
    source = lower_keeping_offsets(text) if lower else text
    # the words are screened by C-level set look-ups (compress over a map), not a
    # Python loop: most of a text's words start no key
    known = None
    if respellings is None or respellings_keep_words:
        known = key_words(lookup)
        singles, pairs = known.single_words, known.word_pairs
        candidates = [index for index in compress(range(count), map(known.starts.__contains__, keys))
                      if keys[index] in singles
                      or (joined[index] and (keys[index], keys[index + 1]) in pairs)]
    else:
        alone = resolving_words(keys, lookup, respellings, may_respell)
        starting = map(alone.__contains__, keys)
        if max_words > 2:
            starting = map(or_, starting, joined)
        candidates = list(compress(range(count), starting))
        if max_words == 2:
            # the few pairs that resolve merged in, where a flag per word was or-ed with
            # every word's
            pairs = resolving_pairs(source, words, joined, lookup, respellings, may_respell)
            if pairs:
                candidates = sorted(set(candidates).union(pairs))
    found: list[tuple[Match, T]] = []
    free = 0  # the first word not inside a match
    for index in candidates:
        if index < free:
            continue
        last = index
        most = max_words if known is None else known.most_words(keys, joined, index, max_words)
        while last + 1 < count and last - index + 1 < most and joined[last]:
            last += 1
        for end_word in range(last, index - 1, -1):
            start, end = starts[index], ends[end_word]
            key = source[start:end]
            value = lookup.get(key)
            if value is None and respellings is not None and (
                    may_respell is None or may_respell(key)):
                for other in respellings(key):
                    value = lookup.get(other)
                    if value is not None:
                        key = other
                        break
            if value is not None and (accept is None or accept(text[start:end], value)):
                found.append((Match(start, end, key), value))
                free = end_word + 1
                break
    return found


def may_hold_terms(text: str, lookup: Mapping[str, object], lower: bool = False) -> bool:
    """False only when :func:`find_terms` (``lower`` as given, no respellings) finds no
    phrase of ``lookup`` in the text: an ASCII text none of whose words is a key word
    alone and none of whose words and the next begin a key. Two set tests, where
    find_terms first works out its words' offsets and what joins them (most of its time
    on a short text, such as a long form, that holds none)."""
    if not text.isascii():
        return True
    known = key_words(lookup)
    words = ASCII_RUNS.findall(text.lower() if lower else text)
    return not (known.single_words.isdisjoint(words)
                and known.word_pairs.isdisjoint(zip(words, words[1:])))


# The characters that Python's re, ignoring case, matches to ASCII letters ("ſ" to "s",
# the Kelvin sign to "k"; tests/tag/test_matching.py checks the list against the whole of
# Unicode): a text holding one is read by the regular expression itself.
FOLDED_ONTO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
ASCII_RUNS = re.compile("[A-Za-z0-9]+")
ASCII_LETTER_RUNS = re.compile("[A-Za-z]+")
SPLIT_RUNS = re.compile(f"({ASCII_RUNS.pattern})")


# A byte's class in a text's shape: ASCII capitals "A", small letters "a", digits "0", "-"
# itself, any other byte (each byte of a character beyond ASCII too) a space
SHAPE_CLASSES = {**dict.fromkeys(string.ascii_uppercase, "A"),
                 **dict.fromkeys(string.ascii_lowercase, "a"), **dict.fromkeys(string.digits, "0"),
                 "-": "-"}
SHAPE_TABLE = bytes(ord(SHAPE_CLASSES.get(chr(byte), " ")) for byte in range(256))


@per_text(maxsize=4)
def shape(text: str) -> bytes:
    """The class (:data:`SHAPE_CLASSES`) of each byte of the text's UTF-8: two ASCII
    characters stand side by side in the text exactly where their classes do in its shape,
    so ``b"AA000" in shape(text)`` says whether the text holds two capitals and three
    digits in a row, by a C-level translation and search several times faster than a
    regular expression's scan for a class of characters."""
    return text.encode("utf-8", "surrogatepass").translate(SHAPE_TABLE)


def may_hold_shapes(text: str, shapes: Iterable[bytes]) -> bool:
    """Whether the text may hold a match of a pattern every match of which holds one of
    ``shapes`` (:func:`shape`), its digits read as ASCII digits: a text holding none of
    them holds no match, unless it holds a decimal digit beyond ASCII (which ``\\d``
    matches, and whose shape is no "0")."""
    shaped = shape(text)
    return any(part in shaped for part in shapes) or holds_other_digits(text)


def holding_parts(forms: Iterable[str]) -> tuple[str, ...] | None:
    """A few strings one of which each of ``forms`` holds (a text holding none of them, by
    str's fast search, holds none of the forms): runs of ASCII letters and digits of the
    forms, each the one most forms not yet covered hold (of those, the longest: "CSF" for
    "G-CSF", "GM-CSF" and "rhG-CSF"). None when a form holds no such run."""
    left = set(forms)
    runs = {run for form in left for run in ASCII_RUNS.findall(form)}
    parts = []
    while left:
        best = max(runs, key=lambda run: (sum(run in form for form in left), len(run), run),
                   default=None)
        if best is None or not any(best in form for form in left):
            return None
        parts.append(best)
        left = {form for form in left if best not in form}
    return tuple(sorted(parts))


@dataclass(frozen=True)
class Runs:
    """A text's runs of ASCII letters and digits (the words of ``(?<![A-Za-z0-9])``...
    ``(?![A-Za-z0-9])`` patterns)."""

    starts: list[int]
    ends: list[int]
    printed: list[str]
    lowered: list[str]  # as :func:`lower_keeping_offsets` lowers them
    gaps: list[str]  # the characters between a run and the next ("" after the last)


@per_text(maxsize=4)
def ascii_runs(text: str) -> Runs:
    parts, starts, ends = split_at(SPLIT_RUNS, text)
    printed = parts[1::2]  # lowered as in the text: ASCII
    return Runs(starts, ends, printed, list(map(str.lower, printed)), gaps(parts, starts))


@per_text(maxsize=4)
def folds_onto_ascii(text: str) -> bool:
    return not text.isascii() and FOLDED_ONTO_ASCII.search(text) is not None


@per_text(maxsize=16)
def runs_starting(text: str, first_words: frozenset[str], case_blind: bool) -> list[int]:
    """The indices of the text's runs (lower-cased when ``case_blind``) in ``first_words``."""
    runs = ascii_runs(text)
    words = runs.lowered if case_blind else runs.printed
    return list(compress(range(len(words)), map(first_words.__contains__, words)))


@per_text(maxsize=4)
def runs_passing(text: str, screens: RunScreens) -> tuple[list[int], ...]:
    """Per screen of ``screens``, the indices of the text's runs it lets through, in order:
    the text's runs judged (:meth:`RunScreens.judge_new`), then one look-up a run, and the
    few runs some screen lets through handed to those."""
    printed = ascii_runs(text).printed
    screens.judge_new(printed)
    verdicts = screens.verdicts
    found: tuple[list[int], ...] = tuple([] for _ in screens.judges)
    for index in compress(range(len(printed)), map(verdicts.__contains__, printed)):
        for number in verdicts[printed[index]]:
            found[number].append(index)
    return found


@dataclass(frozen=True)
class WholeWordForms:
    """Forms found as whole words (no ASCII letter or digit on either side), longest first
    and without overlaps, as ``regex`` finds them, but by set look-ups at the runs of
    letters and digits that can start a form: a text's runs are found once for every
    vocabulary, where a regular expression per vocabulary tries every position of the text.
    Needs forms that start and end with an ASCII letter or digit and hold no other cased
    letter (each starts at a run's start and ends at a run's end); otherwise, and in a
    case-blind search of a text holding a character ``regex`` folds onto an ASCII letter,
    ``regex`` reads the text."""

    regex: re.Pattern
    by_runs: bool  # False: ``regex`` reads every text
    forms: frozenset[str]  # lower case when case-blind
    first_words: frozenset[str]
    longest: int
    case_blind: bool
    not_before: re.Pattern | None = None  # what may not follow a form ("-1" of "PD-1")
    # first words of this and other vocabularies read in the same texts: the runs that
    # start one are found once for all of them (see :func:`sharing_screens`)
    screen: frozenset[str] = frozenset()
    # per first word, how many runs the forms it starts hold, most first: a form at a run
    # ends at the end of one of those runs
    run_counts: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    @classmethod
    def build(cls, forms: list[str], regex: re.Pattern, case_blind: bool,
              not_before: str | None = None) -> "WholeWordForms":
        keys = [form.lower() if case_blind else form for form in forms]
        if not all(ASCII_RUNS.fullmatch(key[0]) and ASCII_RUNS.fullmatch(key[-1])
                   and all(c.isascii() or c.lower() == c.upper() for c in key) for key in keys):
            return cls(regex, False, frozenset(), frozenset(), 0, case_blind)
        firsts = frozenset(ASCII_RUNS.match(key).group() for key in keys)
        counts: dict[str, set[int]] = {}
        for key in keys:
            runs = ASCII_RUNS.findall(key)
            counts.setdefault(runs[0], set()).add(len(runs))
        return cls(regex, True, frozenset(keys), firsts,
                   max(map(len, keys), default=0), case_blind,
                   re.compile(not_before) if not_before else None, firsts,
                   {word: tuple(sorted(numbers, reverse=True)) for word, numbers in counts.items()})

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each form found."""
        return spans_of_each((self,), text)[0]

    def end_at(self, text: str, source: str, runs: Runs, index: int, word: str) -> int | None:
        """Where the longest form starting at run ``index`` (whose ``word`` is the run as the
        forms are keyed) ends, if one does; ``source`` is the text lower-cased when case-blind."""
        start, ends, count = runs.starts[index], runs.ends, len(runs.ends)
        for runs_held in self.run_counts.get(word, ()):
            last = index + runs_held - 1
            if last < count and source[start:ends[last]] in self.forms and not (
                    self.not_before and self.not_before.match(text, ends[last])):
                return ends[last]
        return None


@dataclass(frozen=True)
class ScreenGroup:
    """Matchers (by position in a list) that screen a text's runs by the same words."""

    screen: frozenset[str]
    case_blind: bool
    starting: dict[str, tuple[int, ...]]  # a first word -> the matchers its forms start
    # the runs the screen lets through, worked out with other screens (None: by
    # :func:`runs_starting`)
    runs: RunScreen | None = None

    def passing(self, runs: list[str], lowered: list[str]) -> Iterable[str]:
        """The runs (as printed; ``lowered``: in lower case) passing the screen (a judge of
        :class:`RunScreens`)."""
        return (lowered_in if self.case_blind else printed_in)(self.screen, runs, lowered)


def screen_groups(matchers: Sequence[WholeWordForms]) -> tuple[ScreenGroup, ...]:
    """The groups of ``matchers`` sharing a screen (:func:`sharing_screens`), for
    :func:`spans_of_each`; worked out once for matchers that read many texts."""
    groups: dict[tuple[frozenset[str], bool], dict[str, tuple[int, ...]]] = {}
    for number, matcher in enumerate(matchers):
        if matcher.by_runs:
            starting = groups.setdefault((matcher.screen, matcher.case_blind), {})
            for word in matcher.first_words:
                starting[word] = starting.get(word, ()) + (number,)
    return tuple(ScreenGroup(screen, case_blind, starting)
                 for (screen, case_blind), starting in groups.items())


def spans_of_each(matchers: Sequence[WholeWordForms], text: str,
                  groups: tuple[ScreenGroup, ...] | None = None) -> list[list[tuple[int, int]]]:
    """``[m.spans(text) for m in matchers]``, each screened run of the text visited once for
    all the matchers sharing its screen and tried by those whose first words hold it, where
    a pass per matcher would visit every screened run. ``groups``: their
    :func:`screen_groups`, if worked out already."""
    found: list[list[tuple[int, int]]] = [[] for _ in matchers]
    by_regex = [not m.by_runs or (m.case_blind and folds_onto_ascii(text)) for m in matchers]
    for number in compress(range(len(matchers)), by_regex):
        found[number] = [match.span() for match in matchers[number].regex.finditer(text)]
    if all(by_regex):
        return found
    runs = ascii_runs(text)
    free = [0] * len(matchers)  # per matcher, where the last form it found ends
    for group in screen_groups(matchers) if groups is None else groups:
        if group.case_blind and folds_onto_ascii(text):
            continue
        words = runs.lowered if group.case_blind else runs.printed
        source = lower_keeping_offsets(text) if group.case_blind else text
        for index in (runs_starting(text, group.screen, group.case_blind) if group.runs is None
                      else group.runs.runs(text)):
            start, word = runs.starts[index], words[index]
            for number in group.starting.get(word, ()):
                if start >= free[number]:
                    end = matchers[number].end_at(text, source, runs, index, word)
                    if end is not None:
                        found[number].append((start, end))
                        free[number] = end
    return found


def sharing_screens(matchers: list[WholeWordForms]) -> list[WholeWordForms]:
    """``matchers`` (read in the same texts) screening the runs of a text once for all
    of them, case-blind ones and case-sensitive ones apart."""
    screens = {blind: frozenset().union(*(m.first_words for m in matchers if m.case_blind == blind))
               for blind in (True, False)}
    return [replace(m, screen=screens[m.case_blind]) for m in matchers]


def first_scanned_forms(forms: Iterable[str], not_after: str, case_blind: bool = False) -> str:
    """Any of ``forms`` (longest first) not right after a character of the class
    ``not_after``, as ``(?<!not_after)(?:trie of forms)`` matches them, but with the
    look-behind after each form's first character: a pattern that starts with a look-behind
    has re try it at every position of a text, one that starts with characters lets re
    find those by a fast scan (about twice as fast over a report when few characters of
    the text start a form).

    With ``case_blind`` (a pattern compiled with re.IGNORECASE, forms of ASCII characters)
    re scans for no character of its own, so the first characters are one class read
    with case (:func:`case_variants`), and each form's first character is then checked
    behind it, ignoring case, to choose its branch."""
    by_first: dict[str, list[str]] = {}
    for form in forms:
        by_first.setdefault(form[0].lower() if case_blind else form[0], []).append(form[1:])
    branches = []
    for first, rests in sorted(by_first.items()):
        tails = [rest for rest in rests if rest]
        rest = trie_alternation(tails, case_blind=case_blind) if tails else ""
        if rest and len(tails) < len(rests):
            rest = f"(?:{rest})?"  # the first character alone is a form too
        branches.append((re.escape(first), rest))
    if not case_blind:
        return f"(?:{'|'.join(f'{first}(?<!{not_after}.){rest}' for first, rest in branches)})"
    firsts = "".join(map(re.escape, case_variants(by_first)))
    chosen = "|".join(f"(?<={first}){rest}" for first, rest in branches)
    return f"(?-i:[{firsts}])(?<!{not_after}.)(?:{chosen})"


def case_variants(characters: Iterable[str]) -> list[str]:
    """The characters re, ignoring case, matches to any of ``characters`` (ASCII): each in
    lower and upper case, and those of FOLDED_ONTO_ASCII it folds onto them."""
    folded = FOLDED_ONTO_ASCII.pattern[1:-1]
    return sorted({variant for character in characters
                   for variant in (character.lower(), character.upper(), *(
                       other for other in folded
                       if re.fullmatch(re.escape(character), other, re.IGNORECASE)))})


MAX_PREFIXES = 512


class RunPrefixes(NamedTuple):
    """What a match starts with, in lower case, as the runs of ASCII letters and digits
    of a text can be screened for it."""

    closed: frozenset[str]  # runs its literal text fixes whole (a space or more after)
    opened: tuple[str, ...]  # prefixes of letters and digits only: their run may go on


def run_prefixes(regex: re.Pattern) -> RunPrefixes | None:
    """The :class:`RunPrefixes` of ``regex``'s literal text (a space class read as a
    space); None when some branch starts with no ASCII letter or digit, or there are too
    many."""
    parts = _prefixes(sre_parser.parse(regex.pattern, regex.flags).data, spaces=" ")
    found = parts[0] | parts[1] if parts is not None else set()
    closed, opened = set(), set()
    for prefix in found:
        run = ASCII_RUNS.match(prefix)
        if run is None:
            return None
        if run.end() == len(prefix):
            opened.add(prefix)
        else:
            closed.add(run.group())
    return RunPrefixes(frozenset(closed), tuple(sorted(opened))) if found else None


@lru_cache(maxsize=64)
def first_runs(regex: re.Pattern) -> frozenset[str] | None:
    """The run of ASCII letters and digits a match of ``regex`` starts with, in lower case,
    when its literal text fixes the whole run (a space or another character after it);
    else None. Remembered per pattern."""
    prefixes = run_prefixes(regex)
    return prefixes.closed or None if prefixes is not None and not prefixes.opened else None


def _prefixes(items, spaces: str | None = None) -> tuple[set[str], set[str]] | None:
    """(the prefixes that end inside ``items``, those that are the whole of them and go
    on with what follows) of a parsed sequence; None when a match may start with
    anything, or there are too many. With ``spaces``, a space class (``\\s``) reads as
    that character."""
    done, going = set(), {""}
    for op, value in items:
        if op in ZERO_WIDTH:
            continue  # a look-around or boundary only narrows the matches
        part = _part_prefixes(op, value, spaces)
        if part is None:
            return None if "" in going else (done | going, set())
        done |= {a + b for a in going for b in part[0]}
        going = {a + b for a in going for b in part[1]}
        if len(done) + len(going) > MAX_PREFIXES:
            return None
        if not going:
            break
    return done, going


def _part_prefixes(op, value, spaces: str | None) -> tuple[set[str], set[str]] | None:
    """:func:`_prefixes` of one part of a parsed sequence."""
    if op is sre_constants.LITERAL:
        return set(), {chr(value).lower()}
    if op is sre_constants.IN and all(kind is sre_constants.LITERAL for kind, _ in value):
        return set(), {chr(item).lower() for _, item in value}
    if op is sre_constants.IN and all(kind is sre_constants.RANGE for kind, _ in value) \
            and sum(high - low for _, (low, high) in value) < 16:
        return set(), {chr(c).lower() for _, (low, high) in value for c in range(low, high + 1)}
    if op is sre_constants.IN and spaces and value == [
            (sre_constants.CATEGORY, sre_constants.CATEGORY_SPACE)]:
        return set(), {spaces}
    if op is sre_constants.SUBPATTERN:
        return _prefixes(value[-1].data, spaces)
    if op is sre_constants.BRANCH:
        parts = [_prefixes(branch.data, spaces) for branch in value[1]]
        if None in parts:
            return None
        return set().union(*(done for done, _ in parts)), set().union(*(going for _, going in parts))
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and value[0] > 0:
        inner = _prefixes(value[2].data, spaces)
        return None if inner is None else (inner[0] | inner[1], set())
    if op is sre_constants.MAX_REPEAT and value[:2] == (0, 1):  # "s?"
        inner = _prefixes(value[2].data, spaces)
        return None if inner is None else (inner[0], inner[1] | {""})
    return None


def required_words(pattern: str, group: str | None = None) -> frozenset[str] | None:
    """Words, in lower case, one of which every match of ``pattern`` holds in some letter
    case: a run of literal characters it cannot match without, or a group of such runs one
    of which it needs ("(?:protocol|regimen)"); the fewest and longest found, none holding
    another (a text holding "deletion/insertion" holds "deletion"). With ``group``, the
    words its named group needs, when every match holds the group (:func:`_needed_items`).
    None when it needs none. A text whose lower case holds none of them (and no character
    re folds onto an ASCII letter) holds no match."""
    found = requirements(pattern, group)
    return _best(found) if found else None


def requirements(pattern: str, group: str | None = None) -> tuple[frozenset[str], ...]:
    """Every set of words (in lower case, none holding another) one of which each match of
    ``pattern`` (of its named ``group``) needs, as :func:`required_words` finds them: a text
    whose lower case misses one set holds no match (:func:`may_hold_each`)."""
    items = _needed_items(pattern, group)
    return tuple(map(_shortest_held, _required(items))) if items is not None else ()


def group_forms(pattern: str, group: str) -> frozenset[str] | None:
    """The forms, in lower case, one of which every match of ``pattern``'s named ``group``
    is, whole ("man", "woman" of ``(?P<noun>man|woman)``), when every match holds the group
    and it is literal text or a choice of literal texts (the same walk as
    :func:`run_prefixes`: nothing is left over that is not literal); else None."""
    items = _needed_items(pattern, group)
    parts = _prefixes(items) if items is not None else None
    if parts is None or parts[0] or "" in parts[1]:
        return None
    return frozenset(parts[1])


def _needed_items(pattern: str, group: str | None):
    """The parsed items of ``pattern``, or those of its named ``group`` when the group is
    no part of a choice nor of what may be left out, so every match holds it (else None)."""
    parsed = sre_parser.parse(pattern)
    return parsed.data if group is None else _group_items(parsed.data, parsed.state.groupdict[group])


def _group_items(items, number: int):
    """The items of group ``number`` inside a parsed sequence, sought through groups and
    repeats of at least one only (None when not found there)."""
    for op, value in items:
        if op is sre_constants.SUBPATTERN:
            if value[0] == number:
                return value[-1].data
            inner = value[-1].data
        elif op in REPEATS and value[0] > 0:
            inner = value[2].data
        else:
            continue
        found = _group_items(inner, number)
        if found is not None:
            return found
    return None


def _shortest_held(words: frozenset[str]) -> frozenset[str]:
    """``words`` without those holding another of them: a text holds one of either set."""
    return frozenset(word for word in words if not any(other != word and other in word
                                                       for other in words))


def may_hold(lowered: str, needed: frozenset[str] | None) -> bool:
    """Whether a text, in lower case (``lowered``, with no character re folds onto an
    ASCII letter), may hold a match of a pattern whose :func:`required_words` are
    ``needed``."""
    return needed is None or any(word in lowered for word in needed)


def may_hold_each(lowered: str, needed: tuple[frozenset[str], ...]) -> bool:
    """Whether a text, in lower case (as for :func:`may_hold`), may hold a match of a pattern
    whose :func:`requirements` are ``needed``: it holds a word of each."""
    return all(may_hold(lowered, words) for words in needed)


# The categories a class can name, as a class prints them
CLASS_CATEGORIES = {sre_constants.CATEGORY_DIGIT: r"\d", sre_constants.CATEGORY_NOT_DIGIT: r"\D",
                    sre_constants.CATEGORY_SPACE: r"\s", sre_constants.CATEGORY_NOT_SPACE: r"\S",
                    sre_constants.CATEGORY_WORD: r"\w", sre_constants.CATEGORY_NOT_WORD: r"\W"}


def held_characters(pattern: str, flags: int = 0) -> str | None:
    """The inside of a character class holding every character a match of ``pattern`` can
    take: what its literals and classes name (a boundary or look-around takes none, a back
    reference what its group took). Read case-blind, the class holds them in whatever
    letter case the pattern takes them. None when a part can take any character but a few
    (``.``, ``[^...]``) or is of another kind."""
    parts = _held_parts(sre_parser.parse(pattern, flags).data)
    return None if parts is None else "".join(sorted(parts))


def _held_parts(items) -> set[str] | None:
    """:func:`held_characters` of a parsed sequence, as a set of a class's parts."""
    found: set[str] = set()
    for op, value in items:
        if op in ZERO_WIDTH or op is sre_constants.GROUPREF:
            continue
        if op is sre_constants.LITERAL:
            inner = {_class_character(value)}
        elif op is sre_constants.IN:
            inner = _class_parts(value)
        elif op is sre_constants.SUBPATTERN:
            inner = _held_parts(value[-1].data)
        elif op in REPEATS:
            inner = _held_parts(value[2].data)
        elif op is sre_constants.BRANCH:
            branches = [_held_parts(branch.data) for branch in value[1]]
            inner = None if None in branches else set().union(*branches)
        else:
            return None
        if inner is None:
            return None
        found |= inner
    return found


def _class_parts(items) -> set[str] | None:
    """The parts of a parsed class (literals, ranges, categories); None for a negated one."""
    parts = set()
    for kind, item in items:
        if kind is sre_constants.LITERAL:
            parts.add(_class_character(item))
        elif kind is sre_constants.RANGE:
            parts.add(f"{_class_character(item[0])}-{_class_character(item[1])}")
        elif kind is sre_constants.CATEGORY and item in CLASS_CATEGORIES:
            parts.add(CLASS_CATEGORIES[item])
        else:
            return None
    return parts


def _class_character(code: int) -> str:
    """A character as a class names it, whatever it is ("]", "-", "\\")."""
    return f"\\U{code:08x}"


@dataclass(frozen=True)
class NeededStretches:
    """Where in a text a match of a pattern can start, for a pattern every match of which
    starts at a run of ASCII letters and digits: a match holds one of the words it needs
    (:func:`required_words`) and is a stretch of characters it can take
    (:func:`held_characters`), so it starts at a run between a needed word and the last
    character before it that no match takes. A text's needed words are found by str's fast
    search, where the pattern would be tried at every position (a pattern starting with
    any letter, as "platinum-based therapy" does, at every word)."""

    needed: frozenset[str]
    breaking: re.Pattern  # a character no match takes

    @classmethod
    def of(cls, pattern: str, flags: int = 0) -> "NeededStretches | None":
        """The pattern's stretches; None when it needs no word or may take any character."""
        held, needed = held_characters(pattern, flags), required_words(pattern)
        if held is None or needed is None:
            return None
        return cls(needed, re.compile(f"[^{held}]", flags | re.IGNORECASE))

    def run_starts(self, text: str, lowered: str, runs: Runs) -> list[int]:
        """The indices, in increasing order, of the runs (``runs``, :func:`ascii_runs`) a
        match can start at. ``lowered``: the text in lower case, every character where it
        was (:func:`lower_keeping_offsets`), holding no character re folds onto an ASCII
        letter."""
        found: set[int] = set()
        for word in self.needed:
            for at in places_of(lowered, word):
                found.update(range(bisect_left(runs.starts, self.stretch_start(text, at)),
                                   bisect_right(runs.starts, at)))
        return sorted(found)

    def stretch_start(self, text: str, end: int) -> int:
        """Where the stretch of characters a match can take that ends at ``end`` starts:
        after the last character before it that ``breaking`` finds, searched for forward in
        the characters before ``end`` reversed (re searches forward only), the nearest
        STRETCH_STEP first, then four times as many at a time."""
        width = STRETCH_STEP
        while True:
            start = max(0, end - width)
            stop = self.breaking.search(text[start:end][::-1])
            if stop is not None:
                return end - stop.start()
            if start == 0:
                return 0
            width *= 4


STRETCH_STEP = 64


def matches_holding(regex: re.Pattern, needed: frozenset[str] | None, text: str) -> list[re.Match]:
    """``regex.finditer(text)`` for a case-blind ``regex`` every match of which holds one
    of ``needed`` (see :func:`may_hold`): none sought in a text whose lower case holds none
    of them and no character re folds onto an ASCII letter."""
    if not folds_onto_ascii(text) and not may_hold(lower_keeping_offsets(text), needed):
        return []
    return list(regex.finditer(text))


def _required(items) -> list[frozenset[str]]:
    """Every requirement (a set of words, one of which is needed) of a parsed sequence."""
    found, run = [], ""
    for op, value in [*items, (None, None)]:
        if op is sre_constants.LITERAL and value < 128:  # re folds "ſ" onto "s"...
            run += chr(value).lower()
            continue
        if run:
            found.append(frozenset({run}))
            run = ""
        if op is sre_constants.SUBPATTERN:
            found += _required(value[-1].data)
        elif op in REPEATS and value[0] > 0:
            found += _required(value[2].data)
        elif op is sre_constants.BRANCH:
            options = [_required(branch.data) for branch in value[1]]
            if all(options):  # each branch needs a word: the branches' best, one of them
                found.append(frozenset().union(*map(_best, options)))
    return found


def _best(requirements: list[frozenset[str]]) -> frozenset[str]:
    """The requirement of the fewest words, of those the one whose shortest is longest."""
    return min(requirements, key=lambda words: (len(words), -min(map(len, words))))


def matches_at_first_runs(regex: re.Pattern, text: str,
                          screened: list[int] | None = None) -> list[re.Match]:
    """``regex.finditer(text)`` for a regex that matches only at the start of a run of
    ASCII letters and digits (after ``\\b`` or ``(?<![A-Za-z0-9...])``): tried only at the
    runs its matches can start with (:func:`first_runs`), found once per text for regexes
    that start with the same runs (:func:`runs_starting`: the patient phrases "a ...
    woman" and "a ... patient"), or picked from ``screened``: the indices of the text's
    runs in lower case in a set holding those first runs, found already for several
    patterns in one pass."""
    runs = first_runs(regex)
    if runs is None or folds_onto_ascii(text):
        return list(regex.finditer(text))
    if screened is None:
        return matches_at(regex, text, ascii_runs(text).starts, runs_starting(text, runs, True))
    lowered = ascii_runs(text).lowered
    return matches_at(regex, text, ascii_runs(text).starts,
                      [index for index in screened if lowered[index] in runs])


def may_start(prefixes: RunPrefixes, runs: list[str], lowered: list[str]) -> Iterable[str]:
    """The runs (``lowered``: in lower case) that may start a match with ``prefixes``: in
    lower case, a closed run, or starting with an open prefix (a judge of
    :class:`RunScreens`)."""
    return compress(runs, map(or_, map(prefixes.closed.__contains__, lowered),
                              map(str.startswith, lowered, repeat(prefixes.opened))))


def matches_at_runs(regex: re.Pattern, text: str, starts: list[int], keys: Iterable[str],
                    wanted: Container[str]) -> list[re.Match]:
    """:func:`matches_at` the runs (``starts``) whose key (``keys``, one per run: its text,
    lowered or as printed, or the gap after it) is ``wanted``."""
    return matches_at(regex, text, starts,
                      compress(range(len(starts)), map(wanted.__contains__, keys)))


def matches_at(regex: re.Pattern, text: str, starts: list[int],
               candidates: Iterable[int], end: int = sys.maxsize) -> list[re.Match]:
    """``regex.finditer(text, 0, end)`` when every match starts at ``starts[i]`` for some i
    of ``candidates`` (in increasing order): the regex is tried there only."""
    found = []
    free = 0
    for index in candidates:
        if starts[index] >= free:
            match = regex.match(text, starts[index], end)
            if match is not None:
                found.append(match)
                free = match.end()
    return found


def matches_from(starts: re.Pattern, pattern: re.Pattern, text: str) -> list[re.Match]:
    """``pattern.finditer(text)`` for a pattern every match of which starts where ``starts``
    (one character wide) matches: tried there only."""
    at = [match.start() for match in starts.finditer(text)]
    return matches_at(pattern, text, at, range(len(at)))


def phrase_runs(phrases: list[str]) -> list[frozenset[str]] | None:
    """Each case-blind phrase's runs of ASCII letters and digits, in lower case, for a phrase
    matched as a whole word (nothing of ``\\w`` nor a hyphen on either side): each of them is
    one of the words of the text it matches (:func:`runs_between`). None when a phrase
    does not start and end with an ASCII letter or digit (a mark such as ";" is matched
    anywhere) or holds a character re folds onto one."""
    if not all(phrase[:1].isascii() and phrase[0].isalnum() and phrase[-1:].isascii()
               and phrase[-1].isalnum() and FOLDED_ONTO_ASCII.search(phrase) is None
               for phrase in phrases):
        return None
    return [frozenset(ASCII_RUNS.findall(phrase.lower())) for phrase in phrases]


class PhraseIndex:
    """Which of some lists of phrases (by position) a sentence can hold, from its words: a
    list one of whose phrases has every run among them (:func:`phrase_runs`). A phrase is
    looked up by one of its runs, its longest, so a sentence's words are checked only
    against the phrases one of whose runs they hold; a list of phrases without runs
    (:func:`phrase_runs` None) in every sentence."""

    def __init__(self, lists: Sequence[list[str]]):
        # each phrase's runs, list and place in its list, under its longest run
        self.keyed: dict[str, list[tuple[frozenset[str], int, int]]] = {}
        unkeyed = []
        for number, phrases in enumerate(lists):
            runs = phrase_runs(phrases)
            if runs is None:
                unkeyed.append(number)
            for place, phrase in enumerate(runs or ()):
                self.keyed.setdefault(max(sorted(phrase), key=len), []).append(
                    (phrase, number, place))
        self.unkeyed = tuple(unkeyed)
        self.size = len(lists)
        # every run of a keyed phrase: the only words of a sentence that change what
        # held_phrases answers, so a sentence's words may be narrowed to them first
        self.words = frozenset().union(*(phrase for entries in self.keyed.values()
                                         for phrase, _, _ in entries))

    def held_phrases(self, words: set[str] | None) -> dict[int, tuple[int, ...] | None]:
        """The lists, in order, that a sentence with ``words`` (of :func:`runs_between`) can
        hold a phrase of (every list when ``words`` is None), each with the places (in order)
        of its phrases the sentence can hold: the only ones a pattern of the list can match
        there, so a pattern of those alone finds the same matches. None for every phrase:
        a list without runs, or ``words`` None."""
        if words is None:
            return dict.fromkeys(range(self.size))
        if not words:  # most sentences hold no word of a phrase
            return dict.fromkeys(self.unkeyed)
        places: dict[int, list[int]] = {}
        for key in self.keyed.keys() & words:
            for phrase, number, place in self.keyed[key]:
                if phrase <= words:
                    places.setdefault(number, []).append(place)
        held: dict[int, tuple[int, ...] | None] = {number: tuple(sorted(found))
                                                   for number, found in places.items()}
        held.update(dict.fromkeys(self.unkeyed))
        return {number: held[number] for number in sorted(held)}


def runs_between(text: str, start: int, end: int) -> tuple[list[int], list[str]] | None:
    """The runs of ASCII letters and digits that start in ``text[start:end]``: their starts
    and their words, in lower case, the last cut at ``end`` (as a regex searching up to
    ``end`` sees it); None for a text holding a character re folds onto an ASCII letter."""
    if folds_onto_ascii(text):
        return None
    runs = ascii_runs(text)
    first, last = bisect_left(runs.starts, start), bisect_left(runs.starts, end)
    words = runs.lowered[first:last]
    if words and runs.ends[last - 1] > end:
        words[-1] = lower_keeping_offsets(text)[runs.starts[last - 1]:end]
    return runs.starts[first:last], words
