"""PDF case reports, first cut: pdfplumber's text of each page, pages kept as offsets.

Column order, running headers, hyphenation and superscripts are the "Reading" issue's
work; this reader already keeps every page's span so mentions can name their page.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import BadInputError, Errors, Warnings
from pipeline.schema import Page

PAGE_BREAK = "\n\n"


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def read_pdf_pages(path: Path) -> tuple[str, list[Page], list[str]]:
    """PDF -> (text of all pages, page spans, warnings); BadInputError when unreadable."""
    import pdfplumber  # deferred: costs ~0.3 s to import and only PDFs need it

    # pdfminer raises many exception types on malformed files (its own, ValueError,
    # KeyError, struct.error...); whatever a parser raises on a file is about the file.
    try:
        pdf = pdfplumber.open(path)
    except Exception as error:
        raise BadInputError(path, Errors.E007.format(reason=describe(error))) from None
    parts: list[str] = []
    pages: list[Page] = []
    warnings: list[str] = []
    offset = 0
    with pdf:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                page_text = (page.extract_text() or "").replace("\r\n", "\n")
            except Exception as error:
                raise BadInputError(
                    path, Errors.E007.format(reason=f"page {number}: {describe(error)}")
                ) from None
            if not page_text.strip():
                warnings.append(Warnings.W002.format(page=number))
            if parts:
                parts.append(PAGE_BREAK)
                offset += len(PAGE_BREAK)
            parts.append(page_text)
            pages.append(Page(number=number, start=offset, end=offset + len(page_text)))
            offset += len(page_text)
    text = "".join(parts)
    if not text.strip():
        raise BadInputError(path, Errors.E008.format(pages=len(pages)))
    return text, pages, warnings
