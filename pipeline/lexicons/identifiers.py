"""Identifiers of normalised values, for the community formats (BioC, PubTator).

Genes: the HGNC ID and the NCBI Gene ID of each approved symbol, both columns of the HGNC
complete set (``hgnc_id``, ``entrez_id``). Drugs: the FDA UNII of an INN (the official
name, TYPE ``of``, of a substance in the FDA list) and the DrugBank ID (the DrugBank
open vocabulary's drug of that common name or that UNII). A value the files do not
identify has no identifier; nothing is guessed.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

from pipeline.lexicons.cache import CompactEntry


@dataclass(frozen=True, slots=True)
class GeneIds(CompactEntry):
    hgnc: str
    ncbi_gene: str | None


@dataclass(frozen=True, slots=True)
class DrugIds(CompactEntry):
    unii: str | None
    drugbank: str | None


@dataclass
class Identifiers:
    genes: dict[str, GeneIds]
    drugs: dict[str, DrugIds]

    @classmethod
    def from_json(cls, data: dict) -> "Identifiers":
        return cls(genes={symbol: GeneIds(*ids) for symbol, ids in data["genes"].items()},
                   drugs={inn: DrugIds(*ids) for inn, ids in data["drugs"].items()})

    def gene(self, symbol: str | None) -> GeneIds | None:
        return self.genes.get(symbol) if symbol else None

    def drug(self, inn: str | None) -> DrugIds | None:
        return self.drugs.get(inn.lower()) if inn else None


def build_identifiers(complete_set: Path, fda_names: Path, drugbank: Path) -> dict:
    genes = {}
    with gzip.open(complete_set, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["status"] == "Approved":
                genes[row["symbol"]] = [row["hgnc_id"], row["entrez_id"].strip() or None]
    unii_by_name: dict[str, str] = {}
    with gzip.open(fda_names, "rt", encoding="utf-8", newline="") as handle:
        for name, kind, unii, _display in csv.reader(handle, delimiter="\t",
                                                     quoting=csv.QUOTE_NONE):
            if kind == "of":
                unii_by_name.setdefault(name.lower(), unii)
    drugbank_by_name: dict[str, str] = {}
    drugbank_by_unii: dict[str, str] = {}
    with gzip.open(drugbank, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            drugbank_by_name.setdefault(row["Common name"].strip().lower(), row["DrugBank ID"])
            if row["UNII"].strip():
                drugbank_by_unii.setdefault(row["UNII"].strip(), row["DrugBank ID"])
                unii_by_name.setdefault(row["Common name"].strip().lower(), row["UNII"].strip())
    drugs = {}
    for name in set(unii_by_name) | set(drugbank_by_name):
        unii = unii_by_name.get(name)
        drugs[name] = [unii, drugbank_by_name.get(name) or drugbank_by_unii.get(unii or "")]
    return {"genes": genes, "drugs": drugs}
