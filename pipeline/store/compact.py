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
from itertools import compress, repeat
from operator import itemgetter, lt
from typing import Sequence

import orjson

from pipeline.schema import Document, Extraction, Mention, SourceSpan

RECORD_FORMAT = 2
FORMAT_KEY = "record_format"
MENTION_FIELDS = ("start", "end", "type", "normalised", "rule", "sentence")
NORMALISED = MENTION_FIELDS.index("normalised")
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
derived_values_of = itemgetter(*DERIVED_FIELDS)  # of a mention's fields (its __dict__)
# A mention's fields the tables read, as :meth:`MentionDecoder.columns` gives them.
COLUMN_FIELDS = ("id", "type", "text", "normalised", "start", "end", "page", "section",
                 "in_scope", "sentence", "sentence_start", "sentence_end", "rule", "modifiers")
# The record's mention list opens after its other fields (see the module docstring).
MENTIONS_KEY = ',"mentions":['
COMPACT = (",", ":")


def compact_json(value) -> str:
    """``value`` as ``json.dumps(value, separators=COMPACT, ensure_ascii=False)`` writes
    it, by orjson: a record's rows in 0.03 ms against 0.37 (382 mentions). The two differ
    only in the spelling of floats below 1e-4 (1e-5 against 1e-05, the same number), which
    a record's rows and lists (offsets, indexes, words, ages in years) do not hold; as
    pydantic's encoder, orjson writes every float as it does (:func:`document_json`)."""
    return orjson.dumps(value).decode("utf-8")


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
        # Between two of these offsets (where a page or section starts or ends, the text's
        # end), every offset has the same page and section: one look-up finds both.
        bounds = {0, len(text), len(text) + 1}
        for start, end, *_ in (*self.pages, *self.sections):
            bounds.update((start, end))
        self.bounds = sorted(bound for bound in bounds if bound >= 0)
        self.places = [(self.page(bound), *self.section(bound)) for bound in self.bounds]

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

    def place(self, offset: int) -> tuple[int | None, str | None, bool]:
        """(page, section kind, in scope) at ``offset``: :meth:`page` and :meth:`section`
        in one look-up."""
        index = bisect.bisect_right(self.bounds, offset) - 1
        return self.places[index] if index >= 0 else (self.page(offset), *self.section(offset))

    def places_at(self, offsets: Sequence[int]) -> list[tuple[int | None, str | None, bool]]:
        """:meth:`place` of each of ``offsets``, bisected by ``map`` without a Python call
        per offset (``bounds`` holds 0, so a bisection of an offset from 0 on finds one)."""
        if offsets and min(offsets) < 0:
            return [self.place(offset) for offset in offsets]
        places = self.places
        return [places[index - 1]
                for index in map(bisect.bisect_right, repeat(self.bounds), offsets)]

    def values(self, number: int, start: int, end: int, sentence_start: int,
               sentence_end: int) -> tuple:
        """The values of :data:`DERIVED_FIELDS` the document gives the ``number``-th
        mention (from 1)."""
        page, section, in_scope = self.place(start)
        return (f"m{number}", self.text[start:end], page, section, in_scope,
                self.text[sentence_start:sentence_end])

    def columns(self, first: int, starts: Sequence[int], ends: Sequence[int],
                sentences: list[tuple[int, int]]) -> dict[str, list]:
        """:meth:`values` of mentions numbered on after ``first``, as columns by field name,
        each made at once (``sentences``: their sentences' (start, end)); a sentence's text
        is cut once for all its mentions (:func:`sentence_texts`)."""
        text = self.text
        places = self.places_at(starts)
        return {"id": [f"m{number}" for number in range(first + 1, first + len(starts) + 1)],
                "text": [text[start:end] for start, end in zip(starts, ends)],
                "page": [page for page, _, _ in places],
                "section": [section for _, section, _ in places],
                "in_scope": [in_scope for _, _, in_scope in places],
                "sentence": list(map(sentence_texts(text, sentences).__getitem__, sentences))}

    def fields(self, number: int, start: int, end: int, sentence_start: int,
               sentence_end: int) -> dict:
        """:meth:`values` by field name."""
        return dict(zip(DERIVED_FIELDS, self.values(number, start, end, sentence_start,
                                                    sentence_end)))


def sentence_texts(text: str, sentences: Sequence[tuple[int, int]]) -> dict:
    """Each of ``sentences`` (start, end), once, with its text: a record's 382 mentions
    lie in some 40 sentences, and cutting a sentence out of a text that is not all
    Latin-1 scans and copies it."""
    return {bounds: text[bounds[0]:bounds[1]] for bounds in set(sentences)}


class Numbering(dict):
    """Values numbered in the order they first come: ``numbering[value]`` is the number of
    ``value``, a new one's the next (a dict look-up in C for the values seen before)."""

    def __missing__(self, value) -> int:
        number = self[value] = len(self)
        return number


def own_fields(fields: dict, own: tuple, derived: tuple) -> dict:
    """A mention's row's trailing object, of its ``fields``: those that the document does
    not give (``own``, ``derived``: their values in :data:`DERIVED_FIELDS` order), and
    those of :data:`OPTIONAL_FIELDS` it has."""
    more = {name: value for name, value, given in zip(DERIVED_FIELDS, own, derived)
            if value != given}
    for name in OPTIONAL_FIELDS:
        value = fields[name]
        if value:
            more[name] = (value.model_dump(mode="json", exclude_defaults=True)
                          if hasattr(value, "model_dump") else value)
    return more


class MentionEncoder:
    """A record's mentions as stored rows, numbered on as they are added; it collects the
    lists the rows index into (its types, rules and sentences), which go in the record's
    head (:func:`record_head`)."""

    def __init__(self, derived: Derived):
        self.derived = derived
        self.lists: dict[str, Numbering] = {name: Numbering() for name in INDEXED}
        self.types, self.rules, self.sentences = (self.lists[name] for name in INDEXED)
        self.count = 0

    def rows(self, mentions: list[Mention]) -> list[list]:
        """The mentions' rows, numbered on; what the document gives them made a column at
        a time (:meth:`Derived.columns`), compared with their own values in one pass. A
        mention's fields are read from its ``__dict__``, where pydantic keeps them: read as
        attributes, through the slower path that pydantic's ``__getattr__`` hook gives
        them, a record took 15% more instructions (11.0 against 9.6 M for the bench's)."""
        types, rules, sentences = self.types, self.rules, self.sentences
        fields = [vars(mention) for mention in mentions]
        bounds = [(m["sentence_start"], m["sentence_end"]) for m in fields]
        rows = [[m["start"], m["end"], types[m["type"]],
                 SAME_AS_TEXT if m["normalised"] == m["text"] else m["normalised"],
                 rules[m["rule"]], sentences[sentence]]
                for m, sentence in zip(fields, bounds)]
        given = self.derived.columns(self.count, [row[0] for row in rows],
                                     [row[1] for row in rows], bounds)
        self.count += len(mentions)
        for row, m, own, derived in zip(rows, fields, map(derived_values_of, fields),
                                        zip(*(given[name] for name in DERIVED_FIELDS))):
            # most mentions (79% of the bench corpus') are their row alone
            if (own != derived or m["modifiers"] or m["fusion"] or m["variant"]
                    or m["patient"]):
                more = own_fields(m, own, derived)
                if more:
                    row.append(more)
        return rows

    def rows_json(self, mentions: list[Mention]) -> str:
        """Mentions as comma-separated rows: a piece of the record's mention list."""
        return compact_json(self.rows(mentions))[1:-1]

    def head_lists(self) -> dict[str, list]:
        return {name: list(self.lists[name]) for name in INDEXED}  # a sentence's tuple: an array


class MentionDecoder:
    """Stored rows back as the fields of their Mentions, numbered on as they are read;
    ``head``: the record's lists the rows index into."""

    def __init__(self, derived: Derived, head: dict):
        if tuple(head["mention_fields"]) != MENTION_FIELDS:
            raise ValueError(f"mention_fields {head['mention_fields']} are not "
                             f"{list(MENTION_FIELDS)}")
        self.derived = derived
        self.types, self.rules, sentences = (head[name] for name in INDEXED)
        self.sentences = [tuple(bounds) for bounds in sentences]  # as Derived.columns takes them
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
        :meth:`fields` gives, not validated: for the tables, each column made at once as if
        no row had a trailing object, then the values of those that have one put in (0.5 ms
        a record of the bench corpus against 0.94 a row at a time)."""
        lengths = list(map(len, rows))
        if lengths and min(lengths) < len(MENTION_FIELDS):
            raise ValueError(f"a mention row has fewer than {len(MENTION_FIELDS)} values")
        starts, ends, types, normalised, rules, sentences = zip(*rows) if rows else ((),) * 6
        bounds = [self.sentences[number] for number in sentences]
        given = self.derived.columns(self.count, starts, ends, bounds)
        found = {**given, "type": [self.types[number] for number in types],
                 "normalised": [printed if value is SAME_AS_TEXT else value
                                for printed, value in zip(given["text"], normalised)],
                 "start": list(starts), "end": list(ends),
                 "sentence_start": [start for start, _ in bounds],
                 "sentence_end": [end for _, end in bounds],
                 "rule": [self.rules[number] for number in rules],
                 "modifiers": [[] for _ in rows]}
        columns = {name: found[name] for name in COLUMN_FIELDS}
        # the rows with a trailing object: longer than MENTION_FIELDS
        for index in compress(range(len(rows)), map(lt, repeat(len(MENTION_FIELDS)), lengths)):
            self.own_values(columns, index, rows[index])
        self.count += len(rows)
        return columns

    @staticmethod
    def own_values(columns: dict[str, list], index: int, row: list) -> None:
        """The values a row's trailing object holds put in its place in ``columns``, as
        :meth:`fields` takes them (its normalised form its text when stored as such)."""
        own = row[len(MENTION_FIELDS)]
        if not isinstance(own, dict):
            raise TypeError(f"a mention row's trailing value {own!r} is not an object")
        for name, value in own.items():
            if name in columns:
                columns[name][index] = value
        if row[NORMALISED] is SAME_AS_TEXT:
            columns["normalised"][index] = columns["text"][index]


def record_head(extraction: Extraction, encoder: MentionEncoder) -> str:
    """A format 2 record up to and including the opening of its mention list, once the
    ``encoder`` has made its rows."""
    rest = extraction.model_dump_json(exclude={"mentions", "schema_version"},
                                      exclude_defaults=True)
    lists = compact_json({"mention_fields": list(MENTION_FIELDS), **encoder.head_lists()})
    return (f'{{"{FORMAT_KEY}":{RECORD_FORMAT},"schema_version":'
            f'{compact_json(extraction.schema_version)},{rest[1:-1]},{lists[1:-1]}{MENTIONS_KEY}')


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


def span_steps(spans: list[SourceSpan]) -> list[list]:
    """Source map spans as arrays, their offsets as steps: [start - the previous span's
    end, end - start, page, source_start - the previous source_end, source_end -
    source_start, *bbox]. Read from the spans' attributes: a PDF's thousands of spans
    dumped to dicts first took 70-80% of its document copy's writing. A box holds floats
    (validated spans are made so, unchecked ones are made of floats:
    :func:`pipeline.read.textmap.unchecked_spans`), written as they are."""
    rows, end, source_end = [], 0, 0
    for span in spans:
        rows.append([span.start - end, span.end - span.start, span.page,
                     span.source_start - source_end, span.source_end - span.source_start,
                     *(span.bbox or ())])
        end, source_end = span.end, span.source_end
    return rows


def spans_from_steps(rows: list[list]) -> list[dict]:
    spans, end, source_end = [], 0, 0
    for row in rows:
        start, source_start = end + row[0], source_end + row[3]
        end, source_end = start + row[1], source_start + row[4]
        spans.append({"start": start, "end": end, "page": row[2], "source_start": source_start,
                      "source_end": source_end, "bbox": row[len(SPAN_FIELDS):] or None})
    return spans


# The Document's fields after its source map, in the order model_dump gives them.
DOCUMENT_FIELDS = tuple(Document.model_fields)
AFTER_SOURCE_MAP = DOCUMENT_FIELDS[DOCUMENT_FIELDS.index("source_map") + 1:]


def document_json(document: Document) -> str:
    """The document copy, written by orjson (the text pydantic's encoder wrote, in half its
    time): a PDF's source map holds thousands of box coordinates, which Python's
    ``json.dumps`` wrote 3-4 times slower (the same values and, but for the spelling of
    floats below 1e-4, the same text: compact, not ASCII-escaped). The source map is
    made from the spans themselves (:func:`span_steps`) and put where model_dump has it:
    in its field's place, or last when empty (model_dump leaves a default out)."""
    data = document.model_dump(mode="json", exclude_defaults=True, exclude={"source_map"})
    steps = span_steps(document.source_map)
    later = {name: data.pop(name) for name in AFTER_SOURCE_MAP if name in data} if steps else {}
    data["source_map"] = steps
    data.update(later)
    return compact_json({FORMAT_KEY: RECORD_FORMAT, **data})


def document_fields(data: dict) -> dict:
    """A format 2 document copy's JSON as the fields of its Document."""
    data = dict(data)
    data.pop(FORMAT_KEY)
    data["source_map"] = spans_from_steps(data["source_map"])
    return data
