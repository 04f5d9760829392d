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

Each candidate is scored from its context (:mod:`pipeline.tag.evidence`, rules under
``evidence`` in the rule file). Strong candidates count at once unless their context
speaks against them: INNs, codes in the lexicon, an antibody-drug conjugate's antibody
word ("brentuximab" -> brentuximab vedotin), multi-word synonyms, defined abbreviations
and products. Weak ones (brands, one-word synonyms and common names, chemicals,
abbreviations, unknown codes, and INNs that are mostly something else, such as amino
acids or "thyroid") need evidence: a therapy or harm word close by ("treated", "mg",
"induction", "intoxication"), a table column of therapies, a ® or ™, a place in a list
with another accepted drug, or the same drug accepted elsewhere in the document. A
one-word weak name of four letters or fewer counts only in capitals ("MTX", "SAMe"; not
"His", "same", "Fig"), and a brand or common name that is an ordinary word only in
capitals ("Program", "Versus").

Evidence against: a name before an enzyme, residue or class word ("tyrosine kinase",
"cAMP-dependent protein kinase"); a name that is mostly something else before a
disease, tissue or lab word ("anaplastic thyroid cancer", "creatinine level"); an
abbreviation the document spells out in ordinary words that name no drug ("anaplastic
thyroid cancer (ATC)" is no timonacic) or as several drugs together (a regimen: "PCV").

Never drugs: a name inside a gene, variant, fusion or regimen mention ("MET", "the glycine at
position 161 ..."); a gene family's name ("RAS"); radiation ("radioiodine therapy");
tracers and contrast agents (FDG); a code naming cells or a level.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.lexicons import DrugEntry, DrugLexicon, GeneLexicon, common_words, drug_lexicon, gene_lexicon
from pipeline.resources import (check_keys, check_str_list, check_type, load_resource,
                                 words_pattern)
from pipeline.settings import get_settings
from pipeline.tag.abbreviations import abbreviations
from pipeline.tag.context import (Sentence, doc_sentences, in_ranges, listed_beside, out_of_scope,
                                  sentence_at)
from pipeline.tag.evidence import ACCEPT, DASHES, STRONG, WEAK, Evidence
from pipeline.tag.gene_rules import gene_rules
from pipeline.tag.matching import (ASCII_LETTER_RUNS, REMEMBERED_WORDS, Match, RememberedRuns,
                                   SpanIndex, find_terms, first_scanned_forms, holding_parts,
                                   lower_keeping_offsets, may_hold_terms, shape)
from pipeline.tag.model_mentions import inside, model_mentions, unknown_entities
from pipeline.tag.tables import column_header
from pipeline.tag.tags import Tag, add_tags, doc_tags, doc_text, remove_tags
from pipeline.tag.variant_words import vocabulary as amino_acid_vocabulary

FILE = "drug_rules.yaml"
MAX_DRUG_WORDS = 4
STRONG_KINDS = frozenset({"inn", "short", "code"})
# A research code: capitals, then three or more digits ("ASP3062", "CPX-351"). The
# look-behind follows the first capital, so re skips to capitals by a fast scan.
RESEARCH_CODE = re.compile(r"[A-Z](?<![A-Za-z0-9-][A-Z])[A-Z]{1,4}-?\d{3,7}[A-Z]?"
                           r"(?![A-Za-z0-9]|-[A-Za-z0-9])")
# What a research code's shape (matching.shape) holds: two capitals and three digits, a
# hyphen between or not. A text holding neither is not scanned: re would try the pattern
# at each of its capitals (26 of the bench's 329 texts hold one).
RESEARCH_CODE_SHAPES = (b"AA000", b"AA-000")
NOT_A_THERAPY_AFTER = re.compile(r"^\s+(?:cells?|cell\s+lines?|xenografts?|models?|levels?|"
                                 r"antigen|values?)\b", re.IGNORECASE)
LIST_JOIN = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+|then\s+)?|and\s+|or\s+|plus\s+|with\s+|/|\+|"
                       r"→|->|,?\s*followed\s+by\s+)\s*$", re.IGNORECASE)
# Where a candidate comes from, most trusted first (an overlap keeps the more trusted).
SOURCES = ("product", "defined", "gene_product", "lexicon", "abbreviation", "code")
# Mentions whose characters no drug shares ("MET" the gene, "FLAG-IDA" the regimen).
TAKEN_TYPES = ("gene", "variant", "fusion", "regimen")


@dataclass(frozen=True)
class DrugRules:
    evidence: Evidence
    therapy_columns: re.Pattern
    diagnostic: re.Pattern
    context_only: frozenset[str]
    classes: frozenset[str]
    radiation: frozenset[str]
    products: re.Pattern
    product_parts: tuple[str, ...] | None  # one of them is in a text holding a product
    gene_products: dict[str, str]
    abbreviations: dict[str, str]
    # drug name -> whether ``diagnostic`` finds it one (:meth:`names_diagnostic_agent`)
    diagnostic_names: RememberedRuns = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        diagnostic = self.diagnostic
        object.__setattr__(self, "diagnostic_names",
                           RememberedRuns(lambda name: diagnostic.search(name) is not None))

    @classmethod
    def from_dict(cls, data: dict) -> "DrugRules":
        lists = ["therapy_columns", "diagnostic_agents", "context_only", "classes", "radiation",
                 "products"]
        check_keys(data, file=FILE, where="top level",
                   required=lists + ["evidence", "gene_products", "abbreviations"])
        values = {key: check_str_list(data[key], file=FILE, where="top level", key=key)
                  for key in lists}
        named = check_type(data["abbreviations"], dict, file=FILE, where="top level",
                           key="abbreviations", description="a mapping of abbreviation to INN")
        gene_products = check_type(data["gene_products"], dict, file=FILE, where="top level",
                                   key="gene_products",
                                   description="a mapping of printed name to drug name")
        amino_acids = amino_acid_vocabulary()[0]
        return cls(
            evidence=Evidence.from_list(data["evidence"], file=FILE),
            therapy_columns=words_pattern(values["therapy_columns"]),
            diagnostic=re.compile("|".join(f"(?:{p})" for p in values["diagnostic_agents"])),
            context_only=frozenset(values["context_only"]) | frozenset(amino_acids),
            classes=frozenset(word.lower() for word in values["classes"]),
            radiation=frozenset(word.lower() for word in values["radiation"]),
            products=re.compile(first_scanned_forms(values["products"], "[A-Za-z0-9-]")
                                + "(?![A-Za-z0-9]|-[A-Za-z0-9])"),
            product_parts=holding_parts(values["products"]),
            gene_products={str(k).lower(): str(v).lower() for k, v in gene_products.items()},
            abbreviations={str(k): str(v).lower() for k, v in named.items()},
        )

    def names_diagnostic_agent(self, drug: str) -> bool:
        """Whether a drug's name is a tracer's or a contrast agent's (``diagnostic``),
        remembered per name while the process keeps it (:class:`RememberedRuns`): documents
        name the same drugs, and the pattern's alternatives cost about a microsecond a
        name."""
        return self.diagnostic_names[drug]


@lru_cache(maxsize=1)
def drug_rules() -> DrugRules:
    return DrugRules.from_dict(load_resource(FILE))


class Candidate(NamedTuple):
    """A drug candidate (a tuple: thousands are made, at a third of a frozen dataclass's
    cost)."""

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
    if entry.kind == "code" and " " in key and not (printed.isupper()
                                                    and key.split()[0] not in words):
        return "reject"  # a code printed apart is one in capitals ("AMG 510"; not "in 105")
    strong = entry.kind in STRONG_KINDS or (entry.kind == "synonym" and len(key.split()) > 1)
    one_word = not strong and len(key.split()) == 1
    if one_word and ((len(key) <= 4 and (printed.islower() or printed.istitle()))
                     or (entry.kind in ("brand", "common") and key in words and not printed.isupper())):
        return "reject"  # "His" (histidine), "same" (SAMe), "Fig", "Program", "Versus": words
    if entry.inn in rules.context_only or key in rules.context_only:
        return "weak"
    return "strong" if strong else "weak"


# a lexicon name as printed -> (its entry, what it reads as: :func:`lexicon_reading`)
LexiconReadings = dict[str, tuple[DrugEntry, "tuple[str, str, str, bool] | None"]]


def lexicon_reading(printed: str, entry: DrugEntry, rules: DrugRules,
                    words: frozenset[str]) -> tuple[str, str, str, bool] | None:
    """A lexicon name's candidate fields but its offsets (drug, source, rule, strong);
    None when the name as printed is no candidate (a word, a class of drugs)."""
    verdict = lexicon_strength(printed, entry, rules, words)
    if verdict == "reject" or printed.lower() in rules.classes:
        return None
    return entry.inn, "lexicon", f"drug.{entry.kind}", verdict == "strong"


def lexicon_candidates(text: str, lexicon: DrugLexicon, rules: DrugRules, words: frozenset[str],
                       readings: LexiconReadings) -> list[Candidate]:
    """The lexicon's names in the text, each read once per printed form while ``readings``
    (kept for one lexicon, rules and words) remembers it: a corpus names the same drugs,
    and a reading (the printed form's case, its words) costs several times the look-up."""
    found = []
    for match, entry in find_terms(text, lexicon.names, max_words=MAX_DRUG_WORDS, lower=True,
                                   accept=printed_as_name):
        printed = text[match.start:match.end]
        held = readings.get(printed)
        if held is None or held[0] is not entry:  # a form's entry follows its lower case
            if len(readings) >= REMEMBERED_WORDS:
                readings.clear()
            held = readings[printed] = (entry, lexicon_reading(printed, entry, rules, words))
        if held[1] is not None:
            found.append(Candidate(match.start, match.end, *held[1]))
    return found


def product_candidates(text: str, rules: DrugRules) -> list[Candidate]:
    """Drug products as printed, looked for only in a text holding a part of one ("CSF",
    "EPO"): the pattern stops at every "r" of a text."""
    if rules.product_parts is not None and not any(part in text for part in rules.product_parts):
        return []
    return [Candidate(m.start(), m.end(), m.group(0).lower(), "product", "drug.product", True)
            for m in rules.products.finditer(text)]


def find_forms(lowered: str, forms: Iterable[str]) -> list[tuple[int, int, str]]:
    """Where each form (lower case) stands as a whole word in a lower-cased text: a few
    forms are found faster by ``str.find`` than by a case-blind pattern tried everywhere."""
    found = []
    for form in forms:
        at = lowered.find(form)
        while at != -1:
            end = at + len(form)
            if not ((at and lowered[at - 1].isalnum())
                    or (end < len(lowered) and lowered[end].isalnum())):
                found.append((at, end, form))
            at = lowered.find(form, at + 1)
    return found


def gene_product_candidates(lowered: str, rules: DrugRules) -> list[Candidate]:
    return [Candidate(start, end, rules.gene_products[form], "gene_product", "drug.gene_product",
                      False)
            for start, end, form in find_forms(lowered, rules.gene_products)]


# A drug's name right before or after another, joined as lists join them
# ("dacarbazine and interleukin-2", "procarbazine-CCNU-vincristine")
NAME_BEFORE = re.compile(r"([A-Za-z][A-Za-z0-9]*)\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|plus)\s+|"
                         rf"[{DASHES}+/])\s*$", re.IGNORECASE)
NAME_AFTER = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|plus)\s+|"
                        rf"[{DASHES}+/])\s*([A-Za-z][A-Za-z0-9]*)", re.IGNORECASE)
NEIGHBOUR_REACH = 40


def reads_as_drug(text: str, start: int, end: int, sentence: Sentence | None,
                  lexicon: DrugLexicon, rules: DrugRules) -> bool:
    """Whether a name that is also a gene or gene product's (CCNU is a previous symbol of
    CCNO, interleukin-2 the IL2 gene's product) is given or discussed as a drug here: an
    INN listed beside it, or, for an INN, a code or a drug product, a therapy word near it
    (a weaker name, such as a synonym, needs the INN: "lithium-induced" says nothing of
    "PKC-alpha" printed beside it)."""
    printed = text[start:end].lower()
    entry = lexicon.names.get(printed)
    if entry is None and printed not in rules.gene_products:
        return False
    if ((entry is None or entry.kind in STRONG_KINDS)
            and rules.evidence.score(WEAK, text, start, end, sentence) >= ACCEPT):
        return True
    before = NAME_BEFORE.search(text, max(0, start - NEIGHBOUR_REACH), start)
    after = NAME_AFTER.match(text, end, end + NEIGHBOUR_REACH)
    return any(neighbour is not None and getattr(lexicon.names.get(neighbour.group(1).lower()),
                                                 "kind", None) == "inn"
               for neighbour in (before, after))


def letters(text: str) -> int:
    return sum(map(str.isalpha, text))


@dataclass(frozen=True)
class Definition:
    """What a document's abbreviation stands for, as far as drugs go: the drugs its long
    form names (none when drug names do not make up most of it), whether every name is
    strong, whether it is spelled out in ordinary words instead ("anaplastic thyroid
    cancer (ATC)", "emergency room"), and the initials of the drug names."""

    drugs: frozenset[str]
    strong: bool
    ordinary: bool
    initials: str = ""  # of the drug names as printed: "pcv" for procarbazine-CCNU-vincristine


# what a long form naming no drug defines, spelled out in ordinary words (True) or not:
# most long forms, so one of two (immutable) definitions, none made per long form
NAMING_NO_DRUG = {False: Definition(frozenset(), False, False),
                  True: Definition(frozenset(), False, True)}


def named_drugs(long_form: str, lexicon: DrugLexicon, rules: DrugRules,
                words: frozenset[str]) -> list[tuple[Match, DrugEntry, bool]]:
    """The drug names of a long form that its context there does not speak against, each
    with whether it is strong; none sought in a long form no word of which starts a drug
    name (most of them: "polymerase chain reaction")."""
    if not may_hold_terms(long_form, lexicon.names, lower=True):
        return []
    hits = []
    for m, entry in find_terms(long_form, lexicon.names, max_words=MAX_DRUG_WORDS, lower=True,
                               accept=printed_as_name):
        verdict = lexicon_strength(long_form[m.start:m.end], entry, rules, words)
        prior = STRONG if verdict == "strong" else WEAK
        if verdict != "reject" and rules.evidence.score(prior, long_form, m.start, m.end,
                                                        None) >= WEAK:
            hits.append((m, entry, verdict == "strong"))
    return hits


def define(long_form: str, lexicon: DrugLexicon, rules: DrugRules,
           words: frozenset[str]) -> Definition:
    """The drugs a defined abbreviation's long form names, when drug names make up most
    of it ("liposomal daunorubicin/cytarabine" does, "kinase suppressor Ras" does not). A
    weak name ("adriamycin (ADR)") makes its short form as weak: it is a drug where the
    name is, e.g. near "chemotherapy" or once accepted. A name its context in the long
    form speaks against is none ("cyclic AMP-dependent protein kinase")."""
    hits = named_drugs(long_form, lexicon, rules, words)
    covered = sum(letters(long_form[m.start:m.end]) for m, _, _ in hits)
    total = letters(long_form)
    if 2 * covered <= total:  # the letters of its common words, by C-level passes
        common = sum(map(len, filter(words.__contains__,
                                     map(str.lower, ASCII_LETTER_RUNS.findall(long_form)))))
        return NAMING_NO_DRUG[2 * common > total]
    return Definition(frozenset(entry.inn for _, entry, _ in hits),
                      all(strong for _, _, strong in hits), False,
                      "".join(long_form[m.start] for m, _, _ in hits).lower())


def short_form_uses(text: str, short: str) -> list[tuple[int, int]]:
    """Where an abbreviation is printed whole: not inside a longer word or a hyphenated
    name ("GO" is not in "GOAL" or "GO-2"). Found with ``str.find``, many times faster than
    a pattern tried at every position."""
    uses = []
    at = text.find(short)
    while at != -1:
        end = at + len(short)
        after = text[end:end + 2]
        if not ((at and (text[at - 1].isascii() and text[at - 1].isalnum() or text[at - 1] == "-"))
                or (after[:1].isascii() and after[:1].isalnum())
                or (after[:1] == "-" and after[1:2].isascii() and after[1:2].isalnum())):
            uses.append((at, end))
        at = text.find(short, at + 1)
    return uses


DEFINITIONS = ("caselit", "drug_definitions")
REMEMBERED_LONG_FORMS = 1 << 12
# long form -> (the lexicon, rules and words it was read with, what it defines)
_DEFINED: dict[str, tuple[DrugLexicon, DrugRules, frozenset[str], Definition]] = {}


def defined_by(long_form: str, lexicon: DrugLexicon, rules: DrugRules,
               words: frozenset[str]) -> Definition:
    """:func:`define`, remembered per long form while the process keeps it (up to
    REMEMBERED_LONG_FORMS): reports spell out the same abbreviations ("polymerase chain
    reaction", "next-generation sequencing"), and a long form defines the same wherever
    it stands."""
    held = _DEFINED.get(long_form)
    if held is None or held[0] is not lexicon or held[1] is not rules or held[2] is not words:
        if len(_DEFINED) >= REMEMBERED_LONG_FORMS:
            _DEFINED.clear()
        held = _DEFINED[long_form] = (lexicon, rules, words,
                                      define(long_form, lexicon, rules, words))
    return held[3]


def document_definitions(doc: Doc, lexicon: DrugLexicon, rules: DrugRules,
                         words: frozenset[str]) -> dict[str, Definition]:
    """What each abbreviation the document defines stands for, as far as drugs go; worked
    out once per document (the regimen and drug taggers both ask)."""
    definitions = doc.user_data.get(DEFINITIONS)
    if definitions is None:
        definitions = doc.user_data[DEFINITIONS] = {
            short: defined_by(long_form, lexicon, rules, words)
            for short, long_form in abbreviations(doc).items()}
    return definitions


def defined_candidates(text: str, definitions: dict[str, Definition]) -> list[Candidate]:
    """Uses of abbreviations the document defines as a drug (its INN) or as a mix of
    drugs with a code name (the code, lower-case, as the guidelines keep "cpx-351")."""
    found = []
    for short, definition in definitions.items():
        drugs = definition.drugs
        if not drugs or short.lower() in drugs:
            continue
        if len(drugs) > 1 and not any(char.isdigit() for char in short):
            continue  # "FLAG-IDA (fludarabine, cytarabine, ...)": a regimen, no product
        drug = next(iter(drugs)) if len(drugs) == 1 else short.lower()
        found += [Candidate(start, end, drug, "defined", "drug.defined_abbreviation",
                            definition.strong)
                  for start, end in short_form_uses(text, short)]
    return found


def defined_otherwise(printed: str, candidate: Candidate,
                      definitions: dict[str, Definition]) -> bool:
    """An abbreviation the document spells out in ordinary words that name no drug, or as
    several drugs together: "anaplastic thyroid cancer (ATC)" is no timonacic,
    "procarbazine-CCNU-vincristine (PCV)" no penciclovir. (One drug named otherwise is the
    same drug: "oxidized glutathione (GSSG)".) The definition's own candidates are what it
    says."""
    definition = definitions.get(printed)
    if definition is None or candidate.source in ("product", "defined"):
        return False
    if definition.drugs:
        return len(definition.drugs) > 1 and candidate.drug not in definition.drugs
    return definition.ordinary


def abbreviation_candidates(text: str, rules: DrugRules) -> list[Candidate]:
    return [Candidate(start, end, drug, "abbreviation", "drug.abbreviation", False)
            for short, drug in rules.abbreviations.items()
            for start, end in short_form_uses(text, short)]


def code_candidates(text: str, genes: GeneLexicon) -> list[Candidate]:
    """Research-code shapes that are no gene symbol ("CA125" is MUC16's alias)."""
    shaped = shape(text)
    if not any(part in shaped for part in RESEARCH_CODE_SHAPES):
        return []
    return [Candidate(m.start(), m.end(), m.group(0).lower(), "code", "drug.research_code", False)
            for m in RESEARCH_CODE.finditer(text)
            if m.group(0) not in genes.printed_forms
            and not NOT_A_THERAPY_AFTER.match(text[m.end():m.end() + 20])]


def named_as_short_form(candidates: list[Candidate], defined: dict[str, str],
                        text: str) -> list[Candidate]:
    """A spelled-out name takes its abbreviation's drug, so one drug is not recorded under
    two names: "G-CSF: granulocyte colony-stimulating factor" is g-csf, not filgrastim."""
    by_short: dict[str, str] = {}
    named = [c for c in candidates if c.source in ("product", "defined")]
    for c in sorted(named, key=lambda c: SOURCES.index(c.source)):  # most trusted first
        by_short.setdefault(text[c.start:c.end], c.drug)
    by_long = {long.lower(): by_short[short] for short, long in defined.items() if short in by_short}
    if not by_long:  # most texts: no candidate renamed
        return candidates
    return [c._replace(drug=by_long[text[c.start:c.end].lower()])
            if c.source == "lexicon" and text[c.start:c.end].lower() in by_long else c
            for c in candidates]


def most_trusted(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, the more trusted source (then the longer) winning."""
    ranked = sorted(candidates, key=lambda c: (SOURCES.index(c.source), c.start - c.end))
    # the kept ones in text order: they do not overlap, so their ends are in order too and
    # the one starting last before a candidate's end is the only one that can overlap it
    kept: list[Candidate] = []
    starts: list[int] = []
    for candidate in ranked:
        at = bisect_left(starts, candidate.end)
        if at == 0 or kept[at - 1].end <= candidate.start:
            kept.insert(at, candidate)
            starts.insert(at, candidate.start)
    return kept


class DrugTagger:
    """spaCy component ``caselit_drugs``."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        settings = get_settings()
        self.lexicon = drug_lexicon(settings)
        self.genes = gene_lexicon(settings)
        self.words = common_words(settings)
        self.rules = drug_rules()
        self.lexicon_readings: LexiconReadings = {}
        # (rule, whether context only) -> the labels of :meth:`labels_of`, one set each
        self.labels: dict[tuple[str, bool], frozenset[str]] = {}

    def __call__(self, doc: Doc) -> Doc:
        tags = doc_tags(doc)
        taken = [(t.start, t.end) for t in tags
                 if t.type in TAKEN_TYPES and t.normalised is not None]  # not a model's guess
        guesses = [t for t in tags if t.type == "gene" and t.normalised is None]
        drugs = self.judge(doc, doc_text(doc), taken)
        if guesses:  # a model's gene guess over a name the drug lexicon knows is the drug
            named = [(d.start, d.end) for d in drugs if d.normalised is not None]
            remove_tags(doc, lambda t: t.type == "gene" and t.normalised is None and any(
                start < t.end and t.start < end for start, end in named))
        add_tags(doc, drugs)
        return doc

    def candidates(self, text: str, defined: dict[str, str],
                   definitions: dict[str, Definition]) -> list[Candidate]:
        rules = self.rules
        named = lexicon_candidates(text, self.lexicon, rules, self.words, self.lexicon_readings)
        found = (product_candidates(text, rules) + defined_candidates(text, definitions)
                 + gene_product_candidates(lower_keeping_offsets(text), rules) + named
                 + abbreviation_candidates(text, rules) + code_candidates(text, self.genes))
        if len(found) == len(named):  # most texts: the lexicon's names alone, which
            return named  # do not overlap and are in text order, as most_trusted keeps them
        return most_trusted(named_as_short_form(found, defined, text))

    def vetoed(self, text: str, candidate: Candidate, taken: SpanIndex) -> bool:
        """Never a drug: in the span of another mention or of a radiation treatment, a
        tracer, or a gene family's name ("RAS" is no rasagiline)."""
        return (taken.overlaps(candidate.start, candidate.end)
                or self.rules.names_diagnostic_agent(candidate.drug)
                or text[candidate.start:candidate.end] in gene_rules().classes)

    def labels_of(self, printed: str, candidate: Candidate) -> frozenset[str]:
        """What evidence rules may select a candidate by: the kind of name it is ("inn",
        "brand", "chemical"... as in its rule), and "context_only" for a name that is mostly
        something else."""
        context_only = (candidate.drug in self.rules.context_only
                        or printed.lower() in self.rules.context_only)
        labels = self.labels.get((candidate.rule, context_only))
        if labels is None:  # a handful of sets, made once (evidence looks its rules up by them)
            labels = self.labels[candidate.rule, context_only] = frozenset(
                {candidate.rule.removeprefix("drug."), "context_only"} if context_only
                else {candidate.rule.removeprefix("drug.")})
        return labels

    def score(self, doc: Doc, text: str, candidate: Candidate, sentence: Sentence | None,
              in_scope: bool, definitions: dict[str, Definition]) -> int:
        """The candidate's evidence (:mod:`pipeline.tag.evidence`), a therapy column
        counting as a therapy word and a definition as something else against it."""
        printed = text[candidate.start:candidate.end]
        if defined_otherwise(printed, candidate, definitions):
            return WEAK - 1
        score = self.rules.evidence.score(STRONG if candidate.strong else WEAK, text,
                                          candidate.start, candidate.end, sentence,
                                          labels=self.labels_of(printed, candidate),
                                          in_scope=in_scope)
        if score < ACCEPT and in_scope:
            header = column_header(doc, candidate.start)
            score += header is not None and bool(self.rules.therapy_columns.search(header))
        return score

    def judge(self, doc: Doc, text: str, taken: list[tuple[int, int]]) -> list[Tag]:
        sentences = doc_sentences(doc)
        excluded = out_of_scope(doc)
        proposed = model_mentions(doc, "drug")
        defined = abbreviations(doc)
        definitions = document_definitions(doc, self.lexicon, self.rules, self.words)
        all_candidates = self.candidates(text, defined, definitions)
        blocked = SpanIndex(taken + [(start, end) for start, end, _ in
                                     find_forms(lower_keeping_offsets(text), self.rules.radiation)])
        candidates = [c for c in all_candidates if not self.vetoed(text, c, blocked)]
        accepted: dict[int, Candidate] = {}
        weak: list[int] = []
        for index, candidate in enumerate(candidates):
            in_scope = not in_ranges(candidate.start, excluded)
            score = self.score(doc, text, candidate, sentence_at(sentences, candidate.start),
                               in_scope, definitions) + inside(candidate.start, candidate.end,
                                                               proposed)
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
