"""Plain-text case reports: decode, then clean PDF-extraction artefacts, keeping a map.

Text renderings of PDFs carry markup and artefacts that would reach the taggers:
``*italic*`` and ``**bold**``, citation markers (``^{5,6}``, ``.^[1]``, ``¹``, and
"flattened" ones that lost their superscript: "70%.2 Although", "et al4"), wrong glyphs
("ALKþ", "6.8�6.4 cm") and, in hard-wrapped renderings, words split at line ends
("rear-" / "rangement"). Each is an :class:`~pipeline.read.textmap.Edit` of the decoded
text, so every character of the clean text still maps back to the file.
"""

from __future__ import annotations

import codecs
import re
import statistics
import string

from pipeline.errors import BadInputError, Errors, Warnings
from pipeline.read.cleanup import LIST_ITEM, cleanup_rules, is_citation, join_hyphenated
from pipeline.read.sections import caption_patterns, heading_rule
from pipeline.read.tables import is_table_row
from pipeline.read.textmap import Edit, Piece, apply_edits
from pipeline.screens import ASCII_RUN_CHARACTERS, places_of

# Encodings recognised only by their byte-order mark; anything else must be UTF-8,
# because guessing a legacy code page would silently corrupt gene and drug names.
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
SUPERSCRIPT_DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789-+")
MARKED_UP_RAISED = re.compile(r"\^\{([^{}\n]{1,20})\}|\^\[([^\[\]\n]{1,20})\]")
# The first superscript apart from the repeat of them: re scans for the class a pattern
# starts with, but tries one that starts with a repeat at every position of the text.
UNICODE_RAISED = re.compile(f"[{SUPERSCRIPTS}][{SUPERSCRIPTS}]*(?:[,–-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*")
# The next three start with the number's first digit and look behind it for what comes
# before: a pattern that starts with a look-behind is tried at every position of the text,
# one that starts with a digit only where re's fast scan finds one (1.5-2.4x faster
# over the seeds, dev reports and corpora; the same matches on them and 300,000 random texts).
# "translocation.1 Patients", "70%.2 Although": a small number glued after punctuation
# that follows a word (not a number: "in 2007.2" is left alone), then a new sentence.
# An HGVS prefix is no word: "c.419 G > A" keeps its position.
FLATTENED_AFTER_PUNCTUATION = re.compile(
    r"\d(?<=[a-z%)\]][.,;:]\d)(?<!\b[cgmnpr]\.\d)\d{0,2}(?:[,–-]\d{1,3})*"
    r"(?=[ \t]+[^\d\s]|[ \t]*$)",
    re.MULTILINE)
# "copy number amplification20 and": glued to a long lower-case word
FLATTENED_AFTER_WORD = re.compile(r"\d(?<=[a-z]{6}\d)\d?(?:[,–-]\d{1,2})*(?=[\s.,;:)]|$)",
                                  re.MULTILINE)
# "(e.g., ceritinib, brigatinib)4 and third-generation": right after a closing parenthesis
FLATTENED_AFTER_PARENTHESIS = re.compile(r"\d(?<=[a-z]\)\d)\d?(?:[,–-]\d{1,2})*(?=[ \t]+[A-Za-z(])")
# The three in one scan for digits: joined by "|", re takes their shared first \d out and
# scans for it once. They find the same numbers as each alone: no two hold at one digit
# (what stands before it differs: punctuation, a letter, a parenthesis), and none starts
# inside another's match (a match holds digits, commas and dashes only).
FLATTENED_AT_DIGIT = re.compile(
    "|".join(pattern.pattern for pattern in (FLATTENED_AFTER_PUNCTUATION, FLATTENED_AFTER_WORD,
                                             FLATTENED_AFTER_PARENTHESIS)),
    re.MULTILINE)
# "et al4 found", "as described by Lee et al.12": the marks are its group; the match
# starts with "et al", a literal re scans for quickly (a look-behind for it would be tried
# at every position)
FLATTENED_AFTER_ET_AL = re.compile(r"et al(?<=\bet al)(\.?\d{1,3}(?:[,–-]\d{1,3})*)(?=\s)")
# "*STRN::ALK*", "**B.**": emphasis markers (group 1), not crossing a superscript or a
# line. What may not stand before the first "*" is looked for behind it, so that the
# match starts with "*", which re scans for quickly.
EMPHASIS = re.compile(r"(\*(?<![\w*\\]\*)\*?)(?=[^\s*])([^*^{}\n]+?)(?<=[^\s*])\1(?![\w*])")
# a word split at a line end is a run of ASCII letters and digits: its part before the
# hyphen is the line's last run of them, found by str.rstrip (a "([A-Za-z0-9]+)$" pattern
# would be tried at every position of the line)
WORD_AFTER = re.compile(r"^([A-Za-z0-9]+)")
TEXT_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
ASCII_LOWER = frozenset(string.ascii_lowercase)
HYPHENED_AFTER = frozenset(f"{letter}-" for letter in string.ascii_lowercase)  # "x-"
HYPHENED_BEFORE = frozenset(f"-{letter}" for letter in string.ascii_lowercase)  # "-x"
SENTENCE_ENDS = (".", ":", "?", "!", ")")
HARD_WRAP_MAX_MEDIAN = 100
HARD_WRAP_MIN_OPEN_SHARE = 0.7


def decode_text(data: bytes, path: str) -> tuple[str, list[str]]:
    """Bytes -> (text with "\\n" line ends, warnings); BadInputError when not text."""
    warnings: list[str] = []
    encoding = "utf-8"
    for bom, name in BOMS:
        if data.startswith(bom):
            encoding = name
            warnings.append(Warnings.W001.format(path=path, encoding=name))
            break
    if encoding == "utf-8" and b"\x00" in data:
        raise BadInputError(path, Errors.E002.format(offset=data.index(b"\x00")))
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise BadInputError(
            path, Errors.E003.format(byte=data[error.start], offset=error.start)
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise BadInputError(path, Errors.E001)
    return text, warnings


def raised_edits(text: str) -> list[Edit]:
    """Citation markers dropped; other raised text (exponents) kept as ``^...``."""
    edits = []
    for match in MARKED_UP_RAISED.finditer(text):
        raised = match.group(1) if match.group(1) is not None else f"[{match.group(2)}]"
        keep = not is_citation(raised, text[max(0, match.start() - 12):match.start()])
        edits.append(Edit(match.start(), match.end(), f"^{raised}" if keep else ""))
    if any(mark in text for mark in SUPERSCRIPTS):  # a find each, not re's scan of a class
        for match in UNICODE_RAISED.finditer(text):
            if is_citation(match.group(0).translate(SUPERSCRIPT_DIGITS),
                           text[max(0, match.start() - 12):match.start()]):
                edits.append(Edit(match.start(), match.end(), ""))
    edits += [Edit(m.start(), m.end(), "") for m in FLATTENED_AT_DIGIT.finditer(text)]
    edits += [Edit(m.start(1), m.end(1), "") for m in FLATTENED_AFTER_ET_AL.finditer(text)]
    return edits


def emphasis_edits(text: str) -> list[Edit]:
    edits = []
    for match in EMPHASIS.finditer(text):
        marker = len(match.group(1))
        edits.append(Edit(match.start(), match.start() + marker, ""))
        edits.append(Edit(match.end() - marker, match.end(), ""))
    return edits


def glyph_edits(text: str) -> list[Edit]:
    return [Edit(m.start(), m.end(), m.expand(repair.replacement))
            for repair in cleanup_rules().glyph_repairs if repair.needed_in(text)
            for m in repair.finder.finditer(text)]


def is_hard_wrapped(lines: list[str]) -> bool:
    """Short lines that mostly stop mid-sentence: a rendering wrapped at a fixed width."""
    long_enough = [line for line in lines if len(line.strip()) >= 20]
    if len(long_enough) < 10:
        return False
    open_ended = sum(not line.rstrip().endswith(SENTENCE_ENDS) for line in long_enough)
    return (statistics.median(len(line) for line in long_enough) < HARD_WRAP_MAX_MEDIAN
            and open_ended / len(long_enough) > HARD_WRAP_MIN_OPEN_SHARE)


def stands_alone(line: str) -> bool:
    """Lines that are never joined to a neighbour: headings, captions, table rows, lists."""
    table_caption, figure_caption = caption_patterns()
    return (not line.strip() or is_table_row(line) or heading_rule(line) is not None
            or bool(table_caption.match(line)) or bool(figure_caption.match(line)))


class TextWords:
    """The words of a text, lower-cased (:data:`TEXT_WORD`: runs of letters joined by single
    hyphens), as a hyphen join asks for them: whether a word is one is told where it occurs
    in the text (most occur nowhere, or a few times), not by cutting the whole text."""

    def __init__(self, text: str):
        self.lowered = text.lower()

    def __contains__(self, word: str) -> bool:
        return TEXT_WORD.fullmatch(word) is not None and any(
            self.is_word_at(at, at + len(word)) for at in places_of(self.lowered, word))

    def is_word_at(self, start: int, end: int) -> bool:
        """Whether a word of the text spans ``start:end`` (a word's form there): no letter,
        nor a letter and a hyphen, before it; no letter, nor a hyphen and a letter, after."""
        before, after = self.lowered[max(0, start - 2):start], self.lowered[end:end + 2]
        return not (before[-1:] in ASCII_LOWER or before in HYPHENED_AFTER
                    or after[:1] in ASCII_LOWER or after in HYPHENED_BEFORE)


def last_word(text: str) -> str:
    """The run of ASCII letters and digits the text ends with, or ""."""
    return text[len(text.rstrip(ASCII_RUN_CHARACTERS)):]


def unwrap_edits(text: str) -> list[Edit]:
    """Join the lines of hard-wrapped paragraphs: a space, or a hyphen join at a split word.

    A line starting with a space starts a new paragraph in such renderings; headings,
    captions, table rows and list items keep their own lines. A blank line between a line
    that stops mid-sentence and one that goes on in lower case is a page break of the old
    layout ("lym-" / "" / "phoma"), and is joined too.
    """
    lines = text.split("\n")
    if not is_hard_wrapped(lines):
        return []
    vocabulary = TextWords(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    alone = list(map(stands_alone, lines))  # asked of each line once: as itself, as the next
    filled = [index for index, line in enumerate(lines) if line.strip()]
    edits = []
    for index, following in zip(filled, filled[1:]):  # a line and the next one not blank
        if alone[index]:
            continue
        line, nxt = lines[index], lines[following]
        if alone[following] or nxt.startswith((" ", "\t")) or LIST_ITEM.match(nxt):
            continue
        body = line.rstrip()
        if following > index + 1 and (body.endswith(SENTENCE_ENDS) or not nxt[:1].islower()):
            continue  # a real paragraph break
        end, resume = starts[index] + len(body), starts[following]
        if (body.endswith("-") and (before := last_word(body[:-1]))
                and (after := WORD_AFTER.match(nxt))):
            edits.append(Edit(end - 1, resume, join_hyphenated(before, after.group(1),
                                                               vocabulary)))
        else:
            edits.append(Edit(end, resume, " "))
    return edits


def clean_text(text: str) -> list[Piece]:
    """The decoded text as pieces of clean text (see the module docstring)."""
    edits = raised_edits(text) + emphasis_edits(text) + glyph_edits(text) + unwrap_edits(text)
    return apply_edits(text, edits)
