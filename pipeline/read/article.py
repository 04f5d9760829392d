"""Laying out a structured article (JATS, MEDLINE, BioC) as a case report's text.

The structure is known, so nothing is guessed: the writer is told the title, each
heading with its section kind, each paragraph, table and figure caption, and lays them
out as the text renderings are laid out (a title line, a heading line over its
paragraphs, blank lines between paragraphs, a table as its caption line, a header line
and one line per row with cells separated by tabs, then its footnotes), so the taggers
and the assembler read an XML article as they read its text rendering. Sections and
tables come from the structure, with the offsets where the writer put them; every piece
of text keeps where it came from in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.errors import Errors, RuleFileError
from pipeline.read.sections import heading_rule, section_rules
from pipeline.read.textmap import Piece, assemble
from pipeline.resources import check_keys, check_type, load_resource
from pipeline.schema import ArticleMetadata, Section, SourceSpan, Table

FILE = "literature.yaml"
Cell = list[Piece]


@dataclass
class ArticleReading:
    """One article of a literature file, laid out."""

    doc_id: str
    media_type: str
    text: str
    source_map: list[SourceSpan]
    sections: list[Section]
    tables: list[Table]
    metadata: ArticleMetadata
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LiteratureRules:
    """``resources/literature.yaml``: section kinds of JATS ``sec-type`` values and BioC
    ``section_type`` / ``type`` infons, for sections whose title names no known heading."""

    jats_section_types: dict[str, str]
    bioc_section_types: dict[str, str]
    bioc_passage_types: dict[str, str]


@lru_cache(maxsize=1)
def literature_rules() -> LiteratureRules:
    data = check_keys(load_resource(FILE), file=FILE, where="top level",
                      required=["jats_section_types", "bioc_section_types",
                                "bioc_passage_types"])
    known = set(kind_scopes()) | set(LAYOUT_KINDS)
    maps = {}
    for key in ("jats_section_types", "bioc_section_types", "bioc_passage_types"):
        mapping = check_type(data[key], dict, file=FILE, where="top level", key=key,
                             description="a mapping of names to section kinds")
        for name, kind in mapping.items():
            if kind not in known:
                raise RuleFileError(Errors.E103.format(
                    file=FILE, where=key, key=name, value=kind,
                    expected=f"a section kind: one of {', '.join(sorted(known))}"))
        maps[key] = {str(name).lower(): kind for name, kind in mapping.items()}
    return LiteratureRules(**maps)


# Kinds the writer lays out itself (not headings of sections.yaml).
LAYOUT_KINDS = ("title", "table", "figure_caption", "front_matter")


@lru_cache(maxsize=1)
def kind_scopes() -> dict[str, bool]:
    """Section kind -> whether the guidelines keep it in scope (``sections.yaml``)."""
    return {rule.kind: rule.in_scope for rule in section_rules().values()}


def in_scope(kind: str) -> bool:
    return kind_scopes().get(kind, True)


def heading_kind(title: str, *fallbacks: str | None) -> str | None:
    """The kind a section title names (``sections.yaml``), else the first fallback that
    is a kind."""
    rule = heading_rule(title) if title else None
    if rule is not None:
        return rule.kind
    return next((kind for kind in fallbacks if kind), None)


@dataclass
class OpenSection:
    start: int
    kind: str
    heading: str | None
    in_scope: bool


class ArticleWriter:
    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self.length = 0
        self.sections: list[Section] = []
        self.tables: list[Table] = []
        self.open: OpenSection | None = None

    # ------------------------------------------------------------- low level
    def add(self, pieces: list[Piece]) -> None:
        for piece in pieces:
            self.pieces.append(piece)
            self.length += len(piece.text)

    def separator(self, text: str) -> None:
        self.add([Piece(text)])

    def start_section(self, kind: str, heading: str | None, scope: bool | None = None) -> None:
        self.close_section()
        self.open = OpenSection(self.length, kind, heading, in_scope(kind) if scope is None
                                else scope)

    def close_section(self) -> None:
        if self.open is not None and self.length > self.open.start:
            self.sections.append(Section(kind=self.open.kind, heading=self.open.heading,
                                         start=self.open.start, end=self.length,
                                         in_scope=self.open.in_scope))
        self.open = None

    @property
    def kind(self) -> str | None:
        return self.open.kind if self.open else None

    # ------------------------------------------------------------- blocks
    def title(self, pieces: list[Piece]) -> None:
        if pieces:
            self.start_section("title", None, True)
            self.add(pieces)
            self.separator("\n\n")

    def heading(self, pieces: list[Piece], kind: str, scope: bool | None = None) -> None:
        """A heading line starting a section of ``kind``."""
        self.start_section(kind, "".join(p.text for p in pieces) or None, scope)
        if pieces:
            self.add(pieces)
            self.separator("\n")

    def paragraph(self, pieces: list[Piece]) -> None:
        if pieces:
            if self.open is None:
                self.start_section("front_matter", None, True)
            self.add(pieces)
            self.separator("\n\n")

    def insert(self, kind: str, write) -> None:
        """A block cutting a piece out of the section around it, which resumes after."""
        around = self.open
        self.start_section(kind, None, True)
        write()
        if around is not None:
            self.start_section(around.kind, None, around.in_scope)
        else:
            self.close_section()

    def figure(self, pieces: list[Piece]) -> None:
        if pieces:
            self.insert("figure_caption", lambda: self.paragraph(pieces))

    def table(self, name: str, caption: list[Piece], header: list[Cell], rows: list[list[Cell]],
              footnotes: list[list[Piece]]) -> None:
        """A table laid out as text renderings lay one out, its cells read from the file."""
        def write() -> None:
            start = self.length
            label = [Piece(name)] + ([Piece(". ")] + caption if caption else [])
            self.add(label)
            self.open.heading = "".join(p.text for p in label)
            for line in [header] + rows:
                self.separator("\n")
                for column, cell in enumerate(line):
                    if column:
                        self.separator("\t")
                    self.add(cell)
            for footnote in footnotes:
                self.separator("\n")
                self.add(footnote)
            self.tables.append(Table(
                name=name, caption="".join(p.text for p in caption) or None,
                header=[cell_text(cell) for cell in header],
                rows=[[cell_text(cell) for cell in row] for row in rows],
                footnotes=[cell_text(f) for f in footnotes if cell_text(f)],
                start=start, end=self.length))
            self.separator("\n\n")

        self.insert("table", write)

    def finish(self) -> tuple[str, list[SourceSpan], list[Section], list[Table]]:
        self.close_section()
        text, source_map = assemble(self.pieces)
        # the text ends with its last line, not the blank line after it
        trimmed = text.rstrip("\n")
        sections = [s.model_copy(update={"end": min(s.end, len(trimmed))})
                    for s in self.sections if s.start < len(trimmed)]
        return trimmed, source_map, sections, self.tables


def cell_text(pieces: list[Piece]) -> str:
    return "".join(piece.text for piece in pieces)
