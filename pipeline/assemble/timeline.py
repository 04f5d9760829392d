"""A patient's therapy lines, read from the passages that speak of it, step by step.

The course is read in text order, each sentence cut into steps where the text turns to
a new one (arrows, "followed by", "then", a new subject that receives something). A step
that names anticancer drugs, a regimen, or a treatment with no drug ("chemotherapy")
starts lines; drugs started together are one line, a restart after progression or a
switch is a new one, drugs added to the line under way ("the addition of dasatinib")
join it (unless they are given in another setting: "added to consolidation"), a drug
held and resumed goes on. A response belongs to the line under way when it is stated:
in the step, or in the sentences after it before the next treatment; a response before
the drugs of its step, in a clause of its own ("After progressing on placebo, her cancer
responded to..."), or a progression after them that says when they were given
("followed by gemcitabine at progression"), belongs to the line before. The line's response
is the best one stated for it, one lesion's not above the whole disease's.

The same reading makes the lines of a table cell, a course cell, a caption or a footnote
(:func:`stretch_lines`): one way to make a therapy line.

Mentions their context marks as negated, hypothetical (planned) or about other patients
are none of the patient's course; supportive drugs are no line.

The story's detailed passages give the order; lines of its summary (an abstract) and of
the sentences that frame the case (title, "we report...") add a response or setting to
the line with the same drugs, and lines only they tell come after the story's own.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.assemble.entities import unique
from pipeline.screens import Screened
from pipeline.assemble.spans import reach, starting_within
from pipeline.assemble.story import DETAIL, FRAMING, SUMMARY, TITLE, Passage
from pipeline.assemble.therapies import Line, line_drugs
from pipeline.clauses import opening_clause
from pipeline.resources import (check_keys, check_str_list, check_type, load_resource,
                                trie_alternation, words_pattern)
from pipeline.schema import Mention, Therapy

FILE = "therapy_rules.yaml"
# Where one step of a course ends: arrows, semicolons, sentence ends, "followed by", "then".
STEP_BREAKS = Screened(re.compile(r"(?:\s*(?:→|->|;|\.(?=\s+[A-Z])|\bfollowed\s+by\b|\bthen\b"
                                  r"|,(?=\s*(?:followed|then)\b))\s*)+"))
RESPONSE_RANK = {"CR": 4, "PR": 3, "SD": 2, "PD": 1}
SAME_RESPONSE = "same"  # "a similar response": the line before's
CONDITIONING = "conditioning"
ROLE_STRENGTH = [DETAIL, SUMMARY, FRAMING, TITLE]  # which passages tell a line best first
IGNORED = frozenset({"negated", "hypothetical", "other_patients"})
# A table of reported cases is about other patients as a whole; its rows are the cases.
IGNORED_IN_TABLES = frozenset({"negated", "hypothetical"})
CLAUSE = re.compile(r"[,;]")
COUNTED = re.compile(r"^\S+\s+(?:cycles?|courses?|lines?|doses?)\s+of\s+")  # "two cycles of "
# a transplant past when the drug is given: "after transplant", "post-HSCT"
PAST_TRANSPLANT = re.compile(r"\b(?:after|post|following|since)\s*-?\s*(?:(?:an?|the|his|her|"
                             r"allogeneic|autologous|allo|haploidentical)\s+)*$", re.IGNORECASE)
HARM_REACH = 120  # how far from a drug the harm it treats is looked for, before or after
SEVERAL_LINES = re.compile(r"^\S+\s+lines\s+of\s+")  # "8 lines of chemotherapy"


WORD_LISTS = ("supportive_words", "restart_words", "add_words", "transplant_words",
              "local_treatment_words", "sequence_words", "hold_words", "relapse_words",
              "start_words", "stop_words", "continue_words")


@dataclass(frozen=True)
class TherapyRules:
    supportive_drugs: frozenset[str]
    anaphora: frozenset[str]
    clause_breaks: Screened
    switched_from: Screened  # a step ends where a match ends ("switched from X| to Y")
    lesion_response: re.Pattern
    conditioning_joins: re.Pattern
    high_dose: re.Pattern  # right before a drug: "high-dose "
    when_progressed: re.Pattern
    supportive_words: Screened
    restart_words: Screened
    add_words: Screened
    transplant_words: Screened
    local_treatment_words: Screened
    sequence_words: Screened
    hold_words: Screened
    relapse_words: Screened
    start_words: Screened
    stop_words: Screened
    continue_words: Screened
    phase_settings: frozenset[str]
    treated_harm: Screened  # a harm and what joins it to the drug right after it
    for_harm: re.Pattern  # from a drug's end to the harm it is given for

    @classmethod
    def from_dict(cls, data: dict) -> "TherapyRules":
        lists = ["supportive_drugs", "anaphora", "clause_breaks", "phase_settings", "harm_words",
                 *WORD_LISTS]
        patterns = ["lesion_response", "conditioning_joins", "high_dose", "when_progressed",
                    "switched_from"]
        harm_joins = ["harm_treated_by", "treatment_for_harm"]
        check_keys(data, file=FILE, where="top level", required=[*lists, *patterns, *harm_joins])
        values = {key: check_str_list(data[key], file=FILE, where="top level", key=key)
                  for key in lists}
        texts = {key: check_type(data[key], str, file=FILE, where="top level", key=key,
                                 description="a pattern") for key in [*patterns, *harm_joins]}
        single = {key: re.compile(texts[key], re.IGNORECASE) for key in patterns}
        harm = rf"(?:{trie_alternation(values['harm_words'])})(?![A-Za-z])"
        return cls(frozenset(values["supportive_drugs"]), frozenset(values["anaphora"]),
                   Screened(re.compile("|".join(values["clause_breaks"]), re.IGNORECASE)),
                   Screened(single["switched_from"]),
                   single["lesion_response"], single["conditioning_joins"], single["high_dose"],
                   single["when_progressed"],
                   **{key: Screened(words_pattern(values[key])) for key in WORD_LISTS},
                   phase_settings=frozenset(values["phase_settings"]),
                   treated_harm=Screened(re.compile(
                       rf"(?<![A-Za-z]){harm}{texts['harm_treated_by']}", re.IGNORECASE)),
                   for_harm=re.compile(texts["treatment_for_harm"] + harm, re.IGNORECASE))


@lru_cache(maxsize=1)
def therapy_rules() -> TherapyRules:
    return TherapyRules.from_dict(load_resource(FILE))


@dataclass(frozen=True)
class Stated:
    """A response stated for a line: of the whole disease, or of one lesion."""

    mention: Mention
    category: str
    lesion: bool


@dataclass
class TimelineLine:
    drugs: list[str]
    regimen: str | None
    setting: str | None
    role: str
    evidence: list[Mention] = field(default_factory=list)
    responses: list[Stated] = field(default_factory=list)
    failed: bool = False  # its step says the disease relapsed or progressed on it

    @property
    def best(self) -> Stated | None:
        """The best response of the whole disease. Lesions' responses stated together
        count as the worst of them (the disease responded no better than its worst
        lesion), and one lesion's alone does not outdo a response of the whole ("PR, and
        complete resolution of the brain metastases" is PR), though it does the whole's
        progression told in another sentence ("marked reduction of the liver metastases",
        then "the disease progressed"; not "progression despite PCV and stable
        supratentorial disease")."""
        overall = [r for r in self.responses if not r.lesion]
        responded = any(r.category != "PD" for r in overall)
        progressed = {r.mention.sentence_start for r in overall if r.category == "PD"}
        together: dict[int, list[Stated]] = {}
        for response in (r for r in self.responses if r.lesion):
            together.setdefault(response.mention.sentence_start, []).append(response)
        for sentence, lesions in together.items():
            if len(lesions) > 1 or not (responded or sentence in progressed):
                overall.append(min(lesions, key=lambda r: RESPONSE_RANK[r.category]))
        return max(overall, key=lambda r: RESPONSE_RANK[r.category]) if overall else None

    @property
    def response(self) -> str | None:
        return self.best.category if self.best else None

    def therapy(self) -> Therapy:
        return Therapy(drugs=self.drugs, regimen=self.regimen, response=self.response,
                       setting=self.setting)

    def response_is(self, category: str) -> bool:
        return any(r.category == category for r in self.responses)

    def evidence_ids(self) -> list[str]:
        return unique(m.id for m in self.evidence)

    def as_line(self) -> Line:
        return Line(self.therapy(), self.evidence_ids(), self.response_ids(),
                    {r.mention.id: r.category for r in self.responses})

    def response_ids(self) -> list[str]:
        return [self.best.mention.id] if self.best else []

    def takes(self, other: "TimelineLine") -> None:
        """What ``other`` states of the same line: its response, setting and evidence."""
        self.responses += other.responses
        self.setting = self.setting or other.setting
        self.evidence += [m for m in other.evidence if m not in self.evidence]
        self.role = min(self.role, other.role, key=ROLE_STRENGTH.index)


# the words between a qualifier and the disease it qualifies: no preposition ("refractory
# ALK+ lymphoma", never "resolution of all ... leukemia")
DISEASE_PHRASE = re.compile(r"(?:(?!\b(?:of|to|in|with|for|on|at|after|from|by)\b)[\w+/ -]){0,40}")


def describes_disease(text: str, mention: Mention, diseases: list[Mention]) -> bool:
    """A response word that qualifies the disease named right after it ("refractory
    ALK+ anaplastic large cell lymphoma"), not a line's response."""
    return any(mention.end <= d.start <= mention.end + 40
               and DISEASE_PHRASE.fullmatch(text, mention.end, d.start) for d in diseases)


def stated(text: str, responses: list[Mention], previous: TimelineLine | None,
           rules: TherapyRules, diseases: list[Mention] = ()) -> list[Stated]:
    """The categories of responses stated for a line: "similar response" is the previous
    line's; words that name no category, or that qualify a disease, state none."""
    found = []
    for mention in responses:
        if describes_disease(text, mention, list(diseases)):
            continue
        category = mention.normalised
        if category == SAME_RESPONSE:
            category = previous.response if previous is not None else None
        if category in RESPONSE_RANK:
            lesion = rules.lesion_response.match(text, mention.end) is not None
            found.append(Stated(mention, category, lesion))
    return found


def says_when(text: str, response: Mention, step_start: int, rules: TherapyRules) -> bool:
    """A progression that says when or why a treatment was given ("at progression",
    "lorlatinib for intracranial progression"): the line before's, no response of its own."""
    return response.normalised == "PD" and rules.when_progressed.search(
        text, max(step_start, response.start - 40), response.start) is not None


def usable(mention: Mention, ignored: frozenset[str] = IGNORED) -> bool:
    return mention.in_scope and ignored.isdisjoint(mention.modifiers)


def is_treatment(mention: Mention) -> bool:
    return mention.type in ("drug", "regimen") and bool(mention.normalised)


SENTENCE_GAP = re.compile(r"[.;:!?]\s+")


# The cuts of the document this thread read last: a patient's story lines and its events
# cut the same passages (a third of the cutting), and only one document is held.
_last_cut = threading.local()


def steps(text: str, start: int, end: int, rules: TherapyRules) -> tuple[tuple[int, int], ...]:
    """A passage cut at step breaks, at clause breaks and after a sentence's opening clause
    (each passage of a document cut once)."""
    held = getattr(_last_cut, "held", None)
    if held is None or held[0] is not text or held[1] is not rules:
        held = _last_cut.held = (text, rules, {})
    cuts = held[2]
    if (start, end) not in cuts:
        cuts[start, end] = cut_steps(text, start, end, rules)
    return cuts[start, end]


def cut_steps(text: str, start: int, end: int, rules: TherapyRules) -> tuple[tuple[int, int], ...]:
    openings = [start] + [m.end() for m in SENTENCE_GAP.finditer(text, start, end)]
    cuts = sorted({m.start() for m in STEP_BREAKS.finditer(text, start, end)}
                  | {m.start() for m in rules.clause_breaks.finditer(text, start, end)}
                  | {m.end() for m in rules.switched_from.finditer(text, start, end)}
                  | {m.end() - 1 for m in (opening_clause().match(text, at, end)
                                           for at in openings) if m})
    bounds = [start] + [c for c in cuts if start < c < end] + [end]
    return tuple((a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip())


def anticancer(text: str, step: list[Mention], step_start: int, rules: TherapyRules
               ) -> list[Mention]:
    """The step's treatments without supportive drugs, those named after a supportive
    purpose in the same clause ("GVHD prophylaxis using tacrolimus, methotrexate and
    abatacept"; not "after prophylaxis with tacrolimus, lorlatinib was resumed") or after
    a harm they treat ("colitis requiring prednisolone and infliximab"), and those given
    for a harm ("methylprednisolone for grade 3 pneumonitis")."""
    kept = []
    for mention in (m for m in step if is_treatment(m)):
        clause = max(text.rfind(",", step_start, mention.start),
                     text.rfind(";", step_start, mention.start), step_start)
        if rules.supportive_words.search(text, clause, mention.start) \
                or rules.treated_harm.search(text, max(step_start, mention.start - HARM_REACH),
                                             mention.start):
            break
        if mention.normalised not in rules.supportive_drugs \
                and not rules.for_harm.match(text, mention.end, mention.end + HARM_REACH):
            kept.append(mention)
    return kept


def alternative_runs(text: str, named: list[Mention]) -> list[list[Mention]]:
    """The treatments of a step in runs joined by "or": a run of two or more names
    alternatives ("gefitinib- or erlotinib-pretreated"), none of which can be said to be
    the patient's; a run of one is a treatment given."""
    runs: list[list[Mention]] = []
    for mention in named:
        if runs and re.fullmatch(r"\W*(?:or|and/or)\W*", text[runs[-1][-1].end:mention.start]):
            runs[-1].append(mention)
        else:
            runs.append([mention])
    return runs


def printed_alternatives(text: str, run: list[Mention]) -> str:
    end = run[-1].end
    tail = re.match(r"-[A-Za-z]+", text[end:end + 30])
    return text[run[0].start:end + (tail.end() if tail else 0)]


def one_after_another(text: str, named: list[Mention]) -> bool:
    """A comma list of three or more treatments with a regimen among them is a sequence of
    lines ("treated with CHOP, gemcitabine-based therapy, pralatrexate, and brentuximab"),
    not one combination: a regimen acronym is a whole line by itself."""
    return (len(named) >= 3 and any(m.type == "regimen" for m in named)
            and all("," in text[a.end:b.start] for a, b in zip(named, named[1:])))


PARALLEL = re.compile(r"\s+and\s+(?:then\s+|later\s+|subsequently\s+)?(on|to|after)\s+",
                      re.IGNORECASE)
PREPOSITION_BEFORE = re.compile(r"\b(on|to|after)\s+$", re.IGNORECASE)


def parallel_groups(text: str, named: list[Mention]) -> list[list[Mention]]:
    """A step's drugs cut where the preposition before the first is said again for the
    next ("progressed on FOLFOX with bevacizumab and on FOLFIRI with panitumumab",
    "refractory to imatinib and to sunitinib"): one line per treatment, each with what the
    step says of them all; otherwise one group."""
    if len(named) < 2:
        return [named] if named else []
    first = PREPOSITION_BEFORE.search(text, max(0, named[0].start - 12), named[0].start)
    if first is None:
        return [named]
    groups = [[named[0]]]
    for before, mention in zip(named, named[1:]):
        again = PARALLEL.search(text, before.end, mention.start)
        if again is not None and again.group(1).lower() == first.group(1).lower() \
                and again.end() == mention.start:
            groups.append([])
        groups[-1].append(mention)
    return groups


def responses_by_line(started: list[TimelineLine], responses: list[Mention]
                      ) -> list[tuple[TimelineLine, list[Mention]]]:
    """The responses of a step that starts lines, per line. Responses printed between the
    lines' drugs are each the line's before them ("crizotinib (PR, 13 months), alectinib
    (SD, 9 months) and brigatinib (PD)"), one before every line is each line's; otherwise
    what the step states is stated of every line it starts ("progressed on FOLFOX and on
    FOLFIRI")."""
    starts = [line.evidence[0].start for line in started]
    if len(started) < 2 or not any(starts[0] < r.start < starts[-1] for r in responses):
        return [(line, responses) for line in started]
    by_line: list[tuple[TimelineLine, list[Mention]]] = [(line, []) for line in started]
    for response in responses:
        before = [n for n, start in enumerate(starts) if start < response.start]
        for n in (before[-1:] if before else range(len(started))):
            by_line[n][1].append(response)
    return by_line


def setting_groups(named: list[Mention], settings: list[Mention]
                   ) -> list[tuple[list[Mention], list[Mention]]]:
    """A step's drugs with the settings that may be theirs. Drugs given in settings of
    their own ("FOLFOX as first-line and FOLFIRI as second-line therapy", "first-line
    cisplatin, second-line docetaxel") are a group per setting, on the side of it the
    step writes them; otherwise all are one group."""
    if not named or len({s.normalised for s in settings}) < 2:
        return [(named, settings)] if named else []
    follows = settings[0].start > named[0].start  # "X as first-line"
    groups: list[tuple[list[Mention], list[Mention]]] = []
    taken: set[str] = set()
    for number, setting in enumerate(settings):
        if follows:
            drugs = [m for m in named if m.start < setting.start and m.id not in taken]
        else:
            until = settings[number + 1].start if number + 1 < len(settings) else None
            drugs = [m for m in named if m.start >= setting.end
                     and (until is None or m.start < until)]
        taken.update(m.id for m in drugs)
        if drugs:
            groups.append((drugs, [setting]))
    if len(groups) < 2:  # "adjuvant first-line vemurafenib": one line
        return [(named, settings)]
    rest = [m for m in named if m.id not in taken]
    return groups + ([(rest, [])] if rest else [])


def setting_of(text: str, settings: list[Mention], named: list[Mention], step_end: int,
               rules: TherapyRules) -> Mention | None:
    """The first setting word that is not a transplant's or a local treatment's: one
    followed by a transplant before any drug ("salvage allogeneic HSCT") is not, one
    followed by drugs first is ("conditioning regimen of cyclophosphamide and total body
    irradiation")."""
    for setting in settings:
        end = min([m.start for m in named if m.start >= setting.end] + [step_end])
        comma = text.find(",", setting.end, end)
        end = comma if comma != -1 else end
        if not (rules.transplant_words.search(text, setting.end, end)
                or rules.local_treatment_words.search(text, setting.end, end)):
            return setting
    return None


def conditioning(text: str, bounds: tuple[int, int], part: list[Mention], rules: TherapyRules,
                 settings: list[Mention] = ()) -> bool:
    """Drugs a transplant's own description names ("alloHCT (MUD, busulfan and
    melphalan)", "HSCT conditioned with busulfan"), or drugs given with the transplant
    right after them ("high-dose busulfan and melphalan with autologous stem cell
    rescue"): its conditioning, not a line of their own; a transplant in an earlier
    clause ("after stem cell infusion, crizotinib was restarted"), one past ("two years
    after transplant on ponatinib maintenance") or drugs named with a phase of their own
    ("autologous transplant and lenalidomide maintenance") is not."""
    step_start, first, last = bounds[0], part[0], part[-1]
    if any(s.normalised != CONDITIONING and first.start <= s.start <= last.end + 20
           for s in settings):
        return False
    after = rules.transplant_words.search(text, last.end, bounds[1])
    joined = after and rules.conditioning_joins.fullmatch(text, last.end, after.start())
    if joined and (joined.group("and") is None or rules.high_dose.search(
            text, max(step_start, first.start - 40), first.start)):
        return True
    transplant = None
    for transplant in rules.transplant_words.finditer(text, step_start, first.start):
        pass
    if transplant is None or PAST_TRANSPLANT.search(text, max(step_start, transplant.start() - 30),
                                                    transplant.start()):
        return False
    between = text[transplant.end():first.start]
    inside_brackets = between.count("(") > between.count(")")
    return inside_brackets or not re.search(r"[,;]", between)


def new_lines(text: str, step: list[Mention], bounds: tuple[int, int], role: str,
              expanded: dict[str, list[str]], rules: TherapyRules) -> list[TimelineLine]:
    """The lines a step starts (before responses are attached): drug lines, or else a
    treatment printed with no drug."""
    lines = drug_lines(text, step, bounds, role, expanded, rules)
    if lines or role in (FRAMING, TITLE):  # "targeted therapy" in a conclusion is no line
        return lines
    return printed_lines(text, step, bounds[1], role, rules)


def drug_lines(text: str, step: list[Mention], bounds: tuple[int, int], role: str,
               expanded: dict[str, list[str]], rules: TherapyRules) -> list[TimelineLine]:
    step_start, step_end = bounds
    settings = [m for m in step if m.type == "setting"]
    words = [m for m in step if m.type == "treatment" and m.normalised]
    runs = alternative_runs(text, anticancer(text, step, step_start, rules))
    lines = [TimelineLine([], printed_alternatives(text, run), None, role, run)
             for run in runs if len(run) > 1]
    named = [run[0] for run in runs if len(run) == 1]
    one_by_one = named and (one_after_another(text, named)  # no drug named: no group
                            or rules.sequence_words.search(text, step_start, step_end))
    parallel = parallel_groups(text, named)
    if one_by_one:
        groups = [([m], settings) for m in named]
    elif len(parallel) > 1:
        groups = [(part, settings) for part in parallel]
    else:
        groups = setting_groups(named, settings)
    for part, own_settings in groups:
        drugs, regimen = line_drugs(part, expanded)
        if conditioning(text, bounds, part, rules, settings):
            said = next((m for m in settings if m.normalised == CONDITIONING), None)
            lines.append(TimelineLine(drugs, regimen, CONDITIONING, role,
                                      part + ([said] if said else [])))
            continue
        # "trastuzumab-based therapies": the drug's line, as printed
        regimen = regimen or next((COUNTED.sub("", w.normalised) for w in words
                                   if w.start <= part[0].start < w.end), None)
        setting = setting_of(text, own_settings, named + words, step_end, rules)
        lines.append(TimelineLine(drugs, regimen, setting.normalised if setting else None,
                                  role, part + ([setting] if setting else [])))
    return sorted(lines, key=lambda line: line.evidence[0].start)


def printed_lines(text: str, step: list[Mention], step_end: int, role: str,
                  rules: TherapyRules) -> list[TimelineLine]:
    """A treatment printed with no drug ("After chemotherapy failure"), its printed words
    the regimen; one line per setting before it ("induction and consolidation
    chemotherapy"); none for the treatment under way named again ("this chemotherapy")."""
    words = [m for m in step if m.type == "treatment" and m.normalised
             and not refers_back(text, m, rules)]
    if not words:
        return []
    settings = [m for m in step if m.type == "setting"]
    before = [s for s in settings if s.end <= words[0].start
              and not rules.transplant_words.search(text, s.end, words[0].start)]
    if len(before) > 1:
        return [TimelineLine([], words[0].normalised, s.normalised, role, [words[0], s])
                for s in before]
    setting = setting_of(text, settings, words, step_end, rules)
    return [TimelineLine([], words[0].normalised, setting.normalised if setting else None,
                         role, [words[0]] + ([setting] if setting else []))]


def refers_back(text: str, mention: Mention, rules: TherapyRules) -> bool:
    """"this chemotherapy": the treatment under way, named again (not a protocol named by
    its code: "the ALCL99 protocol")."""
    if any(c.isdigit() for c in mention.text):
        return False
    before = text[max(0, mention.start - 20):mention.start].split()
    return bool(before) and before[-1].lower() in rules.anaphora


def same_drugs(a: TimelineLine, b: TimelineLine) -> bool:
    """``b`` goes on with ``a``'s treatment: its drugs are among ``a``'s, or, with no drug
    named, the same printed treatment in the same setting."""
    if a.drugs or b.drugs:
        return bool(b.drugs) and set(b.drugs) <= set(a.drugs)
    return a.regimen == b.regimen and (a.setting == b.setting or None in (a.setting, b.setting))


def retold(lines: list[TimelineLine], started: list[TimelineLine]) -> bool:
    """The step tells again the last lines, in their order ("After induction and
    consolidation chemotherapy" printed twice). One line told again is a line going on,
    or not (:meth:`Reading.goes_on`)."""
    last = lines[-len(started):]
    return len(started) > 1 and len(last) == len(started) and all(
        same_drugs(a, b) and a.setting == b.setting for a, b in zip(last, started))


@dataclass
class Reading:
    """The state of reading a patient's course: the lines so far, the one under way, and
    a setting waiting for the treatment its sentence names next ("standard induction
    regimen; 7 daily doses of cytarabine...")."""

    text: str
    expanded: dict[str, list[str]]
    rules: TherapyRules
    lines: list[TimelineLine] = field(default_factory=list)
    titled: list[TimelineLine] = field(default_factory=list)
    current: TimelineLine | None = None
    setting: Mention | None = None
    sentence_end: int = -1
    held: bool = False  # the line under way was held ("lorlatinib was held after day 49")
    # lines the sentence's last step started together ("After induction and consolidation
    # chemotherapy, he achieved a complete remission": the remission is both's)
    together: list[TimelineLine] = field(default_factory=list)
    # whether a step's text holds a word list's words: a step asks for some lists several
    # times (its start words when it stops a line, when it sums up, when its line is added)
    said: dict[tuple[Screened, tuple[int, int]], bool] = field(default_factory=dict)

    def says(self, words: Screened, bounds: tuple[int, int]) -> bool:
        """Whether the step ``bounds`` holds one of ``words`` (a word list of the rules)."""
        if (words, bounds) not in self.said:
            self.said[words, bounds] = words.search(self.text, *bounds) is not None
        return self.said[words, bounds]

    def step(self, step: list[Mention], bounds: tuple[int, int], role: str) -> None:
        """Read one step of a passage in ``role``."""
        if not step and (role == TITLE or not self.held):
            return  # naming nothing, a step starts and states nothing (its relapse ends a hold)
        text, rules = self.text, self.rules
        responses = [m for m in step if m.type == "response"]
        diseases = [m for m in step if m.type == "disease"]
        stop = self.stop_at(bounds) if self.current is not None else None
        if stop is not None:
            step = self.not_stopped(step, bounds, stop)
        started = new_lines(text, step, bounds, role, self.expanded, rules)
        if role == TITLE:  # a title says what, never when: not what a line was given for
            told = [r for r in responses if not says_when(text, r, bounds[0], rules)]
            for line in started:
                line.responses += stated(text, told, None, rules, diseases)
            self.titled += started
            return
        if step and step[0].sentence_end != self.sentence_end:
            self.setting, self.sentence_end, self.together = None, step[0].sentence_end, []
        if not started:
            if self.held and self.says(rules.relapse_words, bounds):
                self.held = False  # given again after this, a drug is a new line
            if len(self.together) > 1 and self.current in self.together:
                for line in self.together:
                    line.responses += stated(text, responses, None, rules, diseases)
            else:
                self.attach(responses, diseases)
            settings = [m for m in step if m.type == "setting"]
            self.setting = settings[-1] if settings else self.setting
            return
        if self.recaps(started, step, bounds):
            self.attach_to_each_drug(responses, step, diseases)
            return
        self.give_waiting_setting(started)
        if self.says(rules.relapse_words, bounds) or any(r.normalised == "PD" for r in responses):
            for line in started:
                line.failed = True
        first = min(m.start for line in started for m in line.evidence)
        earlier = [r for r in responses if (r.end <= first and CLAUSE.search(text, r.end, first))
                   or (r.start > first and says_when(text, r, bounds[0], rules))]
        self.attach(earlier, diseases)
        for line, told in responses_by_line(started, [r for r in responses if r not in earlier]):
            line.responses += stated(text, told, self.current, rules, diseases)
        if not self.says(rules.restart_words, bounds) and retold(self.lines, started):
            for old, new in zip(self.lines[-len(started):], started):
                old.takes(new)
            self.together = self.lines[-len(started):]
            return
        for line in started:
            self.add(line, bounds)
        self.together = [line for line in started if line in self.lines]

    def stop_at(self, bounds: tuple[int, int]) -> int | None:
        """Where a step says the line under way stops: at its stop word ("discontinued"),
        or at the end of a step "switched from" a drug, cut before the "to" of the next
        (:func:`cut_steps`); None when it says nothing of a stop."""
        text, rules = self.text, self.rules
        stopped = rules.stop_words.search(text, *bounds)
        if stopped is not None:
            return stopped.start()
        switched = rules.switched_from.search(text, bounds[0], bounds[1] + len(" to "))
        return bounds[1] if switched and switched.end() == bounds[1] else None

    def not_stopped(self, step: list[Mention], bounds: tuple[int, int], stop: int
                    ) -> list[Mention]:
        """What a step that stops the line under way at ``stop`` starts. Told to start
        nothing, no drug named after its stop word ("osimertinib was discontinued for
        pneumonitis, which improved with prednisolone"), but a drug named before it with a
        setting or response is a line stopped although no start is told ("third-line
        regorafenib was stopped at progression"; not "escitalopram and the statin were
        discontinued"). Told to start something, the line under way's drugs named before
        the stop are no part of it but the line's own evidence ("crizotinib was
        discontinued and entrectinib was initiated", "switched from gefitinib| to ...")."""
        current = self.current.drugs
        if self.says(self.rules.start_words, bounds):
            stopped = [m for m in step if is_treatment(m) and m.end <= stop
                       and m.normalised in current]
            self.current.evidence += [m for m in stopped if m not in self.current.evidence]
            return [m for m in step if m not in stopped]
        told = any(m.type in ("response", "setting") for m in step)
        return [m for m in step if not is_treatment(m) or (told and m.end <= stop)
                or m.normalised in current]

    def recaps(self, started: list[TimelineLine], step: list[Mention], bounds: tuple[int, int]
               ) -> bool:
        """The step sums up earlier lines, each by its drug ("a partial response to
        gefitinib and a complete response on osimertinib"), or tells again of one that is
        not the line under way ("at progression on alectinib", after brigatinib; "he is well
        on imatinib", after a course of prednisolone):
        every drug named has a line of its own already, no one line holds them all (or the
        one drug is not the line under way's), and nothing is said to start."""
        drugs = [drug for line in started for drug in line.drugs]
        if not drugs or any(line.regimen for line in started):
            return False
        told = [line for line in self.lines if line.role not in (FRAMING, TITLE)]
        if len(drugs) == 1:  # not given in a phase of its own ("continues dasatinib maintenance")
            retells = (self.current is not None and drugs[0] not in self.current.drugs
                       and not any(line.setting for line in started)
                       and any(drugs[0] in line.drugs for line in told
                               if line is not self.current))
        else:
            retells = (all(any(d in line.drugs for line in told) for d in drugs)
                       and not any(set(drugs) <= set(line.drugs) for line in self.lines))
        # the step's words are looked for last: most steps' drugs alone tell no recap
        words = (self.rules.start_words, self.rules.add_words, self.rules.restart_words)
        return retells and not any(self.says(w, bounds) for w in words)

    def attach_to_each_drug(self, responses: list[Mention], step: list[Mention],
                            diseases: list[Mention]) -> None:
        """Each response of a summing-up step to the line of the drug it is told of: the
        drug right after it ("a partial response to gefitinib"), else the nearest before."""
        named = [m for m in step if is_treatment(m)]
        for response in responses:
            after = [m for m in named if m.start >= response.end
                     and not any(response.end <= r.start < m.start for r in responses)]
            before = [m for m in named if m.end <= response.start]
            drug = after[0] if after else (before[-1] if before else None)
            line = next((line for line in reversed(self.lines) if line.role not in (FRAMING, TITLE)
                         and drug is not None and drug.normalised in line.drugs), None)
            if line is not None:
                line.responses += stated(self.text, [response], None, self.rules, diseases)

    def give_waiting_setting(self, started: list[TimelineLine]) -> None:
        if self.setting is not None:
            for line in started:
                if line.setting is None:
                    line.setting = self.setting.normalised
                    line.evidence.append(self.setting)
            self.setting = None

    def attach(self, responses: list[Mention], diseases: list[Mention]) -> None:
        if self.current is not None:
            previous = self.lines[-2] if len(self.lines) > 1 else None
            self.current.responses += stated(self.text, responses, previous, self.rules,
                                             diseases)

    def add(self, line: TimelineLine, step: tuple[int, int]) -> None:
        """The step's line joins the line under way when it goes on with its drugs: the
        same drugs not said to be started again (a restart after a hold is the same line
        going on; after progression, the drugs given again are a new line), some of them
        given on (not treated with anew), or drugs added to it."""
        current, rules = self.current, self.rules
        # with no line under way, nothing can go on: its words are not looked for
        if current is not None and same_drugs(current, line) and self.says(rules.hold_words, step):
            self.held = True
        if current is not None and self.goes_on(current, line, step):
            current.drugs = unique(current.drugs + line.drugs)
            current.takes(line)
            return
        self.lines.append(line)
        self.current, self.held = line, False

    def goes_on(self, current: TimelineLine, line: TimelineLine, step: tuple[int, int]) -> bool:
        """Whether ``line`` goes on with ``current``: what the lines hold decides first,
        the step's words (each looked for only when asked) after."""
        rules = self.rules
        if current.role == FRAMING and line.role != FRAMING:
            return False  # the story tells the framed line itself; they meet in story order
        if line.drugs and self.says(rules.add_words, step):
            # "added to consolidation chemotherapy" after induction: a line of its own
            return not (line.setting and current.setting and line.setting != current.setting)
        if not same_drugs(current, line) or (
                line.setting and current.setting and line.setting != current.setting):
            return False
        if line.setting in rules.phase_settings and line.setting != current.setting and (
                current.setting is not None or set(line.drugs) != set(current.drugs)):
            # some of the drugs given on in a phase of their own ("carboplatin, pemetrexed
            # and bevacizumab, followed by pemetrexed and bevacizumab maintenance"); the
            # same drugs named with their phase ("crizotinib maintenance") go on
            return False
        restarted = self.says(rules.restart_words, step)
        if not restarted and set(line.drugs) == set(current.drugs) \
                and self.says(rules.continue_words, step):
            return True
        progressed = current.response_is("PD")
        if restarted:
            return self.held and not progressed and not self.says(rules.relapse_words, step)
        equal = set(line.drugs) == set(current.drugs)
        return not ((progressed or not equal) and self.says(rules.start_words, step))


def timeline_lines(text: str, passages: list[Passage], mentions: list[Mention],
                   expanded: dict[str, list[str]], ignored: frozenset[str] = IGNORED
                   ) -> list[TimelineLine]:
    """The therapy lines of the patient whose passages these are, in their order."""
    reading = Reading(text, expanded, therapy_rules())
    # only the mentions inside the passages are read (a table cell's few of a document's)
    start, end = reach((p.start, p.end) for p in passages)
    ordered = sorted((m for m in mentions if start <= m.start < end and usable(m, ignored)),
                     key=lambda m: m.start)
    starts = [m.start for m in ordered]
    for passage in sorted(passages, key=lambda p: p.start):
        if not starting_within(ordered, starts, passage.start, passage.end) \
                and (passage.role == TITLE or not reading.held):
            continue  # its steps would name nothing: not cut (:meth:`Reading.step`)
        for bounds in steps(text, passage.start, passage.end, reading.rules):
            reading.step(starting_within(ordered, starts, *bounds), bounds, passage.role)
    series = any(len(p.patients) > 1 for p in passages)
    return in_story_order(without_counted_lines(reading.lines) + reading.titled, series)


def without_counted_lines(lines: list[TimelineLine]) -> list[TimelineLine]:
    """A treatment printed as several lines ("progressed through 8 lines of chemotherapy")
    sums up the lines the story tells after it; it is a line of its own (guidelines: "3
    lines of chemotherapy") only when the story tells fewer than two after it."""
    kept = []
    for n, line in enumerate(lines):
        if not line.drugs and line.regimen and SEVERAL_LINES.match(line.regimen) \
                and sum(1 for later in lines[n + 1:] if later.role == line.role) >= 2:
            continue
        kept.append(line)
    return kept


def in_story_order(lines: list[TimelineLine], series: bool = False) -> list[TimelineLine]:
    """The detailed story's lines in its order. A summary (an abstract) tells the same
    lines in the same order: each of its lines completes the next story line with its
    drugs; a line of the framing sentences or the title completes any line with its
    drugs. The summary's other lines come after the story's when it tells none of
    them in detail, and the framing's last (but for those it says failed, "who relapsed
    after hyper-CVAD": they come first); in a ``series`` whose story tells this
    patient's course, the framing speaks of the group, and its other lines are some
    other patient's."""
    told = [line for line in lines if line.role == DETAIL]
    for role in ROLE_STRENGTH[1:]:
        kept, position = [], 0
        for line in (line for line in lines if line.role == role):
            candidates = range(position, len(told)) if role == SUMMARY else range(len(told))
            matching = [n for n in candidates if compatible(told[n], line)]
            match = next((n for n in matching if told[n].setting == line.setting),
                         matching[0] if matching else None)
            if match is not None:
                told[match].takes(line)
                position = match + 1 if role == SUMMARY else position
            elif role == SUMMARY and told and not line.drugs:
                continue  # a summary's "chemotherapy" is a line the story tells in detail
            elif series and role in (FRAMING, TITLE) and any(t.role == DETAIL for t in told):
                continue
            else:
                kept.append(line)
        earlier = [line for line in kept if line.role == FRAMING and line.failed]
        told = earlier + told + [line for line in kept if line not in earlier]
    return told


def compatible(told: TimelineLine, line: TimelineLine) -> bool:
    """The same line told twice: the same drugs (one's among the other's), in no
    different setting."""
    return ((same_drugs(told, line) or same_drugs(line, told))
            and not (told.setting and line.setting and told.setting != line.setting))


def story_lines(text: str, passages: list[Passage], mentions: list[Mention],
                expanded: dict[str, list[str]], ignored: frozenset[str] = IGNORED) -> list[Line]:
    """A patient's therapy lines, from the passages that speak of it."""
    return [line.as_line()
            for line in timeline_lines(text, passages, mentions, expanded, ignored)]


def stretch(start: int, end: int) -> Passage:
    """A stretch of text told as one patient's short story."""
    return Passage(start, end, DETAIL, frozenset({1}))


def stretch_lines(text: str, start: int, end: int, mentions: list[Mention],
                  expanded: dict[str, list[str]], ignored: frozenset[str] = IGNORED
                  ) -> list[Line]:
    """The lines of one stretch read as a short story: a table cell ("Primary induction
    failure to 7+3 → MEC with CR"), a caption, a footnote, one sentence."""
    return story_lines(text, [stretch(start, end)], mentions,
                       expanded, ignored)
