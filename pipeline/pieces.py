"""Long documents, tagged and assembled piece by piece.

spaCy refuses a text over 1,000,000 characters (E088), and case assembly takes time
quadratic in a text's length (1 MB of reports: 38 s in one piece, 5 s in pieces of
200,000 characters). A document longer than ``CASELIT_PIECE_CHARS`` is therefore cut into
pieces of at most that size, between sections where it can (else between paragraphs,
lines, sentences, words), and each piece is tagged and assembled as a document of its own.
The pieces' results are joined into one record:

- mentions: offsets moved to the document's, ids numbered on (``m1``... across the
  document), variant groups numbered on;
- cases: a later piece's case ids prefixed with ``part<k>-`` (``part2-index``), their
  evidence and variant groups renumbered with the mentions;
- document-level sets: from every piece's mentions, as for a short document;
- title, DOI and year: the first piece's.

Mentions go to a sink as each piece is done (the record writer's file in a run), so the
memory a long document takes is that of its text and one piece, not of all its mentions.
Documents within the limit (every report: the seeds run to 23,000 characters) take the
usual path, one piece, unchanged.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable, Iterable

from pipeline.schema import CaseRecord, Document, Extraction, Mention, Page, Variant

SET_TYPES = ("gene", "unresolved_gene", "fusion", "rearranged_gene", "variant", "drug", "regimen")
# Where a piece may end, best first; each is searched in the second half of the window.
BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?]\s"), re.compile(r"\s"))

MentionSink = Callable[[list[Mention]], None]


def is_long(document: Document, piece_chars: int) -> bool:
    return len(document.text) > piece_chars


def cut(document: Document, boundaries: list[int], start: int, limit: int) -> int:
    """Where the piece from ``start`` ends, at or before ``limit``: a section or page
    start in the window's second half (outside a table), else the last break."""
    floor = start + (limit - start) // 2
    tables = [(t.start, t.end) for t in document.tables]
    index = bisect.bisect_right(boundaries, limit) - 1
    while index >= 0 and boundaries[index] > floor:
        at = boundaries[index]
        if not any(t_start < at < t_end for t_start, t_end in tables):
            return at
        index -= 1
    for pattern in BREAKS:
        last = None
        for last in pattern.finditer(document.text, floor, limit):
            pass
        if last is not None:
            return last.end()
    return limit  # a word longer than half a piece: refused when read, never here


def piece_bounds(document: Document, size: int) -> list[tuple[int, int]]:
    """(start, end) of each piece, covering the text, each at most ``size`` long."""
    boundaries = sorted({s.start for s in document.sections} | {p.start for p in document.pages})
    bounds, start, length = [], 0, len(document.text)
    while length - start > size:
        end = cut(document, boundaries, start, start + size)
        bounds.append((start, end))
        start = end
    bounds.append((start, length))
    return bounds


def clipped(items: Iterable, start: int, end: int) -> list:
    return [item.model_copy(update={"start": max(item.start, start) - start,
                                    "end": min(item.end, end) - start})
            for item in items if item.start < end and item.end > start]


def piece_document(document: Document, start: int, end: int) -> Document:
    """The stretch ``start:end`` as a document of its own, offsets from its start; tables
    only when whole within it."""
    pages = clipped(document.pages, start, end) or [
        Page(number=document.page_at(start) or 1, start=0, end=end - start)]
    tables = [t.model_copy(update={"start": t.start - start, "end": t.end - start})
              for t in document.tables if start <= t.start and t.end <= end]
    return Document(id=document.id, source=document.source, media_type=document.media_type,
                    text=document.text[start:end], pages=pages,
                    sections=clipped(document.sections, start, end), tables=tables,
                    metadata=document.metadata)


def renumbered_variant(variant: Variant | None, groups: int) -> Variant | None:
    if variant is None or variant.group is None:
        return variant
    return variant.model_copy(update={"group": variant.group + groups})


class Join:
    """The running join of a long document's pieces."""

    def __init__(self, sink: MentionSink):
        self.sink = sink
        self.mentions = 0  # numbered so far
        self.groups = 0  # variant groups numbered so far
        self.cases: list[CaseRecord] = []
        self.firsts: dict[tuple, Mention] = {}  # each set value's first mention, in order

    def add(self, part: int, start: int, mentions: list[Mention], cases: list[CaseRecord]) -> None:
        ids = {m.id: f"m{self.mentions + number}" for number, m in enumerate(mentions, 1)}
        moved = [m.model_copy(update={
            "id": ids[m.id], "start": m.start + start, "end": m.end + start,
            "sentence_start": m.sentence_start + start, "sentence_end": m.sentence_end + start,
            "variant": renumbered_variant(m.variant, self.groups)}) for m in mentions]
        for mention in moved:
            if mention.type in SET_TYPES and mention.in_scope and mention.normalised:
                key = (mention.type, mention.normalised,
                       mention.fusion.model_dump_json() if mention.fusion else None,
                       (mention.variant.gene, mention.variant.hgvs) if mention.variant else None)
                self.firsts.setdefault(key, mention)
        prefix = f"part{part}-" if part > 1 else ""
        self.cases += [case.model_copy(update={
            "case_id": prefix + case.case_id,
            "variants": [renumbered_variant(v, self.groups) for v in case.variants],
            "evidence": {name: [ids[i] for i in found] for name, found in case.evidence.items()},
        }) for case in cases]
        self.sink(moved)
        self.mentions += len(moved)
        self.groups = max([self.groups] + [m.variant.group for m in moved
                                           if m.variant and m.variant.group is not None])


def extract_in_pieces(document: Document, fingerprint: str, size: int,
                      sink: MentionSink) -> Extraction:
    """The extraction of a long document, its mentions handed to ``sink`` piece by piece
    (the returned Extraction holds none)."""
    from pipeline.assemble import assemble
    from pipeline.assemble.entities import entity_sets
    from pipeline.tag import tag

    join = Join(sink)
    first = None
    for part, (start, end) in enumerate(piece_bounds(document, size), 1):
        piece = piece_document(document, start, end)
        mentions = tag(piece)
        extraction = assemble(piece, mentions, fingerprint=fingerprint)
        first = first or extraction
        join.add(part, start, mentions, extraction.cases)
    run = first.run.model_copy(update={"pages": len(document.pages),
                                       "warnings": list(document.warnings)})
    return Extraction(document=first.document, cases=join.cases, run=run,
                      **entity_sets(list(join.firsts.values())))
