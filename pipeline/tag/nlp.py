"""Build the tagger from its config; importing this module registers every component.

Registrations live here so that a pipeline saved with ``nlp.to_disk`` loads again with
``spacy.load`` once ``pipeline.tag.nlp`` is imported.
"""

from __future__ import annotations

import hashlib
import re
import string
import warnings
from contextlib import contextmanager
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from re import _compiler as sre_compiler, _constants as sre_constants, _parser as sre_parser
from typing import Iterator

import spacy
from spacy.attrs import IDS, ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import create_vocab

from pipeline.screens import Screened, edge_parts, start_screened
# Imported for their @Language.factory registrations.
from pipeline.tag import (abbreviations, case_words, drugs, fusions, genes, hgvs,  # noqa: F401
                          model_mentions, modifiers, patients, regimens, sentences)
from pipeline.tag.tags import register_extension

DEFAULT_CONFIG = "default.cfg"
# The lexeme attributes the components read: none (every lexeme has its ORTH and LENGTH;
# the sentence splitter asks whether a token is punctuation or white space of its text,
# and only of the few tokens it needs). For each word new to its vocabulary spaCy
# computes 23 attributes (shape, like_num, norm...), a quarter of the tokenizer's time on
# new texts; the tagger computes none, and a Doc handed to a caller gets them all
# (:func:`complete_lexemes`).
READ_LEXEME_ATTRIBUTES: frozenset[int] = frozenset()
ATTRIBUTE_NAMES = {value: name for name, value in IDS.items()}


@spacy.registry.tokenizers("caselit.scispacy_tokenizer.v1")
def create_scispacy_tokenizer():
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    def make_tokenizer(nlp: Language):
        # scispaCy's builder borrows token_match from the pipeline's current tokenizer,
        # which does not exist yet while the pipeline is built from config: a bare one
        # with the language's token_match (all spaCy's default tokenizer would lend it;
        # building that one loads its special cases and compiles its affix patterns).
        nlp.tokenizer = Tokenizer(nlp.vocab, token_match=nlp.Defaults.token_match)
        scispacy = combined_rule_tokenizer(nlp)
        affixes = [AffixPattern(pattern.__self__) for pattern in (
            scispacy.prefix_search, scispacy.suffix_search, scispacy.infix_finditer)]
        token_match = scispacy.token_match or whole_word_match(*affixes)
        # built once with its final special cases and patterns: spaCy loads every special
        # case again each time one of them is set on a tokenizer (1,322 cases, five times)
        return Tokenizer(nlp.vocab, without_idle_special_cases(scispacy),
                         prefix_search=prefix_match(affixes[0]) or affixes[0].search,
                         suffix_search=affixes[1].search,
                         infix_finditer=affixes[2].finditer, token_match=token_match,
                         url_match=scispacy.url_match, faster_heuristics=scispacy.faster_heuristics,
                         max_cache_size=CACHED_CHUNKS)

    return make_tokenizer


def without_idle_special_cases(tokenizer: Tokenizer) -> dict:
    """The tokenizer's special cases less the idle ones (:func:`idle_special_cases`),
    found once and kept in the lexicon cache: finding them loads the special cases into
    three tokenizers, 0.3 s of CPU in every process that builds the tagger. The cache key
    holds what they depend on: spaCy's version, the tokenizer's cases and patterns, and
    this module's source."""
    from pipeline.lexicons.cache import cached_build
    from pipeline.settings import get_settings

    rules = tokenizer.rules
    digest = hashlib.sha256(repr((spacy.__version__, sorted(rules.items()), *map(
        pattern_text, (tokenizer.prefix_search, tokenizer.suffix_search, tokenizer.infix_finditer,
                       tokenizer.token_match, tokenizer.url_match)))).encode()).hexdigest()[:16]
    idle = cached_build(f"idle-special-cases-{digest}", [Path(__file__)], get_settings().cache_dir,
                        lambda: idle_special_cases(tokenizer))
    return {text: tokens for text, tokens in rules.items() if text not in idle}


def pattern_text(function) -> str:
    """A tokenizer's pattern function as text: its regex's pattern (a Pattern's repr is cut
    short), else its repr."""
    return getattr(getattr(function, "__self__", None), "pattern", None) or repr(function)


def idle_special_cases(tokenizer: Tokenizer) -> frozenset[str]:
    """The tokenizer's special cases that split their text as the tokenizer does without
    them, and set nothing but the text ("\\n", " ", "C++", "^_^").

    Such a case changes no token, but it costs: when a text holds a match of any special
    case, spaCy redoes the text's tokens after tokenizing it (the newline case matches in
    every report: 60% of the tokenizer's time on texts it has seen, 30% on new ones), and
    it does not cache a word whose remaining text is one. Removing cases changes how the
    others' texts split only through those cases, so the check is repeated until every
    removed case holds without the removed ones."""
    rules = dict(tokenizer.rules)
    idle = {text for text, tokens in rules.items() if all(set(token) == {ORTH} for token in tokens)}
    while True:
        bare = Tokenizer(tokenizer.vocab, {text: rules[text] for text in rules.keys() - idle},
                         prefix_search=tokenizer.prefix_search,
                         suffix_search=tokenizer.suffix_search,
                         infix_finditer=tokenizer.infix_finditer,
                         token_match=tokenizer.token_match, url_match=tokenizer.url_match)
        kept = {text for text in idle
                if [token.text for token in bare(text)] != [token[ORTH] for token in rules[text]]}
        if not kept:
            return frozenset(idle)
        idle -= kept


# How many words each affix pattern remembers its answers for (AffixPattern), and how many
# whitespace-separated chunks the tokenizer keeps the tokens of (spaCy's default: 10,000).
# Over 1,129 bench texts read in one process, 10,000 chunks and no answers remembered ->
# these: 0.45 -> 0.40 CPU-s, and 0.32 -> 0.11 read again; about 300 bytes a chunk, 160 a
# word (a chunk's tokens are kept by the tokenizer's vocabulary pool).
REMEMBERED_WORDS = 20_000
CACHED_CHUNKS = 30_000
PLAIN_ALPHABETS = ((string.ascii_letters + string.digits, str.isalnum),
                   (string.ascii_letters, str.isalpha))


class PlainLetters(frozenset):
    """The ASCII letters, which each of PLAIN_ALPHABETS holds. ``issuperset`` of a word made
    of them only is the tokenizer's token_match when no affix pattern can match in such a
    word, so that spaCy keeps the word whole at once instead of asking its three affix
    patterns. It is a C-level call, as a regex's ``match`` is, but sets up no regex state:
    about 870 instructions a word of the bench's against 1,770 (spaCy asks it twice of each
    new word). Words of letters and digits ("2019", "T790") are left to the affix patterns,
    which answer them at once (no set test says "ends with a digit"). ``pattern`` is the
    same test as a regex, which spaCy saves with the pipeline
    (``token_match.__self__.pattern``) and compiles on loading; spaCy asks token_match of no
    empty text, the one ``issuperset`` accepts."""

    pattern = r"[A-Za-z]++\Z"


PLAIN_LETTERS = PlainLetters(string.ascii_letters)


def whole_word_match(prefix: AffixPattern, suffix: AffixPattern, infix: AffixPattern):
    """The tokenizer's token_match for words none of its affix patterns can match in (its
    prefix, suffix and infix patterns, screened), if any: spaCy asks no affix pattern of
    a word its token_match matches."""
    if any(affix.plain is None for affix in (prefix, suffix, infix)):
        return None
    return PLAIN_LETTERS.issuperset


def prefix_match(prefix: AffixPattern):
    """The prefix pattern as a C-level match, when each of its alternatives starts the word
    and the characters a match can start with are known (:func:`pipeline.screens.
    start_screened`): a match can only be at the word's start, so ``match`` finds what
    ``search`` finds, and a word starting with none of them (a letter, for scispaCy's) fails
    at its first character. spaCy calls its prefix pattern once for each new word; through
    :meth:`AffixPattern.search`, a Python call, that was about 3,000 instructions a word."""
    if prefix.edges is None or prefix.edges.at_end:
        return None
    screened = start_screened(prefix.regex)
    return None if screened is None else screened.match


class AffixPattern:
    """A tokenizer's prefix, suffix or infix pattern that answers "no match" at once for a
    word of ASCII letters (and digits) when no match can be made of those characters
    (:func:`matches_within`), and remembers its answers for other words. The tokenizer
    asks its affix patterns of every new word, and they take about half its time on new
    texts; plain words are half of what it asks, and the suffix and infix patterns try
    each of their positions. A word is new to the tokenizer more often than to its
    patterns: spaCy caches no word of a text after the text's first special case ("et
    al.", "e.g."), and at most ``max_cache_size`` words. A new word is searched only with
    the alternatives that can start or end it (:class:`WordEdges`), and its
    matches found only where one can start (:attr:`screened`). ``pattern`` is what spaCy
    saves of the tokenizer (``search.__self__.pattern``)."""

    def __init__(self, regex: re.Pattern, remembered: int = REMEMBERED_WORDS):
        self.regex = regex
        self.pattern = regex.pattern
        parsed = sre_parser.parse(regex.pattern, regex.flags)
        # the widest alphabet none of whose words the pattern matches in, if any
        self.plain = next((is_plain for alphabet, is_plain in PLAIN_ALPHABETS
                           if not matches_within(parsed.data, regex.flags, alphabet)), None)
        self.edges = WordEdges.of(parsed, regex)
        self.remembered = remembered
        self.found: dict[str, re.Match | None] = {}
        self.all_found: dict[str, tuple[re.Match, ...]] = {}

    def __reduce__(self):
        return type(self), (self.regex, self.remembered)

    @cached_property
    def screened(self):
        """The regex for finditer, its matches looked for only where one can start
        (:class:`pipeline.screens.Screened`), built when first asked: spaCy asks finditer
        of the infix pattern only."""
        return Screened(self.regex)

    def search(self, word: str) -> re.Match | None:
        if self.plain is not None and word.isascii() and self.plain(word):
            return None
        found = self.found.get(word, UNSEEN)
        if found is UNSEEN:
            regex = self.regex if self.edges is None else self.edges.regex_for(word)
            if regex is None:  # no alternative can start (end) the word: nothing to remember
                return None
            found = remember(self.found, word, regex.search(word), self.remembered)
        return found

    def finditer(self, word: str) -> Iterator[re.Match]:
        if self.plain is not None and word.isascii() and self.plain(word):
            return iter(())
        found = self.all_found.get(word)
        if found is None:
            found = remember(self.all_found, word, tuple(self.screened.finditer(word)),
                             self.remembered)
        return iter(found)


UNSEEN = object()


def remember(answers: dict, word: str, answer, limit: int):
    """Store a pattern's answer for a word, forgetting every answer once ``limit`` are
    held (a bound on memory; the words of a report are mostly those of the reports just
    before it)."""
    if len(answers) >= limit:
        answers.clear()
    answers[word] = answer
    return answer


START_ANCHORS = ((sre_constants.AT, sre_constants.AT_BEGINNING),
                 (sre_constants.AT, sre_constants.AT_BEGINNING_STRING))
END_ANCHORS = ((sre_constants.AT, sre_constants.AT_END), (sre_constants.AT, sre_constants.AT_END_STRING))
ONE_CHARACTER = (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN, sre_constants.ANY)


class WordEdges:
    """For a pattern each of whose alternatives starts with ``^`` (a prefix pattern) or
    ends with ``$`` (a suffix pattern): the alternatives that can match a word starting
    (ending) with a given character, as a regex, made once per such character. ``re``
    tries every alternative at every position of a word (scispaCy's suffix pattern has
    83, several behind a look-behind over a large class: about 40 us a word; its prefix
    pattern 117); an alternative whose first (last) character cannot be the word's never
    matches in it, so leaving it out changes no match, and most words' edge character
    takes only a few alternatives (",", ")", ".") or none (a letter)."""

    def __init__(self, regex: re.Pattern, parsed: sre_parser.SubPattern, head: list,
                 alternatives: list, at_end: bool):
        self.regex = regex
        self.state = parsed.state
        self.head = head  # the anchor all alternatives share, when the parser took it out
        self.alternatives = alternatives
        self.at_end = at_end
        # per alternative, regexes of the characters its match can start (end) with (None: any)
        self.edge_characters = [one_character_tests(edge_characters(alternative.data, regex.flags, at_end))
                                for alternative in alternatives]
        self.by_character: dict[str, re.Pattern | None] = {}
        self.by_alternatives: dict[tuple[int, ...], re.Pattern | None] = {}

    @classmethod
    def of(cls, parsed: sre_parser.SubPattern, regex: re.Pattern) -> WordEdges | None:
        """The pattern's edges when every alternative of it starts or every one ends the
        word, else None (``^`` and ``$`` of a multi-line pattern hold at lines)."""
        if regex.flags & re.MULTILINE:
            return None
        head = parsed.data[:1] if parsed.data and parsed.data[0] in START_ANCHORS else []
        rest = parsed.data[len(head):]
        if len(rest) == 1 and rest[0][0] is sre_constants.BRANCH:
            alternatives = list(rest[0][1][1])
        else:
            head, alternatives = [], [parsed]
        if head or all(alternative.data and alternative.data[0] in START_ANCHORS
                       for alternative in alternatives):
            return cls(regex, parsed, head, alternatives, at_end=False)
        if all(alternative.data and alternative.data[-1] in END_ANCHORS for alternative in alternatives):
            return cls(regex, parsed, head, alternatives, at_end=True)
        return None

    def regex_for(self, word: str) -> re.Pattern | None:
        """The regex of the alternatives that can start (end) ``word``; None when none
        can. A ``$`` holds before a final newline too: such a word is searched in full."""
        if not word or (self.at_end and word[-1] == "\n"):
            return self.regex
        edge = word[-1] if self.at_end else word[0]
        regex = self.by_character.get(edge, UNSEEN)
        if regex is UNSEEN:
            regex = remember(self.by_character, edge, self.regex_of(edge), REMEMBERED_WORDS)
        return regex

    def regex_of(self, character: str) -> re.Pattern | None:
        kept = tuple(index for index, tests in enumerate(self.edge_characters)
                     if tests is None or any(test.fullmatch(character) for test in tests))
        if kept not in self.by_alternatives:
            self.by_alternatives[kept] = (
                None if not kept else self.regex if len(kept) == len(self.alternatives)
                else sre_compiler.compile(sre_parser.SubPattern(self.state, [*self.head, (
                    sre_constants.BRANCH, (None, [self.alternatives[index] for index in kept]))]),
                    self.regex.flags))
        return self.by_alternatives[kept]


def edge_characters(items, flags: int, at_end: bool) -> list[tuple[int, object, int]] | None:
    """The one-character parts (each with its flags) one of which matches the first (last)
    character of any non-empty match of a parsed sequence; None when unsure (a match may
    be empty, or start (end) with another kind of part)."""
    found, empty = edge_parts(items, one_character_part, at_end, flags)
    return None if empty else found


def one_character_part(op, value, flags: int) -> list[tuple[int, object, int]] | None:
    return [(op, value, flags)] if op in ONE_CHARACTER else None


def one_character_tests(parts: list[tuple[int, object, int]] | None
                        ) -> tuple[re.Pattern, ...] | None:
    """Regexes of one character (one per set of flags), one of which matches a character
    that one of the parts matches (None for None)."""
    if parts is None:
        return None
    by_flags: dict[int, list] = {}
    for op, value, flags in parts:
        by_flags.setdefault(flags, []).append(sre_parser.SubPattern(sre_parser.State(), [(op, value)]))
    return tuple(sre_compiler.compile(sre_parser.SubPattern(sre_parser.State(), [
        (sre_constants.BRANCH, (None, alternatives))]), flags) for flags, alternatives in by_flags.items())


def matches_within(items, flags: int, alphabet: str) -> bool:
    """Whether parsed pattern ``items`` may match inside a text made of ``alphabet`` only:
    False when a part every match needs (a character, a class, a repeat of at least one,
    every branch, a look-around that must hold) takes none of its characters. True when
    unsure (a negative look-around, a back-reference...)."""
    for op, value in items:
        if op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN,
                  sre_constants.ANY):
            single = sre_compiler.compile(sre_parser.SubPattern(sre_parser.State(), [(op, value)]),
                                          flags)
            if not any(single.fullmatch(character) for character in alphabet):
                return False
        elif op is sre_constants.SUBPATTERN:
            _, add_flags, del_flags, pattern = value
            if not matches_within(pattern.data, (flags | add_flags) & ~del_flags, alphabet):
                return False
        elif op is sre_constants.BRANCH:
            if not any(matches_within(branch.data, flags, alphabet) for branch in value[1]):
                return False
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                    sre_constants.POSSESSIVE_REPEAT):
            if value[0] > 0 and not matches_within(value[2].data, flags, alphabet):
                return False
        elif op is sre_constants.ASSERT:  # a look-ahead or -behind: inside the text too
            if not matches_within(value[1].data, flags, alphabet):
                return False
    return True


def default_config_text() -> str:
    return resources.files("pipeline.tag").joinpath(DEFAULT_CONFIG).read_text(encoding="utf-8")


def config_text(config_path: str | Path | None = None) -> str:
    return Path(config_path).read_text(encoding="utf-8") if config_path else default_config_text()


def build_nlp(config_path: str | Path | None = None) -> Language:
    """A ready tagger from a config file (the packaged default when none is given)."""
    register_extension()
    config = spacy.util.load_config_from_str(config_text(config_path))
    with tokenizer_warnings_off():
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.vocab.lex_attr_getters = {attr: getter for attr, getter in nlp.vocab.lex_attr_getters.items()
                                  if attr in READ_LEXEME_ATTRIBUTES}
    return nlp


@lru_cache(maxsize=4)
def full_lexeme_getters(lang: str, defaults: type) -> dict:
    """Every lexeme attribute's getter, as a pipeline of the language computes them."""
    return dict(create_vocab(lang, defaults).lex_attr_getters)


def complete_lexemes(doc: Doc, nlp: Language) -> Doc:
    """The Doc with every attribute of its words' lexemes (``token.like_num``,
    ``token.shape_``...), including those the tagger does not compute."""
    getters = full_lexeme_getters(nlp.lang, nlp.Defaults)
    for orth in set(doc.to_array(ORTH).tolist()):
        lexeme = doc.vocab[orth]
        lexeme.set_attrs(**{ATTRIBUTE_NAMES[attr]: getter(lexeme.orth_)
                            for attr, getter in getters.items()})
    return doc


@contextmanager
def tokenizer_warnings_off() -> Iterator[None]:
    """scispaCy's tokenizer regexes trigger a FutureWarning in Python's re module each time
    a pipeline with that tokenizer is built (here, on loading or training a model)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        yield
