"""Case records for the authors' own patients, from the narrative.

The patients and the passages that speak of each come from
:mod:`pipeline.assemble.patients`: one patient introduced by a descriptor ("A 47-year-old
woman presented with..."), or several presented together ("two cases of ...") whose
shared passages give each the same facts and whose singled-out ones ("one harbouring a
TRIM33-RET fusion", "A third patient...") give one. From a patient's passages come its
alterations (never those the text negates or cites from other reports), detection
methods, status at the last word on it, therapy lines
(:mod:`pipeline.assemble.timeline`) and its diagnosis: the disease the authors name when
they introduce the patient or in the title, the most specific of those (a name with an
organ, then with a specific head: "lung adenocarcinoma" over "NSCLC"). Its site is the
organ the diagnosis names, or else the organ the story names with the tumour. Further
patients the authors treated themselves ("We have also treated a 29-year-old woman
whose ...") are ``index-2``..., each with what its own sentence says.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.assemble.entities import fusions, rearranged_genes, unique
from pipeline.assemble.events import patient_timeline
from pipeline.assemble.patients import Patient, narrative_patients
from pipeline.assemble.spans import Covered, starting_within
from pipeline.assemble.story import (BACKGROUND, TITLE, Passage, Sentence, StoryRules,
                                     introducing, story_rules)
from pipeline.assemble.table_cases import column_roles, column_rules, is_patient_table
from pipeline.assemble.therapies import (DISEASE_PRESENT, ENDED, NULL_WORD, Line,
                                         therapy_evidence)
from pipeline.assemble.timeline import stretch, stretch_lines, story_lines, usable
from pipeline.schema import CaseRecord, Document, Mention, Variant

ALTERATIONS = ("fusion", "rearranged_gene", "variant")
FINDING_KINDS = frozenset({"discussion", "front_matter", "results", "conclusion"})
NAMING_KINDS = frozenset({"title", "abstract", "case", "front_matter", "results"})
# An imaging study names the organ right beside it: "chest CT", "MRI of the brain".
IMAGING_REACH = 30
IMAGING_OF = re.compile(r"\bof\s+(?:the\s+)?$")


def within(mentions: list[Mention], passages: list[Passage]) -> list[Mention]:
    covered = Covered((p.start, p.end) for p in passages)
    return [m for m in mentions if m.in_scope and m.start in covered]


def evidence_of(fields: dict[str, list[Mention]]) -> dict[str, list[str]]:
    return {name: unique(m.id for m in found) for name, found in fields.items() if found}


# ------------------------------------------------------------------ diagnosis


def named_sites(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.type == "site" and m.normalised]


def by_kind(mentions: list[Mention]) -> dict[str, list[Mention]]:
    """The mentions of each type, in order: a patient's record asks for the document's
    diseases, sites, patients and fusions, each picked out of these once instead of out of
    all the mentions (each read of a mention's type goes through pydantic's attribute
    hook)."""
    kinds: dict[str, list[Mention]] = {}
    for mention in mentions:
        kinds.setdefault(mention.type, []).append(mention)
    return kinds


def site_inside(disease: Mention, sites: list[Mention]) -> Mention | None:
    """The first of the named ``sites`` printed inside a disease's name ("rectal
    adenocarcinoma"); asked for many diseases, the sites are picked out once."""
    start, end = disease.start, disease.end  # read once, not for every site
    return next((m for m in sites if start <= m.start < end), None)


def head_word(form: str) -> str:
    return form.split()[-1] if form.split() else form


@lru_cache(maxsize=1024)
def whole_words(form: str) -> re.Pattern:
    """``form`` as whole words (a document's disease names are tried against each other
    many times: each compiled once)."""
    return re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])")


def whole_words_within(short: str, long: str) -> bool:
    return whole_words(short).search(long) is not None


def words_of(form: str) -> set[str]:
    return set(re.findall(r"[a-z0-9+]+", form))


def diagnosis(candidates: list[Mention], kinds: dict[str, list[Mention]], rules: StoryRules
              ) -> Mention | None:
    """The most specific of the names the authors give the patient's disease: one naming
    its organ, then one with a specific head ("lung adenocarcinoma" over "NSCLC"), then
    the one named most, then the longer; or a name that says the same and more
    ("leukemia" in the title, "acute myeloid leukemia" where the patient is introduced)."""
    if not candidates:
        return None
    diseases = [m for m in kinds.get("disease", []) if m.in_scope and m.normalised]
    sites = named_sites(kinds.get("site", []))
    forms = unique(m.normalised for m in candidates)

    def organ(form: str) -> bool:
        return any(site_inside(m, sites) for m in diseases if m.normalised == form)

    def support(form: str) -> int:
        return sum(whole_words_within(form, m.normalised) or whole_words_within(m.normalised, form)
                   for m in candidates)

    best = max(forms, key=lambda form: (organ(form), head_word(form) not in rules.broad_disease_heads,
                                        support(form), len(form)))
    fuller = [m for m in candidates if words_of(best) < words_of(m.normalised)
              and head_word(m.normalised) == head_word(best)]
    if fuller:
        return max(fuller, key=lambda m: len(m.normalised))
    return next(m for m in candidates if m.normalised == best)


def diagnosis_candidates(patient: Patient, sentences: list[Sentence],
                         kinds: dict[str, list[Mention]], within_passages: list[Mention],
                         series: bool) -> list[Mention]:
    """The diseases the authors name for the patient: in the title and in the passage
    that introduces it ("We report a woman with lung adenocarcinoma"), or in a
    ``series``, where a passage introduces it alone, that passage only; when the
    introducing passage names none ("was found to have a mass"), or there is none, in
    the first of its passages that names one; else where the title, abstract and case
    sections name one; ``within_passages`` are the mentions of its passages."""
    own = [m for m in within_passages if m.type == "disease" and m.normalised]
    titled = [m for s in sentences if s.role == TITLE for m in s.mentions
              if m.type == "disease" and m.normalised]
    told = sorted((p for p in patient.passages if p.role != TITLE), key=lambda p: p.start)
    introduced = sorted(m.start for m in kinds.get("patient", []) if introducing(m))
    introduces = [p for p in told if starting_within(introduced, introduced, p.start, p.end)]
    introducing_passage = next(iter(introduces), None)
    alone = next((p for p in introduces if len(p.patients) == 1), None)
    singled = [m for m in own if alone is not None and alone.start <= m.start < alone.end]
    if series and singled:
        return singled  # one of a series, introduced alone: its own disease, not the group's
    first = introducing_passage if titled or introducing_passage is None else None
    named = [m for m in own if first is not None and first.start <= m.start < first.end]
    if not named:  # introduced with no disease named ("was found to have a mass")
        first = next((p for p in told if any(p.start <= m.start < p.end for m in own)), None)
        named = [m for m in own if first is not None and first.start <= m.start < first.end]
    return unique(titled + named, key=lambda m: m.id) or own or [
        m for m in kinds.get("disease", []) if m.in_scope and m.normalised
        and m.section in NAMING_KINDS]


def told_alone_first(own: list[Mention], patient: Patient) -> list[Mention]:
    """A series patient's mentions, those of the passages that speak of it alone first
    (its own "sarcoma of the uterus" before the group's "soft tissue sarcomas")."""
    alone = [p for p in patient.passages if len(p.patients) == 1]
    return sorted(own, key=lambda m: not any(p.start <= m.start < p.end for p in alone))


def primary_site(disease: Mention | None, own: list[Mention], kinds: dict[str, list[Mention]],
                 text: str, rules: StoryRules) -> Mention | None:
    """The organ the diagnosis names ("rectal adenocarcinoma"), or else the first organ
    the story names with the tumour or a disease ("a skin lesion of the back",
    "neuroblastoma of the left adrenal gland"), never one named with
    metastases or imaging ("metastases in the liver", "MRI of the pelvis")."""
    if disease is not None:
        named = named_sites(kinds.get("site", []))
        for mention in (m for m in kinds.get("disease", []) if m.normalised
                        and whole_words_within(disease.normalised, m.normalised)):
            inside = site_inside(mention, named)
            if inside is not None:
                return inside
    sites = named_sites(own)
    for site in sites:
        if site.normalised in rules.not_primary_sites:
            continue
        clause_start = max(text.rfind(",", site.sentence_start, site.start),
                           text.rfind(";", site.sentence_start, site.start), site.sentence_start)
        ends = [i for i in (text.find(",", site.end, site.sentence_end),
                            text.find(";", site.end, site.sentence_end)) if i != -1]
        clause_end = min(ends) if ends else site.sentence_end
        tumour = rules.tumour_words.search(text, clause_start, clause_end) or any(
            m.type == "disease" and clause_start <= m.start < clause_end for m in own)
        if tumour and not named_with_metastases(site, sites, text, (clause_start, clause_end),
                                                rules):
            return site
    return None


def named_with_metastases(site: Mention, sites: list[Mention], text: str,
                          clause: tuple[int, int], rules: StoryRules) -> bool:
    """Whether a metastasis word of the clause names this organ (the organ nearest to it:
    "a gastric mass with liver metastases" names the liver, not the stomach), or an
    imaging study right beside it ("chest CT", "pelvis and lumbar MRI", "MRI of the
    brain")."""
    if rules.imaging_words.search(text, site.end, min(clause[1], site.end + IMAGING_REACH)) \
            or IMAGING_OF.search(text[max(clause[0], site.start - IMAGING_REACH):site.start]) \
            and rules.imaging_words.search(text, max(clause[0], site.start - IMAGING_REACH),
                                           site.start):
        return True
    for word in rules.metastasis_words.finditer(text, *clause):
        nearest = min((m for m in sites if clause[0] <= m.start < clause[1]),
                      key=lambda m, w=word.span(): min(abs(m.start - w[1]), abs(w[0] - m.end)))
        if nearest is site:
            return True
    return False


# ---------------------------------------------------------------- alterations


def implied_fusions(text: str, mentions: list[Mention], rules: StoryRules) -> dict[str, list[Mention]]:
    """Cytogenetic notation -> the fusions a sentence ties to it ("inv(16) resulting in
    CBFB-MYH11 fusion"), so a patient with the notation has the fusion; not a fusion the
    sentence rules out ("negative for PML/RARA, but ... ZBTB16-RARA from t(11;17)")."""
    tied: dict[str, list[Mention]] = {}
    fusions_ = [m for m in mentions if m.type == "fusion" and m.fusion and m.in_scope
                and "negated" not in m.modifiers]
    # a sentence naming several fusions is searched once
    notations = {sentence: [match.group(0).lower() for match in rules.notation.finditer(sentence)]
                 for sentence in {m.sentence for m in fusions_}}
    for mention in fusions_:
        for notation in notations[mention.sentence]:
            tied.setdefault(notation, []).append(mention)
    return tied


def notations_in(text: str, passages: list[Passage], rules: StoryRules) -> list[str]:
    return unique(match.group(0).lower() for passage in passages
                  for match in rules.notation.finditer(text, passage.start, passage.end))


def with_gene(variant_mentions: list[Mention], own: list[Mention], mentions: list[Mention]
              ) -> list[Variant]:
    """Each variant with its gene; one printed with none ("T790M") takes the only gene
    the patient's story names, or else the only gene of the document."""
    if all(m.variant.gene is not None for m in variant_mentions):
        return [m.variant for m in variant_mentions]  # no gene to look for
    fallback = only_gene(own, mentions)
    found = []
    for mention in variant_mentions:
        variant = mention.variant
        if variant.gene is None and fallback is not None:
            variant = variant.model_copy(update={"gene": fallback})
        found.append(variant)
    return found


def only_gene(own: list[Mention], mentions: list[Mention]) -> str | None:
    """The only gene the patient's story names, or else the only gene of the document
    (whose mentions are read only when the story names none or several)."""
    genes = unique(m.normalised for m in own if m.type == "gene" and usable(m) and m.normalised)
    if len(genes) == 1:
        return genes[0]
    everywhere = unique(m.normalised for m in mentions
                        if m.type == "gene" and m.in_scope and m.normalised)
    return everywhere[0] if len(everywhere) == 1 else None


def findings_tables(document: Document, rules: StoryRules) -> list[tuple[int, int]]:
    """The spans of tables of the patient's own findings: a variant column, no row per
    patient and no citing caption ("Table 2. Molecular findings": gene, variant, VAF)."""
    return [(t.start, t.end) for t in document.tables
            if any(rules.findings_header.search(name) for name in t.header)
            and not is_patient_table(t, column_rules()) and not rules.citing.search(t.caption or "")]


def treatment_table_lines(document: Document, mentions: list[Mention],
                          expanded: dict[str, list[str]]) -> list[Line]:
    """A report on one patient whose story names no line but whose table lists its
    treatments ("Table 1. Treatment history: Line | Treatment | Best response"): a line
    per row, in the table's order, each row read as a short story."""
    rules, story = column_rules(), story_rules()
    lines = []
    for table in document.tables:
        if (is_patient_table(table, rules) or "therapy" not in column_roles(table.header, rules)
                or story.citing.search(table.caption or "")  # the literature's treatments
                or any(story.literature_header.search(name) for name in table.header)):
            continue
        for row in table.layout(document.text)[1]:
            lines += stretch_lines(document.text, row.start, row.end, mentions, expanded)
    return lines


def patient_alterations(patient: Patient, own: list[Mention], mentions: list[Mention],
                        single: bool, rules: StoryRules, tables: list[tuple[int, int]] = ()
                        ) -> list[Mention]:
    """Alterations of the patient's passages its context does not negate or cite, and,
    for a report on one patient, those of other sentences that report them for it ("In
    our case, ...") and those of the tables of its findings."""
    found = uncited([m for m in own if m.type in ALTERATIONS and usable(m)], rules)
    if single:
        told = {m.id for m in found}
        found += uncited([m for m in mentions if m.type in ALTERATIONS and usable(m)
                          and m.id not in told
                          and (m.section in FINDING_KINDS and rules.own_finding.search(m.sentence)
                               or any(start <= m.start < end for start, end in tables))], rules)
    return sorted(found, key=lambda m: m.start)


def uncited(mentions: list[Mention], rules: StoryRules) -> list[Mention]:
    """The mentions whose sentence cites no other report (a sentence naming several
    alterations is searched once)."""
    citing = {sentence for sentence in {m.sentence for m in mentions}
              if rules.citing.search(sentence)}
    return [m for m in mentions if m.sentence not in citing]


# -------------------------------------------------------------------- records


def pronoun_sex(text: str, passages: list[Passage], rules: StoryRules) -> str | None:
    """The sex the story's pronouns give, when they give one only."""
    told = [p for p in passages if p.role != TITLE]
    said = [sex for sex, pattern in rules.pronouns
            if any(pattern.search(text, p.start, p.end) for p in told)]
    return said[0] if len(said) == 1 else None


def last_status(own: list[Mention]) -> tuple[Mention, str | None] | None:
    """The last word on the patient and what it says: alive, dead, or nothing (a story
    ending on palliative care). Disease found "not" (no sign of recurrence) says alive.
    A death stated is the last word whatever follows it ("she died of pneumonia, without
    evidence of progression")."""
    said = []
    for mention in (m for m in own if m.type == "status" and m.normalised != NULL_WORD):
        if mention.normalised == DISEASE_PRESENT:
            if "negated" in mention.modifiers and usable_but_negation(mention):
                said.append((mention, "alive"))
        elif usable(mention):
            said.append((mention, None if mention.normalised == ENDED else mention.normalised))
    deaths = [(mention, status) for mention, status in said if status == "dead"]
    return (deaths or said)[-1] if said else None


def screening_methods(text: str, sentences: list[Sentence]) -> list[Mention]:
    """The methods of the screening of a cohort the patient was found in ("We screened
    1378 cases using anchored multiplex PCR")."""
    rules = story_rules()
    return [m for s in sentences if rules.screening.search(text, s.start, s.end)
            for m in s.mentions if m.type == "detection_method" and m.normalised]


def title_passages(passages: list[Passage]) -> Covered:
    return Covered((p.start, p.end) for p in passages if p.role == TITLE)


def usable_but_negation(mention: Mention) -> bool:
    return mention.in_scope and not {"hypothetical", "other_patients"} & set(mention.modifiers)


def patient_case(document: Document, patient: Patient, sentences: list[Sentence],
                 mentions: list[Mention], expanded: dict[str, list[str]], size: int,
                 tied: dict[str, list[Mention]], kinds: dict[str, list[Mention]]) -> CaseRecord:
    """The record of one of the authors' patients; ``tied`` is the document's
    :func:`implied_fusions`, ``kinds`` its mentions :func:`by_kind`."""
    rules = story_rules()
    text = document.text
    own = within(mentions, patient.passages)
    altered = patient_alterations(patient, own, mentions, size == 1, rules,
                                  findings_tables(document, rules) if size == 1 else [])
    implied = [m for notation in notations_in(text, patient.passages, rules)
               for m in tied.get(notation, [])]
    fusion_mentions = sorted(unique([m for m in altered if m.type == "fusion"] + implied,
                                    key=lambda m: m.id), key=lambda m: m.start)
    found = fusions(fusion_mentions)
    rearranged = [m for m in altered if m.type == "rearranged_gene"]
    variant_mentions = [m for m in altered if m.type == "variant" and m.variant]
    disease = diagnosis(diagnosis_candidates(patient, sentences, kinds, own, size > 1), kinds, rules)
    site = primary_site(disease, told_alone_first(own, patient) if size > 1 else own, kinds,
                        text, rules)
    methods = ([m for m in own if m.type == "detection_method" and m.normalised
                and not {"negated", "hypothetical"} & set(m.modifiers)]
               or (screening_methods(text, sentences) if size == 1 else []))
    title = title_passages(patient.passages)
    last = last_status([m for m in own if m.start not in title])
    lines = (story_lines(text, patient.passages, mentions, expanded)
             or (treatment_table_lines(document, mentions, expanded) if size == 1 else []))
    sex = patient.sex or (pronoun_sex(text, patient.passages, rules) if size == 1 else None)
    sexed = next((m for m in patient.descriptors if m.patient.sex), None)
    aged = next((m for m in patient.descriptors if m.patient.age_years is not None), None)
    evidence = evidence_of({
        "age_years": [aged] if aged else [], "sex": [sexed] if sexed and patient.sex else [],
        "diagnosis": [disease] if disease else [], "primary_site": [site] if site else [],
        "fusions": fusion_mentions, "rearranged_genes": rearranged,
        "variants": variant_mentions, "detection_methods": methods,
        "status": [last[0]] if last else [],
    })
    evidence.update(therapy_evidence(lines))
    return CaseRecord(
        case_id="index" if patient.number == 1 else f"index-{patient.number}",
        source="narrative",
        age_years=patient.age_years,
        sex=sex,
        diagnosis=disease.normalised if disease else None,
        primary_site=site.normalised if site else None,
        fusions=found,
        rearranged_genes=rearranged_genes(rearranged, found),
        variants=unique(with_gene(variant_mentions, own, mentions), key=lambda v: (v.gene, v.hgvs)),
        therapies=[line.therapy for line in lines],
        detection_methods=unique(m.normalised for m in methods),
        status=last[1] if last else None,
        evidence={k: v for k, v in evidence.items() if v},
        timeline=patient_timeline(text, patient.passages, mentions, lines, disease),
    )


def sentence_of(mentions: list[Mention], patient: Mention) -> list[Mention]:
    return [m for m in mentions if m.sentence_start == patient.sentence_start]


def further_case(number: int, patient: Mention, mentions: list[Mention], text: str,
                 expanded: dict[str, list[str]]) -> CaseRecord:
    """Another patient of the authors', from the sentence that describes it."""
    same = [m for m in sentence_of(mentions, patient) if usable(m) or m.type == "patient"]
    disease = next((m for m in same if m.type == "disease" and m.start > patient.start), None)
    lines = stretch_lines(text, patient.sentence_start, patient.sentence_end, mentions, expanded)
    status = [m for m in same if m.type == "status" and m.normalised != NULL_WORD]
    evidence = evidence_of({"age_years": [patient], "sex": [patient],
                            "diagnosis": [disease] if disease else [], "status": status[-1:]})
    evidence.update(therapy_evidence(lines))
    return CaseRecord(
        case_id=f"index-{number}",
        source="narrative",
        age_years=patient.patient.age_years,
        sex=patient.patient.sex,
        diagnosis=disease.normalised if disease else None,
        therapies=[line.therapy for line in lines],
        status=status[-1].normalised if status and status[-1].normalised != ENDED else None,
        evidence=evidence,
        timeline=patient_timeline(text, [stretch(patient.sentence_start, patient.sentence_end)],
                                  mentions, lines, disease),
    )


def further_patients(patients: list[Patient], sentences: list[Sentence],
                     mentions: list[Mention]) -> list[Mention]:
    """Descriptors (age and sex) of patients the authors say they treated too ("We have
    also treated a 29-year-old woman"), outside the passages of the patients found."""
    rules = story_rules()
    known = [m for p in patients for m in p.descriptors]
    told = {id(s) for s in sentences if s.role != BACKGROUND}
    background = [s for s in sentences if id(s) not in told]
    found: list[Mention] = []
    for sentence in background:
        for mention in sentence.mentions:
            if not (introducing(mention) and mention.patient.sex
                    and mention.patient.age_years is not None and mention.patient.count is None
                    and rules.own_patient.search(mention.sentence)):
                continue
            if any(same_descriptor(mention, other) for other in known + found):
                continue
            found.append(mention)
    return found


def same_descriptor(a: Mention, b: Mention) -> bool:
    return (a.patient.age_years, a.patient.sex) == (b.patient.age_years, b.patient.sex)


def narrative_cases(document: Document, mentions: list[Mention],
                    expanded: dict[str, list[str]]) -> list[CaseRecord]:
    patients, sentences = narrative_patients(document, mentions)
    if not patients:
        return []
    size = len(patients)
    kinds = by_kind(mentions)
    tied = implied_fusions(document.text, kinds.get("fusion", []), story_rules())
    records = [patient_case(document, patient, sentences, mentions, expanded, size, tied, kinds)
               for patient in patients]
    for mention in further_patients(patients, sentences, mentions):
        records.append(further_case(len(records) + 1, mention, mentions, document.text,
                                    expanded))
    return records

