"""Stretches of text cut where a pattern matches (sentence ends, steps of a course), and
what lies inside stretches."""

from __future__ import annotations

import bisect
import re
from typing import Iterable, Sequence, TypeVar

from pipeline.screens import Screened

T = TypeVar("T")


def split_at(pattern: re.Pattern | Screened, text: str, start: int, end: int
             ) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at each match of ``pattern`` (the matches dropped), as
    character spans, without the empty ones."""
    spans, position = [], start
    for match in pattern.finditer(text, start, end):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


class Covered:
    """The offsets inside any of some spans (start, end exclusive), looked up by bisection
    instead of trying every span: a patient's passages are tried for each of a
    document's mentions."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if start >= end:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def __contains__(self, offset: int) -> bool:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ends[index]


def starting_within(ordered: Sequence[T], starts: Sequence[int], start: int, end: int
                    ) -> Sequence[T]:
    """The items of ``ordered`` (sorted by their start offsets, ``starts``) that start in
    ``start:end``: a slice, the items in their order."""
    return ordered[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]


class Placed:
    """Mentions with their offsets read once: the ones inside a stretch are picked out by a
    loop over plain pairs (each read of a mention's field goes through pydantic's
    attribute hook, several times a plain read), for a list asked for every row or cell
    of a table. The same mentions, in their order, as :func:`pipeline.assemble.therapies.within`."""

    def __init__(self, mentions: Sequence):
        self.mentions = mentions
        self.bounds = [(m.start, m.end) for m in mentions]

    def within(self, start: int, end: int) -> list:
        return [m for m, (a, b) in zip(self.mentions, self.bounds) if start <= a and b <= end]


def reach(spans: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """From the first of some spans' starts to the last of their ends ((0, 0) for none):
    what lies outside is in none of them."""
    spans = list(spans)
    return min((a for a, _ in spans), default=0), max((b for _, b in spans), default=0)
