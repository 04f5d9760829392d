"""The patients a case report describes, and the passages that speak of each.

One patient introduced by a descriptor ("A 47-year-old woman presented with..."), or
several: a group the title or a presenting sentence counts ("two cases of ..."), a
series numbered ("Case 2: ...") or told one after another ("A 34-year-old woman ...
A 58-year-old man ..."). In a series, each part of a sentence speaks of some of them
("responses in 2 patients, including one harbouring X", "the other", "(in two
patients)"), and once a sentence turns to one patient the following ones speak of it.
Sentences and their roles come from :mod:`pipeline.assemble.story`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.assemble.story import (BACKGROUND, DETAIL, FRAMING, SUMMARY, TITLE, CASE_WORD,
                                     Passage, Sentence, StoryRules, assign_roles,
                                     document_sentences, introducing, story_rules,
                                     tells_of_patient)
from pipeline.schema import Document, Mention

@dataclass
class Patient:
    number: int  # 1-based: index, index-2...
    descriptors: list[Mention] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)

    @property
    def age_years(self) -> int | float | None:
        return next((m.patient.age_years for m in self.descriptors
                     if m.patient.age_years is not None), None)

    @property
    def sex(self) -> str | None:
        return next((m.patient.sex for m in self.descriptors if m.patient.sex), None)


def same_patient(a: Mention, b: Mention) -> bool:
    """Two descriptors that may name one patient: nothing they say differs."""
    return all(x is None or y is None or x == y
               for x, y in ((a.patient.age_years, b.patient.age_years),
                            (a.patient.sex, b.patient.sex)))


def told_in_turn(text: str, sentences: list[Sentence]) -> list[Mention]:
    """Patients the detailed story introduces one after another, each at the head of its
    own sentence ("A 34-year-old woman presented... A 58-year-old man was referred...";
    "Case 2: A 58-year-old man..."): the first descriptor of each one that differs from
    every earlier one."""
    found: list[Mention] = []
    for sentence in (s for s in sentences if s.role == DETAIL):
        for mention in sentence.mentions:
            if (introducing(mention) and mention.patient.count is None
                    and (mention.patient.age_years is not None or mention.patient.sex)
                    and SENTENCE_HEAD.fullmatch(text, sentence.start, mention.start)
                    and not any(same_patient(mention, other) for other in found)):
                found.append(mention)
    return found


RELATIVE_JOIN = re.compile(r"\s+(?:and|as\s+well\s+as)\s+(?:(?:his|her|their)\s+)?$",
                           re.IGNORECASE)
KIN_WINDOW = 25  # characters after a descriptor where its kin noun may be ("38-year-old daughter")
# A kin noun in apposition before a descriptor ("His sister, a 52-year-old woman, ...")
KIN_BEFORE = re.compile(r"\b(?:his|her|their)\s+(?:(?:older|younger|elder|twin)\s+)?(?P<kin>[a-z]+)"
                        r"\s*,\s*(?:an?\s+)?$", re.IGNORECASE)


def kin_noun(text: str, mention: Mention, rules: StoryRules) -> str | None:
    """The kin noun a descriptor names its patient by ("his 38-year-old daughter", "his
    sister, a 52-year-old woman")."""
    words = re.findall(r"[A-Za-z]+", text[mention.start:mention.end + KIN_WINDOW])[:4]
    before = KIN_BEFORE.search(text, max(0, mention.start - KIN_WINDOW), mention.start)
    if before is not None:
        words.append(before.group("kin"))
    return next((w.lower() for w in words if w.lower() in rules.kin), None)


def relatives(text: str, sentences: list[Sentence]) -> list[Mention]:
    """The descriptors of patients the first sentence that introduces any presents together
    as relatives ("a man in his sixties and his 38-year-old daughter", "a 5-year-old boy
    and his 8-year-old brother"), in order; none when it introduces one patient."""
    rules = story_rules()
    for sentence in (s for s in sentences if s.role != BACKGROUND):
        introduced = [m for m in sentence.mentions if introducing(m) and m.patient.count is None]
        if not introduced:
            continue
        found = introduced[:1]
        for mention in introduced[1:]:
            if (RELATIVE_JOIN.search(text, found[-1].end, mention.start)
                    and kin_noun(text, mention, rules) and not same_patient(found[-1], mention)):
                found.append(mention)
        return found if len(found) > 1 else []
    return []


def relatives_in_turn(text: str, sentences: list[Sentence], size: int) -> list[Mention]:
    """The descriptors of the ``size`` patients of a report that presents a patient, then
    each relative in a sentence of its own by a kin noun before its descriptor ("A
    47-year-old man ... His sister, a 52-year-old woman, had the same mutation"), in order;
    none when the report presents them otherwise (another patient presented with no kin
    noun: "A 58-year-old man ... His son, a 20-year-old man, was his donor")."""
    rules = story_rules()
    introduced = [m for s in sentences if s.role != BACKGROUND for m in s.mentions
                  if introducing(m) and m.patient.count is None]
    found = introduced[:1]
    for mention in introduced[1:]:
        if any(same_patient(known, mention) for known in found):
            continue
        if (mention.sentence_start == found[-1].sentence_start
                or not KIN_BEFORE.search(text, max(0, mention.start - KIN_WINDOW), mention.start)
                or not kin_noun(text, mention, rules)):
            return []
        found.append(mention)
    return found if len(found) == size else []


def kin_names(text: str, related: list[Mention]) -> list[tuple[re.Pattern, int]]:
    """What the story calls each of the relatives: the second and later by their kin noun
    ("his daughter", "the daughter"), the first by the kin noun that answers it ("the
    father"), or siblings by age ("the younger"); and "the proband" is the first."""
    rules = story_rules()
    names = [(re.compile(r"\b(?:the\s+)?(?:proband|index\s+(?:patient|case))\b", re.IGNORECASE), 1)]
    for number, mention in enumerate(related[1:], 2):
        noun = kin_noun(text, mention, rules)
        names.append((re.compile(rf"\b(?:the|his|her|their)\s+{noun}\b", re.IGNORECASE), number))
        answer = rules.kin[noun].get(related[0].patient.sex or "")
        if answer and answer != noun:
            names.append((re.compile(rf"\b(?:the|his|her|their)\s+{answer}\b", re.IGNORECASE), 1))
    ages = [m.patient.age_years for m in related]
    if len(related) == 2 and None not in ages and ages[0] != ages[1]:
        younger = 1 if ages[0] < ages[1] else 2
        names += [(re.compile(r"\bthe\s+younger\b", re.IGNORECASE), younger),
                  (re.compile(r"\bthe\s+(?:older|elder)\b", re.IGNORECASE), 3 - younger)]
    return names


def cohort_size(text: str, sentences: list[Sentence], related: list[Mention]) -> int:
    """How many patients the authors present together: the count of the group named in
    the title, in a sentence that frames the case ("Here we report two cases of..."), or
    in the sentence that first introduces patients (one when it introduces a single
    patient), or the highest patient number of a series ("Case 2: ...") or of patients
    told one after another, or the relatives presented together (``related``)."""
    rules = story_rules()
    numbered = max([rules.series_number(m) for s in sentences if s.role != BACKGROUND
                    for m in rules.series_ordinal.finditer(text, s.start, s.end)]
                   + [len(told_in_turn(text, sentences)), len(related), 1])
    for sentence in sentences:
        if sentence.role == BACKGROUND:
            continue
        introduced = [m for m in sentence.mentions if introducing(m)]
        groups = [m.patient.count for m in introduced if m.patient.count]
        if groups and sentence.role in (TITLE, FRAMING):
            return max(groups[0], numbered)
        if introduced and sentence.role in (DETAIL, SUMMARY):
            return max(groups[0] if groups and len(groups) == len(introduced) else 1, numbered)
    return numbered


CLAUSE_OPENING = re.compile(r"[(,;]")
# What may come before a patient introduced at the head of a sentence: "Case 2: A",
# "An otherwise healthy" (never "His son, a").
SENTENCE_HEAD = re.compile(r"\W*(?:(?:case|patient)\s+(?:\d+|(?-i:[A-F]))\W*)?(?:an?\s+(?:[\w-]+\s+){0,3}?)?",
                           re.IGNORECASE)


def speakers(text: str, sentence: Sentence, size: int, rules: StoryRules,
             in_turn: dict[str, int], names: list[tuple[re.Pattern, int]] = ()
             ) -> list[tuple[int, int, frozenset[int]]]:
    """The parts of a sentence of a report on ``size`` patients that speak of some of
    them, as (start, end, patients): from the clause that names them ("Partial responses
    were observed in 2 patients, including one harbouring X" speaks of patients 1-2, then
    of patient 1; "Patients 1 and 3 had..." of 1 and 3) to the next such clause, or to the
    end of a bracket ("(with DLI in two patients)"). Parts outside them speak of all."""
    everyone = frozenset(range(1, size + 1))
    marks: list[tuple[int, frozenset[int]]] = []
    for match in rules.series_all.finditer(text, sentence.start, sentence.end):
        marks.append((match.start(), everyone))
    for match in rules.series_count.finditer(text, sentence.start, sentence.end):
        count = rules.count_words.get(match.group("count").lower()) or int(match.group("count"))
        marks.append((match.start(), frozenset(range(1, min(count, size) + 1))))
    for match in rules.series_ordinal.finditer(text, sentence.start, sentence.end):
        number = rules.series_number(match)
        if 1 <= number <= size:
            marks.append((match.start(), frozenset({number})))
    for match in rules.series_numbered.finditer(text, sentence.start, sentence.end):
        if numbered := rules.series_numbers(match) & everyone:
            marks.append((match.start(), numbered))
    marks += [(m.start, frozenset({in_turn[m.id]})) for m in sentence.mentions
              if in_turn.get(m.id, 0) <= size and m.id in in_turn]
    marks += [(match.start(), frozenset({number})) for pattern, number in names
              if number <= size for match in pattern.finditer(text, sentence.start, sentence.end)]
    relative = sorted(list(rules.series_one.finditer(text, sentence.start, sentence.end))
                      + list(rules.series_other.finditer(text, sentence.start, sentence.end)),
                      key=lambda m: m.start())
    for match in relative:  # "one" and "the other" of the group named before them
        before = [who for at, who in sorted(marks, key=lambda mark: mark[0]) if at < match.start()]
        group = before[-1] if before else everyone
        if match.re is rules.series_one.pattern:
            marks.append((match.start(), frozenset({min(group)})))
        elif len(group) > 1:
            marks.append((match.start(), frozenset(group - {min(group)})))
    parts = []
    for at, who in sorted(marks, key=lambda mark: mark[0]):
        openings = [m.start() for m in CLAUSE_OPENING.finditer(text, sentence.start, at)]
        start = openings[-1] if openings else sentence.start
        end = sentence.end
        if openings and text[openings[-1]] == "(":
            closing = text.find(")", at, sentence.end)
            end = closing + 1 if closing != -1 else sentence.end
        parts.append((start, end, who))
    for n, (start, end, who) in enumerate(parts[:-1]):  # a part ends where the next begins
        parts[n] = (start, min(end, max(parts[n + 1][0], start)), who)
    return [(start, end, who) for start, end, who in parts if end > start]


def passages(text: str, sentences: list[Sentence], size: int, related: list[Mention]
             ) -> list[Passage]:
    """The patients' passages: each sentence with a role, cut into the parts that speak
    of some of the patients and the parts that speak of all. Once a sentence turns to one
    patient ("Case 2: A 58-year-old man...", "A third patient..."), the sentences after
    it speak of that patient until another is named, all are ("Both patients..."), or
    the authors frame the case again."""
    rules = story_rules()
    everyone = frozenset(range(1, size + 1))
    in_turn = {m.id: n for n, m in enumerate(told_in_turn(text, sentences), 1)}
    if len(in_turn) < 2:
        in_turn = {}  # one patient told: no turn to mark
    if not in_turn and len({m.sentence_start for m in related}) > 1:
        in_turn = {m.id: n for n, m in enumerate(related, 1)}  # relatives told in turn
    names = kin_names(text, related) if related else []
    introduction = related[0].sentence_start if related else None  # speaks of them all
    result = []
    focus = everyone
    for sentence in sentences:
        if sentence.role == BACKGROUND:
            continue
        if sentence.role in (FRAMING, TITLE):
            focus = everyone
        parts = speakers(text, sentence, size, rules, in_turn,
                         names if sentence.start != introduction else []) if size > 1 else []
        position = sentence.start
        for start, end, who in parts:
            if start > position:
                result.append(Passage(position, start, sentence.role, focus))
            result.append(Passage(max(start, position), end, sentence.role, who))
            position = max(position, end)
        if position < sentence.end:
            result.append(Passage(position, sentence.end, sentence.role, focus))
        if parts:
            _, end, who = parts[-1]
            if end >= sentence.end and (len(who) == 1 or who == everyone):
                focus = who  # a bracket ("in two patients)") or a subset turns to no one
    return result


def describes_a_patient(text: str, sentences: list[Sentence]) -> bool:
    """Whether the authors describe patients of their own: a sentence presents or tells of
    one (a descriptor, "a case of", "the patient", a printed karyotype), not only "we
    describe a new assay"."""
    rules = story_rules()
    for sentence in sentences:
        if sentence.role == BACKGROUND:
            continue
        if any(introducing(m) or m.rule == "detection_method.karyotype" for m in sentence.mentions):
            return True
        if sentence.role == FRAMING and CASE_WORD.search(text, sentence.start, sentence.end):
            return True
        if sentence.role in (DETAIL, SUMMARY) and tells_of_patient(text, sentence, rules):
            return True
    return False


def narrative_patients(document: Document, mentions: list[Mention]
                       ) -> tuple[list[Patient], list[Sentence]]:
    """The patients the authors describe with their passages, and the document's
    sentences with their roles. None when no sentence introduces a patient."""
    text = document.text
    sentences = document_sentences(document, mentions)
    assign_roles(text, sentences)
    if not describes_a_patient(text, sentences):
        return [], sentences
    related = relatives(text, sentences)  # relatives presented together, if any
    size = cohort_size(text, sentences, related)
    if size > 1 and not related:
        related = relatives_in_turn(text, sentences, size)
    patients = [Patient(number) for number in range(1, size + 1)]
    for passage in passages(text, sentences, size, related):
        for number in passage.patients:
            patients[number - 1].passages.append(passage)
    described = descriptions(sentences) if len(related) != size else []
    for patient in patients:
        patient.descriptors = ([related[patient.number - 1]] if len(related) == size
                               else descriptors_of(patient, described, size))
    return patients, sentences


def descriptions(sentences: list[Sentence]) -> list[tuple[Sentence, list[Mention]]]:
    """The sentences that describe one patient, each with its age and sex phrases (picked
    out once for all the patients of a document)."""
    described = [(sentence, [m for m in sentence.mentions
                             if introducing(m) and m.patient.count is None])
                 for sentence in sentences]
    return [(sentence, found) for sentence, found in described if found]


def descriptors_of(patient: Patient, described: list[tuple[Sentence, list[Mention]]], size: int
                   ) -> list[Mention]:
    """The age and sex phrases of the patient's own passages (only those that speak of it
    alone, in a report on several); ``described`` are the document's :func:`descriptions`."""
    found = []
    for passage in patient.passages:
        if size > 1 and len(passage.patients) > 1:
            continue
        for sentence, descriptors in described:
            found += [m for m in descriptors if passage.start <= m.start < passage.end]
    first = next((m for m in found if m.patient.age_years is not None or m.patient.sex), None)
    return [m for m in found if first is not None and same_patient(first, m)]
