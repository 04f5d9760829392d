"""Drugs: INNs, brand names, synonyms and research codes -> lower-case INN, judged in
context. Rules are data: ``resources/drug_rules.yaml``; names come from the lexicon built
from four vocabularies (:mod:`pipeline.lexicons.drugs`).

Where a candidate comes from, most trusted first:

- a drug product named like a gene product ("G-CSF" -> "g-csf", printed lower-case);
- an abbreviation the document defines as a drug ("GO: gemtuzumab ozogamicin") or as a
  mix of drugs ("CPX-351: liposomal daunorubicin/cytarabine" -> "cpx-351");
- the lexicon, matched case-blind on the raw characters;
- a clinical abbreviation of a drug no vocabulary lists ("GO" in AML induction);
- a research code no vocabulary lists ("ASP3062"), kept lower-case as printed.

Strong candidates count at once: INNs, codes in the lexicon, an antibody-drug conjugate's
antibody word ("brentuximab" -> brentuximab vedotin), multi-word synonyms, defined
abbreviations and products. Weak ones (brands, one-word synonyms and common names,
chemicals, abbreviations, unknown codes, and INNs that are mostly something else, such
as amino acids) need evidence: a therapy cue close by ("treated", "mg", "induction"), a
table column of therapies, a ® or ™, a place in a list with another accepted drug, or
the same drug accepted elsewhere in the document. A one-word weak name of four letters
or fewer counts only in capitals ("MTX", "SAMe"; not "His", "same", "Fig"), and a brand or
common name that is an ordinary word only in capitals ("Program", "Versus").

Never drugs: a name inside a gene, variant, fusion or regimen mention ("MET", "the glycine at
position 161 ..."); a name before an enzyme, residue or class word ("tyrosine kinase",
"platinum-based"); tracers and contrast agents (FDG); a code naming cells or a level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.lexicons import DrugEntry, DrugLexicon, GeneLexicon, common_words, drug_lexicon, gene_lexicon
from pipeline.resources import (check_keys, check_str_list, check_type, load_resource,
                                 words_pattern)
from pipeline.settings import get_settings
from pipeline.tag.abbreviations import abbreviations
from pipeline.tag.context import (Sentence, doc_sentences, in_ranges, listed_beside, out_of_scope,
                                  sentence_at)
from pipeline.tag.evidence import ACCEPT, STRONG, WEAK, Evidence
from pipeline.tag.matching import find_terms
from pipeline.tag.model_mentions import inside, model_mentions, unknown_entities
from pipeline.tag.tables import column_header
from pipeline.tag.tags import Tag, add_tags, doc_tags, doc_text, remove_tags
from pipeline.tag.variant_words import vocabulary as amino_acid_vocabulary

FILE = "drug_rules.yaml"
MAX_DRUG_WORDS = 4
STRONG_KINDS = frozenset({"inn", "short", "code"})
# A research code: capitals, then three or more digits ("ASP3062", "CPX-351").
RESEARCH_CODE = re.compile(r"(?<![A-Za-z0-9-])[A-Z]{2,5}-?\d{3,7}[A-Z]?(?![A-Za-z0-9]|-[A-Za-z0-9])")
NOT_A_THERAPY_AFTER = re.compile(r"^\s+(?:cells?|cell\s+lines?|xenografts?|models?|levels?|"
                                 r"antigen|values?)\b", re.IGNORECASE)
LIST_JOIN = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+|then\s+)?|and\s+|or\s+|plus\s+|with\s+|/|\+|"
                       r"→|->|,?\s*followed\s+by\s+)\s*$", re.IGNORECASE)
# Where a candidate comes from, most trusted first (an overlap keeps the more trusted).
SOURCES = ("product", "defined", "lexicon", "abbreviation", "code")
# Mentions whose characters no drug shares ("MET" the gene, "FLAG-IDA" the regimen).
TAKEN_TYPES = ("gene", "variant", "fusion", "regimen")


# right after a name: "tyrosine kinase", "ALK-containing"
NAME_WORD_BEFORE = r"^(?:\s+|(?=-))"


@dataclass(frozen=True)
class DrugRules:
    evidence: Evidence
    therapy_columns: re.Pattern
    not_drug_after: re.Pattern
    diagnostic: re.Pattern
    context_only: frozenset[str]
    classes: frozenset[str]
    products: re.Pattern
    abbreviations: dict[str, str]

    @classmethod
    def from_dict(cls, data: dict) -> "DrugRules":
        lists = ["therapy_columns", "not_drug_after", "diagnostic_agents", "context_only",
                 "classes", "products"]
        check_keys(data, file=FILE, where="top level",
                   required=lists + ["evidence", "abbreviations"])
        values = {key: check_str_list(data[key], file=FILE, where="top level", key=key)
                  for key in lists}
        named = check_type(data["abbreviations"], dict, file=FILE, where="top level",
                           key="abbreviations", description="a mapping of abbreviation to INN")
        products = "|".join(re.escape(p) for p in sorted(values["products"], key=len, reverse=True))
        amino_acids = amino_acid_vocabulary()[0]
        return cls(
            evidence=Evidence.from_list(data["evidence"], file=FILE),
            therapy_columns=words_pattern(values["therapy_columns"]),
            not_drug_after=words_pattern(values["not_drug_after"], NAME_WORD_BEFORE),
            diagnostic=re.compile("|".join(f"(?:{p})" for p in values["diagnostic_agents"])),
            context_only=frozenset(values["context_only"]) | frozenset(amino_acids),
            classes=frozenset(word.lower() for word in values["classes"]),
            products=re.compile(rf"(?<![A-Za-z0-9-])(?:{products})(?![A-Za-z0-9]|-[A-Za-z0-9])"),
            abbreviations={str(k): str(v).lower() for k, v in named.items()},
        )


@lru_cache(maxsize=1)
def drug_rules() -> DrugRules:
    return DrugRules.from_dict(load_resource(FILE))


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    drug: str
    source: str  # one of SOURCES
    rule: str
    strong: bool


def printed_as_name(printed: str, entry: DrugEntry) -> bool:
    """Brand names are often ordinary words: only a capitalised one is a brand."""
    return entry.kind != "brand" or printed[:1].isupper()


def lexicon_strength(printed: str, entry: DrugEntry, rules: DrugRules,
                     words: frozenset[str]) -> str:
    """strong | weak | reject, from the printed form and the kind of name it is."""
    key = printed.lower()
    strong = entry.kind in STRONG_KINDS or (entry.kind == "synonym" and len(key.split()) > 1)
    one_word = not strong and len(key.split()) == 1
    if one_word and ((len(key) <= 4 and (printed.islower() or printed.istitle()))
                     or (entry.kind in ("brand", "common") and key in words and not printed.isupper())):
        return "reject"  # "His" (histidine), "same" (SAMe), "Fig", "Program", "Versus": words
    if entry.inn in rules.context_only or key in rules.context_only:
        return "weak"
    return "strong" if strong else "weak"


def lexicon_candidates(text: str, lexicon: DrugLexicon, rules: DrugRules,
                       words: frozenset[str]) -> list[Candidate]:
    found = []
    for match, entry in find_terms(text, lexicon.names, max_words=MAX_DRUG_WORDS, lower=True,
                                   accept=printed_as_name, by_first_word=True):
        printed = text[match.start:match.end]
        verdict = lexicon_strength(printed, entry, rules, words)
        if verdict != "reject" and printed.lower() not in rules.classes:
            found.append(Candidate(match.start, match.end, entry.inn, "lexicon",
                                   f"drug.{entry.kind}", verdict == "strong"))
    return found


def product_candidates(text: str, rules: DrugRules) -> list[Candidate]:
    return [Candidate(m.start(), m.end(), m.group(0).lower(), "product", "drug.product", True)
            for m in rules.products.finditer(text)]


def letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


def defined_drugs(long_form: str, lexicon: DrugLexicon, rules: DrugRules,
                  words: frozenset[str]) -> tuple[set[str], bool]:
    """The drugs a defined abbreviation's long form names, when drug names make up most
    of it ("liposomal daunorubicin/cytarabine" does, "kinase suppressor Ras" does not), and
    whether every name is strong. A weak name ("adriamycin (ADR)") makes its short form as
    weak: it is a drug where the name is, e.g. near "chemotherapy" or once accepted."""
    hits = []
    for m, entry in find_terms(long_form, lexicon.names, max_words=MAX_DRUG_WORDS, lower=True,
                               accept=printed_as_name):
        verdict = lexicon_strength(long_form[m.start:m.end], entry, rules, words)
        if verdict != "reject" and not rules.not_drug_after.match(long_form[m.end:]):
            hits.append((m, entry, verdict == "strong"))
    covered = sum(letters(long_form[m.start:m.end]) for m, _, _ in hits)
    if 2 * covered <= letters(long_form):
        return set(), False
    return {entry.inn for _, entry, _ in hits}, all(strong for _, _, strong in hits)


def short_form_pattern(short: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9-]){re.escape(short)}(?![A-Za-z0-9]|-[A-Za-z0-9])")


def defined_candidates(text: str, defined: dict[str, str], lexicon: DrugLexicon, rules: DrugRules,
                       words: frozenset[str]) -> list[Candidate]:
    """Uses of abbreviations the document defines as a drug (its INN) or as a mix of
    drugs with a code name (the code, lower-case, as the guidelines keep "cpx-351")."""
    found = []
    for short, long_form in defined.items():
        drugs, strong = defined_drugs(long_form, lexicon, rules, words)
        if not drugs or short.lower() in drugs:
            continue
        if len(drugs) > 1 and not any(char.isdigit() for char in short):
            continue  # "FLAG-IDA (fludarabine, cytarabine, ...)": a regimen, no product
        drug = drugs.pop() if len(drugs) == 1 else short.lower()
        found += [Candidate(m.start(), m.end(), drug, "defined", "drug.defined_abbreviation", strong)
                  for m in short_form_pattern(short).finditer(text)]
    return found


def abbreviation_candidates(text: str, rules: DrugRules) -> list[Candidate]:
    return [Candidate(m.start(), m.end(), drug, "abbreviation", "drug.abbreviation", False)
            for short, drug in rules.abbreviations.items()
            for m in short_form_pattern(short).finditer(text)]


def code_candidates(text: str, genes: GeneLexicon) -> list[Candidate]:
    """Research-code shapes that are no gene symbol ("CA125" is MUC16's alias)."""
    return [Candidate(m.start(), m.end(), m.group(0).lower(), "code", "drug.research_code", False)
            for m in RESEARCH_CODE.finditer(text)
            if m.group(0) not in genes.printed_forms
            and not NOT_A_THERAPY_AFTER.match(text[m.end():m.end() + 20])]


def named_as_short_form(candidates: list[Candidate], defined: dict[str, str],
                        text: str) -> list[Candidate]:
    """A spelled-out name takes its abbreviation's drug, so one drug is not recorded under
    two names: "G-CSF: granulocyte colony-stimulating factor" is g-csf, not filgrastim."""
    by_short: dict[str, str] = {}
    for c in sorted(candidates, key=lambda c: SOURCES.index(c.source)):  # most trusted first
        if c.source in ("product", "defined"):
            by_short.setdefault(text[c.start:c.end], c.drug)
    by_long = {long.lower(): by_short[short] for short, long in defined.items() if short in by_short}
    return [replace(c, drug=by_long[text[c.start:c.end].lower()])
            if c.source == "lexicon" and text[c.start:c.end].lower() in by_long else c
            for c in candidates]


def most_trusted(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, the more trusted source (then the longer) winning."""
    ranked = sorted(candidates, key=lambda c: (SOURCES.index(c.source), c.start - c.end))
    kept: list[Candidate] = []
    for candidate in ranked:
        if not any(k.start < candidate.end and candidate.start < k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.start)


class DrugTagger:
    """spaCy component ``caselit_drugs``."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        settings = get_settings()
        self.lexicon = drug_lexicon(settings)
        self.genes = gene_lexicon(settings)
        self.words = common_words(settings)
        self.rules = drug_rules()

    def __call__(self, doc: Doc) -> Doc:
        taken = [(t.start, t.end) for t in doc_tags(doc)
                 if t.type in TAKEN_TYPES and t.normalised is not None]  # not a model's guess
        drugs = self.judge(doc, doc_text(doc), taken)
        named = [(d.start, d.end) for d in drugs if d.normalised is not None]
        # a model's gene guess over a name the drug lexicon knows is the drug
        remove_tags(doc, lambda t: t.type == "gene" and t.normalised is None and any(
            start < t.end and t.start < end for start, end in named))
        add_tags(doc, drugs)
        return doc

    def candidates(self, text: str, defined: dict[str, str]) -> list[Candidate]:
        rules = self.rules
        found = (product_candidates(text, rules)
                 + defined_candidates(text, defined, self.lexicon, rules, self.words)
                 + lexicon_candidates(text, self.lexicon, rules, self.words)
                 + abbreviation_candidates(text, rules) + code_candidates(text, self.genes))
        return most_trusted(named_as_short_form(found, defined, text))

    def vetoed(self, text: str, candidate: Candidate, taken: list[tuple[int, int]]) -> bool:
        return (any(start < candidate.end and candidate.start < end for start, end in taken)
                or bool(self.rules.not_drug_after.match(text[candidate.end:candidate.end + 30]))
                or bool(self.rules.diagnostic.search(candidate.drug)))

    def score(self, doc: Doc, text: str, candidate: Candidate, sentence: Sentence | None,
              in_scope: bool) -> int:
        """The candidate's evidence (:mod:`pipeline.tag.evidence`), a therapy column
        counting as a therapy word."""
        score = self.rules.evidence.score(STRONG if candidate.strong else WEAK, text,
                                          candidate.start, candidate.end, sentence,
                                          in_scope=in_scope)
        if score < ACCEPT and in_scope:
            header = column_header(doc, candidate.start)
            score += header is not None and bool(self.rules.therapy_columns.search(header))
        return score

    def judge(self, doc: Doc, text: str, taken: list[tuple[int, int]]) -> list[Tag]:
        sentences = doc_sentences(doc)
        excluded = out_of_scope(doc)
        proposed = model_mentions(doc, "drug")
        all_candidates = self.candidates(text, abbreviations(doc))
        candidates = [c for c in all_candidates if not self.vetoed(text, c, taken)]
        accepted: dict[int, Candidate] = {}
        weak: list[int] = []
        for index, candidate in enumerate(candidates):
            in_scope = not in_ranges(candidate.start, excluded)
            score = self.score(doc, text, candidate, sentence_at(sentences, candidate.start),
                               in_scope) + inside(candidate.start, candidate.end, proposed)
            if score >= ACCEPT:
                accepted[index] = candidate
            elif score == WEAK:
                weak.append(index)
        changed = True
        while changed and weak:  # the same drug elsewhere, or a neighbour in a list
            changed = False
            drugs = {c.drug for c in accepted.values() if not in_ranges(c.start, excluded)}
            for index in list(weak):
                if candidates[index].drug in drugs or listed_beside(index, candidates, accepted,
                                                                     text, LIST_JOIN):
                    accepted[index] = candidates[index]
                    weak.remove(index)
                    changed = True
        unknown = unknown_entities("drug", [m for m in proposed if not any(
            start < m.end and m.start < end for start, end in taken)], all_candidates)
        return sorted([Tag("drug", c.start, c.end, c.drug, c.rule) for c in accepted.values()]
                      + unknown, key=lambda tag: tag.start)


@Language.factory("caselit_drugs", default_config={}, requires=["doc._.caselit_tags"],
                  assigns=["doc._.caselit_tags"])
def make_drug_tagger(nlp: Language, name: str) -> DrugTagger:
    drug_rules()  # validate the rule file when the pipeline is built
    return DrugTagger(nlp, name)
