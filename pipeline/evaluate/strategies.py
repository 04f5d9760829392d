"""How two values are "the same": one small function per matching scheme.

- :func:`exact` — sets of normal forms (each value once, however often it is listed);
- :func:`ordered_pairs` — fusions by 5'::3' pair, reversals reported as orientation errors;
- :func:`fusion_details` — second tier: each stated exon, transcript or breakpoint;
- :func:`same_words` — diagnosis and site: the gold's naming words within ours;
- :func:`same_age` — ages within 0.05 years (months written as fractions);
- :func:`therapy_lines` — lines matched by their drugs and regimen, then drugs, responses,
  settings and order compared line by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from pipeline.evaluate.rules import course_words, text_rules
from pipeline.schema import FUSION_DETAILS, Fusion, Therapy
AGE_TOLERANCE = 0.05


@dataclass
class Counts:
    """True positives, false positives and false negatives, as the values themselves."""

    tp: list[str] = field(default_factory=list)
    fp: list[str] = field(default_factory=list)
    fn: list[str] = field(default_factory=list)

    def extend(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


def exact(predicted: Iterable[str], gold: Iterable[str]) -> Counts:
    found, expected = set(predicted), set(gold)
    return Counts(sorted(found & expected), sorted(found - expected), sorted(expected - found))


def ordered_pairs(predicted: list[Fusion], gold: list[Fusion]) -> tuple[Counts, list[str]]:
    """Fusions matched on their ordered pair; also the predicted names that are reversals
    of a missed gold pair (each stays one FP and one FN: the orientation is wrong)."""
    counts = exact((f.name for f in predicted), (f.name for f in gold))
    missed = set(counts.fn)
    reversed_ = [name for name in counts.fp if "::".join(reversed(name.split("::"))) in missed]
    return counts, reversed_


def detail_units(fusions: list[Fusion]) -> set[str]:
    return {f"{fusion.name} {detail}={getattr(fusion, detail)}"
            for fusion in fusions for detail in FUSION_DETAILS
            if getattr(fusion, detail) is not None}


def fusion_details(predicted: list[Fusion], gold: list[Fusion]) -> Counts:
    """Each stated detail of a fusion is one unit: "EML4::ALK five_prime_exon=13"."""
    return exact(detail_units(predicted), detail_units(gold))


def folded(text: str) -> str:
    """Lower case, with the spelling variants of ``spelling.yaml`` (British to US...)."""
    text = text.lower()
    for pattern, replacement in text_rules().variants:
        text = pattern.sub(replacement, text)
    return text


def normalise_text(text: str) -> str:
    """:func:`folded`, hyphens dropped, punctuation to spaces ("FLAG-IDA" = "FLAGIDA")."""
    return " ".join(re.findall(r"[a-z0-9]+", folded(text).replace("-", "").replace("‐", "")))


def singular(word: str) -> str:
    rules = text_rules()
    if len(word) <= 3 or word.endswith(rules.not_plural):
        return word
    for ending, replacement in rules.plural_endings:
        if word.endswith(ending):
            return word[:-len(ending)] + replacement
    return word


def words(text: str) -> str:
    """:func:`folded`, hyphens and punctuation as spaces: a name's words."""
    return " ".join(re.findall(r"[a-z0-9]+", folded(text)))


def name_words(text: str) -> set[str]:
    return {singular(word) for word in words(text).split()}


def naming_words(text: str) -> set[str]:
    """The words that name the disease or site: all but function words, stage and grade
    numbers and course words ("metastatic", "relapsed"); all of them when nothing else is
    left."""
    rules = text_rules()
    kept = words(text)
    for pattern in rules.stage_words:
        kept = pattern.sub(" ", kept)
    ignored = rules.function_words | course_words()
    return {singular(word) for word in kept.split() if word not in ignored} or name_words(text)


def same_words(predicted: str | None, gold: str | None) -> bool:
    """Every word naming the gold's disease or site (:func:`naming_words`) is in ours, in
    any order; ours may say more ("lung adenocarcinoma" ~ "adenocarcinoma of the lung";
    "refractory acute myeloid leukemia" ~ "acute myeloid leukemia"; "leukemia" is not
    "acute myeloid leukemia"). A name with no words agrees only with another."""
    if predicted is None or gold is None:
        return predicted is None and gold is None
    required, said = naming_words(gold), name_words(predicted)
    return required <= said if required else not said


def same_age(predicted: float | None, gold: float | None) -> bool:
    if predicted is None or gold is None:
        return predicted is None and gold is None
    return abs(predicted - gold) < AGE_TOLERANCE


def line_tokens(line: Therapy) -> set[str]:
    tokens = set(line.drugs)
    if line.regimen:
        tokens.add(f"regimen:{normalise_text(line.regimen)}")
    return tokens


NO_DRUG = "no drug named"


def line_label(index: int, line: Therapy) -> str:
    what = ", ".join(line.drugs) or (line.regimen or NO_DRUG)
    return f"line {index + 1}: {what}"


def match_lines(predicted: list[Therapy], gold: list[Therapy]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching by drug/regimen overlap (Jaccard), nearest position first
    on ties; lines sharing nothing are not matched. Order is not assumed, so it can be scored."""
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            a, b = line_tokens(p), line_tokens(g)
            if a & b:
                candidates.append((len(a & b) / len(a | b), -abs(i - j), i, j))
    used_p, used_g, pairs = set(), set(), []
    for _, _, i, j in sorted(candidates, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return sorted(pairs)


# What each matched line is scored on, as a list of values (a response or a setting is
# one value when stated).
LINE_VALUES: dict[str, Callable[[Therapy], list[str]]] = {
    "drugs": lambda line: line.drugs,
    "responses": lambda line: [line.response] if line.response else [],
    "settings": lambda line: [line.setting] if line.setting else [],
}
LINE_PREFIX = re.compile(r"^(?:unmatched )?line \d+: ")


def line_value(label: str) -> str:
    """The value of a per-line label ("line 2: crizotinib" -> "crizotinib")."""
    return LINE_PREFIX.sub("", label, count=1)


@dataclass
class TherapyComparison:
    lines: Counts
    drugs: Counts
    responses: Counts
    settings: Counts
    order_agreed: int
    order_total: int


def per_line(predicted: list[Therapy], gold: list[Therapy], pairs: list[tuple[int, int]],
             values: Callable[[Therapy], list[str]]) -> Counts:
    """Values of matched lines compared as sets, labelled by the gold line; every value of
    an unmatched line is an FP (ours) or an FN (the gold's)."""
    counts = Counts()
    for i, j in pairs:
        both = exact(values(predicted[i]), values(gold[j]))
        prefix = f"line {j + 1}: "
        counts.tp += [prefix + value for value in both.tp]
        counts.fp += [prefix + value for value in both.fp]
        counts.fn += [prefix + value for value in both.fn]
    matched_p, matched_g = {i for i, _ in pairs}, {j for _, j in pairs}
    counts.fp += [f"unmatched line {i + 1}: {value}" for i, line in enumerate(predicted)
                  if i not in matched_p for value in values(line)]
    counts.fn += [f"line {j + 1}: {value}" for j, line in enumerate(gold)
                  if j not in matched_g for value in values(line)]
    return counts


def therapy_lines(predicted: list[Therapy], gold: list[Therapy]) -> TherapyComparison:
    """Lines matched (:func:`match_lines`), then per line: drugs as sets, the best response
    and the setting as one unit each when stated, and order as the share of matched-line
    pairs in gold's order."""
    pairs = match_lines(predicted, gold)
    matched_p, matched_g = {i for i, _ in pairs}, {j for _, j in pairs}
    lines = Counts(
        tp=[line_label(j, gold[j]) for _, j in pairs],
        fp=[line_label(i, line) for i, line in enumerate(predicted) if i not in matched_p],
        fn=[line_label(j, line) for j, line in enumerate(gold) if j not in matched_g],
    )
    drugs, responses, settings = (per_line(predicted, gold, pairs, values)
                                  for values in LINE_VALUES.values())
    comparisons = [(a, b) for k, a in enumerate(pairs) for b in pairs[k + 1:]]
    agreed = sum(1 for (_, ja), (_, jb) in comparisons if ja < jb)
    return TherapyComparison(lines, drugs, responses, settings, agreed, len(comparisons))


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Rates with the usual conventions: nothing to find and nothing found is perfect."""
    precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
