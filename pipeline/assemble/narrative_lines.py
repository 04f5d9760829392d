"""Therapy lines from a patient's story, sentence by sentence.

Each step of a sentence that names anticancer drugs or a regimen is a line ("He was
initially treated with 7+3 (cytarabine and daunorubicin) without response"); its
response is the first one stated after the drugs, in the step or in the sentences that
follow before the next treatment ("A second induction consisting of FLAG-IDA was
attempted. Post-therapy PET revealed partial response"). A sentence that goes on with
the same drugs continues their line unless it restarts them ("lorlatinib was resumed").
Drugs named after a supportive purpose ("GVHD prophylaxis using tacrolimus") are no line,
nor is a treatment only planned ("lorlatinib was planned to resume on day +60").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Callable

from pipeline.assemble.therapies import (Line, course_steps, first_response, line_from,
                                         treatments, within)
from pipeline.resources import check_keys, check_str_list, load_resource, words_pattern
from pipeline.schema import Mention

FILE = "therapy_rules.yaml"


@dataclass(frozen=True)
class TherapyRules:
    supportive_drugs: frozenset[str]
    supportive_words: re.Pattern
    restart_words: re.Pattern
    intent_words: re.Pattern


@lru_cache(maxsize=1)
def therapy_rules() -> TherapyRules:
    data = load_resource(FILE)
    keys = ["supportive_drugs", "supportive_words", "restart_words", "intent_words"]
    check_keys(data, file=FILE, where="top level", required=keys)
    lists = {key: check_str_list(data[key], file=FILE, where="top level", key=key) for key in keys}
    return TherapyRules(frozenset(lists["supportive_drugs"]),
                        words_pattern(lists["supportive_words"]),
                        words_pattern(lists["restart_words"]),
                        words_pattern(lists["intent_words"]))


def sentences(mentions: list[Mention]) -> list[list[Mention]]:
    grouped: dict[int, list[Mention]] = {}
    for mention in mentions:
        grouped.setdefault(mention.sentence_start, []).append(mention)
    return [grouped[start] for start in sorted(grouped)]


def anticancer(text: str, step: list[Mention], rules: TherapyRules) -> list[Mention]:
    """The step's mentions without supportive drugs and those named after a supportive
    purpose in the same clause ("GVHD prophylaxis using tacrolimus, methotrexate and
    abatacept"; not "after prophylaxis with tacrolimus, lorlatinib was resumed")."""
    if not step:
        return step
    sentence_start = step[0].sentence_start
    for mention in treatments(step):
        clause = max(text.rfind(",", sentence_start, mention.start),
                     text.rfind(";", sentence_start, mention.start), sentence_start)
        if rules.supportive_words.search(text, clause, mention.start):
            step = [m for m in step if m.start < mention.start]
            break
    return [m for m in step if m.normalised not in rules.supportive_drugs]


def later_response(grouped: list[list[Mention]], after: int) -> Mention | None:
    """The first response stated in the sentences after sentence ``after``, before the
    next treatment."""
    for sentence in grouped[after + 1:]:
        if treatments(sentence):
            return None
        found = first_response(sentence)
        if found is not None:
            return found
    return None


def one_after_another(text: str, named: list[Mention]) -> bool:
    """A comma list of three or more treatments with a regimen among them is a sequence of
    lines ("treated with CHOP, gemcitabine-based therapy, pralatrexate, and brentuximab"),
    not one combination: a regimen acronym is a whole line by itself."""
    return (len(named) >= 3 and any(m.type == "regimen" for m in named)
            and all("," in text[a.end:b.start] for a, b in zip(named, named[1:])))


def step_lines(text: str, step: list[Mention], later: Callable[[], Mention | None],
               expanded: dict[str, list[str]]) -> list[Line]:
    named = treatments(step)
    after = [m for m in step if m.start >= named[0].start]
    stated = first_response(after) or first_response(step) or later()
    parts = [[m] + [s for s in step if s.type == "setting"] for m in named] \
        if one_after_another(text, named) else [step]
    lines = [line_from(part, expanded, response=stated) for part in parts]
    return [line for line in lines if line is not None]


def narrative_lines(text: str, own: list[Mention], expanded: dict[str, list[str]]) -> list[Line]:
    rules = therapy_rules()
    lines: list[Line] = []
    grouped = sentences(own)
    for number, sentence in enumerate(grouped):
        start, end = sentence[0].sentence_start, sentence[0].sentence_end
        for step_start, step_end in course_steps(text, start, end):
            step = anticancer(text, within(sentence, step_start, step_end), rules)
            if not treatments(step) or rules.intent_words.search(text, step_start, step_end):
                continue
            restarted = rules.restart_words.search(text, step_start, step_end) is not None
            later = partial(later_response, grouped, number)  # looked up only when needed
            for line in step_lines(text, step, later, expanded):
                lines = continued(lines, line, restarted)
    return lines


def continued(lines: list[Line], line: Line, restarted: bool) -> list[Line]:
    """Lines with ``line`` added, or merged into the last one when it goes on with the
    same drugs and nothing says they were restarted."""
    previous = lines[-1].therapy if lines else None
    if (previous is not None and previous.drugs == line.therapy.drugs
            and previous.regimen == line.therapy.regimen and not restarted):
        previous.response = previous.response or line.therapy.response
        previous.setting = previous.setting or line.therapy.setting
        lines[-1].evidence += line.evidence
        return lines
    return [*lines, line]
