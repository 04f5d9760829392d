"""Drug lexicon from the FDA UNII names list: printed names -> lower-case INN.

The FDA list holds every regulated substance, excipients and water included. Only
substances with an INN or USAN (names tagged ``[INN]``/``[USAN]``) are drugs here; their
brand names, code names and single-word common names map to that INN, with salts
stripped to the parent ("alectinib hydrochloride" -> alectinib; a salt's own UNII often
has no tagged INN, so its display name is stripped too). A research code with no INN
("ASP3026") maps to itself, as the guidelines keep it as printed. Brand names match only
when printed capitalised, since many brand names are ordinary words.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

TAGGED = re.compile(r"^(.*?) \[(INN|USAN)\]$")
SINGLE_WORD = re.compile(r"^[A-Z][A-Z0-9-]{4,}$")
# A research code: letters then digits, e.g. PF-06463922, ASP3026, LDK378.
CODE_NAME = re.compile(r"^[A-Z]{2,}[- ]?\d{3,}[A-Z]?$")
PRIORITY = {"inn": 0, "code": 1, "common": 2, "brand": 3}


@dataclass(frozen=True)
class DrugEntry:
    inn: str
    kind: str  # inn | code | common | brand


@dataclass
class DrugLexicon:
    names: dict[str, DrugEntry]

    @classmethod
    def from_json(cls, data: dict) -> "DrugLexicon":
        return cls(names={key: DrugEntry(*value) for key, value in data["names"].items()})


def parent_name(name: str, inns: set[str], salts: frozenset[str]) -> str:
    """Strip trailing salt words while what remains is still an INN."""
    words = name.split()
    while len(words) > 1 and words[-1] in salts and " ".join(words[:-1]) in inns:
        words.pop()
    return " ".join(words)


def build_drug_lexicon(fda_names: Path, salts: list[str]) -> dict:
    """FDA UNII names file -> JSON-ready lexicon (see :class:`DrugLexicon`)."""
    salt_words = frozenset(salt.lower() for salt in salts)
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
    inn_by_unii = {unii: parent_name(inn, inns, salt_words) for unii, inn in inn_by_unii.items()}
    for unii, display in display_by_unii.items():
        parent = parent_name(display, inns, salt_words)
        if unii not in inn_by_unii and parent in inns:
            inn_by_unii[unii] = parent
    claims: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for inn in set(inn_by_unii.values()):
        claims[inn].add((PRIORITY["inn"], inn))
    for name, kind, unii in rows:
        inn = inn_by_unii.get(unii)
        upper = name.upper()
        if inn is None:
            if kind == "cd" and CODE_NAME.match(upper):
                claims[name.lower()].add((PRIORITY["code"], name.lower()))
            continue
        if kind == "cd" and CODE_NAME.match(upper):
            claims[name.lower()].add((PRIORITY["code"], inn))
        elif kind == "bn" and SINGLE_WORD.match(upper):
            claims[name.lower()].add((PRIORITY["brand"], inn))
        elif kind == "cn" and SINGLE_WORD.match(upper) and not upper[-1].isdigit():
            claims[name.lower()].add((PRIORITY["common"], inn))
    kinds = {value: key for key, value in PRIORITY.items()}
    names: dict[str, list[str]] = {}
    for key, ranked in claims.items():
        best = min(rank for rank, _ in ranked)
        winners = {inn for rank, inn in ranked if rank == best}
        if len(winners) == 1:
            names[key] = [winners.pop(), kinds[best]]
    return {"names": names}
