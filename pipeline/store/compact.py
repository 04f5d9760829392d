"""The compact storage format of records and document copies (``RECORD_FORMAT`` 2).

A record used to repeat, for every mention, its sentence and its words, which the
document copy beside it already holds: 346 KB of record for a 21 KB report. In format 2
the text is stored once, in ``_documents/<doc-id>.json``, each sentence once in the
record as its offsets in that text, and each mention is one JSON array of its fields in
``MENTION_FIELDS`` order: its type, rule and sentence as indexes into the record's
``types``, ``rules`` and ``sentences``, its normalised form ``true`` when it is its text
as printed. What the document gives is left out: its ``text`` and ``sentence`` are the
document text at ``start:end`` and at its sentence's offsets, its ``page``, ``section``
and ``in_scope`` those of the document at ``start`` (:class:`Derived`), its ``id``
``m<n>`` for the n-th mention. A mention for which any of these is not so, or that has a
fusion, variant, patient or modifiers, has a trailing object holding those fields. A
record reads::

    {"record_format":2, <the Extraction's other fields>,
     "mention_fields":["start","end","type","normalised","rule","sentence"],
     "types":["drug",...], "rules":["drug.inn",...], "sentences":[[2,109],...],
     "mentions":[[2,12,0,"lorlatinib",0,0], ...]}

its mention list last, so a long record's mentions can be read one at a time after its
head. A document copy keeps the Document's fields, its source map as arrays
(``SPAN_FIELDS``, then the bbox's four numbers when it has one), each span's offsets as
steps from the previous span's (:func:`span_steps`: a PDF's map has a span per word,
95 KB for 8 pages). Neither file is indented, and neither writes a field that has its
default value (null, false, an empty list): a later version that changes a default must
raise ``RECORD_FORMAT``, or old records would read with the new default.
``schema_version`` is always written.

This is a storage format only: :mod:`pipeline.store.records` turns it back into the
same Extraction and Document at the store's front door (the encoder and decoder derive
the left-out fields alike, so a mention reads back exactly). Records without
``record_format`` are of format 1 (the Extraction as pydantic writes it) and still read.
"""

from __future__ import annotations

import bisect
import json
from operator import attrgetter
from typing import Iterable

import pydantic_core

from pipeline.schema import Document, Extraction, Mention

RECORD_FORMAT = 2
FORMAT_KEY = "record_format"
MENTION_FIELDS = ("start", "end", "type", "normalised", "rule", "sentence")
# A row's normalised form when it is the mention's text as printed (58% of the seeds').
SAME_AS_TEXT = True
# The record's lists that a row's type, rule and sentence index into (a sentence as its
# [start, end] in the text).
INDEXED = ("types", "rules", "sentences")
# What a format 2 record holds beside the Extraction's fields.
HEAD_KEYS = (FORMAT_KEY, "mention_fields", *INDEXED)
# Written in a mention's trailing object only when not their default.
OPTIONAL_FIELDS = ("fusion", "variant", "patient", "modifiers")
SPAN_FIELDS = ("start", "end", "page", "source_start", "source_end")
# A mention's fields the document gives (:meth:`Derived.values`), in this order.
DERIVED_FIELDS = ("id", "text", "page", "section", "in_scope", "sentence")
derived_values_of = attrgetter(*DERIVED_FIELDS)
# A mention's fields the tables read, as :meth:`MentionDecoder.columns` gives them.
COLUMN_FIELDS = ("id", "type", "text", "normalised", "start", "end", "page", "section",
                 "in_scope", "sentence", "sentence_start", "sentence_end", "rule", "modifiers")
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

    def values(self, number: int, start: int, end: int, sentence_start: int,
               sentence_end: int) -> tuple:
        """The values of :data:`DERIVED_FIELDS` the document gives the ``number``-th
        mention (from 1)."""
        section, in_scope = self.section(start)
        return (f"m{number}", self.text[start:end], self.page(start), section, in_scope,
                self.text[sentence_start:sentence_end])

    def fields(self, number: int, start: int, end: int, sentence_start: int,
               sentence_end: int) -> dict:
        """:meth:`values` by field name."""
        return dict(zip(DERIVED_FIELDS, self.values(number, start, end, sentence_start,
                                                    sentence_end)))


class MentionEncoder:
    """A record's mentions as stored rows, numbered on as they are added; it collects the
    lists the rows index into (its types, rules and sentences), which go in the record's
    head (:func:`record_head`)."""

    def __init__(self, derived: Derived):
        self.derived = derived
        self.lists: dict[str, dict] = {name: {} for name in INDEXED}
        self.count = 0

    def index(self, name: str, value) -> int:
        return self.lists[name].setdefault(value, len(self.lists[name]))

    def row(self, mention: Mention) -> list:
        self.count += 1
        start, end = mention.start, mention.end
        sentence_start, sentence_end = mention.sentence_start, mention.sentence_end
        normalised = SAME_AS_TEXT if mention.normalised == mention.text else mention.normalised
        row = [start, end, self.index("types", mention.type),
               normalised, self.index("rules", mention.rule),
               self.index("sentences", (sentence_start, sentence_end))]
        own = derived_values_of(mention)
        given = self.derived.values(self.count, start, end, sentence_start, sentence_end)
        optional = mention.modifiers or mention.fusion or mention.variant or mention.patient
        if own == given and not optional:  # most mentions (79% of the bench corpus')
            return row
        more = {name: value for name, value, derived in zip(DERIVED_FIELDS, own, given)
                if value != derived}
        for name in OPTIONAL_FIELDS:
            value = getattr(mention, name)
            if value:
                more[name] = (value.model_dump(mode="json", exclude_defaults=True)
                              if hasattr(value, "model_dump") else value)
        if more:
            row.append(more)
        return row

    def rows_json(self, mentions: Iterable[Mention]) -> str:
        """Mentions as comma-separated rows: a piece of the record's mention list."""
        rows = [self.row(m) for m in mentions]
        return json.dumps(rows, separators=COMPACT, ensure_ascii=False)[1:-1]

    def head_lists(self) -> dict[str, list]:
        return {name: [list(value) if isinstance(value, tuple) else value
                       for value in self.lists[name]] for name in INDEXED}


class MentionDecoder:
    """Stored rows back as the fields of their Mentions, numbered on as they are read;
    ``head``: the record's lists the rows index into."""

    def __init__(self, derived: Derived, head: dict):
        if tuple(head["mention_fields"]) != MENTION_FIELDS:
            raise ValueError(f"mention_fields {head['mention_fields']} are not "
                             f"{list(MENTION_FIELDS)}")
        self.derived = derived
        self.types, self.rules, self.sentences = (head[name] for name in INDEXED)
        self.count = 0

    def fields(self, row: list) -> dict:
        self.count += 1
        start, end, type_, normalised, rule, sentence = row[:len(MENTION_FIELDS)]
        sentence_start, sentence_end = self.sentences[sentence]
        found = {"start": start, "end": end, "type": self.types[type_],
                 "normalised": normalised, "rule": self.rules[rule],
                 "sentence_start": sentence_start, "sentence_end": sentence_end,
                 **self.derived.fields(self.count, start, end, sentence_start, sentence_end)}
        if len(row) > len(MENTION_FIELDS):
            found.update(row[len(MENTION_FIELDS)])
        if normalised is SAME_AS_TEXT:
            found["normalised"] = found["text"]
        return found

    def mention(self, row: list) -> Mention:
        return Mention.model_validate(self.fields(row))

    def columns(self, rows: list[list]) -> dict[str, list]:
        """Stored rows as columns of their mentions' :data:`COLUMN_FIELDS`, the values
        :meth:`fields` gives, not validated: for the tables, without a dict per mention
        (a row with a trailing object is read by :meth:`fields`)."""
        found = []
        for row in rows:
            if len(row) > len(MENTION_FIELDS):
                fields = self.fields(row)
                found.append(tuple(fields.get(name, []) if name == "modifiers" else fields[name]
                                   for name in COLUMN_FIELDS))
                continue
            self.count += 1
            start, end, type_, normalised, rule, sentence = row
            sentence_start, sentence_end = self.sentences[sentence]
            mention_id, printed, page, section, in_scope, sentence_text = self.derived.values(
                self.count, start, end, sentence_start, sentence_end)
            found.append((mention_id, self.types[type_], printed,
                          printed if normalised is SAME_AS_TEXT else normalised, start, end,
                          page, section, in_scope, sentence_text, sentence_start, sentence_end,
                          self.rules[rule], []))
        return dict(zip(COLUMN_FIELDS, map(list, zip(*found)))) if found else {
            name: [] for name in COLUMN_FIELDS}


def record_head(extraction: Extraction, encoder: MentionEncoder) -> str:
    """A format 2 record up to and including the opening of its mention list, once the
    ``encoder`` has made its rows."""
    rest = extraction.model_dump_json(exclude={"mentions", "schema_version"},
                                      exclude_defaults=True)
    lists = json.dumps({"mention_fields": list(MENTION_FIELDS), **encoder.head_lists()},
                       separators=COMPACT, ensure_ascii=False)
    return (f'{{"{FORMAT_KEY}":{RECORD_FORMAT},"schema_version":'
            f'{json.dumps(extraction.schema_version)},{rest[1:-1]},{lists[1:-1]}{MENTIONS_KEY}')


RECORD_TAIL = "]}"


def record_json(extraction: Extraction, document: Document) -> str:
    encoder = MentionEncoder(Derived.of(document))
    rows = encoder.rows_json(extraction.mentions)
    return record_head(extraction, encoder) + rows + RECORD_TAIL


def stored_format(data: dict) -> int:
    return data.get(FORMAT_KEY, 1)


def extraction_fields(data: dict, derived: Derived) -> dict:
    """A format 2 record's JSON as the fields of its Extraction (``derived``: of its
    document)."""
    decoder = MentionDecoder(derived, data)
    data = {key: value for key, value in data.items() if key not in HEAD_KEYS}
    data["mentions"] = [decoder.fields(row) for row in data["mentions"]]
    return data


def span_steps(spans: list[dict]) -> list[list]:
    """Source map spans as arrays, their offsets as steps: [start - the previous span's
    end, end - start, page, source_start - the previous source_end, source_end -
    source_start, *bbox]."""
    rows, end, source_end = [], 0, 0
    for span in spans:
        rows.append([span["start"] - end, span["end"] - span["start"], span["page"],
                     span["source_start"] - source_end, span["source_end"] - span["source_start"],
                     *(span.get("bbox") or ())])
        end, source_end = span["end"], span["source_end"]
    return rows


def spans_from_steps(rows: list[list]) -> list[dict]:
    spans, end, source_end = [], 0, 0
    for row in rows:
        start, source_start = end + row[0], source_end + row[3]
        end, source_end = start + row[1], source_start + row[4]
        spans.append({"start": start, "end": end, "page": row[2], "source_start": source_start,
                      "source_end": source_end, "bbox": row[len(SPAN_FIELDS):] or None})
    return spans


def document_json(document: Document) -> str:
    """The document copy, written by pydantic's JSON encoder: a PDF's source map holds
    thousands of box coordinates, which Python's ``json.dumps`` wrote 3-4 times slower
    (the same values and, but for the spelling of floats below 1e-4, the same text:
    compact, not ASCII-escaped)."""
    data = document.model_dump(mode="json", exclude_defaults=True)
    data["source_map"] = span_steps(data.get("source_map", []))
    return pydantic_core.to_json({FORMAT_KEY: RECORD_FORMAT, **data}).decode("utf-8")


def document_fields(data: dict) -> dict:
    """A format 2 document copy's JSON as the fields of its Document."""
    data = dict(data)
    data.pop(FORMAT_KEY)
    data["source_map"] = spans_from_steps(data["source_map"])
    return data
