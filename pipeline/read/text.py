"""Plain-text case reports: decode bytes into text, refusing what is not text."""

from __future__ import annotations

import codecs

from pipeline.errors import BadInputError, Errors, Warnings

# Encodings recognised only by their byte-order mark; anything else must be UTF-8,
# because guessing a legacy code page would silently corrupt gene and drug names.
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


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
