"""Stretches of text cut where a pattern matches (sentence ends, steps of a course)."""

from __future__ import annotations

import re


def split_at(pattern: re.Pattern, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at each match of ``pattern`` (the matches dropped), as
    character spans, without the empty ones."""
    spans, position = [], start
    for match in pattern.finditer(text, start, end):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]
