"""An extraction as a list of reviewable values, and back to gold with the decisions.

Every value a curator decides on has a stable key: a document-level set member is keyed
by its field and value (``drugs=lorlatinib``), a case field by its case and name
(``cases[index].age_years``), a case list member by its value too
(``cases[index].variants=ALK:p.Gly1202Arg``) and a therapy line by its position
(``cases[index].therapies[2]``). A new run that extracts the same value gives the same
key, so a decision survives re-runs; a scalar whose value changed keeps its key and is
flagged for re-review.

Values are printed as the gold guidelines write them; a therapy line as
``drugs: a, b | regimen: X | response: PR | setting: first-line``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.evaluate.cases import SCALARS
from pipeline.evaluate.cases import SET_FIELDS as CASE_LISTS
from pipeline.evaluate.documents import SET_FIELDS
from pipeline.evaluate.evidence import Evidence
from pipeline.schema import (Annotations, CaseRecord, Extraction, Fusion, Therapy,
                             UnresolvedGene, Variant)

# the fields the gold diff compares, as it names them
CASE_SCALARS = tuple(SCALARS)
THERAPY_PARTS = ("drugs", "regimen", "response", "setting")


@dataclass(frozen=True)
class ReviewValue:
    key: str
    field: str  # "drugs", "cases[index].age_years", "cases[index].therapies"
    value: str
    mention_ids: tuple[str, ...] = ()
    case_id: str | None = None


def label(field: str, item) -> str:
    """A set member as the guidelines print it. Unlike the diff's labels, a variant with no
    gene is its bare HGVS (a curator would type it so), not "None:p.Gly12Asp"."""
    if isinstance(item, Fusion):
        return item.name
    if isinstance(item, Variant):
        return f"{item.gene}:{item.hgvs}" if item.gene else item.hgvs
    if isinstance(item, UnresolvedGene):
        return item.symbol
    return str(item)


def therapy_text(line: Therapy) -> str:
    return " | ".join([f"drugs: {', '.join(line.drugs)}", f"regimen: {line.regimen or ''}",
                       f"response: {line.response or ''}", f"setting: {line.setting or ''}"])


def parse_therapy(text: str) -> Therapy:
    parts = {name: "" for name in THERAPY_PARTS}
    for piece in text.split("|"):
        name, _, value = piece.partition(":")
        if name.strip() in parts:
            parts[name.strip()] = value.strip()
    return Therapy(drugs=[d.strip() for d in parts["drugs"].split(",") if d.strip()],
                   regimen=parts["regimen"] or None, response=parts["response"] or None,
                   setting=parts["setting"] or None)


def case_field(case_id: str, name: str) -> str:
    return f"cases[{case_id}].{name}"


def case_values(case: CaseRecord, evidence: Evidence | None = None) -> list[ReviewValue]:
    values = [ReviewValue(f"cases[{case.case_id}]", "cases", case.case_id,
                          tuple(case.evidence.get("age_years", [])[:1]), case.case_id)]
    for name in CASE_SCALARS:
        value = getattr(case, name)
        if value is not None:
            field = case_field(case.case_id, name)
            values.append(ReviewValue(field, field, str(value),
                                      tuple(case.evidence.get(name, [])), case.case_id))
    for name in CASE_LISTS:
        field = case_field(case.case_id, name)
        for item in getattr(case, name):
            text = label(name, item)
            values.append(ReviewValue(f"{field}={text}", field, text,
                                      member_evidence(case, name, item, evidence), case.case_id))
    field = case_field(case.case_id, "therapies")
    for number, line in enumerate(case.therapies):
        # the line's own mentions (its drugs, setting and response) where the record
        # keeps them apart; older records keep one list for all lines
        own = case.evidence.get(f"therapies[{number}]", []) + case.evidence.get(
            f"therapies[{number}].response", [])
        values.append(ReviewValue(f"{field}[{number}]", field, therapy_text(line),
                                  tuple(own or case.evidence.get("therapies", [])),
                                  case.case_id))
    return values


def review_values(extraction: Annotations) -> list[ReviewValue]:
    """Every value of an extraction, document-level sets first, then each case."""
    evidence = Evidence(extraction)
    values = []
    for field in SET_FIELDS:
        for item in getattr(extraction, field):
            text = label(field, item)
            mention = evidence.for_value(field, text)
            values.append(ReviewValue(f"{field}={text}", field, text,
                                      (mention.id,) if mention else ()))
    for case in extraction.cases:
        values += case_values(case, evidence)
    return values


def member_evidence(case: CaseRecord, name: str, item, evidence: Evidence | None
                    ) -> tuple[str, ...]:
    """A case list member's own mention first ("NGS" shows the sentence naming NGS, not
    the IHC one), then the rest of the field's evidence."""
    ids = case.evidence.get(name, [])
    if evidence is None:
        return tuple(ids)
    own = evidence.for_case(case, name, diff_label(item))
    return tuple([own.id] + [i for i in ids if i != own.id]) if own else tuple(ids)


def diff_label(item) -> str:
    """A member as the diff and the evidence look-ups name it ("ALK:p.Gly1202Arg")."""
    if isinstance(item, Variant):
        return f"{item.gene}:{item.hgvs}"
    return label("", item)


# ----------------------------------------------------------------- back to gold

FUSION = re.compile(r"^\s*([^:\s]+)\s*::\s*([^:\s]+)\s*$")


def parse_item(field: str, text: str):
    """A typed set member from the text a curator typed."""
    name = field.rsplit(".", 1)[-1]
    if name == "fusions":
        match = FUSION.match(text)
        if match is None:
            raise ValueError(f"a fusion is written 5PRIME::3PRIME, got {text!r}")
        return Fusion(name=f"{match.group(1)}::{match.group(2)}", five_prime=match.group(1),
                      three_prime=match.group(2))
    if name == "variants":  # "ALK:p.Gly1202Arg", or a bare "p.Gly1202Arg"
        gene, _, hgvs = text.rpartition(":")
        return Variant(gene=gene.strip() or None, hgvs=hgvs.strip())
    if name == "unresolved_genes":
        return UnresolvedGene(symbol=text.strip())
    return text.strip()


def parse_scalar(name: str, text: str):
    if name == "age_years":
        number = float(text)
        return int(number) if number.is_integer() else number
    return text.strip() or None


@dataclass(frozen=True)
class Decision:
    key: str
    field: str
    action: str  # accept | reject | correct | add
    value: str | None  # the corrected or added value


def decided(values: list[ReviewValue], decisions: dict[str, Decision]):
    """Each value's text after its decision; None when rejected."""
    for value in values:
        decision = decisions.get(value.key)
        if decision is None or decision.action == "accept":
            yield value, value.value
        elif decision.action == "correct":
            yield value, decision.value
        else:
            yield value, None


def to_gold(extraction: Extraction, decisions: dict[str, Decision]) -> Annotations:
    """The extraction with the decisions applied: rejected values dropped, corrected ones
    replaced, added ones appended; values with no decision kept as extracted."""
    values = review_values(extraction)
    originals = {f"{field}={label(field, item)}": item for field in SET_FIELDS
                 for item in getattr(extraction, field)}
    sets: dict[str, list] = {field: [] for field in SET_FIELDS}
    cases = {case.case_id: case.model_copy(deep=True) for case in extraction.cases}
    kept_cases = {case.case_id for case in extraction.cases}
    case_lists: dict[tuple[str, str], list] = {(c, n): [] for c in cases for n in
                                               (*CASE_LISTS, "therapies")}
    for value, text in decided(values, decisions):
        if value.field in SET_FIELDS:
            if text is not None:
                unchanged = text == value.value and value.key in originals
                sets[value.field].append(originals[value.key] if unchanged
                                         else parse_item(value.field, text))
            continue
        if value.field == "cases":
            if text is None:
                kept_cases.discard(value.case_id)
            continue
        name = value.field.rsplit(".", 1)[-1]
        case = cases[value.case_id]
        if name in CASE_SCALARS:
            setattr(case, name, parse_scalar(name, text) if text is not None else None)
        elif name == "therapies":
            if text is not None:
                case_lists[(value.case_id, name)].append(parse_therapy(text))
        elif text is not None:
            original = next((i for i in getattr(extraction_case(extraction, value.case_id), name)
                             if label(name, i) == text), None)
            case_lists[(value.case_id, name)].append(original or parse_item(name, text))
    for decision in decisions.values():
        if decision.action != "add" or not decision.value:
            continue
        if decision.field in SET_FIELDS:
            sets[decision.field].append(parse_item(decision.field, decision.value))
            continue
        match = re.match(r"^cases\[(?P<case>[^\]]+)\]\.(?P<name>\w+)$", decision.field)
        if match is None or match.group("case") not in cases:
            continue
        case_id, name = match.group("case"), match.group("name")
        if name in CASE_SCALARS:
            setattr(cases[case_id], name, parse_scalar(name, decision.value))
        elif name == "therapies":
            case_lists[(case_id, name)].append(parse_therapy(decision.value))
        elif name in CASE_LISTS:
            case_lists[(case_id, name)].append(parse_item(name, decision.value))
    records = []
    for case_id, case in cases.items():
        if case_id not in kept_cases:
            continue
        update = {name: case_lists[(case_id, name)] for name in (*CASE_LISTS, "therapies")}
        records.append(case.model_copy(update={**update, "evidence": {}, "timeline": []}))
    return Annotations(document=extraction.document, cases=records, **sets)


def extraction_case(extraction: Annotations, case_id: str) -> CaseRecord:
    return next(case for case in extraction.cases if case.case_id == case_id)


def gold_fields(extraction: Annotations) -> list[str]:
    """Fields a curator can add a missed value to."""
    fields = list(SET_FIELDS)
    for case in extraction.cases:
        fields += [case_field(case.case_id, name)
                   for name in (*CASE_SCALARS, *CASE_LISTS, "therapies")]
    return fields
