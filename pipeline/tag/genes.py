"""Genes: HGNC symbols (case-sensitive) and gene names (case-blind) -> approved symbols,
judged in context. Rules are data: ``resources/gene_rules.yaml``.

A printed symbol is first found in the lexicon (approved, previous, alias or withdrawn
symbol, or an alias several genes share), also as reports spell it: a Greek letter
("PDGFRα"), lower case ("abl"), a c- alias without its hyphen ("CKIT"), a sibling by its
number ("CDK4/6"). Then:

- rejected outright: numbers and codes with fewer than two letters ("52", "R2 resection",
  "V2", "T3", "1D" in "Figure 1D"), except protein names such as "p53"; a class or family
  ("PI3K", "S100", "insulin receptor superfamily"); a name inside another protein's name
  ("Moesin-ezrin-radixin-like protein") or inside a drug's ("T-DM1"); a drug product named
  like its gene ("G-CSF"); an abbreviation the document defines as something that is no
  gene ("maximum intensity projection (MIP)"); a name the text gives as a drug and no gene
  word is near ("procarbazine-CCNU-vincristine", "dacarbazine and interleukin-2");
- resolved by context: an IHC marker in an immunohistochemistry sentence ("SMA" ->
  ACTA2, "EMA" -> MUC1, "ALK1" -> ALK); an alias several genes share needs that, the
  document naming one of them, or a gene word and a number it abbreviates (PD1 -> PDCD1);
- scored from its context (:mod:`pipeline.tag.evidence`, rules under ``evidence``):
  strong forms count at once: gene names; symbols with a digit ("FN1", "KIF5B") or of
  four or more letters that are not an ordinary word (``pipeline.lexicons.words``);
  aliases spelled like their symbol (NPM -> NPM1, Ki-67 -> MKI67, p53 -> TP53). Weak ones,
  short symbols ("ALK", "MET"), word-like ones ("IMPACT", "SET") and aliases unrelated to
  their symbol's spelling ("TTF-1" -> NKX2-1), need a gene word close by ("mutation",
  "fusion", "positive"...) or a marker's result after them ("CK7+", "PD-L1 80%"), a place
  in a list of accepted genes ("TPM3, TPM4, CLTC, CARS"), or acceptance elsewhere in the
  same document. A symbol in lower case and a clinical abbreviation ("FISH", "SD") read as
  something else first and need two of these.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache, partial
from itertools import compress
from operator import attrgetter
from typing import Callable, Collection, Iterable, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.lexicons import (DrugLexicon, GeneEntry, GeneLexicon, common_words, drug_lexicon,
                               gene_lexicon)
from pipeline.settings import get_settings
from pipeline.tag.abbreviations import abbreviations
from pipeline.tag.context import (Sentence, doc_sentences, in_ranges, listed_beside, out_of_scope,
                                  sentence_at)
from pipeline.tag.drugs import drug_rules, letters, reads_as_drug
from pipeline.tag.evidence import ACCEPT, STRONG, WEAK, WEAKER
from pipeline.tag.gene_rules import GeneRules, gene_rules
from pipeline.tag.model_mentions import ModelMention, inside, model_mentions, unknown_entities
from pipeline.tag.matching import SpanIndex, ascii_runs, find_terms, matches_at_runs, per_lookup
from pipeline.tag.tags import Tag, add_tags, doc_text

MAX_NAME_WORDS = 8
REMEMBERED_FORMS = 1 << 14  # printed forms whose reading a gene tagger keeps (read_form)
PROTEIN_NAME = re.compile(r"^p\d{2,3}$")  # p53, p16, p63
LIST_SEPARATOR = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/|\s*-\s*)\s*$")
LIKE_COMPOUND = re.compile(r"(?:-[A-Za-z]+)*-like\b")  # matched at a mention's end
CODED = frozenset({"coded"})  # the label of a form printed with a digit ("PD-L1", "CK7")
GENE_ISH = re.compile(r"\b(?:kinase|receptor|protein|factor|gene|antigen|ligand|domain|enzyme|"
                      r"synthase|homolog|oncogene|transcript|channel|transporter|subunit|"
                      r"chain|member|binding)\b", re.IGNORECASE)


class Candidate(NamedTuple):
    """A printed gene form (a tuple: several are made for each text, at a third of the
    cost of a frozen dataclass)."""

    start: int
    end: int
    printed: str
    symbol: str | None  # None: an alias several genes share
    rank: str  # approved | previous | alias | withdrawn | name | shared | respelled | lower_case | marker
    shared: tuple[str, ...] = ()


START = attrgetter("start")  # candidates in text order


GREEK_WORDS = {"alpha": "A", "beta": "B", "gamma": "G", "delta": "D", "epsilon": "E", "kappa": "K",
               "α": "A", "β": "B", "γ": "G", "δ": "D", "ε": "E", "κ": "K"}
GREEK_SUFFIX = re.compile(r"(alpha|beta|gamma|delta|epsilon|kappa|[αβγδεκ])(\d?)$", re.IGNORECASE)
SHORT_TAIL = re.compile(r"-(?=[A-Za-z0-9]{1,2}$)")  # "IGF-1", "IFN-g", "TGF-b1"
ROMAN_NUMERAL = re.compile(r"^[IVX]+$")
CELLULAR_HOMOLOG = re.compile(r"^[cC]-([A-Za-z]{2,}[0-9]?)$")  # c-kit, c-Met: the proto-oncogene
JOINED_HOMOLOG = re.compile(r"^[cC]([A-Z]{2,}[0-9]?)$")  # CKIT, cMYC: its hyphen left out
UNRESOLVED_TAIL = re.compile(r"-[A-Za-z0-9]")
LOWER_CASE_SYMBOL = 3  # letters at least: "abl", "ret" (not "rb", "ca")


def greek_as_letter(printed: str) -> str:
    """A Greek letter ending a symbol as the Latin letter HGNC writes: "PDGFRα" -> PDGFRA."""
    return GREEK_SUFFIX.sub(lambda m: GREEK_WORDS[m.group(1).lower()] + m.group(2), printed)


@lru_cache(maxsize=1 << 16)  # texts repeat their words, and so does a corpus: spell once
def symbol_respellings(printed: str, words: frozenset[str]) -> tuple[str, ...]:
    """Other spellings of a symbol: a Greek word or letter as its letter ("PKCalpha" -> PKCA,
    "PDGFRα" -> PDGFRA), no hyphen before a short tail ("EML-4" -> EML4, "IGF-1" -> IGF1),
    capitals for mixed case as rodent symbols and abstracts print them ("Bax", "sgk1",
    "mTOR", "IFN-g"), but not for an ordinary word ("Was" is no WAS), capitals for a word
    in lower case that is no ordinary word ("abl" -> ABL), and the c- alias of a
    proto-oncogene printed without its hyphen ("CKIT" -> C-Kit)."""
    if printed.isalpha() and printed.isascii():
        # most words: at most one other spelling to try (checked first, for speed)
        if printed.islower():
            return ((printed.upper(),) if len(printed) >= LOWER_CASE_SYMBOL
                    and printed not in words else ())
        if printed.isupper():
            joined = JOINED_HOMOLOG.match(printed)
            return cellular_forms(joined.group(1)) if joined else ()
        if printed[1:].islower() and GREEK_SUFFIX.search(printed) is None:
            # capitalised ("Patient", "Bax"): its capitals, unless an ordinary word, as below
            return (printed.upper(),) if len(printed) >= 3 and printed.lower() not in words else ()
    elif printed.isascii() and printed.isdigit():
        return ()  # a number: no letter to respell
    spelled = SHORT_TAIL.sub("", greek_as_letter(printed))
    forms = [spelled] if spelled != printed else []
    mixed_case = any(c.islower() for c in spelled) and (
        spelled[:1].isupper() or any(c.isdigit() for c in spelled) or any(c.isupper() for c in spelled[1:]))
    plural = spelled[:-1].isupper() and spelled.endswith("s")  # "CMs", "NETs": plural abbreviations
    if mixed_case and not plural and letters(spelled) >= 3 and printed.lower() not in words:
        forms.append(spelled.upper())
    cellular = CELLULAR_HOMOLOG.match(printed)
    if cellular:  # "c-kit", "c-MET": HGNC keeps one casing of the alias, or none
        forms += cellular_forms(cellular.group(1)) + [cellular.group(1).upper()]
    joined = JOINED_HOMOLOG.match(printed)
    if joined:  # "cKIT": only as HGNC spells the alias, never the bare symbol ("cALK")
        forms += cellular_forms(joined.group(1))
    return tuple(dict.fromkeys(form for form in forms if form != printed))


@lru_cache(maxsize=4)
def symbol_respeller(words: frozenset[str]) -> Callable[[str], tuple[str, ...]]:
    """:func:`symbol_respellings` for one set of ordinary words, the same function each
    time, so look-ups remember which words it respells to a symbol."""
    return partial(symbol_respellings, words=words)


GREEK_CAPITALS = tuple(word.upper() for word in GREEK_WORDS if word.isascii())


@per_lookup
def respelling_screen(lookup: dict[str, object]) -> RespellingScreen:
    """:func:`may_respell` for a lookup's keys (the same screen each time: look-ups
    remember their answers per screen, :func:`~pipeline.tag.matching.resolving_words`)."""
    return RespellingScreen(frozenset(key.upper().replace("-", "") for key in lookup))


C_PREFIXES = ("c-", "C-")
# a Greek word (and a digit) ending a form in capitals (see may_respell), in forms joined
# by new lines
GREEK_ENDING = re.compile(f"(?:{'|'.join(GREEK_CAPITALS)})[0-9]?$", re.MULTILINE)


class RespellingScreen(NamedTuple):
    """:func:`may_respell` for keys spelled as ``spelled_keys`` (a
    :class:`~pipeline.tag.matching.KeyScreen`)."""

    spelled_keys: frozenset[str]

    def __call__(self, printed: str) -> bool:
        return may_respell(self.spelled_keys, printed)

    def passing(self, forms: Collection[str]) -> Iterable[str]:
        """The forms :func:`may_respell` lets through. ASCII forms (no new line in any)
        are put in capitals without hyphens all at once, as one string joined by new
        lines, and the few starting with "c-" or ending in a Greek word are sought in
        it, where a call of may_respell for each of a text's thousands of new words cost
        about a tenth of the genes' look-up."""
        forms = list(forms)
        joined = "\n".join(forms)
        if not joined.isascii() or len(forms) != joined.count("\n") + 1:
            return filter(self, forms)
        spelled_joined = joined.upper().replace("-", "")
        spelled = spelled_joined.split("\n")
        found = set(compress(forms, map(self.spelled_keys.__contains__, spelled)))
        if joined.startswith(C_PREFIXES) or "\nc-" in joined or "\nC-" in joined:
            found.update(form for form in forms if form.startswith(C_PREFIXES))
        if GREEK_ENDING.search(spelled_joined):
            found.update(form for form, capitals in zip(forms, spelled)
                         if GREEK_ENDING.search(capitals))
        return found


def may_respell(spelled_keys: frozenset[str], printed: str) -> bool:
    """False when no form of :func:`symbol_respellings` can be a key: respelling an ASCII
    form that ends in no Greek word and starts with no "c-" changes only its letter case
    and hyphens, so a key it respells to is in ``spelled_keys`` (the keys in capitals
    without hyphens) as the form itself is (a quick test before most words' respelling)."""
    if not printed.isascii():
        return True
    spelled = printed.upper().replace("-", "")
    return (spelled in spelled_keys or printed.startswith(C_PREFIXES)
            or (spelled[:-1] if spelled[-1:].isdigit() else spelled).endswith(GREEK_CAPITALS))


def cellular_forms(name: str) -> list[str]:
    """The spellings HGNC may give the c- alias of a proto-oncogene ("C-Kit", "c-Myc")."""
    return [f"{c}-{n}" for c in "cC" for n in (name.capitalize(), name.upper(), name.lower())]


def name_respellings(key: str) -> tuple[str, ...]:
    """'caveolin-1' -> 'caveolin 1': names join their number with a space."""
    return (key.replace("-", " "),) if "-" in key else ()


FIRM_RANKS = ("approved", "previous")


def alphanumerics(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


def find_candidates(text: str, lexicon: GeneLexicon, words: frozenset[str]) -> list[Candidate]:
    """Every printed gene form; a full name wins over a symbol inside it. A symbol found
    only in other capitals or through a Greek word is ``respelled`` (weak)."""
    found = [Candidate(m.start, m.end, text[m.start:m.end], symbol, "name")
             for m, symbol in find_terms(text, lexicon.names, max_words=MAX_NAME_WORDS, lower=True,
                                         respellings=name_respellings,
                                         respellings_keep_words=True)]
    # the names found do not overlap and are in text order: a symbol starts inside one
    # when it starts before the end of the last name starting at or before it
    name_starts = [c.start for c in found]
    # symbols hold no space, and no respelling takes one out: only hyphens join their words
    for match, entry in find_terms(text, lexicon.printed_forms, max_words=2,
                                   respellings=symbol_respeller(words),
                                   may_respell=respelling_screen(lexicon.printed_forms), joiners="-"):
        before = bisect_right(name_starts, match.start)
        if before and match.start < found[before - 1].end:
            continue
        printed = text[match.start:match.end]
        respelled = match.key != printed and alphanumerics(greek_as_letter(printed)) != match.key
        if respelled and UNRESOLVED_TAIL.match(text, match.end):
            continue  # "miR" of "miR-501", "Star" of "Star-PAP": part of a longer name
        if (CELLULAR_HOMOLOG.match(printed) and "-" not in match.key
                and not (isinstance(entry, GeneEntry) and entry.rank == "approved")):
            continue  # "c-ANCA": only an approved symbol is the homolog's gene
        lower_case = respelled and printed.isalpha() and printed.islower()
        if lower_case and not (isinstance(entry, GeneEntry) and entry.rank in FIRM_RANKS):
            continue  # in lower case, only an approved or previous symbol: "abl", not "her"
        if isinstance(entry, GeneEntry):
            found.append(Candidate(match.start, match.end, printed, entry.symbol,
                                   "lower_case" if lower_case
                                   else "respelled" if respelled else entry.rank))
        else:
            found.append(Candidate(match.start, match.end, printed, None, "shared", entry))
    found += numbered_siblings(text, found, lexicon)
    return sorted(found, key=START)


def with_markers(candidates: list[Candidate], text: str, rules: GeneRules) -> list[Candidate]:
    """The candidates and the IHC markers printed where none is ("napsin A", "estrogen
    receptor"): no HGNC form, they are genes only in a marker result (see ``resolve``)."""
    markers = printed_markers(text, rules)
    if not markers:
        return candidates  # most texts: no span of the candidates to index
    taken = SpanIndex((c.start, c.end) for c in candidates)
    found = [Candidate(match.start(), match.end(), match.group(), None, "marker")
             for match in markers if not taken.overlaps(*match.span())]
    return sorted(candidates + found, key=START) if found else candidates


def printed_markers(text: str, rules: GeneRules) -> list[re.Match]:
    """``rules.marker_forms.finditer(text)``, the pattern tried only at the runs of ASCII
    letters and digits a marker starts with (``rules.marker_runs``), found by set look-ups
    where the pattern, starting with a look-behind, would be tried at every character."""
    if rules.marker_runs is None:
        return list(rules.marker_forms.finditer(text))
    runs = ascii_runs(text)
    if rules.marker_runs.isdisjoint(runs.printed):
        return []  # most texts (a set operation at C speed, no index made for each run)
    return matches_at_runs(rules.marker_forms, text, runs.starts, runs.printed, rules.marker_runs)


# After a symbol ending in a number, the numbers of its siblings: "CDK4/6", "BRCA1/2",
# "FGFR1-3" (a short range)
SIBLING_NUMBERS = re.compile(r"(?:/\d{1,2}(?![\d.,]?\d)){1,3}(?![A-Za-z0-9])"
                             r"|-(?P<last>\d)(?![A-Za-z0-9])")
NUMBERED_SYMBOL = re.compile(r"^(?P<stem>.*?[A-Za-z])(?P<number>\d{1,2})$")
MAX_RANGE = 4


def numbered_siblings(text: str, found: list[Candidate], lexicon: GeneLexicon) -> list[Candidate]:
    """Genes named by their number after a sibling's symbol: "CDK4/6 inhibitor" names CDK4
    and CDK6, "BRCA1/2" BRCA1 and BRCA2, "NTRK1-3" NTRK1, NTRK2 and NTRK3. Each is a
    candidate over its number, found only when its symbol is one HGNC approved or had."""
    siblings = []
    for candidate in found:
        if text[candidate.end:candidate.end + 1] not in ("/", "-"):
            continue  # most symbols: no sibling numbers after them
        numbered = NUMBERED_SYMBOL.match(candidate.printed)
        after = SIBLING_NUMBERS.match(text, candidate.end) if numbered else None
        if after is None or candidate.symbol is None:
            continue
        stem, first = numbered.group("stem"), int(numbered.group("number"))
        if after.group("last"):
            last = int(after.group("last"))
            # the range's last number names the last gene, the range ("1-3") those between
            range_start = candidate.end - len(numbered.group("number"))
            numbers = [(n, after.start("last") if n == last else range_start, after.end("last"))
                       for n in range(first + 1, last + 1) if last - first <= MAX_RANGE]
        else:
            numbers = [(int(m.group(0)), after.start() + m.start(), after.start() + m.end())
                       for m in re.finditer(r"\d+", after.group(0))]
        for number, start, end in numbers:
            entry = lexicon.symbols.get(f"{stem}{number}")
            if entry is not None and entry.rank in FIRM_RANKS + ("alias",):
                siblings.append(Candidate(start, end, f"{stem}{number}", entry.symbol, entry.rank))
    return siblings


def spelled_like(printed: str, symbol: str) -> bool:
    """An alias spelled like its symbol: NPM/NPM1, Ki-67/MKI67, p53/TP53, WT-1/WT1."""
    a, b = (re.sub(r"[^A-Z0-9]", "", s.upper()) for s in (printed, symbol))
    return bool(a) and (a in b or b in a)


def strength(candidate: Candidate, words: frozenset[str]) -> str:
    """reject | weak | strong, from the printed form alone."""
    printed = candidate.printed
    if candidate.rank == "name":
        return "strong"
    if (letters(printed) < 2 and not PROTEIN_NAME.match(printed)) or ROMAN_NUMERAL.match(printed):
        return "reject"
    if candidate.rank in ("respelled", "lower_case") or (
            candidate.rank == "alias" and not spelled_like(printed, candidate.symbol or "")):
        return "weak"
    if letters(printed) < len(printed):  # "FN1", "WT-1", "p53": digits make no word
        return "strong"
    return "weak" if len(printed) < 4 or printed.lower() in words else "strong"


def inside_like_compound(text: str, candidate: Candidate) -> bool:
    """'Moesin-ezrin-radixin-like protein': names inside another protein's name."""
    # matched in place (no copy of the 60 characters): at ``pos`` re anchors the match,
    # and ``endpos`` ends the text as a slice would
    return bool(LIKE_COMPOUND.match(text, candidate.end, candidate.end + 60))


def author_initials(text: str, candidate: Candidate, words: frozenset[str]) -> bool:
    """'Wu SC, Chen HW.': two or three capitals after a surname, before a comma or stop;
    not after an ordinary word ("No ALK, ROS1 or RET rearrangement")."""
    if not (len(candidate.printed) <= 3 and candidate.printed.isupper()
            and AFTER_INITIALS.match(text[candidate.end:candidate.end + 8])):
        return False
    surname = INITIALS.search(text[max(0, candidate.start - 25):candidate.start])
    return surname is not None and surname.group(0).strip().lower() not in words


def defined_otherwise(candidate: Candidate, defined: dict[str, str], lexicon: GeneLexicon) -> bool:
    """An abbreviation the document defines as something that is no gene. Asked of weak
    symbols only: a strong one defined by an unknown long form is a gene under an old
    name ("Bicaudal D2 (BICD2)")."""
    long_form = defined.get(candidate.printed)
    if long_form is None:
        return False
    if lexicon.names.get(long_form.lower()) is not None or GENE_ISH.search(long_form):
        return False
    return True


def spells_out_a_drug_product(candidate: Candidate, defined: dict[str, str]) -> bool:
    """A name the document gives as a drug product's long form ("G-CSF: granulocyte
    colony-stimulating factor") means the product, as the short form does."""
    return candidate.rank == "name" and any(
        long.lower() == candidate.printed.lower() and drug_rules().products.fullmatch(short)
        for short, long in defined.items())


GENE_AFTER = re.compile(r"\s+gene\b", re.IGNORECASE)
NUMBER_BEFORE = re.compile(r"\d\s*$")


def called_a_gene(text: str, candidate: Candidate) -> bool:
    """A symbol too short to trust alone ("F5", "C3") that the text calls a gene: "Three F5
    gene mutations". A lone letter is no such symbol, least of all after a number: "the
    FGG 10034 T gene variant" is an allele."""
    return (candidate.rank in ("approved", "previous") and len(candidate.printed) > 1
            and not ROMAN_NUMERAL.match(candidate.printed)
            and not NUMBER_BEFORE.search(text, max(0, candidate.start - 3), candidate.start)
            and bool(GENE_AFTER.match(text, candidate.end)))


def inside_a_drug_name(text: str, candidate: Candidate, drugs: DrugLexicon) -> bool:
    """A symbol that is part of a hyphenated drug name: "DM1" (a previous symbol of DMPK)
    in "T-DM1", the code of trastuzumab emtansine."""
    start, end = candidate.start, candidate.end
    if text[max(0, start - 1):start] != "-" and text[end:end + 1] != "-":
        return False  # most symbols: no hyphen beside them
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "-"):
        end += 1
    word = text[start:end].strip("-")
    return word != candidate.printed and "-" in word and word.lower() in drugs.names


def reads_first_as_other(candidate: Candidate, rules: GeneRules) -> bool:
    """A symbol in lower case reads as a word ("abl"), a clinical abbreviation as the
    assay, response or disease it names in reports ("FISH", "SD", "ALL")."""
    return candidate.rank == "lower_case" or candidate.printed in rules.clinical_abbreviations


def abbreviates(alias: str, symbol: str) -> bool:
    """An alias with a number that is its symbol with a stretch inside left out: PD1 ->
    PD(CD)1, not SNCA or SPATA2, which share the alias; SMN is no STMN1; and an alias of
    letters alone reads as a clinical abbreviation first ("PR" is no PGR by its letters)."""
    short, full = (re.sub(r"[^A-Z0-9]", "", s.upper()) for s in (alias, symbol))
    return short[-1:].isdigit() and len(short) < len(full) and any(
        full.startswith(short[:cut]) and full.endswith(short[cut:]) for cut in range(1, len(short)))


def shared_aliases_resolved(shared: list[tuple[int, Candidate]], accepted: dict[int, Tag],
                            excluded: list[tuple[int, int]],
                            supported: Callable[[Candidate], bool]) -> dict[int, Tag]:
    """An alias several genes share means the one of them the document names elsewhere
    ("the p62/SQSTM1 gene": p62 is SQSTM1, not NUP62); none named, the one whose symbol it
    abbreviates, with a gene word near ("anti-PD1 antibodies": PDCD1, not SNCA or
    SPATA2); two named, or no evidence: no gene."""
    named = {tag.normalised for tag in accepted.values() if not in_ranges(tag.start, excluded)}
    resolved = {}
    for index, candidate in shared:
        options = named.intersection(candidate.shared)
        if not options and supported(candidate):
            options = {symbol for symbol in candidate.shared if abbreviates(candidate.printed, symbol)}
        if len(options) == 1:
            resolved[index] = Tag("gene", candidate.start, candidate.end, options.pop(),
                                  "gene.shared")
    return resolved


@lru_cache(maxsize=256)  # a sentence of IHC results names several markers: read it once
def names_ihc(cues: re.Pattern, sentence: str) -> bool:
    return cues.search(sentence) is not None


INITIALS = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s$")  # "Wu ", "Hsing-Wu "
AFTER_INITIALS = re.compile(r"^(?:,|\.|\s+et\s+al)")


class GeneTagger:
    """spaCy component ``caselit_genes``."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        settings = get_settings()
        self.lexicon = gene_lexicon(settings)
        self.drugs = drug_lexicon(settings)  # names that are a gene's and a drug's
        self.words = common_words(settings)
        self.rules = gene_rules()
        respelling_screen(self.lexicon.printed_forms)  # built with the tagger, not in a document
        # what the rules make of each printed form (see ``read_form``), remembered: texts
        # repeat their symbols, and a corpus its genes
        self.forms: dict[tuple[str, str, str | None], tuple[str | None, str | None, str]] = {}

    def __call__(self, doc: Doc) -> Doc:
        add_tags(doc, self.judge(doc_text(doc), doc_sentences(doc), abbreviations(doc),
                                 out_of_scope(doc), model_mentions(doc, "gene")))
        return doc

    def resolve(self, candidate: Candidate, sentence: str) -> tuple[str | None, str]:
        """(symbol, strength) after the IHC reading and the rejections."""
        marker, symbol, verdict = self.read_form(candidate)
        if marker and names_ihc(self.rules.ihc_cues, sentence):
            return marker, "strong"
        return symbol, verdict

    def read_form(self, candidate: Candidate) -> tuple[str | None, str | None, str]:
        """(the symbol of the IHC marker it is, symbol, strength) of a candidate's printed
        form, its rank and symbol, whatever its context: worked out once per form while
        the tagger remembers it (up to REMEMBERED_FORMS)."""
        key = (candidate.printed, candidate.rank, candidate.symbol)
        reading = self.forms.get(key)
        if reading is None:
            if len(self.forms) >= REMEMBERED_FORMS:
                self.forms.clear()
            reading = self.forms[key] = (self.rules.marker_symbol(candidate.printed),
                                         *self.form_verdict(candidate))
        return reading

    def form_verdict(self, candidate: Candidate) -> tuple[str | None, str]:
        """(symbol, strength) of a printed form outside an IHC reading: rejected as a
        class, no gene or a drug product, or as a shared alias (see ``judge``)."""
        rules = self.rules
        if (candidate.printed in rules.classes or candidate.printed in rules.not_genes
                or drug_rules().products.fullmatch(candidate.printed)):
            return None, "reject"
        if candidate.symbol is None:
            return None, "reject"  # a shared alias that no IHC context settles (see below)
        return candidate.symbol, strength(candidate, self.words)

    def judge(self, text: str, sentences: list[Sentence], defined: dict[str, str],
              excluded: list[tuple[int, int]] = (), proposed: list[ModelMention] = ()) -> list[Tag]:
        """Gene tags: strong ones at once, weak ones with evidence (see the module docstring).
        Evidence from out-of-scope parts (a reference list) vouches for nothing; a model's
        gene entity around a weak symbol vouches for it."""
        rules = self.rules
        accepted: dict[int, Tag] = {}
        weak: list[tuple[int, Candidate, str]] = []
        shared: list[tuple[int, Candidate]] = []
        vetoed: set[str] = set()
        candidates = with_markers(find_candidates(text, self.lexicon, self.words), text, rules)
        for index, candidate in enumerate(candidates):
            # its fields as locals: a named tuple's field is read by a descriptor call
            # (about 200 instructions), and each is read several times below
            start, end, printed, _, rank, shared_by = candidate
            sentence = sentence_at(sentences, start)
            symbol, verdict = self.resolve(candidate, sentence.text if sentence else "")
            if verdict == "reject" and symbol and called_a_gene(text, candidate):
                verdict = "strong"
            if (rules.family_words.match(text, end, end + 40)
                    or inside_like_compound(text, candidate)
                    or (verdict != "strong" and defined_otherwise(candidate, defined, self.lexicon))):
                vetoed.add(printed)  # what the document says this form is, it is throughout
                continue
            if (author_initials(text, candidate, self.words)
                    or spells_out_a_drug_product(candidate, defined)
                    or (rank == "lower_case" and text[max(0, start - 1):start] == "/")):
                continue  # after a slash, a word in lower case names the gene before it: "HER2/neu"
            if symbol is None and shared_by and strength(candidate, self.words) != "reject":
                shared.append((index, candidate))
            if verdict == "reject" or symbol is None:
                continue
            if inside_a_drug_name(text, candidate, self.drugs):
                continue  # "DM1" of "T-DM1" (trastuzumab emtansine)
            if (reads_as_drug(text, start, end, sentence, self.drugs, drug_rules())
                    and rules.evidence.score(WEAK, text, start, end, sentence) < ACCEPT):
                continue  # a drug here, with no gene word near: "procarbazine-CCNU-vincristine"
            in_scope = not in_ranges(start, excluded)
            # a symbol in lower case, or a clinical abbreviation, reads as something else
            # first: it needs two pieces of evidence
            prior = (STRONG if verdict == "strong" else WEAKER if reads_first_as_other(
                candidate, rules) else WEAK)
            score = rules.evidence.score(prior, text, start, end, sentence,
                                         labels=CODED if any(map(str.isdigit, printed))
                                         else frozenset(), in_scope=in_scope
                                         ) + inside(start, end, proposed)
            if score >= ACCEPT:
                accepted[index] = Tag("gene", start, end, symbol, f"gene.{rank}")
            elif score == WEAK:
                weak.append((index, candidate, symbol))
        for index in [i for i, tag in accepted.items() if candidates[i].printed in vetoed]:
            del accepted[index]
        weak = [item for item in weak if item[1].printed not in vetoed]
        # weak ones: accepted elsewhere (in scope) in the document, or listed beside accepted genes
        changed = True
        while changed and weak:
            changed = False
            symbols = {tag.normalised for tag in accepted.values()
                       if not in_ranges(tag.start, excluded)}
            for item in list(weak):
                index, candidate, symbol = item
                if symbol in symbols or listed_beside(index, candidates, accepted, text,
                                                          LIST_SEPARATOR):
                    accepted[index] = Tag("gene", candidate.start, candidate.end, symbol,
                                          f"gene.{candidate.rank}")
                    weak.remove(item)
                    changed = True
        accepted.update(shared_aliases_resolved(
            [(i, c) for i, c in shared if c.printed not in vetoed], accepted, excluded,
            lambda c: rules.evidence.score(WEAK, text, c.start, c.end, sentence_at(
                sentences, c.start), in_scope=not in_ranges(c.start, excluded)) >= ACCEPT))
        found = list(accepted.values()) + unknown_entities("gene", proposed, candidates)
        return sorted(found, key=lambda tag: (tag.start, tag.end))


@Language.factory("caselit_genes", default_config={}, assigns=["doc._.caselit_tags"])
def make_gene_tagger(nlp: Language, name: str) -> GeneTagger:
    return GeneTagger(nlp, name)
