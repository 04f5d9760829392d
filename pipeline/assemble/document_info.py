"""Title, DOI and publication year of a document, read from labelled places only."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.resources import check_keys, check_str_list, load_resource
from pipeline.schema import Document, DocumentInfo

FILE = "document_info.yaml"
DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")
YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
CITATION_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)\s*;\s*\d+")


@lru_cache(maxsize=1)
def date_rules() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = check_keys(load_resource(FILE), file=FILE, where="top level",
                      required=["date_labels", "copyright_marks"])
    labels = check_str_list(data["date_labels"], file=FILE, where="top level", key="date_labels")
    marks = check_str_list(data["copyright_marks"], file=FILE, where="top level",
                           key="copyright_marks")
    return tuple(label.lower() for label in labels), tuple(mark.lower() for mark in marks)


def in_scope_lines(document: Document) -> list[str]:
    """Lines outside the reference list (front-matter statements kept: they carry dates)."""
    lines = []
    for section in document.sections:
        if section.kind != "references":
            lines.extend(document.text[section.start:section.end].split("\n"))
    return lines


def find_title(document: Document) -> str | None:
    """The line the reader labelled as the title (printed before the abstract or body)."""
    section = next((s for s in document.sections if s.kind == "title"), None)
    return document.text[section.start:section.end].strip().strip("*_") if section else None


def find_doi(document: Document) -> str | None:
    for line in in_scope_lines(document):
        match = DOI.search(line)
        if match:
            return match.group(0).rstrip(".,;)]")
    return None


def find_year(document: Document) -> int | None:
    labels, marks = date_rules()
    lines = in_scope_lines(document)
    lowered = [line.strip().lower() for line in lines]  # once, not once per label
    for label in labels:
        for line, opening in zip(lines, lowered):
            if opening.startswith(label) and YEAR.search(line):
                return int(YEAR.search(line).group(1))
    searches = (
        (lambda line, _: DOI.search(line) is not None, YEAR),
        (lambda line, _: True, CITATION_YEAR),
        (lambda _, opening: opening.startswith(marks), YEAR),
    )
    for selects, pattern in searches:
        for line, opening in zip(lines, lowered):
            if selects(line, opening) and pattern.search(line):
                return int(pattern.search(line).group(1))
    return None


def document_info(document: Document) -> DocumentInfo:
    """Title, DOI and year: a literature file's labelled fields first, else the text's."""
    stated = document.metadata
    if stated is None:
        return DocumentInfo(id=document.id, title=find_title(document), doi=find_doi(document),
                            year=find_year(document))
    return DocumentInfo(id=document.id, title=stated.title or find_title(document),
                        doi=stated.doi or find_doi(document), year=stated.year or find_year(document))
