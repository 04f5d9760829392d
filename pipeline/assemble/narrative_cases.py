"""Case records for the authors' own patients, from the narrative.

The index patient is the one the case narrative first describes ("A 23-year-old man
presented with..."). Its text is the document's case sections ("Case presentation"),
or, in a letter with no such heading, the body from the paragraph that first describes
the patient on. From that text come its alterations (outside sentences that cite other
reports: "the previously described RANBP2::ALK"), detection methods, status, therapy
lines (:mod:`pipeline.assemble.narrative_lines`) and its site; its diagnosis is the
disease the title, abstract and case text name most. Further patients the authors
treated themselves ("We have also treated a 29-year-old woman whose ...") are
``index-2``, ``index-3``..., each with what its own sentence says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.assemble.entities import fusions, rearranged_genes, unique, variants
from pipeline.assemble.narrative_lines import narrative_lines
from pipeline.assemble.therapies import NULL_WORD, Line, line_from
from pipeline.schema import CaseRecord, Document, Mention

CASE_KINDS = frozenset({"case"})
UNTITLED_KINDS = frozenset({"front_matter", "results"})
NARRATIVE_KINDS = frozenset({"case", "abstract", "front_matter", "results"})
DIAGNOSIS_KINDS = frozenset({"title", "abstract", "case", "front_matter", "results"})
# Sentences about other people's patients: their alterations are not this patient's.
CITING = re.compile(r"previously\s+(?:described|reported)|\bet\s+al\b|\bhave\s+been\s+(?:reported|"
                    r"described)|\bin\s+the\s+literature\b|\bstudies\b|\breported\s+cases?\b",
                    re.IGNORECASE)
# Sentences outside the story that still report this patient's findings ("In our case,
# the glycine at position 161 of NF2 was replaced...", "NGS additionally identified...").
OWN_FINDING = re.compile(r"\b(?:in|of|for)\s+(?:our|this|the\s+present)\s+(?:case|patient)\b"
                         r"|\b(?:additionally|also)\s+(?:identified|detected|revealed|found|showed)\b"
                         r"|\bwas\s+(?:also|additionally)\s+(?:identified|detected|found)\b",
                         re.IGNORECASE)
FINDING_KINDS = frozenset({"discussion", "front_matter", "results", "conclusion"})
# Words that speak of the patient whose story a paragraph tells.
PATIENT_WORDS = re.compile(r"\b(?:he|she|his|her|him|(?:the|our|this)\s+(?:patient|child|boy|girl|man"
                           r"|woman|infant))\b", re.IGNORECASE)
# How authors open the discussion after the story: the story ends there.
DISCUSSION_OPENER = re.compile(r"\s*(?:here,?\s+we|in\s+(?:summary|conclusion)|to\s+(?:our|the\s+best"
                               r"\s+of\s+our)\s+knowledge|we\s+(?:report|describe|present|demonstrate)"
                               r"|this\s+(?:is\s+the\s+first|report|case\s+(?:report|illustrates|highlights)))",
                               re.IGNORECASE)
# The authors speaking of a patient of their own.
OWN_PATIENT = re.compile(r"\b(?:we|our)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def holds(self, mention: Mention) -> bool:
        return self.start <= mention.start < self.end


def paragraphs(text: str, start: int, end: int) -> list[Span]:
    spans, position = [], start
    for match in re.finditer(r"\n\s*\n", text[start:end]):
        spans.append(Span(position, start + match.start()))
        position = start + match.end()
    spans.append(Span(position, end))
    return [span for span in spans if text[span.start:span.end].strip()]


def patient_spans(document: Document, descriptors: list[Mention]) -> list[Span]:
    """Where the index patient's story is told: the paragraphs of the case sections (or,
    with none, of the untitled body) from the one that first describes the patient on,
    while they speak of the patient; one paragraph without a word of the patient is a
    gap, two end the story (the authors turned to the literature), and so does a paragraph
    opening the discussion ("Here, we demonstrate...")."""
    text = document.text
    for kinds in (CASE_KINDS, UNTITLED_KINDS):
        candidates = [paragraph for section in document.sections
                      if section.kind in kinds and section.in_scope
                      for paragraph in paragraphs(text, section.start, section.end)]
        opening = next((n for n, paragraph in enumerate(candidates)
                        if any(paragraph.holds(m) for m in descriptors)), None)
        if opening is not None:
            break
    else:
        return []
    first = candidates[opening]
    candidates = candidates[opening:]
    story, gap = [], 0
    for paragraph in candidates:
        if paragraph is not first and DISCUSSION_OPENER.match(text, paragraph.start):
            break
        if paragraph is first or PATIENT_WORDS.search(text, paragraph.start, paragraph.end):
            story.append(paragraph)
            gap = 0
            continue
        gap += 1
        if gap == 2:
            break
        story.append(paragraph)
    while story and story[-1] is not first \
            and not PATIENT_WORDS.search(text, story[-1].start, story[-1].end):
        story.pop()  # a gap at the end is no part of the story
    return story


def in_spans(mentions: list[Mention], spans: list[Span]) -> list[Mention]:
    return [m for m in mentions if m.in_scope and any(span.holds(m) for span in spans)]


def whole_words_within(short: str, long: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", long) is not None


def diagnosis(mentions: list[Mention]) -> Mention | None:
    """The disease named most, counting the uses of any phrase that contains it or that it
    contains ("IMT", "inflammatory myofibroblastic tumors"); on ties, the phrase printed
    most as it is, then the longer one."""
    named = [m for m in mentions if m.type == "disease" and m.in_scope
             and m.section in DIAGNOSIS_KINDS and m.normalised]
    if not named:
        return None

    def support(form: str) -> int:
        return sum(whole_words_within(form, m.normalised) or whole_words_within(m.normalised, form)
                   for m in named)

    forms = unique(m.normalised for m in named)
    exact = {form: sum(m.normalised == form for m in named) for form in forms}
    best = max(forms, key=lambda form: (support(form), exact[form], len(form)))
    return next(m for m in named if m.normalised == best)


def primary_site(disease: Mention | None, own: list[Mention]) -> Mention | None:
    """The site the diagnosis names ("lung cancer"), or else the first the story names."""
    sites = [m for m in own if m.type == "site" and m.normalised]
    if disease is not None:
        inside = [m for m in sites if disease.start <= m.start < disease.end]
        if inside:
            return inside[0]
    return sites[0] if sites else None


def own_alterations(own: list[Mention], mentions: list[Mention]) -> list[Mention]:
    """Alterations of the story outside sentences that cite other reports, and those of
    other sentences that report them for this patient."""
    alterations = ("fusion", "rearranged_gene", "variant")
    told = {m.id for m in own}
    found = [m for m in mentions if m.type in alterations and m.in_scope and (
        m.id in told or (m.section in FINDING_KINDS and OWN_FINDING.search(m.sentence)))]
    return [m for m in found if not CITING.search(m.sentence)]


def evidence_of(fields: dict[str, list[Mention]]) -> dict[str, list[str]]:
    return {name: unique(m.id for m in found) for name, found in fields.items() if found}


def index_case(document: Document, mentions: list[Mention], first: Mention,
               expanded: dict[str, list[str]]) -> CaseRecord:
    spans = patient_spans(document, [m for m in mentions if m.type == "patient" and m.patient
                                     and m.patient.age_years == first.patient.age_years])
    own = in_spans(mentions, spans)
    altered = own_alterations(own, mentions)
    found = fusions(altered)
    disease = diagnosis(mentions)
    site = primary_site(disease, own)
    methods = [m for m in own if m.type == "detection_method" and m.normalised]
    status = [m for m in own if m.type == "status" and m.normalised != NULL_WORD]
    lines = narrative_lines(document.text, own, expanded)
    evidence = evidence_of({
        "age_years": [first], "sex": [first] if first.patient.sex else [],
        "diagnosis": [disease] if disease else [], "primary_site": [site] if site else [],
        "fusions": [m for m in altered if m.type == "fusion"],
        "rearranged_genes": [m for m in altered if m.type == "rearranged_gene"],
        "variants": [m for m in altered if m.type == "variant"],
        "detection_methods": methods, "status": status[-1:],
    })
    if lines:
        evidence["therapies"] = unique(i for line in lines for i in line.evidence)
    return CaseRecord(
        case_id="index",
        source="narrative",
        age_years=first.patient.age_years,
        sex=first.patient.sex,
        diagnosis=disease.normalised if disease else None,
        primary_site=site.normalised if site else None,
        fusions=found,
        rearranged_genes=rearranged_genes(altered, found),
        variants=variants(altered),
        therapies=[line.therapy for line in lines],
        detection_methods=unique(m.normalised for m in methods),
        status=status[-1].normalised if status else None,
        evidence=evidence,
    )


def sentence_of(mentions: list[Mention], patient: Mention) -> list[Mention]:
    return [m for m in mentions if m.sentence_start == patient.sentence_start]


def further_case(number: int, patient: Mention, mentions: list[Mention],
                 expanded: dict[str, list[str]]) -> CaseRecord:
    """Another patient of the authors', from the sentence that describes it."""
    same = sentence_of(mentions, patient)
    disease = next((m for m in same if m.type == "disease" and m.start > patient.start), None)
    line: Line | None = line_from(same, expanded)
    status = [m for m in same if m.type == "status" and m.normalised != NULL_WORD]
    evidence = evidence_of({"age_years": [patient], "sex": [patient],
                            "diagnosis": [disease] if disease else [], "status": status[-1:]})
    if line is not None:
        evidence["therapies"] = line.evidence
    return CaseRecord(
        case_id=f"index-{number}",
        source="narrative",
        age_years=patient.patient.age_years,
        sex=patient.patient.sex,
        diagnosis=disease.normalised if disease else None,
        therapies=[line.therapy] if line else [],
        status=status[-1].normalised if status else None,
        evidence=evidence,
    )


def narrative_cases(document: Document, mentions: list[Mention],
                    expanded: dict[str, list[str]]) -> list[CaseRecord]:
    described = [m for m in mentions if m.type == "patient" and m.in_scope and m.patient
                 and m.rule != "patient.table_cell"]
    narrative = [m for m in described if m.section in NARRATIVE_KINDS]
    if not narrative:
        return []
    first = next((m for m in narrative if m.patient.sex), narrative[0])
    records = [index_case(document, mentions, first, expanded)]
    index_like = (first.patient.age_years, first.patient.sex)
    seen = {index_like}
    for patient in described:
        who = (patient.patient.age_years, patient.patient.sex)
        if who in seen or patient.patient.sex is None or not OWN_PATIENT.search(patient.sentence):
            continue
        seen.add(who)
        records.append(further_case(len(records) + 1, patient, mentions, expanded))
    return records
