"""HGVS syntax: the printed forms taggers look for and the normal forms records hold.

Normal forms follow the gold guidelines: protein changes in three-letter form without
the predicted-parentheses (p.Gly1202Arg, stop as Ter), coding and genomic changes as
written (c.3604G>A, g.716751G>C). One module, so the tagger that writes a variant and the
schema that checks it agree on what a normalised change is.
"""

from __future__ import annotations

import re
from functools import lru_cache

THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "U": "Sec",
    "O": "Pyl", "*": "Ter", "X": "Ter",
}
AA3 = "Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Sec|Pyl|Ter|Xaa"
AA1 = "[ACDEFGHIKLMNPQRSTVWYUO]"
AA = rf"(?:{AA3}|{AA1})"
# "fsTer23", "fs*23", "fsX23" or a bare "fs"; a legacy bare number ("fs3769") is not
# read, as it does not say where the new stop is counted from.
FRAMESHIFT = r"fs(?:(?:Ter|\*|X)\d*)?"
# A deletion or duplication may restate the residues it removes or repeats
# ("p.Y772_A775dupYVMA", "p.E746_A750delELREA"): legacy forms, read without them.
RESTATED_EDIT = rf"(?:del|dup)(?:{AA})*"
RESTATED_RESIDUES = re.compile(rf"(?<=del|dup)(?:{AA})+$")
# Printed protein changes: one- or three-letter codes, "*" or "X" for stop.
PROTEIN_EDIT = (
    rf"{AA}\d+(?:_{AA}\d+)?"
    rf"(?:delins(?:{AA})+|{RESTATED_EDIT}|ins(?:{AA})+|{FRAMESHIFT}|(?:{AA}|\*|X|stop|Stop)(?:{FRAMESHIFT})?"
    rf"|=|\?)"
)
POSITION = r"[-*]?\d+(?:[-+]\d+)?"
BASES = "[ACGTUacgu]"
# a deletion may give its bases or their number ("c.2235_2249del15"), kept as written
NUCLEOTIDE_EDIT = (
    rf"{POSITION}(?:_{POSITION})?"
    rf"(?:{BASES}>{BASES}|delins{BASES}+|del(?:{BASES}+|\d+)?|dup{BASES}*|ins{BASES}+|inv|=)"
)

# Printed nucleotide changes may space or draw the substitution: "c.2316-1G > A",
# "c.35G-->A", "c.264 C>A"; normalised to "c.2316-1G>A".
SUBSTITUTION = r"\s?(?:>|-->|->|→)\s?"
PRINTED_NUCLEOTIDE_EDIT = (
    rf"{POSITION}(?:_{POSITION})?"
    rf"(?:\s?{BASES}{SUBSTITUTION}{BASES}|delins{BASES}+|del(?:{BASES}+|\d+)?|dup{BASES}*|ins{BASES}+|inv|=)"
)

# Normal forms: three-letter codes only (Xaa is written Ter), no parentheses.
NORMAL_AA = AA3.replace("|Xaa", "")
NORMAL_FRAMESHIFT = r"fs(?:Ter\d*)?"
NORMAL_PROTEIN = (
    rf"p\.(?:(?:{NORMAL_AA})\d+(?:_(?:{NORMAL_AA})\d+)?"
    rf"(?:delins(?:{NORMAL_AA})+|del|dup|ins(?:{NORMAL_AA})+|{NORMAL_FRAMESHIFT}"
    rf"|(?:{NORMAL_AA})(?:{NORMAL_FRAMESHIFT})?|=|\?))"
)
NORMAL_FORM = re.compile(rf"^(?:{NORMAL_PROTEIN}|[cgnrm]\.{NUCLEOTIDE_EDIT})$")
STOP_WORD = re.compile(r"(?<=\d)(?:stop|Stop)(?![a-z])")
# Edit words and three-letter codes first, so "Gly" is not read as G + l + y.
PROTEIN_TOKEN = re.compile(rf"delins|del|dup|ins|fs|ext|{AA3}|\d+|.")


def normalise_protein_change(change: str) -> str:
    """'G1202R', 'p.G1202R', 'p.(Gly1202Arg)' -> 'p.Gly1202Arg'; '*', 'X' and the word
    'stop' ("p.E169stop") -> 'Ter'; residues restated after a deletion or duplication
    dropped ('p.Y772_A775dupYVMA' -> 'p.Tyr772_Ala775dup')."""
    body = STOP_WORD.sub("*", change.removeprefix("p."))
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    body = RESTATED_RESIDUES.sub("", body)
    tokens = PROTEIN_TOKEN.findall(body)
    return "p." + "".join("Ter" if t == "Xaa" else THREE_LETTER.get(t, t) for t in tokens)


def normalise_nucleotide_change(change: str) -> str:
    """'c.2316-1G > A', 'c.35G-->A' -> 'c.2316-1G>A', 'c.35G>A'; parentheses dropped."""
    change = re.sub(SUBSTITUTION, ">", change.replace("(", "").replace(")", ""))
    return re.sub(r"\s", "", change)  # "c.264 C>A" -> "c.264C>A"


def is_normal_hgvs(change: str) -> bool:
    return bool(NORMAL_FORM.match(change))


@lru_cache(maxsize=1)
def biocommons_parser():
    """biocommons' HGVS grammar (``hgvs`` package, parser only: offline, no database), or
    None where it is not installed."""
    try:
        import hgvs.parser
    except ImportError:
        return None
    return hgvs.parser.Parser()


@lru_cache(maxsize=4096)
def biocommons_accepts(change: str) -> bool | None:
    """Whether biocommons' grammar parses a normal form ("p.Gly1202Arg", "c.3604G>A");
    None where the parser is not installed."""
    parser = biocommons_parser()
    if parser is None:
        return None
    kind, _, edit = change.partition(".")
    try:
        getattr(parser, f"parse_{kind}_posedit")(edit)
    except Exception:  # the grammar's own error types (HGVSParseError, parsley's errors)
        return False
    return True
