"""The compact storage format of records and document copies (``RECORD_FORMAT`` 2).

A record used to repeat, for every mention, its sentence and its words, which the
document copy beside it already holds: 346 KB of record for a 21 KB report. In format 2
the text is stored once, in ``_documents/<doc-id>.json``, and each mention is one JSON
array of its fields in ``MENTION_FIELDS`` order. What the document gives is left out: its
``text`` and ``sentence`` are the document text at ``start:end`` and
``sentence_start:sentence_end``, its ``page``, ``section`` and ``in_scope`` those of the
document at ``start`` (:class:`Derived`), its ``id`` ``m<n>`` for the n-th mention. A
mention for which any of these is not so, or that has a fusion, variant, patient or
modifiers, has a trailing object holding those fields. A record reads::

    {"record_format":2, <the Extraction's other fields>,
     "mention_fields":["start","end",...], "mentions":[[2,12,"drug",...], ...]}

its mention list last, so a long record's mentions can be read one at a time after its
head. A document copy keeps the Document's fields, its source map as arrays
(``SPAN_FIELDS``, then the bbox's four numbers when it has one). Neither is indented.

This is a storage format only: :mod:`pipeline.store.records` turns it back into the
same Extraction and Document at the store's front door (the encoder and decoder derive
the left-out fields alike, so a mention reads back exactly). Records without
``record_format`` are of format 1 (the Extraction as pydantic writes it) and still read.
"""

from __future__ import annotations

import bisect
import json
from typing import Iterable

from pipeline.schema import Document, Extraction, Mention

RECORD_FORMAT = 2
FORMAT_KEY = "record_format"
MENTION_FIELDS = ("start", "end", "type", "normalised", "rule", "sentence_start",
                  "sentence_end")
# Written in a mention's trailing object only when not their default.
OPTIONAL_FIELDS = ("fusion", "variant", "patient", "modifiers")
SPAN_FIELDS = ("start", "end", "page", "source_start", "source_end")
# The record's mention list opens after its other fields (see the module docstring).
MENTIONS_KEY = ',"mentions":['
COMPACT = (",", ":")


class Derived:
    """What a document says of a mention at an offset: its page, section and scope, as
    the tagger assigns them (first page or section holding the offset)."""

    def __init__(self, text: str, pages: list[dict], sections: list[dict]):
        self.text = text
        self.pages = sorted(((p["start"], p["end"], p["number"]) for p in pages))
        self.page_starts = [start for start, _, _ in self.pages]
        self.sections = sorted(((s["start"], s["end"], s["kind"], s["in_scope"])
                                for s in sections))
        self.section_starts = [start for start, _, _, _ in self.sections]
        self.last_page = pages[-1]["number"] if pages else None

    @classmethod
    def of(cls, document: Document) -> "Derived":
        return cls(document.text, [p.model_dump() for p in document.pages],
                   [s.model_dump() for s in document.sections])

    def page(self, offset: int) -> int | None:
        index = bisect.bisect_right(self.page_starts, offset) - 1
        if index >= 0 and offset < self.pages[index][1]:
            return self.pages[index][2]
        return self.last_page if offset == len(self.text) else None

    def section(self, offset: int) -> tuple[str | None, bool]:
        """(kind, in scope) of the section at ``offset``; (None, True) outside any."""
        index = bisect.bisect_right(self.section_starts, offset) - 1
        if index >= 0 and offset < self.sections[index][1]:
            return self.sections[index][2], self.sections[index][3]
        return None, True

    def fields(self, number: int, start: int, end: int, sentence_start: int,
               sentence_end: int) -> dict:
        """The fields of the ``number``-th mention (from 1) that the document gives."""
        section, in_scope = self.section(start)
        return {"id": f"m{number}", "text": self.text[start:end], "page": self.page(start),
                "section": section, "in_scope": in_scope,
                "sentence": self.text[sentence_start:sentence_end]}


def mention_row(mention: Mention, number: int, derived: Derived) -> list:
    """The ``number``-th mention (from 1) as the array stored in a format 2 record."""
    row = [mention.start, mention.end, mention.type, mention.normalised, mention.rule,
           mention.sentence_start, mention.sentence_end]
    given = derived.fields(number, mention.start, mention.end, mention.sentence_start,
                           mention.sentence_end)
    more = {name: getattr(mention, name) for name, value in given.items()
            if getattr(mention, name) != value}
    for name in OPTIONAL_FIELDS:
        value = getattr(mention, name)
        if value:
            more[name] = (value.model_dump(mode="json", exclude_defaults=True)
                          if hasattr(value, "model_dump") else value)
    if more:
        row.append(more)
    return row


def mention_dict(row: list, number: int, derived: Derived) -> dict:
    """The ``number``-th stored mention array as the fields of its Mention."""
    found = dict(zip(MENTION_FIELDS, row))
    given = derived.fields(number, found["start"], found["end"], found["sentence_start"],
                           found["sentence_end"])
    if len(row) > len(MENTION_FIELDS):
        given.update(row[len(MENTION_FIELDS)])
    return {**found, **given}


def mention_rows_json(mentions: Iterable[Mention], first: int, derived: Derived) -> str:
    """Mentions as comma-separated arrays: a piece of a record's mention list, from its
    ``first``-th mention (from 1)."""
    return ",".join(json.dumps(mention_row(m, number, derived), separators=COMPACT,
                               ensure_ascii=False)
                    for number, m in enumerate(mentions, first))


def record_head(extraction: Extraction) -> str:
    """A format 2 record up to and including the opening of its mention list."""
    rest = extraction.model_dump_json(exclude={"mentions"})
    fields = json.dumps(list(MENTION_FIELDS), separators=COMPACT)
    return (f'{{"{FORMAT_KEY}":{RECORD_FORMAT},{rest[1:-1]},"mention_fields":{fields}'
            f"{MENTIONS_KEY}")


RECORD_TAIL = "]}"


def record_json(extraction: Extraction, document: Document) -> str:
    return (record_head(extraction) + mention_rows_json(extraction.mentions, 1,
                                                        Derived.of(document)) + RECORD_TAIL)


def stored_format(data: dict) -> int:
    return data.get(FORMAT_KEY, 1)


def extraction_fields(data: dict, derived: Derived) -> dict:
    """A format 2 record's JSON as the fields of its Extraction (``derived``: of its
    document)."""
    data = dict(data)
    data.pop(FORMAT_KEY)
    fields = data.pop("mention_fields")
    if tuple(fields) != MENTION_FIELDS:
        raise ValueError(f"mention_fields {fields} are not {list(MENTION_FIELDS)}")
    data["mentions"] = [mention_dict(row, number, derived)
                        for number, row in enumerate(data["mentions"], 1)]
    return data


def document_json(document: Document) -> str:
    data = json.loads(document.model_dump_json())
    data["source_map"] = [[span[name] for name in SPAN_FIELDS] + list(span["bbox"] or ())
                          for span in data["source_map"]]
    return json.dumps({FORMAT_KEY: RECORD_FORMAT, **data}, separators=COMPACT,
                      ensure_ascii=False)


def document_fields(data: dict) -> dict:
    """A format 2 document copy's JSON as the fields of its Document."""
    data = dict(data)
    data.pop(FORMAT_KEY)
    data["source_map"] = [{**dict(zip(SPAN_FIELDS, row)),
                           "bbox": row[len(SPAN_FIELDS):] or None}
                          for row in data["source_map"]]
    return data
