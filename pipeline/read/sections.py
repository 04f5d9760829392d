"""Split a case report's text into labelled sections, tables and figure captions.

Headings come from ``resources/sections.yaml`` and caption/footnote words from
``resources/tables.yaml``. A heading line starts a section that runs to the next
heading; a labelled paragraph ("Funding: ..."), a figure caption or a table cuts a piece
out of the section around it, which resumes after it (tables sit mid-discussion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from pipeline.errors import Errors, RuleFileError
from pipeline.read.frontmatter import BODY_KINDS, is_affiliation, is_title_like
from pipeline.read.tables import TableBlock, build_table, is_footnote, is_table_row
from pipeline.resources import check_keys, check_str_list, check_type, load_resource
from pipeline.schema import Section, Table

FILE = "sections.yaml"
EXTENTS = ("section", "paragraph")
FRONT_MATTER = "front_matter"


@dataclass(frozen=True)
class SectionRule:
    kind: str
    in_scope: bool
    headings: tuple[str, ...]
    labelled: bool = False
    extent: str = "section"

    @classmethod
    def from_dict(cls, data: dict, where: str) -> "SectionRule":
        check_keys(data, file=FILE, where=where, required=["kind", "in_scope", "headings"],
                   optional=["labelled", "extent"])
        check_type(data["kind"], str, file=FILE, where=where, key="kind", description="a string")
        check_type(data["in_scope"], bool, file=FILE, where=where, key="in_scope",
                   description="true or false")
        headings = check_str_list(data["headings"], file=FILE, where=where, key="headings")
        labelled = check_type(data.get("labelled", False), bool, file=FILE, where=where,
                              key="labelled", description="true or false")
        extent = data.get("extent", "section")
        if extent not in EXTENTS:
            raise RuleFileError(Errors.E103.format(file=FILE, where=where, key="extent",
                                                   expected=" or ".join(EXTENTS), value=extent))
        return cls(data["kind"], data["in_scope"], tuple(normalise_heading(h) for h in headings),
                   labelled, extent)


class Line(NamedTuple):
    """A line of a text (a named tuple: a text makes one per line, and a frozen dataclass
    costs three times as much to make)."""

    start: int
    end: int  # exclusive, before the "\n"
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@lru_cache(maxsize=1)
def section_rules() -> dict[str, SectionRule]:
    """Normalised heading -> rule."""
    data = check_keys(load_resource(FILE), file=FILE, where="top level", required=["sections"])
    by_heading: dict[str, SectionRule] = {}
    for index, entry in enumerate(data["sections"]):
        rule = SectionRule.from_dict(entry, where=f"sections[{index}]")
        for heading in rule.headings:
            by_heading[heading] = rule
    return by_heading


@lru_cache(maxsize=1)
def caption_patterns() -> tuple[re.Pattern, re.Pattern]:
    data = load_resource("tables.yaml")
    check_keys(data, file="tables.yaml", where="top level",
               required=["caption_labels", "figure_labels", "footnote_labels", "footnote_marks"])

    def pattern(labels: list[str]) -> re.Pattern:
        words = "|".join(re.escape(label) for label in labels)
        # "Table 1." / "TABLE 2 Cases of..." / "Figure 3:" / "Fig. 2 PET-CT ..." / "FIGURE 2"
        # Only the label is case-blind: a caption's text opens with a capital, while a
        # sentence such as "Table 1 provides a summary" does not.
        return re.compile(
            rf"^\s*[*_]*(?i:{words})\.?\s*(\d+[A-Za-z]?)[*_]*(?:\s*[.:|]\s*|\s+(?=[A-Z(\[►])|\s*$)"
        )

    return pattern(data["caption_labels"]), pattern(data["figure_labels"])


NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-H]\.)\s+")
LABEL_WORDS = 6
LABEL_ENDS = (":", ".", "—", "–")
CASE_NUMBER = re.compile(r"\s+(?:no\.\s*)?(?:\d+|[ivx]+)$")  # "case 2", "patient no. 1"
CASE_NUMBER_ENDS = ("i", "v", "x")  # and the digits (\d): what CASE_NUMBER can end with


def normalise_heading(text: str) -> str:
    text = text.replace("’", "'").strip().strip("*_#").strip()
    text = NUMBERING.sub("", text).rstrip(":.").strip()
    # each run of white space one space, as a \s+ pattern would make it, without trying
    # that pattern at every character; str.split's white space is re's \s, and the text
    # has none at its ends
    return " ".join(text.split()).lower()


def heading_rule(line: str) -> SectionRule | None:
    """The rule of a line that is a heading and nothing else; a case heading may number
    the case of a series ("Case 2", "Patient 1")."""
    if len(line) > 80 or "\t" in line:
        return None
    name = normalise_heading(line)
    rule = section_rules().get(name)
    if rule is not None or not (name.endswith(CASE_NUMBER_ENDS) or name[-1:].isdecimal()):
        return rule  # a name CASE_NUMBER cannot match: no case number to take off
    numbered = section_rules().get(CASE_NUMBER.sub("", name))
    return numbered if numbered is not None and numbered.kind == "case" else None


def label_rule(line: str) -> SectionRule | None:
    """The rule of a paragraph opening with a labelled heading ("Funding: None.").

    The label is one to six words that open the line, start with a capital and are
    followed by ":", "." or a dash, or run straight into a capitalised sentence
    ("Abstract Anaplastic lymphoma kinase inhibitors are...").
    """
    # the label's words and the first word after them, not every word of the paragraph
    words = line.strip().lstrip("*_#").split(maxsplit=LABEL_WORDS)
    if len(words) < 2 or not words[0][0].isupper():
        return None  # a label (its first word) starts with a capital
    for count in range(1, min(LABEL_WORDS, len(words) - 1) + 1):
        # punctuated after its last word, or followed by a capital
        if not (words[count - 1].rstrip("*_").endswith(LABEL_ENDS) or words[count][0].isupper()):
            continue
        rule = section_rules().get(normalise_heading(" ".join(words[:count])))
        if rule is not None and rule.labelled:
            return rule
    return None


def split_lines(text: str) -> list[Line]:
    lines, start = [], 0
    for part in text.split("\n"):
        lines.append(Line(start, start + len(part), part))
        start += len(part) + 1
    return lines


def paragraph_end(lines: list[Line], index: int) -> int:
    """Index of the last line of the paragraph starting at ``index``.

    A paragraph ends before a blank line, and before a heading line: hard-wrapped
    renderings often put no blank line between a caption and the next heading.
    """
    last = index
    while (last + 1 < len(lines) and not lines[last + 1].blank
           and heading_rule(lines[last + 1].text) is None):
        last += 1
    return last


def next_content(lines: list[Line], index: int) -> int:
    while index < len(lines) and lines[index].blank:
        index += 1
    return index


def table_extent(lines: list[Line], caption: int) -> tuple[TableBlock, int]:
    """Caption, tab-separated rows and footnote paragraph of a table; its last line index."""
    last = caption
    rows: list[Line] = []
    index = next_content(lines, caption + 1)
    while index < len(lines) and is_table_row(lines[index].text):
        rows.append(lines[index])
        last = index
        index = next_content(lines, index + 1)
    footnotes: list[Line] = []
    if rows and index < len(lines) and is_footnote(lines[index].text):
        end = paragraph_end(lines, index)
        footnotes = lines[index:end + 1]
        last = end
    return TableBlock(caption=lines[caption], rows=rows, footnotes=footnotes), last


@dataclass
class Piece:
    start: int
    end: int
    kind: str
    heading: str | None
    in_scope: bool


def segment(text: str) -> tuple[list[Section], list[Table]]:
    """Text -> (sections covering the whole text in order, tables)."""
    lines = split_lines(text)
    table_caption, figure_caption = caption_patterns()
    starts: list[Piece] = [Piece(0, 0, FRONT_MATTER, None, True)]
    inserts: list[Piece] = []
    tables: list[Table] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.blank:
            index += 1
            continue
        rule = heading_rule(line.text)
        if rule is not None and rule.extent == "paragraph":
            # A statement heading ("Conflict of interest") covers the paragraph under it
            # only: such blocks often sit between title page and body with no heading
            # after them, and must not take the body out of scope.
            body = next_content(lines, index + 1)
            last = paragraph_end(lines, body) if body < len(lines) else index
            inserts.append(Piece(line.start, lines[last].end, rule.kind, line.text.strip(),
                                 rule.in_scope))
            index = last + 1
            continue
        if rule is not None:
            starts.append(Piece(line.start, line.start, rule.kind, line.text.strip(), rule.in_scope))
            index += 1
            continue
        if table_caption.match(line.text):
            block, last = table_extent(lines, index)
            tables.append(build_table(block))
            inserts.append(Piece(line.start, lines[last].end, "table", line.text.strip(), True))
            index = last + 1
            continue
        labelled = label_rule(line.text)
        if figure_caption.match(line.text) or labelled is not None:
            last = paragraph_end(lines, index)
            kind, in_scope = ("figure_caption", True) if labelled is None else (
                labelled.kind, labelled.in_scope)
            inserts.append(Piece(line.start, lines[last].end, kind, None, in_scope))
            index = last + 1
            continue
        index += 1
    inserts += front_matter(lines, starts, inserts)
    inserts.sort(key=lambda piece: piece.start)
    return merge(starts, inserts, text), tables


BODY_PARAGRAPH = 400  # characters: with no heading to go by, the body starts at such a paragraph


def front_matter(lines: list[Line], starts: list[Piece], inserts: list[Piece]) -> list[Piece]:
    """The title and the affiliation lines printed before the body starts (the first
    abstract or body heading, or else the first long paragraph outside the statements)."""
    taken = [(piece.start, piece.end) for piece in inserts]
    body = min((piece.start for piece in starts + inserts if piece.kind in BODY_KINDS),
               default=None)
    if body is None:
        body = next((line.start for line in lines if len(line.text) >= BODY_PARAGRAPH
                     and not any(start <= line.start < end for start, end in taken)), 0)
    found, title = [], None
    for line in lines:
        if line.start >= body:
            break
        if line.blank or any(start <= line.start < end for start, end in taken):
            continue
        if is_affiliation(line.text):
            found.append(Piece(line.start, line.end, "affiliations", None, False))
        elif title is None and is_title_like(line.text, headings=lambda t: heading_rule(t) or label_rule(t)):
            title = Piece(line.start, line.end, "title", None, True)
            found.append(title)
    return found


def merge(starts: list[Piece], inserts: list[Piece], text: str) -> list[Section]:
    """Lay inserts over the heading partition; the surrounding section resumes after one.

    A stretch of whitespace left between two pieces joins the section before it.
    """
    length = len(text)
    for piece, following in zip(starts, starts[1:] + [Piece(length, length, "", None, True)]):
        piece.end = following.start
    sections: list[Section] = []

    def emit(start: int, end: int, piece: Piece) -> None:
        if end <= start:
            return
        if sections and not text[start:end].strip():
            sections[-1].end = end
            return
        sections.append(Section(kind=piece.kind, heading=piece.heading, start=start, end=end,
                                in_scope=piece.in_scope))

    for piece in starts:
        cursor = piece.start
        for insert in (i for i in inserts if piece.start <= i.start < piece.end):
            emit(cursor, insert.start, piece)
            emit(insert.start, min(insert.end, piece.end), insert)
            cursor = min(insert.end, piece.end)
        emit(cursor, piece.end, piece)
    return sections
