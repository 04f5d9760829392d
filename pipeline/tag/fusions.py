"""Fusions ("EML4-ALK", "STRN::ALK", "SQSTM1:ALK fusion") and rearranged genes.

A fusion is found where the text names two genes as one:

- a printed pair: two gene-shaped words joined by a separator from ``resources/fusions.yaml``.
  "::" is always a fusion; "-", "–", ":" are when one side is a gene with a known fusion
  orientation, or when both are genes and a fusion word follows ("a FUS:ERG fusion") or a
  translocation or "fusion of" precedes ("t(12;21)(p13;q22) ETV6-RUNX1"); "/" also needs
  such a word, since it joins lists too ("ALK/ROS1 inhibitors");
- a phrase: "fusion of the EML4 gene and the ALK gene", "FUS fused to ERG", and exons
  joined across two genes ("STRN exon 3 to the C-terminus of ALK exon 20", "FUS exon
  7-ERG exon 11"), which also give the order and the exons;
- a list of partners: "ALK fusion partners, including TPM3, TPM4 and CLTC" (the gene
  is the one the cue names, or the nearest oriented gene before it, in its sentence or
  the one before);
- a table column whose header names a gene and says partner ("ALK fusion partner"):
  each cell is a partner of that gene; a printed partner that is no gene in context
  ("CTCL") is kept as printed, ``unresolved``.

Orientation: a partner of a 3' kinase goes 5' (TPM3::ALK), a partner of a 5' gene goes 3'.
A printed pair without detail takes the established orientation ("ALK-EML4" -> EML4::ALK);
a printed order the text backs with exons (an exon notation after the pair, or "exon 10
and 11 of ALK ..." after it) is kept (ALK::PTPN3).

Details (:mod:`pipeline.tag.fusion_details`) become fusion tags of their own over the text
that states them, carrying only that detail; the assemble stage merges the mentions of a
fusion. An exon notation ("H6::A20") goes to the fusion printed just before it and is no
gene: gene tags inside it are dropped.

Rearranged genes: a gene right before a fusion word ("ALK rearrangement", "IGFBP5
fusion"), unless a negation stands right before it ("no ROS1 rearrangement").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.lexicons import GeneLexicon, gene_lexicon
from pipeline.resources import check_keys, check_str_list, check_type, load_resource, words_pattern
from pipeline.schema import Fusion
from pipeline.settings import get_settings
from pipeline.tag.fusion_details import (exon_statement_follows, find_exon_notations,
                                         find_gene_details, prefix_fit, sentence_bounds)
from pipeline.tag.matching import (ascii_runs, first_scanned_forms, lower_keeping_offsets,
                                   matches_at_runs)
from pipeline.tag.tables import cell_holding, table_cells
from pipeline.tag.tags import Tag, add_tags, doc_text, remove_tags, resolved_genes

FILE = "fusions.yaml"
SYMBOL_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
GREEK = "α-ωΑ-Ω"
GENE_WORD = r"[A-Za-z][A-Za-z0-9]{1,14}"
RULE_KEYS = ["three_prime_kinases", "five_prime_genes", "separators", "fusion_words", "join_words",
             "partner_cues", "partner_words", "exon_prefixes", "breakpoint_words",
             "no_partner_cells", "negations", "negation_fillers"]
NOTATION_RULE = "fusion.exon_notation"
# What a table cell or the lexicon may resolve a partner through without the gene
# tagger's judgement: an alias alone is too weak ("CTCL" is an alias of TSPYL2).
FIRM_RANKS = ("approved", "previous")

TRANSLOCATION = r"\b(?:t|inv|ins|der)\([0-9XY]{1,2}(?:[;,][0-9XY]{1,2})*\)(?:\([^()\n]{1,40}\))?"
# Before a pair, what names it as a fusion: "t(2;5)(p23;q35) NPM1-ALK", "fusion of X-Y".
PRECEDING_CUE = re.compile(
    rf"(?:{TRANSLOCATION}[\s,;:/]*(?:(?:resulting in|leading to|producing|creating|forming|with|"
    rf"and)\s+)?|\bfusions?\s+(?:of|between)\s+|\b(?:fusion|chimeric)\s+(?:genes?|transcripts?|"
    rf"proteins?)\s+)(?:(?:the|an?)\s+)?$", re.IGNORECASE)
# Right before a hyphenated pair, a test result or finding names it as a fusion: "RT-PCR
# detected PML-RARA", "positive for CBFB-MYH11" (not a slash: "positive for AE1/AE3" lists)
FINDING_BEFORE = re.compile(r"\b(?:(?:positive|negative)\s+for|detected|identified|revealed|showed|"
                            r"confirmed|demonstrated|harbou?r(?:ed|ing|s)?|carr(?:ied|ying|ies))\s+"
                            r"(?:(?:the|an?)\s+)?$", re.IGNORECASE)
# ... when the pair ends the finding (not "showed MSH2-MSH6 loss", "carried BRCA1-BRCA2 mutations")
FINDING_ENDS = re.compile(r"\s*(?:[.,;:()\[\]]|$)"
                           r"|\s+(?:by|in|on|at|and|or|was|were|is|with|from|using)\b", re.IGNORECASE)
# Earlier in the sentence of a pair of genes, a translocation names the pair as its fusion:
# "The t(8;21) is found in de novo AML and results in RUNX1-RUNX1T1".
TRANSLOCATION_BEFORE = re.compile(rf"{TRANSLOCATION}[^.;\n]*$")
TRANSLOCATION_REACH = 150
# "KIF5B-, CCDC6- and NCOA4-RET": partners printed with a suspended hyphen before a pair
SUSPENDED_PARTNER = re.compile(rf"(?<![A-Za-z0-9])({GENE_WORD})\s*[-–]\s*(?:,\s*(?:and\s+|or\s+)?|"
                               rf"\s+(?:and|or)\s+)$")
# "fusion of the EML4 gene and the ALK gene", "translocation between X and Y", "a fusion
# transcript between LMNA and NTRK1", "a fusion involving ROS1 and CD74" (before the first gene, then between both); not "translocation of
# BAD and BAX" (to the mitochondria), nor "fusions involving FGFR1 and NTRK3" (of either), nor
# two kinases ("fusion of ALK and ROS1")
FUSION_OF = re.compile(r"(?:\bfusions?(?:\s+(?:genes?|transcripts?|proteins?))?\s+(?:of|between)|"
                       r"\bfusion\s+involving|\b(?:translocations?|"
                       r"rearrangements?)\s+between)\s+(?:the\s+)?$", re.IGNORECASE)
FUSION_OF_BETWEEN = re.compile(r"(?:\s+genes?)?\s+(?:and|with|to)\s+(?:the\s+)?", re.IGNORECASE)
FUSED_TO_BETWEEN = re.compile(r"(?:\s+genes?)?\s+(?:(?:is|was|were|being|are)\s+)?fused\s+"
                              r"(?:in[- ]frame\s+)?(?:to|with)\s+(?:the\s+)?", re.IGNORECASE)
# "an ALK fusion with EML4", "a RET rearrangement with KIF5B as partner", "ALK rearranged with
# TPM3", "ROS1 fusion (partner EZR)": the gene named with the fusion word is fused to the next, unless a finding of its own
# follows that one ("an ALK fusion with TP53 mutation")
FUSION_WITH_BETWEEN = re.compile(r"(?:\s+genes?)?[\s-]+(?:(?:is|was|were|being|are)\s+)?"
                                 r"(?:fusions?|rearrangements?|rearranged|translocations?)"
                                 r"(?:\s+(?:with|to)\s+(?:the\s+)?|\s*\(\s*(?:fusion\s+)?"
                                 r"partners?\s*[:,]?\s*)", re.IGNORECASE)
FINDING_AFTER = re.compile(r"[\s-]+(?:mutations?|mutated|co-?mutations?|amplifications?|amplified|"
                           r"deletions?|deleted|variants?|alterations?|loss|over-?expression|"
                           r"expression|insertions?|substitutions?|wild[\s-]?type|exons?|"
                           r"[pc]\.|[A-Z]\d+\w*)\b",
                           re.IGNORECASE)
WITH_OR_TO = re.compile(r"\b(?:with|to)\b", re.IGNORECASE)
PAIR_FOLLOWS = re.compile(r"\s*(?:::|[-–/:])\s*[A-Za-z0-9]")
# further partners listed after a fusion phrase: "... with CAPZA2 and ST7", "... to EML4 or to KIF5B"
PHRASE_LIST_JOIN = re.compile(r"(?:\s+genes?)?\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)"
                              r"(?:(?:to|with)\s+)?(?:the\s+)?", re.IGNORECASE)
# "STRN exon 3 to the C-terminus of ALK exon 20", "FUS exon 7-ERG exon 11"
# (each exon perhaps in brackets: "TPM3 (exon 7)-NTRK1 (exon 10)")
EXONS_JOINED = re.compile(r"\s+(?P<open>\()?exon\s+(?P<exon>\d{1,3})[ab]?(?(open)\))"
                          r"(?:\s*(?P<mark>::|:|-|–)\s*"
                          r"|\s+(?:(?:is\s+|was\s+)?(?:fused|joined|linked)\s+(?:in[- ]frame\s+)?)?"
                          r"(?:to|with)\s+(?:[^.;\n]{0,40}?\s)?"
                          r"|(?P<conjunction>\s+and\s+(?:the\s+)?))", re.IGNORECASE)
# before "X exon 13 and Y exon 20", what makes the "and" join the exons ("a fusion between",
# "joining"), where it would otherwise list them ("EGFR exon 19 and KRAS exon 2")
JOINING_BEFORE = re.compile(r"(?:\b(?:fusions?\s+(?:of|between)|(?:rearrangements?|translocations?|"
                            r"junctions?)\s+between)|\b(?:joins?|joining|joined|fuses|fusing))"
                            r"\s+(?:the\s+)?$", re.IGNORECASE)
EXON_AFTER = re.compile(r"\s+(?P<open>\()?exon\s+(?P<exon>\d{1,3})(?![0-9])(?(open)\))",
                        re.IGNORECASE)
# "exon 7 of FUS to exon 11 of ERG"; "a fusion between exon 13 of EML4 and exon 20 of ALK"
# (an "and" joins the two only after JOINING_BEFORE: "exon 19 of EGFR and exon 2 of KRAS" lists)
EXON_OF_BEFORE = re.compile(r"\bexon\s+(?P<exon>\d{1,3})[ab]?\s+of\s+(?:the\s+)?$", re.IGNORECASE)
EXON_OF_BETWEEN = re.compile(r"(?:\s+genes?)?\s*(?:::|:|-|–|(?:\s+(?:(?:is|was)\s+)?(?:fused|joined|"
                             r"linked))?(?:\s+in[- ]frame)?\s+(?:to|with)\s+|(?P<conjunction>"
                             r"\s+and\s+))\s*(?:the\s+)?exon\s+(?P<exon>\d{1,3})[ab]?\s+of\s+"
                             r"(?:the\s+)?", re.IGNORECASE)
LIST_INTRO = re.compile(r"[\s,:;(]*(?:(?:including|includes|include|such as|e\.g\.|namely|like|"
                        r"are|were|is|comprising)\b[\s,:]*)?", re.IGNORECASE)
LIST_SEPARATOR = re.compile(r"\s*[,;/]\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")
PARTNER_OF = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
# Between a fusion and its exon notation: "HMBOX1::ALK (H6::A20)", "KIF5B-ALK KI24; A20",
# "EML4-ALK variant 1 (E13;A20)", "BCR-ABL1 transcript type e13a2".
NOTATION_ADJACENT = re.compile(r"[\s(\[:,]*(?:(?:fusions?|genes?|transcripts?|types?|"
                               r"variants?\s*\d*[ab]?|v\d+[ab]?)[\s(\[:,]*)*", re.IGNORECASE)
# Further away, a notation belongs to the fusion above it only in a block of codes and
# numbers (a table read as lines): no word of prose in between.
PROSE_WORD = re.compile(r"[A-Za-z]{4,}")
NOTATION_REACH = 600
DETAIL_REACH = 1500


@dataclass(frozen=True)
class FusionRules:
    three_prime: frozenset[str]
    five_prime: frozenset[str]
    five_prime_partners: dict[str, frozenset[str]]
    separators: tuple[str, ...]
    fusion_words: tuple[str, ...]
    join_words: tuple[str, ...]
    partner_cues: tuple[str, ...]
    partner_words: tuple[str, ...]
    exon_prefixes: frozenset[str]
    breakpoint_words: tuple[str, ...]
    no_partner_cells: frozenset[str]
    negations: tuple[str, ...]
    negation_fillers: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: dict) -> "FusionRules":
        check_keys(data, file=FILE, where="top level", required=RULE_KEYS + ["five_prime_partners"])
        lists = {key: check_str_list(data[key], file=FILE, where="top level", key=key)
                 for key in RULE_KEYS}
        partners = check_type(data["five_prime_partners"], dict, file=FILE, where="top level",
                              key="five_prime_partners",
                              description="a mapping of gene to the partners that go 5' of it")
        return cls(frozenset(lists["three_prime_kinases"]), frozenset(lists["five_prime_genes"]),
                   {gene: frozenset(check_str_list(genes, file=FILE, where="five_prime_partners",
                                                   key=gene))
                    for gene, genes in partners.items()},
                   tuple(lists["separators"]), tuple(lists["fusion_words"]),
                   tuple(lists["join_words"]), tuple(lists["partner_cues"]),
                   tuple(lists["partner_words"]), frozenset(lists["exon_prefixes"]),
                   tuple(lists["breakpoint_words"]),
                   frozenset(cell.lower() for cell in lists["no_partner_cells"]),
                   tuple(lists["negations"]), tuple(lists["negation_fillers"]))

    @property
    def oriented(self) -> frozenset[str]:
        return self.three_prime | self.five_prime


@lru_cache(maxsize=1)
def fusion_rules() -> FusionRules:
    return FusionRules.from_dict(load_resource(FILE))


def alternatives(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, any white space between words."""
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=1)
def pair_pattern() -> re.Pattern:
    separators = alternatives(fusion_rules().separators)
    # a gene word that runs on into a Greek letter is part of a symbol the gene tagger reads
    # ("PDGFRα"; see find_greek_pairs), never a shorter one ("PDGFR")
    return re.compile(rf"(?<![A-Za-z0-9])({GENE_WORD})({separators})({GENE_WORD})"
                      rf"(?![A-Za-z0-9{GREEK}])")


@lru_cache(maxsize=1)
def separators_between_runs() -> frozenset[str] | None:
    """The separators, when each is made of characters that are neither an ASCII letter or
    digit nor white space: then a pair's separator is the whole of the characters between
    two runs of ASCII letters and digits (its genes); else None."""
    separators = fusion_rules().separators
    if all(separators) and not any(c.isspace() or (c.isascii() and c.isalnum())
                                   for separator in separators for c in separator):
        return frozenset(separators)
    return None


def pair_matches(text: str) -> list[re.Match]:
    """``pair_pattern().finditer(text)``, tried only at the runs of ASCII letters and digits
    followed by a separator and another run: a pair's first gene is a whole run, its
    separator the whole gap after it. The regex alone would try every position of the
    text, though most hold no separator."""
    separators = separators_between_runs()
    if separators is None:
        return list(pair_pattern().finditer(text))
    runs = ascii_runs(text)
    return matches_at_runs(pair_pattern(), text, runs.starts, runs.gaps, separators)


@lru_cache(maxsize=1)
def fusion_word_pattern() -> re.Pattern:
    """A fusion word right at the position it is matched from ("-ALK fusion", " gene fusion")."""
    return re.compile(rf"[\s-]*(?:gene\s+)?(?:{alternatives(fusion_rules().fusion_words)})\b",
                      re.IGNORECASE)


class Cues(NamedTuple):
    join: re.Pattern  # "STRN exon 3 to ALK exon 20" joins exons only in a sentence with one
    partner: re.Pattern  # "fusion partners" before a list of genes
    partner_word: re.Pattern  # "partner" in a table header
    fusion_word: re.Pattern  # "fusion" in a table header: the column's pairs are fusions
    breakpoint: re.Pattern  # makes a bare position a breakpoint


def first_scanned_words(words: list[str]) -> re.Pattern:
    """``words_pattern(words)`` (ASCII words), their first characters first
    (:func:`~pipeline.tag.matching.first_scanned_forms`): re scans for those, where the
    look-behind first has it try every position of a text."""
    return re.compile(first_scanned_forms(words, "[A-Za-z]", case_blind=True) + "(?![A-Za-z])",
                      re.IGNORECASE)


@lru_cache(maxsize=1)
def cues() -> Cues:
    rules = fusion_rules()
    # partner cues are sought in whole texts, the others in a sentence or a header
    return Cues(words_pattern(list(rules.join_words)), first_scanned_words(list(rules.partner_cues)),
                words_pattern(list(rules.partner_words)), words_pattern(list(rules.fusion_words)),
                words_pattern(list(rules.breakpoint_words)))


@lru_cache(maxsize=1)
def negated_pattern() -> re.Pattern:
    """A negation right before the position it is searched up to, perhaps with a filler
    or two between: "no ROS-1 rearrangement", "negative for ALK", "no evidence of an ALK"."""
    rules = fusion_rules()
    negations, fillers = (alternatives(rules.negations), alternatives(rules.negation_fillers))
    return re.compile(rf"(?<![A-Za-z])(?:{negations})\s+(?:(?:{fillers})\s+){{0,2}}$", re.IGNORECASE)


@dataclass(frozen=True)
class Partner:
    """One gene of a fusion as printed, with its approved symbol (None: no gene in context,
    kept as printed) and, when this fusion's text is the one that shows it is a gene, where."""

    printed: str
    symbol: str | None
    start: int | None = None

    @property
    def name(self) -> str:
        return self.symbol or self.printed


@dataclass
class Hit:
    """A fusion found in the text, before it becomes a tag. ``first`` is the gene printed
    (or listed) first; with ``order`` "stated" it is the 5' gene, with "established" the
    rules' orientation decides."""

    start: int
    end: int
    first: Partner
    second: Partner
    rule: str
    order: str = "established"
    details: dict[str, int | str] = field(default_factory=dict)

    def oriented(self, rules: FusionRules) -> tuple[Partner, Partner]:
        if self.order == "stated":
            return self.first, self.second
        five, _ = orient(self.first.name, self.second.name, rules)
        return (self.first, self.second) if five == self.first.name else (self.second, self.first)

    def side_of(self, gene: str, rules: FusionRules) -> str | None:
        """"five_prime" or "three_prime": the side ``gene`` is on, if it is a partner."""
        five, three = self.oriented(rules)
        if five.symbol == gene:
            return "five_prime"
        return "three_prime" if three.symbol == gene else None


def resolve_partner(printed: str, lexicon: GeneLexicon) -> str | None:
    """Approved symbol for a word printed as a fusion partner, any alias rank allowed."""
    entry = lexicon.symbols.get(printed)
    return entry.symbol if entry is not None else None


def firm_symbol(printed: str, lexicon: GeneLexicon) -> str | None:
    """Approved symbol of an approved or previous symbol (no alias)."""
    entry = lexicon.symbols.get(printed)
    return entry.symbol if entry is not None and entry.rank in FIRM_RANKS else None


def orient(left: str, right: str, rules: FusionRules) -> tuple[str, str]:
    """Established orientation for a pair printed without exon detail."""
    if right in rules.five_prime_partners.get(left, ()):
        return right, left  # "FGFR1-ZMYM2" in a myeloid neoplasm: ZMYM2::FGFR1
    if left in rules.five_prime_partners.get(right, ()):
        return left, right
    if left in rules.three_prime and right not in rules.three_prime and left not in rules.five_prime:
        return right, left
    if right in rules.five_prime and left not in rules.five_prime:
        return right, left
    return left, right


def around_hub(partner: Partner, hub: Partner, rules: FusionRules) -> tuple[Partner, Partner]:
    """5' and 3' of a partner of ``hub`` when the text gives no orientation: a kinase 3'."""
    five_prime_hub = (hub.symbol in rules.five_prime
                      and partner.symbol not in rules.five_prime_partners.get(hub.symbol, ()))
    return (hub, partner) if five_prime_hub else (partner, hub)


# ----------------------------------------------------------------- finding fusions


def fusion_column_cells(cells: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """(start, end) of the cells under a header with a fusion word ("Fusion", "Gene
    fusion", "Rearrangement"), in text order: a pair printed there is named as a fusion
    ("EWSR1-ERG" in a table of reported cases)."""
    fusion_word = cues().fusion_word
    return [(start, end) for start, end, header in cells if fusion_word.search(header)]


def in_cells(cells: list[tuple[int, int]], start: int, end: int) -> bool:
    cell = cell_holding(cells, start)
    return cell is not None and end <= cell[1]


def listed_before_a_fusion_word(text: str, matches: list[re.Match]) -> set[int]:
    """Starts of the pairs a fusion word follows, directly or after further pairs listed
    with them: "ETV6-RUNX1, TCF3-PBX1 and KMT2A-AFF1 fusions" names all three."""
    named: set[int] = set()
    for index in range(len(matches) - 1, -1, -1):
        match = matches[index]
        after = matches[index + 1] if index + 1 < len(matches) else None
        if fusion_word_pattern().match(text, match.end()) or (
                after is not None and after.start() in named
                and LIST_SEPARATOR.fullmatch(text, match.end(), after.start())):
            named.add(match.start())
    return named


def find_pairs(text: str, lexicon: GeneLexicon, rules: FusionRules,
               fusion_cells: list[tuple[int, int]] = ()) -> list[Hit]:
    hits: list[Hit] = []
    matches = pair_matches(text)
    before_fusion_word = listed_before_a_fusion_word(text, matches)
    for match in matches:
        left_printed, separator, right_printed = match.groups()
        left, right = resolve_partner(left_printed, lexicon), resolve_partner(right_printed, lexicon)
        # a partner that is no symbol is kept as printed only 5' of a kinase or in "::"
        if left is None and not (SYMBOL_SHAPE.match(left_printed) and right in rules.three_prime):
            continue
        if right is None and not (separator == "::" and SYMBOL_SHAPE.match(right_printed)):
            continue
        if separator == "/" and either_of_one_side(left, right, rules):
            continue  # "ALK/ROS1 rearrangement": either kinase, no fusion of the two
        oriented = bool({left, right} & rules.oriented)
        # named as a fusion by the words around it; only looked for where it decides
        named = (match.start() in before_fusion_word
                 or in_cells(fusion_cells, match.start(), match.end())) or (
            (separator == "/" or (separator != "::" and not oriented))
            and (bool(PRECEDING_CUE.search(text, max(0, match.start() - 80), match.start()))
                 or (left is not None and right is not None
                     and (translocation_before(text, match.start())
                          or (separator in "-–" and FINDING_ENDS.match(text, match.end())
                              and FINDING_BEFORE.search(text, max(0, match.start() - 40),
                                                        match.start()))))))
        if separator == "/" and not named:
            continue
        named_as_fusion = named and left is not None and right is not None
        if separator != "::" and not oriented and not named_as_fusion:
            continue
        backed = exon_statement_follows(text, match.end(), {left_printed, right_printed})
        order = "stated" if backed else "established"
        second = Partner(right_printed, right, match.start(3))
        hits.append(Hit(match.start(), match.end(), Partner(left_printed, left, match.start(1)),
                        second, "fusion.pair", order))
        if separator in "-–":
            hits += suspended_partners(text, match.start(), replace(second, start=None), order,
                                       lexicon)
    return hits


def either_of_one_side(left: str | None, right: str | None, rules: FusionRules) -> bool:
    """Two genes that are both 3' kinases (or both 5' genes) of their fusions: a slash
    between them reads "either", never one fusion of the two ("ALK/ROS1 rearrangement")."""
    return ({left, right} <= rules.three_prime - rules.five_prime
            or {left, right} <= rules.five_prime - rules.three_prime)


def translocation_before(text: str, start: int) -> bool:
    sentence_start, _ = sentence_bounds(text, start)
    return bool(TRANSLOCATION_BEFORE.search(
        text, max(sentence_start, start - TRANSLOCATION_REACH), start))


def suspended_partners(text: str, start: int, second: Partner, order: str,
                       lexicon: GeneLexicon) -> list[Hit]:
    """The other partners of a pair's second gene, printed before the pair with their
    hyphen suspended: "KIF5B-, CCDC6- and NCOA4-RET" -> KIF5B::RET and CCDC6::RET too."""
    hits = []
    while (match := SUSPENDED_PARTNER.search(text, max(0, start - 40), start)) is not None:
        symbol = resolve_partner(match.group(1), lexicon)
        if symbol is None:
            break
        hits.append(Hit(match.start(1), match.end(1), Partner(match.group(1), symbol,
                                                              match.start(1)),
                        second, "fusion.suspended_partner", order))
        start = match.start()
    return hits


def gene_partner(gene: Tag, text: str) -> Partner:
    return Partner(text[gene.start:gene.end], gene.normalised)


def find_phrases(text: str, genes: list[Tag], rules: FusionRules) -> list[Hit]:
    """Two genes named as one fusion by the words around them: "fusion of the EML4 gene
    and the ALK gene", "FUS fused to ERG", "an ALK fusion with EML4" (order as printed,
    then established), and exons
    joined across them, "STRN exon 3 to ... ALK exon 20" (order and exons as printed)."""
    join_words = cues().join
    hits = []
    hub: Tag | None = None  # the first gene of the last phrase, while its partners are listed
    for first, second in zip(genes, genes[1:]):
        if first.normalised == second.normalised or second.start - first.end > 80:
            continue
        between = text[first.end:second.start]
        if (hub is not None and PHRASE_LIST_JOIN.fullmatch(between)
                and not PAIR_FOLLOWS.match(text, second.end)):
            # "fusions of MET with CAPZA2 and ST7", "ALK fused to EML4 or to KIF5B"; not
            # a gene printed in a pair of its own ("..., and the TPR-NTRK1 fusion")
            hits.append(Hit(second.start, second.end, gene_partner(hub, text),
                            gene_partner(second, text), "fusion.phrase"))
            continue
        hub = None
        joined = EXONS_JOINED.fullmatch(between)
        if joined and joined.group("conjunction") and not JOINING_BEFORE.search(
                text, max(0, first.start - 40), first.start):
            joined = None
        exon_after = EXON_AFTER.match(text, second.end)
        exon_of = EXON_OF_BETWEEN.fullmatch(between)
        exon_before = EXON_OF_BEFORE.search(text, max(0, first.start - 30), first.start)
        if exon_of and exon_of.group("conjunction") and not (exon_before and JOINING_BEFORE.search(
                text, max(0, exon_before.start() - 40), exon_before.start())):
            exon_of = None
        pair = (gene_partner(first, text), gene_partner(second, text))
        if (joined and exon_after) or (exon_of and exon_before):
            sentence = sentence_bounds(text, first.start)
            # "::" says fusion, and so does a mark between bracketed exons ("EML4 (exon
            # 13)-ALK (exon 20)"), unless a finding follows ("EGFR (exon 19)-KRAS (exon 2)
            # mutations")
            bracketed = (joined and exon_after and joined.group("mark") and joined.group("open")
                         and exon_after.group("open")
                         and not FINDING_AFTER.match(text, exon_after.end()))
            if not (join_words.search(text, *sentence) or "::" in between or bracketed):
                continue
            exons = ((joined.group("exon"), exon_after.group("exon")) if joined and exon_after
                     else (exon_before.group("exon"), exon_of.group("exon")))
            start = first.start if joined and exon_after else exon_before.start()
            end = exon_after.end() if joined and exon_after else second.end
            hits.append(Hit(start, end, *pair, "fusion.exons_joined", "stated",
                            {"five_prime_exon": int(exons[0]), "three_prime_exon": int(exons[1])}))
        elif ((FUSION_OF_BETWEEN.fullmatch(between)
               and FUSION_OF.search(text, max(0, first.start - 40), first.start)
               and not either_of_one_side(first.normalised, second.normalised, rules))
              or FUSED_TO_BETWEEN.fullmatch(between)
              or (FUSION_WITH_BETWEEN.fullmatch(between)
                  and not FINDING_AFTER.match(text, second.end))):
            hits.append(Hit(first.start, second.end, *pair, "fusion.phrase"))
            # one gene fused with or to others ("MET with CAPZA2 and ST7"); "fusion of A
            # and B" names two genes, no list of partners
            hub = first if WITH_OR_TO.search(between) else None
    return hits


def find_greek_pairs(text: str, genes: list[Tag], rules: FusionRules) -> list[Hit]:
    """Printed pairs whose symbols the gene tagger read with a Greek letter ("PML/RARα
    fusion", "CBFβ-MYH11", "FIP1L1-PDGFRα"), named as fusions as :func:`find_pairs` names
    ASCII ones: by "::", a fusion word after them, or an oriented gene (not across "/")."""
    hits = []
    for first, second in zip(genes, genes[1:]):
        if second.start - first.end > 2:  # no separator is longer
            continue
        separator = text[first.end:second.start]
        if separator not in rules.separators or text[first.start:second.end].isascii():
            continue
        named = (separator == "::" or bool(fusion_word_pattern().match(text, second.end))
                 or (separator != "/" and bool({first.normalised, second.normalised}
                                               & rules.oriented)))
        if named:
            backed = exon_statement_follows(text, second.end, {text[first.start:first.end],
                                                              text[second.start:second.end]})
            hits.append(Hit(first.start, second.end, gene_partner(first, text),
                            gene_partner(second, text), "fusion.pair",
                            "stated" if backed else "established"))
    return hits


def find_partner_lists(text: str, genes: list[Tag], rules: FusionRules) -> list[Hit]:
    """Genes listed as the fusion partners of another: "ALK fusion partners, including
    TPM3, TPM4, CLTC" -> TPM3::ALK, TPM4::ALK, CLTC::ALK."""
    if "artner" not in text:  # cheap test before the cue pattern: most texts name none
        return []
    partner_cue = cues().partner
    starts = [gene.start for gene in genes]
    hits = []
    for cue in partner_cue.finditer(text):
        sentence_start, sentence_end = sentence_bounds(text, cue.start())
        index = bisect.bisect_left(starts, cue.end())
        hub = None
        following = genes[index] if index < len(genes) else None
        of = PARTNER_OF.match(text, cue.end())
        if following is not None and of and of.end() == following.start:
            hub, index = following, index + 1  # "fusion partners of ALK, such as ..."
        else:
            earliest = sentence_bounds(text, max(0, sentence_start - 1))[0]
            before = bisect.bisect_left(starts, cue.start()) - 1
            while before >= 0 and genes[before].start >= earliest:
                if genes[before].normalised in rules.oriented:
                    hub = genes[before]
                    break
                before -= 1
        if hub is None:
            continue
        position = hub.end if hub.start > cue.start() else cue.end()
        listed = []
        while index < len(genes) and genes[index].start < sentence_end:
            gene = genes[index]
            gap = text[position:gene.start]
            if not (LIST_INTRO.fullmatch(gap) if not listed else LIST_SEPARATOR.fullmatch(gap)):
                break
            listed.append(gene)
            position, index = gene.end, index + 1
        hub_partner = gene_partner(hub, text)
        for gene in listed:
            if gene.normalised != hub.normalised:
                five, three = around_hub(gene_partner(gene, text), hub_partner, rules)
                hits.append(Hit(gene.start, gene.end, five, three, "fusion.partner_list", "stated"))
    return hits


def partner_hub(header: str, lexicon: GeneLexicon, rules: FusionRules) -> str | None:
    """The gene whose partners a column holds, from a header such as "ALK fusion partner"."""
    if not cues().partner_word.search(header):
        return None
    for word in re.findall(r"[A-Za-z][A-Za-z0-9-]*", header):
        symbol = firm_symbol(word, lexicon)
        if symbol in rules.oriented:
            return symbol
    return None


def find_table_partners(text: str, cells: list[tuple[int, int, str]], genes: list[Tag],
                        lexicon: GeneLexicon, rules: FusionRules) -> list[Hit]:
    """Cells of a partner column ("ALK fusion partner": TNS1) -> TNS1::ALK. A cell that
    names no gene is kept as printed (``unresolved``) when it is shaped like a symbol."""
    hubs: dict[str, str | None] = {}
    starts = [gene.start for gene in genes]
    hits = []
    for start, end, header in cells:
        if header not in hubs:
            hubs[header] = partner_hub(header, lexicon, rules)
        hub = hubs[header]
        value = text[start:end].strip()
        if hub is None or not value or value.lower() in rules.no_partner_cells:
            continue
        hub_partner = Partner(hub, hub)
        index = bisect.bisect_left(starts, start)
        inside = []
        while index < len(genes) and genes[index].end <= end:
            inside.append(genes[index])
            index += 1
        partners = [(g.start, gene_partner(g, text)) for g in inside if g.normalised != hub]
        if not inside:
            word = value.rstrip("*†‡§")
            if not SYMBOL_SHAPE.match(word):
                continue
            at = text.index(word, start)
            partners = [(at, Partner(word, firm_symbol(word, lexicon), at))]
        for at, partner in partners:
            five, three = around_hub(partner, hub_partner, rules)
            hits.append(Hit(at, at + len(partner.printed), five, three, "fusion.table_partner",
                            "stated"))
    return hits


def attach_exon_notations(text: str, anchors: list[Hit], rules: FusionRules) -> list[Hit]:
    """Exon notations as details of the fusion printed before them: right after it
    ("HMBOX1::ALK (H6::A20)"), or below it in a block of codes ("EML4-ALK / 1 E13; A20 /
    2 E20; A20"), when each side's letters say exon or begin that side's symbol.
    An anchor a notation attaches to keeps its printed order."""
    if not anchors:
        return []
    ordered = sorted(anchors, key=lambda hit: hit.end)
    ends = [hit.end for hit in ordered]
    consumed: set[int] = set()
    notations = []
    for notation in find_exon_notations(text):
        index = bisect.bisect_right(ends, notation.start) - 1
        while index >= 0 and id(ordered[index]) in consumed:
            index -= 1
        if index < 0:
            continue
        anchor = ordered[index]
        fits = (prefix_fit(notation.first_prefix, anchor.first.printed, anchor.first.symbol,
                           rules.exon_prefixes),
                prefix_fit(notation.second_prefix, anchor.second.printed, anchor.second.symbol,
                           rules.exon_prefixes))
        if None in fits:
            continue
        between = text[anchor.end:notation.start]
        if not (NOTATION_ADJACENT.fullmatch(between)
                or ("specific" in fits and len(between) <= NOTATION_REACH
                    and not PROSE_WORD.search(between))):
            continue
        anchor.order = "stated"
        consumed.update(id(hit) for hit in anchors
                        if notation.start <= hit.start and hit.end <= notation.end)
        notations.append(Hit(notation.start, notation.end, replace(anchor.first, start=None),
                             replace(anchor.second, start=None), NOTATION_RULE, "stated",
                             {"five_prime_exon": notation.first_exon,
                              "three_prime_exon": notation.second_exon}))
    return notations


def attach_gene_details(text: str, anchors: list[Hit], genes: list[Tag],
                        rules: FusionRules) -> list[Hit]:
    """Transcripts and breakpoints stated for a gene, as details of the nearest fusion of
    that gene (before the statement first, then after it)."""
    if not anchors:
        return []
    details = find_gene_details(text, genes, cues().breakpoint)
    hits = []
    for detail in details:
        before = [a for a in anchors if a.end <= detail.start and detail.start - a.end <= DETAIL_REACH
                  and a.side_of(detail.gene, rules)]
        after = [a for a in anchors if a.start >= detail.end and a.start - detail.end <= DETAIL_REACH
                 and a.side_of(detail.gene, rules)]
        anchor = (max(before, key=lambda a: a.end) if before
                  else min(after, key=lambda a: a.start) if after else None)
        if anchor is None:
            continue
        five, three = anchor.oriented(rules)
        side = anchor.side_of(detail.gene, rules)
        hits.append(Hit(detail.start, detail.end, replace(five, start=None),
                        replace(three, start=None), f"fusion.{detail.kind}", "stated",
                        {f"{side}_{detail.kind}": detail.value}))
    return hits


def hit_tags(hit: Hit, rules: FusionRules) -> list[Tag]:
    five, three = hit.oriented(rules)
    fusion = Fusion(name=f"{five.name}::{three.name}", five_prime=five.name, three_prime=three.name,
                    unresolved=five.symbol is None or three.symbol is None, **hit.details)
    tags = [Tag("fusion", hit.start, hit.end, fusion.name, hit.rule, fusion=fusion)]
    for partner in (hit.first, hit.second):
        if partner.start is None:
            continue
        end = partner.start + len(partner.printed)
        if partner.symbol is not None:
            tags.append(Tag("gene", partner.start, end, partner.symbol, "gene.fusion_partner"))
        else:
            tags.append(Tag("unresolved_gene", partner.start, end, partner.printed,
                            "gene.unresolved_partner"))
    return tags


def distinct_genes(genes: Iterable[Tag]) -> list[Tag]:
    """Gene tags by position, one per start (the longest)."""
    by_start: dict[int, Tag] = {}
    for gene in genes:
        if gene.start not in by_start or gene.end > by_start[gene.start].end:
            by_start[gene.start] = gene
    return [by_start[start] for start in sorted(by_start)]


def find_fusions(text: str, lexicon: GeneLexicon, genes: Iterable[Tag] = (),
                 cells: list[tuple[int, int, str]] = ()) -> list[Tag]:
    """Fusion tags (with their details), plus gene tags for partners known only through
    the fusion. ``genes`` are the gene tags found so far; ``cells`` the document's table
    body cells as (start, end, column header)."""
    rules = fusion_rules()
    genes = distinct_genes(genes)
    anchors = (find_pairs(text, lexicon, rules, fusion_column_cells(list(cells)))
               + find_greek_pairs(text, genes, rules)
               + find_phrases(text, genes, rules)
               + find_partner_lists(text, genes, rules)
               + find_table_partners(text, list(cells), genes, lexicon, rules))
    notations = attach_exon_notations(text, anchors, rules)
    anchors = [hit for hit in anchors
               if not any(n.start <= hit.start and hit.end <= n.end for n in notations)]
    hits = anchors + notations + attach_gene_details(text, anchors, genes, rules)
    return [tag for hit in hits for tag in hit_tags(hit, rules)]


# between genes listed with one fusion word: "ALK, ROS1 or RET rearrangements", "ALK/ROS1",
# "ALK- or ROS1-rearranged" (a suspended hyphen)
REARRANGED_LIST_JOIN = re.compile(r"\s*-?\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+|/)\s*")


@lru_cache(maxsize=1)
def rearranged_patterns() -> tuple[re.Pattern, re.Pattern]:
    """A fusion word after a gene ("ALK rearrangement", "ALK-rearranged", "the ALK gene was
    rearranged", "KMT2A-r", "KMT2A (MLL) rearrangement": an alias or locus in brackets may
    stand between), matched from the gene's end; and one before it ("rearrangement
    of ALK", "translocations involving KMT2A", "a rearranged ROS1"), searched up to its start."""
    words = alternatives(fusion_rules().fusion_words)
    after = re.compile(rf"(?:\s*\([A-Za-z0-9.-]{{1,12}}\))?[\s-]*(?:gene\s+)?"
                       rf"(?:(?:is|was|were|are|been|being)\s+)?(?:{words})\b"
                       r"|-r\b", re.IGNORECASE)
    before = re.compile(r"\b(?:(?:rearrangements?|translocations?|fusions?)\s+(?:of|involving|"
                        r"affecting)|rearranged)\s+(?:the\s+)?$", re.IGNORECASE)
    return after, before


def said_before(lowered: str, start: int) -> bool:
    """Whether a fusion word stands in the 60 characters before ``start``: a cheap test
    before the pattern, which would be tried at each of them."""
    low = max(0, start - 60)
    return any(lowered.find(stem, low, start) != -1 for stem in ("rearrang", "transloc", "fusion"))


def find_rearranged(text: str, genes: list[Tag]) -> list[Tag]:
    """Genes a fusion word speaks of, and the genes listed with them: "ALK rearrangement",
    "IGFBP5 fusion", "ALK, ROS1 and RET rearrangements", "rearrangements of ALK or ROS1";
    not where the text says there is none ("no ROS1 rearrangement", "negative for ALK or
    ROS1 fusions")."""
    (after, before), negated = rearranged_patterns(), negated_pattern()
    genes = distinct_genes(genes)
    lowered = lower_keeping_offsets(text)
    found: dict[int, Tag] = {}
    for index, gene in enumerate(genes):
        first = last = index
        if after.match(text, gene.end):
            while first > 0 and REARRANGED_LIST_JOIN.fullmatch(text, genes[first - 1].end,
                                                                genes[first].start):
                first -= 1
            said_at = genes[first].start
        elif (said_before(lowered, gene.start)
              and (cue := before.search(text, max(0, gene.start - 60), gene.start)) is not None):
            while last + 1 < len(genes) and REARRANGED_LIST_JOIN.fullmatch(
                    text, genes[last].end, genes[last + 1].start):
                last += 1
            said_at = cue.start()
        else:
            continue
        if negated.search(text, max(0, said_at - 40), said_at):
            continue
        for listed in genes[first:last + 1]:
            found[listed.start] = Tag("rearranged_gene", listed.start, listed.end,
                                      listed.normalised, "rearranged.gene_word")
    return list(found.values())


def rearranged_in_fusion_cells(cells: list[tuple[int, int, str]], genes: list[Tag],
                               fusions: list[Tag]) -> list[Tag]:
    """Genes alone in a cell of a fusion column ("ALK (partner unknown)" under "Fusion"):
    rearranged, with no partner that row names."""
    found = []
    for start, end in fusion_column_cells(cells):
        if any(start <= f.start < end for f in fusions if f.type == "fusion"):
            continue
        found += [Tag("rearranged_gene", g.start, g.end, g.normalised, "rearranged.fusion_cell")
                  for g in genes if start <= g.start and g.end <= end]
    return found


# A protein's size printed before its fusion ("p190 BCR-ABL1") names the fusion's protein
PROTEIN_SIZE = re.compile(r"p\d{2,3}")


def protein_sizes(text: str, genes: list[Tag], fusions: list[Tag]) -> list[Tag]:
    """Gene tags that are a fusion protein's size: "p190" (an alias of CNTNAP1) in "a p190
    BCR-ABL1 transcript"."""
    starts = {tag.start for tag in fusions if tag.type == "fusion"}
    return [gene for gene in genes if PROTEIN_SIZE.fullmatch(text, gene.start, gene.end)
            and any(text[gene.end:start].isspace() for start in starts if start > gene.end)]


class FusionTagger:
    """spaCy component ``caselit_fusions``: fusion, partner-gene and rearranged-gene tags."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.lexicon = gene_lexicon(get_settings())
        # the rules' patterns are built when the tagger loads, not in the first document
        # that needs one
        pair_pattern(), separators_between_runs(), fusion_word_pattern(), cues(), negated_pattern()
        rearranged_patterns()

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        fusions = find_fusions(text, self.lexicon, resolved_genes(doc), table_cells(doc))
        notations = [(t.start, t.end) for t in fusions if t.rule == NOTATION_RULE]
        if notations:  # exon notations are no genes ("H6" is an alias of HMX1)
            remove_tags(doc, lambda t: t.type in ("gene", "unresolved_gene") and any(
                start <= t.start and t.end <= end for start, end in notations))
        sizes = protein_sizes(text, resolved_genes(doc), fusions)
        if sizes:
            remove_tags(doc, lambda t: t in sizes)
        known = {(tag.start, tag.end) for tag in resolved_genes(doc)}
        new_genes = [t for t in fusions if t.type != "gene" or (t.start, t.end) not in known]
        add_tags(doc, new_genes)
        genes = resolved_genes(doc)
        add_tags(doc, find_rearranged(text, genes)
                 + rearranged_in_fusion_cells(table_cells(doc), genes, fusions))
        return doc


@Language.factory("caselit_fusions", default_config={}, requires=["doc._.caselit_tags"],
                  assigns=["doc._.caselit_tags"])
def make_fusion_tagger(nlp: Language, name: str) -> FusionTagger:
    return FusionTagger(nlp, name)
