"""Drug lexicon: printed names -> (lower-case INN, kind), from four public vocabularies.

- FDA UNII names: substances with an INN or USAN (names tagged ``[INN]``/``[USAN]``) are
  drugs; their code names, brand names and single-word common names map to that INN,
  with salts stripped to the parent ("alectinib hydrochloride" -> alectinib; a salt's
  own UNII often has no tagged INN, so its display name is stripped too).
- DrugBank open vocabulary: joined on UNII to the FDA INN; its synonyms become names of
  that INN. A DrugBank substance with no FDA INN keeps its DrugBank name, as a
  ``chemical`` (many are reagents, foods or allergens, so they need therapy context).
- GENIE-BPC oncology list: "Lorlatinib(PF06463922, Lorbrena)": codes and brands.
- drug-NER dictionary: name variants and brand names of DrugBank substances.

Kinds, strongest first: ``inn``; ``short`` (an antibody-drug conjugate by its antibody
word, "brentuximab" -> brentuximab vedotin); ``code`` (research codes, "PF-06463922";
one with no INN maps to itself, as the guidelines keep it as printed); ``synonym``;
``brand``; ``common``; ``chemical``. A printed form claimed by two drugs at its best rank
is left out. Only forms the matcher can find are kept: ASCII words joined by one space
or hyphen, at most ``MAX_WORDS`` words.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.lexicons.cache import CompactEntry

TAGGED = re.compile(r"^(.*?) \[(INN|USAN)\]$")
SINGLE_WORD = re.compile(r"^[A-Z][A-Z0-9-]{4,}$")
# A research code: letters then digits, e.g. PF-06463922, ASP3026, LDK378, CPX-351.
CODE_NAME = re.compile(r"^[A-Z]{2,}[- ]?\d{3,}[A-Z]?$")
# A code's letters and digits, joined or hyphenated: reports also print a named drug's
# code apart ("AMG 510", "ARQ 197") where vocabularies list "AMG-510" and "AMG510".
# Two letters apart need four digits: "ZD 1839", never "CI 100-582" (a confidence interval).
SPACED_CODE = re.compile(r"^([a-z]{3,}|[a-z]{2}(?=-?\d{4}))-?(\d{3,}[a-z]?)$")
MATCHABLE = re.compile(r"^[a-z0-9]+(?:[ -][a-z0-9]+)*$")
MAX_WORDS = 4
KINDS = ("inn", "short", "code", "synonym", "brand", "common", "chemical")
PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}
# Antibody-drug conjugates are often printed by their antibody alone ("brentuximab").
CONJUGATE = re.compile(r"^([a-z]+mab) [a-z]+$")


@dataclass(frozen=True, slots=True)
class DrugEntry(CompactEntry):
    inn: str
    kind: str  # one of KINDS


@dataclass
class DrugLexicon:
    names: dict[str, DrugEntry]

    @classmethod
    def from_json(cls, data: dict) -> "DrugLexicon":
        return cls(names={key: DrugEntry(*value) for key, value in data["names"].items()})


class Claims:
    """Printed form -> the (rank, INN, kind) claims on it; resolved by best rank."""

    def __init__(self) -> None:
        self.claims: dict[str, set[tuple[int, str, str]]] = defaultdict(set)

    def add(self, printed: str, inn: str, kind: str) -> None:
        key = " ".join(printed.lower().split())
        if MATCHABLE.match(key) and len(key.split()) <= MAX_WORDS and len(key) > 1:
            self.claims[key].add((PRIORITY[kind], inn, kind))
            spaced = SPACED_CODE.sub(r"\1 \2", key) if kind == "code" else key
            if spaced != key and SPACED_CODE.match(inn) is None:  # a code of a named drug
                self.claims[spaced].add((PRIORITY[kind], inn, kind))

    def resolve(self) -> dict[str, list[str]]:
        names = {}
        for key, claims in self.claims.items():
            best = min(rank for rank, _, _ in claims)
            winners = {(inn, kind) for rank, inn, kind in claims if rank == best}
            if len({inn for inn, _ in winners}) == 1:
                names[key] = list(winners.pop())
        return names


def parent_name(name: str, inns: set[str], salts: frozenset[str]) -> str:
    """Strip trailing salt words while what remains is still an INN."""
    words = name.split()
    while len(words) > 1 and words[-1] in salts and " ".join(words[:-1]) in inns:
        words.pop()
    return " ".join(words)


def fda_inns(fda_names: Path, salts: frozenset[str]) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """The FDA rows (name, type, UNII) and the INN of every UNII that has one."""
    rows: list[tuple[str, str, str]] = []
    display_by_unii: dict[str, str] = {}
    inn_by_unii: dict[str, str] = {}
    with gzip.open(fda_names, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for name, kind, unii, display in reader:
            rows.append((name, kind, unii))
            display_by_unii[unii] = display.lower()
            tagged = TAGGED.match(name)
            if tagged:
                # An INN beats a USAN for the same substance; otherwise keep the shorter.
                candidate = tagged.group(1).lower()
                current = inn_by_unii.get(unii)
                if current is None or (tagged.group(2) == "INN" and len(candidate) <= len(current)):
                    inn_by_unii[unii] = candidate
    inns = set(inn_by_unii.values())
    inn_by_unii = {unii: parent_name(inn, inns, salts) for unii, inn in inn_by_unii.items()}
    for unii, display in display_by_unii.items():
        parent = parent_name(display, inns, salts)
        if unii not in inn_by_unii and parent in inns:
            inn_by_unii[unii] = parent
    return rows, inn_by_unii


def add_fda(claims: Claims, rows: list[tuple[str, str, str]], inn_by_unii: dict[str, str]) -> None:
    for inn in set(inn_by_unii.values()):
        claims.add(inn, inn, "inn")
        conjugate = CONJUGATE.match(inn)
        if conjugate:
            claims.add(conjugate.group(1), inn, "short")
    for name, kind, unii in rows:
        inn = inn_by_unii.get(unii)
        upper = name.upper()
        if kind == "cd" and CODE_NAME.match(upper):
            claims.add(name, inn or name.lower(), "code")
        elif inn is None:
            continue
        elif kind == "bn" and SINGLE_WORD.match(upper):
            claims.add(name, inn, "brand")
        elif kind == "cn" and SINGLE_WORD.match(upper) and not upper[-1].isdigit():
            claims.add(name, inn, "common")


def add_drugbank(claims: Claims, path: Path, inn_by_unii: dict[str, str],
                 salts: frozenset[str]) -> dict[str, str]:
    """DrugBank names; returns DrugBank ID -> the name its drug is recorded under."""
    by_id: dict[str, str] = {}
    inns = set(inn_by_unii.values())
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            common = row["Common name"].strip()
            inn = inn_by_unii.get(row["UNII"]) or parent_name(common.lower(), inns, salts)
            known = inn in inns
            by_id[row["DrugBank ID"]] = inn
            if CODE_NAME.match(common.upper()):
                claims.add(common, inn, "code")
            elif not known:
                claims.add(common, inn, "chemical")
            for synonym in (s.strip() for s in row["Synonyms"].split(" | ") if s.strip()):
                if CODE_NAME.match(synonym.upper()):
                    claims.add(synonym, inn, "code")
                elif known:
                    claims.add(synonym, inn, "synonym")
    return by_id


GENIE_ENTRY = re.compile(r"^(?P<name>[^(,]+)(?:\((?P<inner>.*)\)|,(?P<rest>.*))?$")


def add_genie(claims: Claims, path: Path, resolve: dict[str, list[str]],
              salts: frozenset[str]) -> None:
    """'Lorlatinib(PF06463922, Lorbrena)': the name's INN gets the codes and brands."""
    inns = {inn for inn, kind in resolve.values() if kind == "inn"}
    with path.open(encoding="utf-8", newline="") as handle:
        entries = {row["drug_name_full"] for row in csv.DictReader(handle)}
    for entry in entries:
        match = GENIE_ENTRY.match(entry.strip())
        if not match:
            continue
        name = parent_name(match.group("name").strip().lower(), inns, salts)
        known = resolve.get(name)
        if known is None or known[1] != "inn":
            continue  # "Other hormone", NCIt names of no single INN
        inn = known[0]
        for synonym in (match.group("inner") or match.group("rest") or "").split(","):
            synonym = synonym.strip()
            if synonym:
                claims.add(synonym, inn, "code" if CODE_NAME.match(synonym.upper()) else "brand")


def add_drug_ner(claims: Claims, path: Path, by_id: dict[str, str]) -> None:
    """Variants of DrugBank substances; markup rows ("&lt;ref ...") are not names."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            inn = by_id.get(row["drugbank_id"])
            if inn is None or "&" in row["variant"]:
                continue
            claims.add(row["variant"], inn, "brand" if row["is_brand"] == "True" else "synonym")


def build_drug_lexicon(fda_names: Path, drugbank: Path, genie: Path, drug_ner: Path,
                       salts: list[str]) -> dict:
    """The four vocabularies -> JSON-ready lexicon (see :class:`DrugLexicon`)."""
    salt_words = frozenset(salt.lower() for salt in salts)
    claims = Claims()
    rows, inn_by_unii = fda_inns(fda_names, salt_words)
    add_fda(claims, rows, inn_by_unii)
    by_id = add_drugbank(claims, drugbank, inn_by_unii, salt_words)
    add_drug_ner(claims, drug_ner, by_id)
    add_genie(claims, genie, claims.resolve(), salt_words)
    return {"names": claims.resolve()}
