"""A patient's timeline: the events of its course in the order the story tells them.

The story's most detailed passages are read step by step, as for therapy lines
(:mod:`pipeline.assemble.timeline`), and each step's mentions become events: the
diagnosis, a finding (which alteration, by which method its sentence names), a therapy
line started, added to, held, resumed or stopped (the step's words say which), a
response or progression of the line under way, a relapse, a transplant, radiotherapy,
surgery, death or the last follow-up. Each event keeps the modifiers of its mentions
("no BRAF V600E mutation" is a negated finding, "a transplant was planned" a
hypothetical one), the span of the words that tell it and the ids of its mentions.
Events that restate an earlier one (the same diagnosis, finding or response) are told
once; lines are tied to the record's therapies by their evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import get_args

from pipeline.assemble.entities import unique
from pipeline.assemble.spans import Covered, reach, starting_within
from pipeline.assemble.story import Passage
from pipeline.assemble.therapies import DISEASE_PRESENT, ENDED, NULL_WORD, Line
from pipeline.assemble.timeline import (CONDITIONING, ROLE_STRENGTH, TherapyRules, steps,
                                        therapy_rules)
from pipeline.schema import Event, Mention, Modifier

TREATMENTS = frozenset({"drug", "regimen", "treatment"})
FINDINGS = frozenset({"fusion", "variant", "rearranged_gene"})
# Mentions a course word inside them belongs to: "relapse-free" is a status, "no sign of
# recurrence" a follow-up, "relapsed on" a progression. (A setting tells of events:
# "post-transplant relapse" is a transplant and a relapse.)
HOLDERS = frozenset({"status", "response"})
# what each step word does to a line already under way, strongest first
LINE_WORDS = (("hold_words", "treatment_held"), ("stop_words", "treatment_stopped"),
              ("restart_words", "treatment_resumed"), ("add_words", "treatment_added"))
STATUS_EVENTS = {"dead": "death", "alive": "last_follow_up", ENDED: "last_follow_up"}
MODIFIER_ORDER = get_args(Modifier)


def telling(passages: list[Passage]) -> list[Passage]:
    """The passages that tell the story in most detail (the case section over the
    abstract over the framing sentences over the title), in text order."""
    for role in ROLE_STRENGTH:
        told = [p for p in passages if p.role == role]
        if told:
            return sorted(told, key=lambda p: p.start)
    return []


def modifiers_of(mentions: list[Mention]) -> list[str]:
    said = {modifier for m in mentions for modifier in m.modifiers}
    return [modifier for modifier in MODIFIER_ORDER if modifier in said]


def event(kind: str, mentions: list[Mention], value: str | None = None,
          therapy: int | None = None, method: str | None = None) -> Event:
    return Event(kind=kind, value=value, therapy=therapy, method=method,
                 modifiers=modifiers_of(mentions), start=min(m.start for m in mentions),
                 end=max(m.end for m in mentions), evidence=[m.id for m in mentions])


def finding_value(mention: Mention) -> str | None:
    if mention.type == "variant" and mention.variant is not None:
        gene = mention.variant.gene
        return f"{gene} {mention.variant.hgvs}" if gene else mention.variant.hgvs
    if mention.type == "rearranged_gene":
        return f"{mention.normalised} rearrangement"
    return mention.normalised


def methods_by_sentence(mentions: list[Mention]) -> dict[int, list[Mention]]:
    """The detection methods named, by the start of their sentence, in their order (a
    patient's findings each ask for their sentence's)."""
    methods: dict[int, list[Mention]] = {}
    for mention in mentions:
        if mention.type == "detection_method" and mention.normalised:
            methods.setdefault(mention.sentence_start, []).append(mention)
    return methods


def method_for(finding: Mention, methods: dict[int, list[Mention]]) -> str | None:
    """The detection method its sentence names nearest to it (``methods`` by sentence)."""
    said = methods.get(finding.sentence_start, [])
    nearest = min(said, key=lambda m: abs(m.start - finding.start), default=None)
    return nearest.normalised if nearest else None


def inside_another(mention: Mention, step: list[Mention]) -> bool:
    return any(other.type in HOLDERS and other.start <= mention.start
               and mention.end <= other.end and other is not mention for other in step)


def line_value(line: Line) -> str | None:
    """What a line gives: its drugs, or the treatment as printed, and its setting."""
    given = ", ".join(line.therapy.drugs) or line.therapy.regimen
    return f"{given} ({line.therapy.setting})" if line.therapy.setting else given


@dataclass
class CourseReader:
    """The state of reading a course into events: the lines started so far and the one
    under way, and what has been told already."""

    text: str
    mentions: list[Mention]
    lines: list[Line]
    diagnosis: str | None
    rules: TherapyRules
    inside: set[str]  # ids of the mentions the story tells
    line_of: dict[str, list[int]] = field(init=False)
    response_of: dict[str, tuple[int, str]] = field(init=False)  # id -> line, category
    fused: set[str] = field(init=False)
    by_id: dict[str, Mention] = field(init=False)
    methods: dict[int, list[Mention]] = field(init=False)
    started: set[int] = field(default_factory=set)
    current: int | None = None
    told: set[tuple] = field(default_factory=set)
    waiting: dict[int, list[Event]] = field(default_factory=dict)  # responses of lines to come

    def __post_init__(self) -> None:
        self.line_of = {}
        for number, line in enumerate(self.lines):
            for i in line.evidence:
                self.line_of.setdefault(i, []).append(number)
        # a response stated for several lines ("after induction and consolidation, CR")
        # is told after the last of them
        self.response_of = {i: (n, category) for n, line in enumerate(self.lines)
                            for i, category in line.stated.items()}
        self.by_id = {m.id: m for m in self.mentions}
        self.methods = methods_by_sentence(self.mentions)
        self.fused = {gene for m in self.mentions if m.type == "fusion" and m.fusion
                      for gene in (m.fusion.five_prime, m.fusion.three_prime)}

    def once(self, found: Event, *key: object) -> list[Event]:
        """An event not told before: the same kind, line and modifiers, and the same value
        or else ``key``, are the event retold."""
        key = (found.kind, found.therapy, tuple(found.modifiers), *(key or (found.value,)))
        if key in self.told:
            return []
        self.told.add(key)
        return [found]

    def step(self, step: list[Mention], bounds: tuple[int, int]) -> list[Event]:
        """The events of one step. What else happens in it (a relapse, a transplant) is
        of the line under way when the step begins ("resumed upon relapse"); told again
        before another line starts, it is the same event (a transplant's conditioning
        starts no other)."""
        before = (sum(self.lines[n].therapy.setting != CONDITIONING for n in self.started),
                  self.current)
        events: list[Event] = []
        for mention in step:
            events += self.treatment_events(mention, step, bounds) if mention.type in TREATMENTS \
                else self.other_events(mention, step, before)
        return events

    def treatment_events(self, mention: Mention, step: list[Mention],
                         bounds: tuple[int, int]) -> list[Event]:
        """A treatment mention tells of the lines it is evidence of ("induction and
        consolidation chemotherapy": two). A treatment in no line is told only when its
        context says why (planned, negated, another patient's)."""
        numbers = self.line_of.get(mention.id, [])
        if not numbers:
            return [event("treatment_started", [mention], mention.normalised or mention.text)
                    ] if mention.modifiers else []
        events = []
        for number in numbers:
            own = [m for m in step if number in self.line_of.get(m.id, []) and m.type in TREATMENTS]
            if mention is own[0]:  # the step's treatments of a line are told together
                events += self.line_events(number, own, bounds)
        return events

    def line_events(self, number: int, own: list[Mention], bounds: tuple[int, int]
                    ) -> list[Event]:
        """A line's first step starts it; a later one whose words hold, stop, resume or add
        to it says so, in the order of those words ("resumed ... and held again")."""
        self.current = number
        if number not in self.started:
            self.started.add(number)
            return [event("treatment_started", own, line_value(self.lines[number]), number),
                    *self.waiting.pop(number, []), *self.best_told_elsewhere(number)]
        said = sorted((match.start(), kind) for words, kind in LINE_WORDS
                      for match in getattr(self.rules, words).finditer(self.text, *bounds))
        value = ", ".join(unique(m.normalised or m.text for m in own))
        return [event(kind, own, value, number) for kind in unique(kind for _, kind in said)]

    def other_events(self, mention: Mention, step: list[Mention],
                     before: tuple[int, int | None]) -> list[Event]:
        normal = mention.normalised
        epoch, under_way = before
        if mention.type == "disease" and normal and self.diagnosis \
                and f" {self.diagnosis}".endswith(f" {normal}"):
            # where the story first names it, if only shorter ("lung adenocarcinoma")
            return self.once(event("diagnosis", [mention], self.diagnosis))
        if mention.type in FINDINGS and not (mention.type == "rearranged_gene"
                                             and normal in self.fused):
            return self.once(event("finding", [mention], finding_value(mention),
                                   method=method_for(mention, self.methods)))
        if mention.type == "response" and normal and normal != NULL_WORD:
            return self.response_events(mention)
        kind = self.course_kind(mention, step)
        if kind is None:
            return []
        if kind == "last_follow_up":
            return [event(kind, [mention], mention.text)]  # the last one is kept
        # retold until another line starts ("underwent alloHCT", "on day +38 post alloHCT")
        therapy = under_way if kind == "relapse" else None
        return self.once(event(kind, [mention], mention.text, therapy), epoch)

    def best_told_elsewhere(self, number: int) -> list[Event]:
        """The line's best response where only a less detailed passage states it (the
        abstract's "achieved a complete response")."""
        return [found for i in self.lines[number].response_evidence
                if i not in self.inside and i in self.by_id
                for found in self.response_events(self.by_id[i])]

    def response_events(self, mention: Mention) -> list[Event]:
        """A response the reading stated for a line (never "refractory lymphoma" at
        presentation, nor "cancers refractory to standard therapy" of a trial's patients):
        told once the line has started ("unsuccessfully treated with A, B and C" tells C's
        response before C)."""
        if mention.id not in self.response_of:
            return []
        therapy, category = self.response_of[mention.id]
        told = self.once(event("progression" if category == "PD" else "response",
                               [mention], category, therapy))
        if therapy not in self.started:
            self.waiting.setdefault(therapy, []).extend(told)
            return []
        return told

    def course_kind(self, mention: Mention, step: list[Mention]) -> str | None:
        normal = mention.normalised
        if mention.type == "course_event" and normal and not inside_another(mention, step):
            return normal
        if mention.type == "status" and normal in STATUS_EVENTS:
            return STATUS_EVENTS[normal]
        if mention.type == "status" and normal == DISEASE_PRESENT:
            # "no sign of recurrence" at follow-up; a sign of one is a relapse
            return "last_follow_up" if "negated" in mention.modifiers else "relapse"
        return None

    def untold(self) -> Iterator[Event]:
        """Lines only a less detailed passage tells (an abstract, the title): after the
        story's, as in the record."""
        for number, line in enumerate(self.lines):
            own = [self.by_id[i] for i in line.evidence
                   if i in self.by_id and self.by_id[i].type in TREATMENTS]
            if number not in self.started and own:
                first = [m for m in own if m.sentence_start == own[0].sentence_start]
                yield event("treatment_started", first, line_value(line), number)


def last_word(events: list[Event]) -> list[Event]:
    """The last follow-up is the story's last word on the patient, after every line it
    tells; earlier words on its condition ("had been in good health") are no follow-up."""
    starts = [n for n, e in enumerate(events) if e.kind == "treatment_started"]
    follow_ups = [n for n, e in enumerate(events) if e.kind == "last_follow_up"
                  and n > max(starts, default=-1)]
    return [e for n, e in enumerate(events)
            if e.kind != "last_follow_up" or n == max(follow_ups, default=None)]


def patient_timeline(text: str, passages: list[Passage], mentions: list[Mention],
                     lines: list[Line], diagnosis: Mention | None) -> list[Event]:
    """The events of a patient's course, from the passages that speak of it, tied to
    the record's therapy ``lines``; ``diagnosis`` is the record's."""
    rules = therapy_rules()
    told_by = telling(passages)
    start, end = reach((p.start, p.end) for p in told_by)  # what it reads lies inside
    ordered = sorted((m for m in mentions if start <= m.start < end and m.in_scope),
                     key=lambda m: (m.start, -m.end))
    starts = [m.start for m in ordered]
    covered = Covered((p.start, p.end) for p in told_by)
    reader = CourseReader(text, mentions, lines, diagnosis.normalised if diagnosis else None,
                          rules, {m.id for m in ordered if m.start in covered})
    events: list[Event] = []
    for passage in told_by:
        if not starting_within(ordered, starts, passage.start, passage.end):
            continue  # a step naming nothing tells no event: the passage is not cut
        for bounds in steps(text, passage.start, passage.end, rules):
            events += reader.step(starting_within(ordered, starts, *bounds), bounds)
    if diagnosis is not None and not any(e.kind == "diagnosis" for e in events):
        events.insert(0, event("diagnosis", [diagnosis], diagnosis.normalised))
    return last_word(events + list(reader.untold()))
