"""HGNC gene lexicon: printed symbols and names -> approved symbols.

Each printed form is claimed by genes at a rank: approved symbol, previous symbol, alias,
withdrawn symbol (mapped to its successor). The best rank wins; a form claimed by two
genes at its best rank is ambiguous and kept apart with its candidates, for taggers to
resolve by context. Symbols match case-sensitively, names case-insensitively.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.lexicons.cache import CompactEntry

RANKS = {"approved": 0, "previous": 1, "alias": 2, "withdrawn": 3}
WITHDRAWN_SUCCESSOR = re.compile(r"see \[(HGNC:\d+)\]")
TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)$")
DISEASE_NAME = re.compile(r"(?:disease|syndrome|disorder|deficiency|dystrophy|osis|a?emia|pathy|"
                          r"itis|carcinoma|cancer|leuka?emia|lymphoma|anomaly|atrophy|ataxia|"
                          r"dysplasia|retardation|susceptibility)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class GeneEntry(CompactEntry):
    symbol: str
    rank: str


@dataclass
class GeneLexicon:
    symbols: dict[str, GeneEntry]
    names: dict[str, str]
    ambiguous: dict[str, list[str]]

    @classmethod
    def from_json(cls, data: dict) -> "GeneLexicon":
        return cls(
            symbols={key: GeneEntry(*value) for key, value in data["symbols"].items()},
            names=data["names"],
            ambiguous=data["ambiguous"],
        )

    @cached_property
    def printed_forms(self) -> dict[str, "GeneEntry | tuple[str, ...]"]:
        """Every printed symbol form: its entry, or the symbols an ambiguous alias shares."""
        return {**{key: tuple(symbols) for key, symbols in self.ambiguous.items()}, **self.symbols}


def split_field(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def name_forms(name: str) -> list[str]:
    """A name and, when it ends in a parenthesis, the name without it; none when it is a
    disease's name ("Norrie disease", "hemochromatosis"): printed, it means the disease."""
    bare = TRAILING_PARENTHESIS.sub("", name)
    if DISEASE_NAME.search(bare or name):
        return []
    forms = [name.lower()]
    if bare != name and bare:
        forms.append(bare.lower())
    return forms


def resolve(claims: dict[str, set[tuple[int, str]]]) -> tuple[dict[str, tuple[str, int]], dict[str, list[str]]]:
    resolved: dict[str, tuple[str, int]] = {}
    ambiguous: dict[str, list[str]] = {}
    for key, ranked in claims.items():
        best = min(rank for rank, _ in ranked)
        winners = sorted({symbol for rank, symbol in ranked if rank == best})
        if len(winners) == 1:
            resolved[key] = (winners[0], best)
        else:
            ambiguous[key] = winners
    return resolved, ambiguous


GENERIC_PREFIX_OF = 3


def generic_names(names: dict[str, tuple[str, int]]) -> list[str]:
    """Names that begin three or more names of other genes ("transcription factor",
    "protein kinase C"): a class of genes in prose, unless it is a gene's approved name.
    Longer names of the same gene do not count ("delta-like 4" begins "delta-like 4
    homolog" and "delta-like 4 (drosophila)", all DLL4)."""
    ordered = sorted(names)
    generic = []
    for position, name in enumerate(ordered):
        prefix, longer = name + " ", 0
        for other in ordered[position + 1:position + 1 + 50]:
            if not other.startswith(prefix):
                if other > prefix:
                    break
                continue
            longer += names[other][0] != names[name][0]
        if longer >= GENERIC_PREFIX_OF:
            generic.append(name)
    return generic


def build_gene_lexicon(complete_set: Path, withdrawn: Path) -> dict:
    """Raw HGNC files -> JSON-ready lexicon (see :class:`GeneLexicon`)."""
    symbol_claims: dict[str, set[tuple[int, str]]] = defaultdict(set)
    name_claims: dict[str, set[tuple[int, str]]] = defaultdict(set)
    by_id: dict[str, str] = {}
    with gzip.open(complete_set, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["status"] != "Approved":
                continue
            symbol = row["symbol"]
            by_id[row["hgnc_id"]] = symbol
            symbol_claims[symbol].add((RANKS["approved"], symbol))
            for previous in split_field(row["prev_symbol"]):
                symbol_claims[previous].add((RANKS["previous"], symbol))
            for alias in split_field(row["alias_symbol"]):
                symbol_claims[alias].add((RANKS["alias"], symbol))
            for field, rank in (("name", "approved"), ("prev_name", "previous"),
                                ("alias_name", "alias")):
                for name in split_field(row[field]):
                    for form in name_forms(name):
                        name_claims[form].add((RANKS[rank], symbol))
    with withdrawn.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            successors = WITHDRAWN_SUCCESSOR.findall(row["Approved name"])
            if row["Status"] == "Symbol Withdrawn" and len(successors) == 1 and successors[0] in by_id:
                symbol_claims[row["Approved symbol"]].add((RANKS["withdrawn"], by_id[successors[0]]))
    rank_names = {value: key for key, value in RANKS.items()}
    symbols, ambiguous = resolve(symbol_claims)
    names, _ = resolve(name_claims)  # an ambiguous full name is no evidence for either gene
    for generic in generic_names(names):
        if names[generic][1] != RANKS["approved"]:  # an official name stays ("vimentin")
            del names[generic]
    return {
        "symbols": {key: [symbol, rank_names[rank]] for key, (symbol, rank) in symbols.items()},
        "names": {key: symbol for key, (symbol, _) in names.items()},
        "ambiguous": ambiguous,
    }
