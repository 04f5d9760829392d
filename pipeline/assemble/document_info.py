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
# What every match of a pattern holds: a line without it is not searched (the patterns
# start with a boundary or a look-behind, which re tries at every position of a line).
DOI_MARK, CITATION_MARK = "10.", ";"


def has_doi(line: str) -> re.Match | None:
    return DOI.search(line) if DOI_MARK in line else None


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


def find_doi(lines: list[str]) -> str | None:
    for line in lines:
        match = has_doi(line)
        if match:
            return match.group(0).rstrip(".,;)]")
    return None


def find_year(lines: list[str]) -> int | None:
    """The year of the first line a date label opens (the labels in their order), else
    of the line that prints the DOI, else of a journal citation, else of a copyright
    line."""
    labels, marks = date_rules()
    lowered = [line.strip().lower() for line in lines]  # once, not once per label
    # the lines some label opens, picked out in one pass before each label is tried
    labelled = [(line, opening) for line, opening in zip(lines, lowered)
                if opening.startswith(labels)]
    for label in labels:
        for line, opening in labelled:
            if opening.startswith(label) and (found := YEAR.search(line)):
                return int(found.group(1))
    for line in lines:
        if has_doi(line) and (found := YEAR.search(line)):
            return int(found.group(1))
    for line in lines:
        if CITATION_MARK in line and (found := CITATION_YEAR.search(line)):
            return int(found.group(1))
    for line, opening in zip(lines, lowered):
        if opening.startswith(marks) and (found := YEAR.search(line)):
            return int(found.group(1))
    return None


def document_info(document: Document) -> DocumentInfo:
    """Title, DOI and year: a literature file's labelled fields first, else the text's."""
    stated = document.metadata
    if stated is not None and stated.doi and stated.year:
        return DocumentInfo(id=document.id, title=stated.title or find_title(document),
                            doi=stated.doi, year=stated.year)
    lines = in_scope_lines(document)  # split once for the DOI and the year
    if stated is None:
        return DocumentInfo(id=document.id, title=find_title(document), doi=find_doi(lines),
                            year=find_year(lines))
    return DocumentInfo(id=document.id, title=stated.title or find_title(document),
                        doi=stated.doi or find_doi(lines), year=stated.year or find_year(lines))
