"""Page furniture: running headers and footers, page numbers, DOI lines and mastheads.

A line is furniture when it lies in a page's top or bottom margin and something more
says so: its text recurs in another page's margin (digits ignored, so "Page 3" matches
"Page 4", and a page-1 masthead matches the running header that repeats its journal
name), it is a page number, it is an imprint line (DOI, URL, ISSN, copyright), or it is
set smaller than the body and stands apart from it. A body line that happens to sit low
on a page is none of these and stays; so does a section heading set as one near the top
of a page ("CASE REPORT"), even if a page-1 kicker reads the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.read.layout import Line
from pipeline.read.sections import heading_rule

MARGIN = 0.1  # outer share of the page height, top and bottom
MIN_KEY = 6  # shortest letters-only text that may count as a repetition
CONTAINED_SHARE = 0.5
PAGE_NUMBER = re.compile(r"^\W*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\W*$", re.IGNORECASE)
IMPRINT = re.compile(r"\bdoi\b|https?://|www\.|\bissn\b|©|copyright|all rights reserved",
                     re.IGNORECASE)
SMALLER = 0.92  # a margin line set below this share of the body size...
APART = 1.5  # ...and more than this many body sizes away from the body is furniture


@dataclass
class PageLines:
    number: int
    height: float
    lines: list[Line]


def letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def in_margin(line: Line, height: float) -> bool:
    return line.bottom < MARGIN * height or line.top > (1 - MARGIN) * height


def recurs(key: str, others: list[str]) -> bool:
    """The same letters in another page's margin, or one inside the other covering at least
    half of it (a masthead inside the running header that repeats the journal's name, not
    the words "case report" inside a sentence)."""
    if len(key) < MIN_KEY:
        return False
    for other in others:
        shorter, longer = sorted((key, other), key=len)
        if key == other or (len(shorter) >= 8 and shorter in longer
                            and len(shorter) >= CONTAINED_SHARE * len(longer)):
            return True
    return False


def stands_apart(line: Line, page: PageLines, body_size: float) -> bool:
    body = [l for l in page.lines if l is not line and not in_margin(l, page.height)]
    if not body:
        return True
    gap = min(max(l.top - line.bottom, line.top - l.bottom) for l in body)
    return gap > APART * body_size


def is_heading(line: Line, body_size: float) -> bool:
    """A section heading set at body size or larger, or bold ("CASE REPORT"); a running
    header that happens to read "Case Report" is set small."""
    return heading_rule(line.text) is not None and (line.bold or line.size >= 0.95 * body_size)


def furniture(pages: list[PageLines], body_size: float) -> set[int]:
    """``id()`` of every furniture line of the document."""
    margins = {page.number: [l for l in page.lines if in_margin(l, page.height)] for page in pages}
    keys = {number: [letters(l.text) for l in lines] for number, lines in margins.items()}
    found: set[int] = set()
    for page in pages:
        others = [key for number, page_keys in keys.items() if number != page.number
                  for key in page_keys]
        for line in margins[page.number]:
            text = line.text.strip()
            if PAGE_NUMBER.match(text) or IMPRINT.search(text):
                found.add(id(line))
            elif not is_heading(line, body_size) and (
                    recurs(letters(text), others)
                    or (line.size < SMALLER * body_size and stands_apart(line, page, body_size))):
                found.add(id(line))
    return found
