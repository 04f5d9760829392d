"""An extraction as a list of reviewable values, and back to gold with the decisions.

Every value has a key built from all its fields, so two values that share a name are
two values: ``fusions=EML4::ALK | exons: 13, 20`` and ``fusions=EML4::ALK | exons: 6, 20``.
A case list member is keyed the same way under its case
(``cases[index].variants=ALK:p.Gly1202Arg``), a case's scalar by its case and name
(``cases[index].age_years``; a changed scalar keeps its key and is flagged for review
again), a therapy line by its position and drugs (``cases[index].therapies[0]=crizotinib``)
and a case by its id (``cases[index]``). Two members equal in every field are told apart
by their order (``#2``). A new run that extracts the same value gives the same key, so a
decision survives re-runs.

Values are printed, and typed back when corrected or added, in one text form per kind,
checked against the schema when entered (:func:`parse_value`):

- a fusion: ``EML4::ALK | exons: 13, 20 | transcripts: NM_019063.5, - | breakpoints: a, b | unresolved``
- a variant: ``ALK:p.Gly1202Arg`` (or bare ``p.Gly1202Arg``), ``| in words``, ``| group: 1``
- a therapy line: ``drugs: a, b | regimen: X | response: PR | setting: first-line``
- a case: its id; other values as the guidelines write them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from pipeline.evaluate.cases import SCALARS
from pipeline.evaluate.cases import SET_FIELDS as CASE_LISTS
from pipeline.evaluate.documents import SET_FIELDS
from pipeline.evaluate.evidence import Evidence
from pipeline.evaluate.gold import describe_errors
from pipeline.schema import (Annotations, CaseRecord, Fusion, Therapy, UnresolvedGene,
                             Variant)

# the fields the gold diff compares, as it names them
CASE_SCALARS = tuple(SCALARS)
THERAPY_PARTS = ("drugs", "regimen", "response", "setting")
MAX_VALUE_CHARS = 300  # a gene, drug or therapy line is short; a pasted page is a mistake
CASE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
CASE_FIELD = re.compile(r"^cases\[(?P<case>[^\]]+)\]\.(?P<name>\w+)$")
NO_PART = "-"  # an exon, transcript or breakpoint the text does not give


@dataclass(frozen=True)
class ReviewValue:
    key: str
    field: str  # "drugs", "cases[index].age_years", "cases[index].therapies", "cases"
    value: str  # every field of the value, in its text form
    item: Any = None  # the typed value as extracted (a Fusion, a Therapy, 58, "lung")
    mention_ids: tuple[str, ...] = ()
    case_id: str | None = None

    @property
    def name(self) -> str:
        """The field's own name: "fusions", "age_years", "therapies", "cases"."""
        return self.field.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Decision:
    key: str
    field: str
    action: str  # accept | reject | correct | add
    value: str | None  # the corrected or added value


# ----------------------------------------------------------------- text forms

def pair(first, second) -> str:
    return f"{NO_PART if first is None else first}, {NO_PART if second is None else second}"


def fusion_text(fusion: Fusion) -> str:
    parts = [fusion.name]
    for label, first, second in (
            ("exons", fusion.five_prime_exon, fusion.three_prime_exon),
            ("transcripts", fusion.five_prime_transcript, fusion.three_prime_transcript),
            ("breakpoints", fusion.five_prime_breakpoint, fusion.three_prime_breakpoint)):
        if first is not None or second is not None:
            parts.append(f"{label}: {pair(first, second)}")
    if fusion.unresolved:
        parts.append("unresolved")
    return " | ".join(parts)


def variant_text(variant: Variant) -> str:
    """A variant with no gene is its bare HGVS (a curator would type it so)."""
    parts = [f"{variant.gene}:{variant.hgvs}" if variant.gene else variant.hgvs]
    if variant.described_in_words:
        parts.append("in words")
    if variant.group is not None:
        parts.append(f"group: {variant.group}")
    return " | ".join(parts)


def therapy_text(line: Therapy) -> str:
    return " | ".join([f"drugs: {', '.join(line.drugs)}", f"regimen: {line.regimen or ''}",
                       f"response: {line.response or ''}", f"setting: {line.setting or ''}"])


def value_text(name: str, item) -> str:
    if isinstance(item, Fusion):
        return fusion_text(item)
    if isinstance(item, Variant):
        return variant_text(item)
    if isinstance(item, UnresolvedGene):
        return item.symbol
    if isinstance(item, Therapy):
        return therapy_text(item)
    return str(item)


def pieces(text: str) -> tuple[str, dict[str, str], set[str]]:
    """``head | name: value | flag`` -> head, {name: value}, {flag}."""
    head, *rest = [piece.strip() for piece in text.split("|")]
    named, flags = {}, set()
    for piece in rest:
        name, colon, value = piece.partition(":")
        if colon:
            named[name.strip().lower()] = value.strip()
        elif piece:
            flags.add(piece.lower())
    return head, named, flags


def unknown_parts(kind: str, named: dict, flags: set, allowed_named: tuple,
                  allowed_flags: tuple) -> None:
    extra = sorted(set(named) - set(allowed_named)) + sorted(flags - set(allowed_flags))
    if extra:
        allowed = [f"{n}: ..." for n in allowed_named] + list(allowed_flags)
        raise ValueError(f"unknown part(s) {', '.join(map(repr, extra))} of a {kind}; "
                         f"allowed: {', '.join(allowed)}")


def split_pair(name: str, text: str | None) -> tuple[str | None, str | None]:
    if text is None:
        return None, None
    halves = [half.strip() for half in text.split(",")]
    if len(halves) != 2:
        raise ValueError(f"{name} are two, 5' then 3', separated by a comma "
                         f"('-' for one not given), got {text!r}")
    return tuple(None if half in ("", NO_PART) else half for half in halves)


def parse_fusion(text: str) -> Fusion:
    head, named, flags = pieces(text)
    unknown_parts("fusion", named, flags, ("exons", "transcripts", "breakpoints"),
                  ("unresolved",))
    match = re.fullmatch(r"([^:\s]+)\s*::\s*([^:\s]+)", head)
    if match is None:
        raise ValueError(f"a fusion is written 5PRIME::3PRIME, got {head!r}")
    five_exon, three_exon = split_pair("exons", named.get("exons"))
    five_transcript, three_transcript = split_pair("transcripts", named.get("transcripts"))
    five_break, three_break = split_pair("breakpoints", named.get("breakpoints"))
    for exon in (five_exon, three_exon):
        if exon is not None and not exon.isdigit():
            raise ValueError(f"an exon is a whole number, got {exon!r}")
    return Fusion(name=f"{match.group(1)}::{match.group(2)}", five_prime=match.group(1),
                  three_prime=match.group(2),
                  five_prime_exon=None if five_exon is None else int(five_exon),
                  three_prime_exon=None if three_exon is None else int(three_exon),
                  five_prime_transcript=five_transcript, three_prime_transcript=three_transcript,
                  five_prime_breakpoint=five_break, three_prime_breakpoint=three_break,
                  unresolved="unresolved" in flags)


def parse_variant(text: str) -> Variant:
    head, named, flags = pieces(text)
    unknown_parts("variant", named, flags, ("group",), ("in words",))
    gene, _, hgvs = head.rpartition(":")
    group = named.get("group")
    if group is not None and not group.isdigit():
        raise ValueError(f"a variant's group is a whole number, got {group!r}")
    return Variant(gene=gene.strip() or None, hgvs=hgvs.strip(),
                   described_in_words="in words" in flags,
                   group=None if group is None else int(group))


def parse_therapy(text: str) -> Therapy:
    head, named, flags = pieces("|" + text)
    unknown_parts("therapy line", named, flags, THERAPY_PARTS, ())
    return Therapy(drugs=[d.strip() for d in named.get("drugs", "").split(",") if d.strip()],
                   regimen=named.get("regimen") or None, response=named.get("response") or None,
                   setting=named.get("setting") or None)


def parse_age(text: str) -> int | float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"age_years is a number of years (18 months -> 1.5), got {text!r}"
                         ) from None
    if not 0 <= number <= 130:
        raise ValueError(f"age_years is between 0 and 130, got {text!r}")
    return int(number) if number.is_integer() else number


def parse_case_id(text: str) -> str:
    if not CASE_ID.match(text):
        raise ValueError(f"a case id is lower-case letters, digits, '-' and '_' (index, "
                         f"index-2, table1-row3), got {text!r}")
    return text


def parse_scalar(name: str, text: str):
    """A case scalar, checked against the schema (sex male/female, status alive/dead)."""
    if name == "age_years":
        return parse_age(text)
    value = text or None
    CaseRecord.model_validate({"case_id": "x", "source": "narrative", name: value})
    return value


def parse_value(field: str, text: str):
    """The typed value of ``field`` from the text a curator typed; ValueError saying what
    is wrong and what is allowed."""
    text = text.strip()
    name = field.rsplit(".", 1)[-1]
    if not text and name not in CASE_SCALARS:
        raise ValueError("a value is needed")
    if len(text) > MAX_VALUE_CHARS or "\n" in text:
        raise ValueError(f"a value is one line of at most {MAX_VALUE_CHARS} characters, "
                         f"got {len(text):,}")
    try:
        if field == "cases":
            return parse_case_id(text)
        if name in CASE_SCALARS:
            return parse_scalar(name, text)
        if name == "therapies":
            return parse_therapy(text)
        if name == "fusions":
            return parse_fusion(text)
        if name == "variants":
            return parse_variant(text)
        if name == "unresolved_genes":
            return UnresolvedGene(symbol=text)
        if name == "detection_methods":
            CaseRecord.model_validate({"case_id": "x", "source": "narrative",
                                       "detection_methods": [text]})
        return text
    except ValidationError as error:
        raise ValueError(describe_errors(error).split(": ", 1)[-1]) from None


# ----------------------------------------------------------------- values

def case_field(case_id: str, name: str) -> str:
    return f"cases[{case_id}].{name}"


def numbered(values: list[ReviewValue]) -> list[ReviewValue]:
    """Members equal in every field get ``#2``, ``#3``... so each key names one value."""
    seen: dict[str, int] = {}
    out = []
    for value in values:
        seen[value.key] = seen.get(value.key, 0) + 1
        if seen[value.key] > 1:
            value = ReviewValue(f"{value.key}#{seen[value.key]}", value.field, value.value,
                                value.item, value.mention_ids, value.case_id)
        out.append(value)
    return out


def fusion_mention(evidence: Evidence, fusion: Fusion):
    """The first mention of this very fusion (its exons too), else of its name."""
    for mention in evidence.by_id.values():
        if mention.in_scope and mention.fusion == fusion:
            return mention
    return evidence.for_value("fusions", fusion.name)


def set_values(annotations: Annotations, evidence: Evidence) -> list[ReviewValue]:
    values = []
    for field in SET_FIELDS:
        for item in getattr(annotations, field):
            text = value_text(field, item)
            if isinstance(item, Fusion):
                mention = fusion_mention(evidence, item)
            else:
                mention = evidence.for_value(field, diff_label(item))
            values.append(ReviewValue(f"{field}={text}", field, text, item,
                                      (mention.id,) if mention else ()))
    return values


def case_values(case: CaseRecord, evidence: Evidence) -> list[ReviewValue]:
    values = [ReviewValue(f"cases[{case.case_id}]", "cases", case.case_id, case.case_id,
                          tuple(case.evidence.get("age_years", [])[:1]), case.case_id)]
    for name in CASE_SCALARS:
        value = getattr(case, name)
        if value is not None:
            field = case_field(case.case_id, name)
            values.append(ReviewValue(field, field, str(value), value,
                                      tuple(case.evidence.get(name, [])), case.case_id))
    for name in CASE_LISTS:
        field = case_field(case.case_id, name)
        for item in getattr(case, name):
            text = value_text(name, item)
            values.append(ReviewValue(f"{field}={text}", field, text, item,
                                      member_evidence(case, name, item, evidence), case.case_id))
    field = case_field(case.case_id, "therapies")
    for number, line in enumerate(case.therapies):
        # the line's own mentions (its drugs, setting and response) where the record
        # keeps them apart; older records keep one list for all lines
        own = case.evidence.get(f"therapies[{number}]", []) + case.evidence.get(
            f"therapies[{number}].response", [])
        values.append(ReviewValue(f"{field}[{number}]={', '.join(line.drugs)}", field,
                                  therapy_text(line), line,
                                  tuple(own or case.evidence.get("therapies", [])),
                                  case.case_id))
    return values


def review_values(annotations: Annotations) -> list[ReviewValue]:
    """Every value of an extraction (or a gold file), document-level sets first, then
    each case."""
    evidence = Evidence(annotations)
    values = set_values(annotations, evidence)
    for case in annotations.cases:
        values += case_values(case, evidence)
    return numbered(values)


def member_evidence(case: CaseRecord, name: str, item, evidence: Evidence
                    ) -> tuple[str, ...]:
    """A case list member's own mention first ("NGS" shows the sentence naming NGS, not
    the IHC one), then the rest of the field's evidence."""
    ids = case.evidence.get(name, [])
    own = evidence.for_case(case, name, diff_label(item))
    return tuple([own.id] + [i for i in ids if i != own.id]) if own else tuple(ids)


def diff_label(item) -> str:
    """A member as the diff and the evidence look-ups name it ("ALK:p.Gly1202Arg")."""
    if isinstance(item, Variant):
        return f"{item.gene}:{item.hgvs}"
    if isinstance(item, Fusion):
        return item.name
    if isinstance(item, UnresolvedGene):
        return item.symbol
    return str(item)


def addable_fields(annotations: Annotations) -> list[str]:
    """Fields a curator can add a missed value to."""
    fields = list(SET_FIELDS)
    for case in annotations.cases:
        fields += [case_field(case.case_id, name)
                   for name in (*CASE_SCALARS, *CASE_LISTS, "therapies")]
    return fields


# ----------------------------------------------------------------- back to gold

def to_gold(annotations: Annotations, decisions: dict[str, Decision]) -> Annotations:
    """The extraction with the decisions applied: rejected values dropped, corrected ones
    replaced (a corrected case id renames the case), added ones appended (an added scalar
    replaces the case's); values with no decision kept as extracted, each member with all
    its fields. ValueError naming the value when a decision's text is not valid."""
    sets: dict[str, list] = {field: [] for field in SET_FIELDS}
    cases = {case.case_id: case.model_copy(deep=True, update={
        **{name: [] for name in (*CASE_LISTS, "therapies")}, "evidence": {}, "timeline": []})
        for case in annotations.cases}
    renamed: dict[str, str] = {}

    def place(field: str, item, where: str) -> None:
        if field in SET_FIELDS:
            sets[field].append(item)
            return
        match = CASE_FIELD.match(field)
        if match is None or match.group("case") not in cases:
            raise ValueError(f"{where}: no case {field!r} in this document")
        case, name = cases[match.group("case")], match.group("name")
        if name in CASE_SCALARS:
            setattr(case, name, item)
        else:
            getattr(case, name).append(item)

    def typed(field: str, text: str, key: str):
        try:
            return parse_value(field, text)
        except ValueError as error:
            raise ValueError(f"{key}: {error}") from None

    for value in review_values(annotations):
        decision = decisions.get(value.key)
        action = decision.action if decision else "accept"
        if value.field == "cases":
            if action == "reject":
                del cases[value.case_id]
            elif action == "correct":
                renamed[value.case_id] = typed("cases", decision.value, value.key)
            continue
        if action == "reject":
            if value.name in CASE_SCALARS:
                place(value.field, None, value.key)
            continue
        item = typed(value.field, decision.value, value.key) if action == "correct" else value.item
        place(value.field, item, value.key)
    for decision in decisions.values():
        if decision.action == "add":
            case = CASE_FIELD.match(decision.field)
            if case is not None and case.group("case") not in cases:
                continue  # added to a case that was rejected: it goes with its case
            place(decision.field, typed(decision.field, decision.value, decision.key),
                  decision.key)
    records = []
    for case_id, case in cases.items():
        records.append(case.model_copy(update={"case_id": renamed.get(case_id, case_id)}))
    names = [case.case_id for case in records]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"case id(s) {', '.join(twice)} given to two cases")
    return Annotations(document=annotations.document, cases=records, notes=annotations.notes,
                       **sets)
