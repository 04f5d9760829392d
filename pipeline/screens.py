"""Patterns searched in many short stretches of a document (its sentences, a course's
passages), found by a fast scan for the characters a match can start with.

``re`` scans quickly only for a pattern that starts with a literal or a set of characters
it can compare case-sensitively; one that starts with a boundary, a look-behind or
``\\s*``, or any case-blind pattern, it tries in full at every position of a stretch (half
of assembly's instructions went there). :class:`Screened` finds the same matches: a screen
(the characters a match can start with, case-sensitive, then the pattern as a look-ahead)
finds the first position where the pattern matches, and the pattern is matched there.
"""

from __future__ import annotations

import re
import string
import sys
from re import _constants as sre_constants, _parser as sre_parser
from typing import Callable, Iterator

ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)
ONE_CHARACTER = (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN,
                 sre_constants.ANY)
CATEGORIES = {sre_constants.CATEGORY_SPACE: r"\s", sre_constants.CATEGORY_DIGIT: r"\d"}
# Characters beyond ASCII may fold onto an ASCII letter case-blind ("K", the kelvin sign,
# is "k"): every one of them stays a possible start.
BEYOND_ASCII = "\x80-\U0010FFFF"


# What a run of ASCII letters and digits is made of ("EML4", "exon6")
ASCII_RUN_CHARACTERS = string.ascii_letters + string.digits


# A decimal digit beyond ASCII ("٣"), which \d matches: found by a scan for characters
# beyond ASCII (re compares each character with a table), then asked whether it is a digit
OTHER_DIGIT = re.compile(r"[^\x00-\x7f](?<=\d)")


def places_of(text: str, part: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Where ``part`` starts in ``text[start:end]`` (wholly inside it), in order: str's fast
    search, where a pattern starting with a class or a look-behind would be tried at every
    position."""
    end = len(text) if end is None else end
    at = text.find(part, start, end)
    while at != -1:
        yield at
        at = text.find(part, at + 1, end)


def holds_other_digits(text: str) -> bool:
    """Whether the text holds a decimal digit beyond ASCII: where it does not, ``\\d`` of a
    pattern matches what 0-9 does."""
    return not text.isascii() and OTHER_DIGIT.search(text) is not None


class Screened:
    """``pattern``'s search, finditer and match, the same matches found by a screen where
    the pattern can be screened (it cannot match an empty string, and what it starts with
    is a few characters); otherwise the pattern's own."""

    __slots__ = ("pattern", "screen", "required")

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.screen = screen(pattern)
        self.required = required_character(sre_parser.parse(pattern.pattern, pattern.flags).data)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        if self.required is not None and text.find(self.required, pos, endpos) == -1:
            return None  # a stretch without a character every match holds: none to scan for
        if self.screen is None:
            return self.pattern.search(text, pos, endpos)
        found = self.screen.search(text, pos, endpos)
        return None if found is None else self.pattern.match(text, found.start(), endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match]:
        if self.required is not None and text.find(self.required, pos, endpos) == -1:
            return  # as in search
        if self.screen is None:
            yield from self.pattern.finditer(text, pos, endpos)
            return
        while (match := self.search(text, pos, endpos)) is not None:
            yield match
            pos = match.end()  # never empty: the next search starts after it, as finditer's

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return self.pattern.match(text, pos, endpos)


def screened_if_slow(pattern: re.Pattern) -> "Screened | re.Pattern":
    """``pattern`` screened (:class:`Screened`) when it starts with a boundary or a
    look-around, which re tries in full at every position of a text; else ``pattern``
    itself, whose first character re scans for (a screen would only add a look-ahead).
    Either way ``finditer`` gives the same matches."""
    items = sre_parser.parse(pattern.pattern, pattern.flags).data
    return Screened(pattern) if len(items) and items[0][0] in ZERO_WIDTH else pattern


def screen(pattern: re.Pattern) -> re.Pattern | None:
    """A pattern matching one character where ``pattern`` matches: a character a match can
    start with (found by re's fast scan), followed by one its second character can be
    when those are known (most positions a word's first letter lets through are given up
    at the next letter, before the costly look-around), with the pattern as a look-ahead
    from it. None when no set of first characters is known."""
    seconds = second_characters(sre_parser.parse(pattern.pattern, pattern.flags).data)
    then = "" if seconds is None else f"(?=(?-i:[{seconds}{BEYOND_ASCII}]))"
    return around_starts(pattern, rf"(?-i:[{{starts}}]){then}(?<=(?=(?:{{pattern}}))[\s\S])")


def start_screened(pattern: re.Pattern) -> re.Pattern | None:
    """The pattern behind a look-ahead for a character a match can start with: the same
    matches, and a position where none can start is given up at its first character. None
    when no such set of characters is known."""
    return around_starts(pattern, r"(?=(?-i:[{starts}]))(?:{pattern})")


def around_starts(pattern: re.Pattern, template: str) -> re.Pattern | None:
    """``template`` compiled with the pattern's flags, ``{pattern}`` in it the pattern and
    ``{starts}`` the inside of a class of the characters a match can start with; None when
    those are not known, or the pattern cannot be nested (global flags of its own)."""
    starts = first_characters(sre_parser.parse(pattern.pattern, pattern.flags).data)
    if starts is None:
        return None
    try:
        return re.compile(template.format(starts=starts + BEYOND_ASCII, pattern=pattern.pattern),
                          pattern.flags)
    except re.error:
        return None


def required_character(items) -> str | None:
    """A character every match of a parsed sequence holds: an ASCII one other than a
    letter (no other character matches it case-blind), printed in the sequence or in a
    group of it ("(" of "t(9;22)"); None when there is none."""
    for op, value in items:
        if op is sre_constants.LITERAL and value < 128 and not chr(value).isalpha():
            return chr(value)
        if op is sre_constants.SUBPATTERN and (inside := required_character(value[3].data)):
            return inside
    return None


def needed_character(pattern: re.Pattern) -> str | None:
    """A character every match of a case-sensitive pattern takes (a literal of it, or of a
    group or a repeat it must take), the first one beyond ASCII where there is one (the
    rarer in a text); None for a case-blind pattern or one that needs no such character.
    A text without it holds no match, which ``in`` tells faster than re's scan."""
    if pattern.flags & re.IGNORECASE:
        return None
    needed = _needed_literals(sre_parser.parse(pattern.pattern, pattern.flags).data)
    return next((char for char in needed if not char.isascii()), needed[0] if needed else None)


def _needed_literals(items) -> list[str]:
    """The literals every match of a parsed case-sensitive sequence takes, in order."""
    found: list[str] = []
    for op, value in items:
        if op is sre_constants.LITERAL:
            found.append(chr(value))
        elif op is sre_constants.SUBPATTERN and not value[1] & re.IGNORECASE:
            found += _needed_literals(value[3].data)
        elif op in REPEATS and value[0] >= 1:
            found += _needed_literals(value[2].data)
    return found


def first_characters(items) -> str | None:
    """The characters (a class's inside, a superset in both letter cases) a match of a parsed
    sequence starts with; None when a match may be empty or start with other characters."""
    found, empty = edge_parts(items, lambda op, value, flags: _one_character(op, value))
    return None if found is None or empty else "".join(sorted(set(found)))


def second_characters(items) -> str | None:
    """The characters (a class's inside, a superset in both letter cases) the second
    character of a match of a parsed sequence can be; None when a match may be shorter
    than two characters, or its second character may be one of others."""
    lengths, seconds = _second_parts(items, frozenset({0}))
    return None if seconds is None or lengths else "".join(sorted(seconds))


def _second_parts(items, lengths: frozenset[int]) -> tuple[frozenset[int], set[str] | None]:
    """(how many characters, fewer than two, a match may have taken after the parsed
    sequence, having taken one of ``lengths`` before it; the characters the second one
    can be, where the sequence takes it, or None when unsure)."""
    seconds: set[str] = set()
    for op, value in items:
        if not lengths:
            break  # two characters taken already, whatever comes next
        if op in ZERO_WIDTH:
            continue
        if op is sre_constants.SUBPATTERN:
            lengths, inner = _second_parts(value[3].data, lengths)
        elif op is sre_constants.BRANCH:
            parts = [_second_parts(branch.data, lengths) for branch in value[1]]
            lengths = frozenset().union(*(taken for taken, _ in parts))
            inner = None if any(part is None for _, part in parts) else set().union(
                *(part for _, part in parts))
        elif op in REPEATS:
            lengths, inner = _repeated_second_parts(value, lengths)
        elif op in ONE_CHARACTER:
            inner = _one_character(op, value) if 1 in lengths else set()
            lengths = frozenset({1}) if 0 in lengths else frozenset()
        else:
            return lengths, None  # a back reference, an atomic group...: of unknown length
        if inner is None:
            return lengths, None
        seconds |= inner
    return lengths, seconds


def _repeated_second_parts(value, lengths: frozenset[int]
                           ) -> tuple[frozenset[int], set[str] | None]:
    """:func:`_second_parts` of a repeat: its body taken again until two characters are
    taken or another turn changes nothing."""
    low, high, body = value
    taken, seconds = (lengths if low == 0 else frozenset()), set()
    for count in range(1, high + 1):
        after, inner = _second_parts(body.data, lengths)
        if inner is None:
            return after, None
        seconds |= inner
        if count >= low or after == lengths:
            taken |= after  # as many turns as may end it, or the same after any more
        if not after or after == lengths:
            break
        lengths = after
    return taken, seconds


def edge_parts(items, leaf: Callable, at_end: bool = False, flags: int = 0
               ) -> tuple[list | None, bool]:
    """(what a match of a parsed sequence can start with, or end with when ``at_end``: the
    items ``leaf(op, value, flags)`` gives for each one-character part that can be there,
    None when unsure (``leaf`` gave None); whether the match can be empty)."""
    found: list = []
    for op, value in (reversed(items) if at_end else items):
        if op in ZERO_WIDTH:
            continue  # a boundary or look-around takes no character
        if op is sre_constants.SUBPATTERN:
            _, add_flags, del_flags, pattern = value
            inner, empty = edge_parts(pattern.data, leaf, at_end, (flags | add_flags) & ~del_flags)
        elif op is sre_constants.BRANCH:
            parts = [edge_parts(branch.data, leaf, at_end, flags) for branch in value[1]]
            if any(part is None for part, _ in parts):
                return None, True
            inner, empty = [x for part, _ in parts for x in part], any(e for _, e in parts)
        elif op in REPEATS:
            inner, empty = edge_parts(value[2].data, leaf, at_end, flags)
            empty = empty or value[0] == 0
        else:
            inner, empty = leaf(op, value, flags), False
        if inner is None:
            return None, True
        found += inner
        if not empty:
            return found, False
    return found, True


def _one_character(op, value) -> set[str] | None:
    """The ASCII characters (escaped) of one character the parser read, in either letter
    case: a literal, or a class of literals, ranges, spaces or digits; None for any
    other."""
    if op is sre_constants.LITERAL:
        return ascii_matching(re.escape(chr(value)))
    if op is not sre_constants.IN:
        return None
    parts: set[str] = set()
    for kind, item in value:
        if kind is sre_constants.LITERAL:
            parts |= ascii_matching(re.escape(chr(item)))
        elif kind is sre_constants.RANGE:
            parts |= ascii_matching(f"{re.escape(chr(item[0]))}-{re.escape(chr(item[1]))}")
        elif kind is sre_constants.CATEGORY and item in CATEGORIES:
            parts.add(CATEGORIES[item])
        else:
            return None
    return parts


def ascii_matching(inside: str) -> set[str]:
    """The ASCII characters a class (its inside) matches case-blind, escaped."""
    members = re.compile(f"[{inside}]", re.IGNORECASE)
    return {re.escape(chr(code)) for code in range(128) if members.fullmatch(chr(code))}
