"""Where a missed gold value is printed in the document, so a false negative can be read
in context ("CARS was printed here, and not extracted").

A value is looked for in the forms a document may print it in, most specific first:

- a gene by its symbol; then its previous symbols, aliases and withdrawn symbols (HGNC);
  its names and IHC marker names ("napsin A", ``gene_rules.yaml``); aliases it shares
  with other genes; last, any casing of those symbols that is not all lower case ("TrkA");
- a drug by its INN; then its code, brand and other names (the drug lexicon);
- a fusion by its pair in any of its genes' symbols ("NPM-ALK"), else where its 5' gene is;
- a variant by its HGVS change, or a protein change in one-letter form ("G1202R");
- a detection method or a therapy setting by its words in ``case_words.yaml``; a therapy
  line by its drugs (its regimen when it names none);
- a missed patient where the text gives their age (the extraction's patient descriptor,
  else the age's printed forms in ``spelling.yaml``); a table-row patient at their row.

A table-row case's values are looked for in its row, then in its table. Only in-scope text
counts; the first printing in text order wins within a form's rank.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Callable, Iterable

from pipeline.evaluate.cases import CASES_FIELD, table_name
from pipeline.evaluate.rules import ihc_markers, text_rules, word_groups
from pipeline.evaluate.strategies import NO_DRUG, line_value, same_age
from pipeline.hgvs_syntax import THREE_LETTER
from pipeline.lexicons import drug_lexicon, gene_lexicon
from pipeline.resources import words_pattern
from pipeline.schema import CaseRecord, DiffItem, Document, Mention, Table, TableRow

ONE_LETTER = {three: one for one, three in THREE_LETTER.items() if one not in "*X"}
ONE_LETTER["Ter"] = "*"
PROTEIN = re.compile(r"^p\.([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|\n\s*\n")
SEPARATORS = re.compile(r"[-‐‑–\s]+")
LOOSE_SEPARATOR = r"[-‐‑–\s]?"
# Drug lexicon kinds after the INN, as one rank, then common names; chemical names (often
# reagents) are not looked for.
DRUG_NAME_RANKS = (("short", "code", "synonym", "brand"), ("common",))
PRINTED = "printed here, not extracted"
DESCRIBED = "described here, no record made"


@dataclass(frozen=True)
class Printing:
    """A printed form's pattern; ``not_lower``: a match in all lower case does not count
    (any casing of a symbol, but not a word of prose)."""

    pattern: re.Pattern
    not_lower: bool = False


def form_regex(form: str) -> str:
    """A printed form with its hyphens and spaces loose ("PD-L1": PD-L1, PDL1, PD L1) and
    a symbol's last letter also as its Greek letter ("PDGFRA": PDGFRα)."""
    regex = LOOSE_SEPARATOR.join(re.escape(part) for part in SEPARATORS.split(form) if part)
    greek = text_rules().greek_letters.get(form[-1]) if len(form) > 2 else None
    return regex if greek is None else f"{regex[:-1]}(?:{form[-1]}|{greek})"


def alternation(forms: Iterable[str]) -> str:
    return "|".join(form_regex(form) for form in sorted(set(forms), key=len, reverse=True))


def printings(*ranks: tuple[Iterable[str], bool], not_lower: bool = False
              ) -> tuple[Printing, ...]:
    """One pattern per rank of ``(forms, case_blind)``, each form a whole word; empty ranks
    are left out."""
    found = []
    for forms, case_blind in ranks:
        forms = [form for form in forms if form]
        if forms:
            found.append(Printing(re.compile(
                rf"(?<![A-Za-z0-9])(?:{alternation(forms)})(?![A-Za-z0-9])",
                re.IGNORECASE if case_blind else 0), not_lower))
    return tuple(found)


@dataclass(frozen=True)
class GeneForms:
    """Gene symbol -> the other forms the lexicons know it by."""

    symbols: dict[str, list[str]]  # previous symbols, aliases, withdrawn symbols
    names: dict[str, list[str]]  # names, IHC marker names
    shared: dict[str, list[str]]  # aliases shared with other genes


@lru_cache(maxsize=1)
def gene_forms() -> GeneForms:
    lexicon = gene_lexicon()
    forms = GeneForms(defaultdict(list), defaultdict(list), defaultdict(list))
    for printed, entry in lexicon.symbols.items():
        if printed != entry.symbol:
            forms.symbols[entry.symbol].append(printed)
    for name, symbol in lexicon.names.items():
        forms.names[symbol].append(name)
    for marker, symbol in ihc_markers().items():
        forms.names[symbol].append(marker)
    for printed, symbols in lexicon.ambiguous.items():
        for symbol in symbols:
            forms.shared[symbol].append(printed)
    return forms


def symbols_of(gene: str) -> list[str]:
    return [gene, *gene_forms().symbols.get(gene, [])]


@lru_cache(maxsize=4096)
def gene_printings(gene: str) -> tuple[Printing, ...]:
    forms = gene_forms()
    return (printings(([gene], False), (forms.symbols.get(gene, []), False),
                      (forms.names.get(gene, []), True), (forms.shared.get(gene, []), False))
            + printings((symbols_of(gene), True), not_lower=True))


@lru_cache(maxsize=1)
def drug_forms() -> dict[str, dict[str, list[str]]]:
    """INN -> lexicon kind -> the other names it is printed by."""
    forms: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for printed, entry in drug_lexicon().names.items():
        if printed != entry.inn:
            forms[entry.inn][entry.kind].append(printed)
    return forms


@lru_cache(maxsize=4096)
def drug_printings(inn: str) -> tuple[Printing, ...]:
    kinds = drug_forms().get(inn, {})
    return printings(([inn], True), *(([name for kind in rank for name in kinds.get(kind, [])], True)
                                      for rank in DRUG_NAME_RANKS))


def fusion_printings(name: str) -> tuple[Printing, ...]:
    five, three = name.split("::")
    pair = re.compile(rf"(?<![A-Za-z0-9])(?:{alternation(symbols_of(five))})\W{{1,3}}"
                      rf"(?:{alternation(symbols_of(three))})(?![A-Za-z0-9])")
    return (Printing(pair), *gene_printings(five))


def variant_printings(value: str) -> tuple[Printing, ...]:
    """The change as written, stray spaces allowed ("c.3604G > A"); a protein change also in
    one-letter form, with or without its "p" ("G1202R", "pQ61K")."""
    _, _, change = value.partition(":")
    found = [Printing(re.compile(" ?".join(re.escape(character) for character in change)))]
    protein = PROTEIN.match(change)
    if protein and protein.group(1) in ONE_LETTER and protein.group(3) in ONE_LETTER:
        short = f"{ONE_LETTER[protein.group(1)]}{protein.group(2)}{ONE_LETTER[protein.group(3)]}"
        found.append(Printing(re.compile(
            rf"(?<![A-Za-z0-9])(?:p\.?)?{re.escape(short)}(?![A-Za-z0-9])")))
    return tuple(found)


def vocabulary_printings(vocabulary: str, value: str) -> tuple[Printing, ...]:
    """A value of a ``case_words.yaml`` vocabulary, by its words and as itself."""
    return (Printing(words_pattern(word_groups(vocabulary).get(value, []) + [value])),)


def line_printings(drugs: str) -> tuple[Printing, ...]:
    """A missed line ("crizotinib, alectinib", or its regimen when it names no drug)."""
    if drugs == NO_DRUG:
        return ()
    return (*(p for drug in drugs.split(", ") for p in drug_printings(drug)),
            *printings(([drugs], True)))


# Field (a case field without its "case." prefix) -> how its gold value is printed.
PRINTINGS: dict[str, Callable[[str], tuple[Printing, ...]]] = {
    "genes": gene_printings,
    "rearranged_genes": gene_printings,
    "unresolved_genes": lambda symbol: printings(([symbol], False)),
    "fusions": fusion_printings,
    "variants": variant_printings,
    "drugs": drug_printings,
    "therapy_drugs": drug_printings,
    "regimens": lambda regimen: printings(([regimen], True)),
    "detection_methods": partial(vocabulary_printings, "detection_methods"),
    "therapy_settings": partial(vocabulary_printings, "settings"),
    "therapy_lines": line_printings,
}


def table_row(document: Document, case: CaseRecord | None) -> tuple[Table | None, TableRow | None]:
    """A table case's table and row as the reader laid them out (None where not found)."""
    if case is None or case.source != "table":
        return None, None
    table = next((t for t in document.tables if table_name(t.name) == table_name(case.table)),
                 None)
    rows = [] if table is None else table.layout(document.text)[1]
    return table, next((row for row in rows if row.number == case.row), None)


Area = list[tuple[int, int]]  # spans of the text, searched together in text order


def areas(document: Document, case: CaseRecord | None) -> list[Area]:
    """Where a value is looked for, in turn: a table case's row, then its table (the whole
    text when the reader found no such table); a narrative case's running text, then the
    whole text (its tables may be other patients'); a document-level value, the whole text."""
    everything = [(0, len(document.text))]
    if case is None:
        return [everything]
    if case.source == "narrative":
        edges = sorted((t.start, t.end) for t in document.tables)
        starts = [0] + [end for _, end in edges]
        ends = [start for start, _ in edges] + [len(document.text)]
        return [list(zip(starts, ends)), everything]
    table, row = table_row(document, case)
    if table is None:
        return [everything]
    return ([] if row is None else [[(row.start, row.end)]]) + [[(table.start, table.end)]]


def first_printing(document: Document, found: Iterable[Printing],
                   where: list[Area]) -> tuple[int, int] | None:
    """The first in-scope printing of the best-ranked form, area by area."""
    for area in where:
        for printing in found:
            for start, end in area:
                for match in printing.pattern.finditer(document.text, start, end):
                    if printing.not_lower and match.group(0).islower():
                        continue
                    section = document.section_at(match.start())
                    if section is None or section.in_scope:
                        return match.span()
    return None


def age_pattern(age: float) -> re.Pattern | None:
    """An age's printed forms: whole years, or months under two years."""
    forms = text_rules().age_forms
    found = []
    if float(age).is_integer():
        found += [form.replace("{n}", str(int(age))) for form in forms["years"]]
    if age < 2:
        found += [form.replace("{n}", str(round(age * 12))) for form in forms["months"]]
    return re.compile(rf"(?<![\d.])(?:{'|'.join(found)})", re.IGNORECASE) if found else None


def descriptor(document: Document, case: CaseRecord,
               mentions: Iterable[Mention]) -> tuple[int, int] | None:
    """Where a missed patient is described: a table case's row (its first cell); else the
    first patient descriptor with its age (and sex, when both say it), else its age as
    printed; nothing for a patient of no stated age."""
    if case.source == "table":
        _, row = table_row(document, case)
        return None if row is None else (row.cells[0].start, row.cells[0].end)
    if case.age_years is None:
        return None
    for mention in mentions:
        said = mention.patient
        if (mention.type == "patient" and mention.in_scope and said is not None
                and same_age(said.age_years, case.age_years)
                and (said.sex is None or case.sex is None or said.sex == case.sex)):
            return mention.start, mention.end
    pattern = age_pattern(case.age_years)
    return None if pattern is None else first_printing(document, (Printing(pattern),),
                                                       areas(document, case))


def sentence_around(text: str, start: int, end: int, in_table: bool) -> tuple[int, int]:
    """The sentence holding ``start:end``; in a table, its row."""
    if in_table:
        right = text.find("\n", end)
        return text.rfind("\n", 0, start) + 1, right if right != -1 else len(text)
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in SENTENCE_END.finditer(text, end)), len(text))
    return left, right


def shown_at(document: Document, item: DiffItem, span: tuple[int, int], note: str) -> DiffItem:
    start, end = span
    section = document.section_at(start)
    left, right = sentence_around(document.text, start, end,
                                  section is not None and section.kind == "table")
    raw = document.text[left:right]
    lead = len(raw) - len(raw.lstrip())
    offset = start - left - lead
    return item.model_copy(update={
        "sentence": raw.strip(), "highlight": (offset, offset + end - start),
        "page": document.page_at(start), "note": item.note or note})


def locate(document: Document, item: DiffItem, case: CaseRecord | None = None,
           mentions: Iterable[Mention] = ()) -> DiffItem:
    """A missed value (FN) with the sentence where the document prints it; ``case`` is the
    gold case the item belongs to, ``mentions`` the extraction's (patient descriptors)."""
    if item.kind != "FN" or item.gold is None:
        return item
    if item.field == CASES_FIELD:
        span = None if case is None else descriptor(document, case, mentions)
        return item if span is None else shown_at(document, item, span, DESCRIBED)
    find = PRINTINGS.get(item.field.removeprefix("case."))
    span = None if find is None else first_printing(document, find(line_value(item.gold)),
                                                    areas(document, case))
    return item if span is None else shown_at(document, item, span, PRINTED)


def locate_missed(document: Document, items: list[DiffItem], gold_cases: list[CaseRecord],
                  mentions: Iterable[Mention] = ()) -> list[DiffItem]:
    """Every FN of a document's diff located (case items within their gold case)."""
    cases = {case.case_id: case for case in gold_cases}
    mentions = list(mentions)
    return [locate(document, item, cases.get(item.case_id or ""), mentions) for item in items]
