"""Sequence variants, found on raw characters and normalised.

Tokenizers split "T790M" and "NM_004304.5:c.3604G>A" in odd places, so the patterns run
on the text itself. What is found, most specific first:

- HGVS c./g./r./n./m./p. changes, with an optional transcript or gene prefix
  ("ALK:c.3604G>A", "NM_004304.5(ALK):c.3520T>C"); the mention is the change, the prefix
  names its gene. Protein changes are normalised to three-letter form without the
  predicted-parentheses (p.(Gly1202Arg), p.G1202R -> p.Gly1202Arg; stop -> Ter); coding
  and genomic changes are kept as written, spaces and arrows aside (c.2316-1G > A ->
  c.2316-1G>A). A breakpoint such as "c.413-2055" has no edit and is not a variant.
- three-letter changes without "p." ("Ser863Asn", "Glu 4 Lys", "Glu98X");
- changes described in words (:mod:`pipeline.tag.variant_words`);
- bare one-letter changes ("G1202R", "V600E") in a sentence that names a gene or says
  mutation, variant or substitution (else "B1202C" in a room number would count);
- dbSNP identifiers ("rs1052133") and nucleotide changes without a coordinate prefix
  ("3190C>T", "1665delC", "-13C/T", "IVS3+1G>A", "G-395A"): variant mentions with no
  HGVS normal form, since guessing "c." or "g." would invent a coordinate system the
  text does not give.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.hgvs_syntax import (AA3, FRAMESHIFT, NORMAL_AA, PRINTED_NUCLEOTIDE_EDIT,
                                  PROTEIN_EDIT, SUBSTITUTION, biocommons_accepts,
                                  biocommons_parser, normalise_nucleotide_change,
                                  normalise_protein_change)
from pipeline.lexicons import GeneLexicon, gene_lexicon
from pipeline.schema import Variant
from pipeline.screens import holds_other_digits
from pipeline.settings import get_settings
from pipeline.tag.context import doc_sentences
from pipeline.tag.matching import matches_from, matches_holding, may_hold_shapes, required_words
from pipeline.tag.model_mentions import model_mentions, unknown_entities
from pipeline.tag.tags import Tag, add_tags, doc_text, resolved_genes
from pipeline.tag import variant_words
from pipeline.tag.variant_words import find_word_changes

# The normal forms most changes take, a substitution of one residue or base, which
# biocommons' grammar accepts whatever the position (tests/tag/test_hgvs.py asks it of
# every pair): not asked of the grammar, at about 0.3 ms each. It rejects pyrrolysine.
PLAIN_RESIDUE = NORMAL_AA.replace("|Pyl", "")
PLAIN_SUBSTITUTION = re.compile(rf"p\.(?:{PLAIN_RESIDUE})\d+(?:{PLAIN_RESIDUE})"
                                r"|c\.\d+[ACGT]>[ACGT]")
# Other normal forms reports print often, which the grammar accepts too (the same test asks
# it of each residue and position kind): frameshifts, deletions and duplications of
# residues; coding changes at an intron or UTR position ("c.444-62C>A", "c.*17T>C"),
# coding deletions, duplications and insertions, genomic substitutions ("g.716751G>C").
# Not genomic positions with an offset ("g.123+5A>G") nor inserted residues, which it
# rejects after a stop ("insTerGly").
PLAIN_RESIDUES = rf"(?:{PLAIN_RESIDUE})\d+(?:_(?:{PLAIN_RESIDUE})\d+)?"
CODING_POSITION = r"[-*]?\d+(?:[-+]\d+)?"
PLAIN_EDIT = re.compile(
    rf"p\.(?:{PLAIN_RESIDUE})\d+(?:{PLAIN_RESIDUE})?fs(?:Ter\d+)?"
    rf"|p\.{PLAIN_RESIDUES}(?:del|dup)"
    rf"|c\.{CODING_POSITION}[ACGT]>[ACGT]|g\.\d+[ACGT]>[ACGT]"
    rf"|c\.{CODING_POSITION}(?:_{CODING_POSITION})?(?:del[ACGT]*|dup[ACGT]*|ins[ACGT]+)")
REFERENCE = r"(?:(?:NM|NR|NC|NG|NP|XM|XR|ENST|LRG)_?\d+(?:\.\d+)?(?:\([A-Za-z0-9-]+\))?)"
HGVS = re.compile(
    rf"(?<![A-Za-z0-9.])"
    rf"(?:(?P<reference>{REFERENCE}):\s?|(?P<gene>[A-Z][A-Z0-9]{{1,10}}):)?"
    rf"(?P<change>(?P<kind>[cgnrm])\.\s?(?P<nucleotide>\(?{PRINTED_NUCLEOTIDE_EDIT}\)?)"
    rf"|p\.\s?(?P<protein>\(?{PROTEIN_EDIT}\)?))"
    rf"(?![A-Za-z0-9])"
)
# What every match of HGVS holds: its kind letter, not glued to a word before it (a prefix
# ends in ":" or a space), the dot, and the change's first character ("c.3", "c. (-2",
# "p.G"). A cheap test before HGVS, which tries every position of a text (most texts hold
# no such change); it starts with the dot, which re finds by a fast scan.
HGVS_MARK = re.compile(r"\.(?<![A-Za-z0-9.][cgnrmp]\.)"
                       r"(?:(?<=[cgnrm]\.)\s?\(?[-*]?\d|(?<=p\.)\s?\(?[A-Z])")
# Where a match of HGVS can start, in a text holding the mark: its first character (a
# reference's or a gene's capital, or the kind letter) where its look-behind allows, then
# the kind's dot, or the rest of a prefix up to ":" and the kind and its dot. re finds it
# by a scan for the first character; HGVS itself, starting with its look-behind, is tried
# in full at every position.
HGVS_START = re.compile(r"[A-Zcgmnpr](?<![A-Za-z0-9.].)(?=\.|[\w.()-]*:\s?[cgmnpr]\.)")
# The look-behinds below follow a pattern's first characters (a code, a digit, a capital),
# so re finds those by a fast scan instead of trying the look-behind at every position.
AA3_WIDTH = 3
if {len(code) for code in AA3.split("|")} != {AA3_WIDTH}:
    raise ValueError(f"three-letter amino acid codes expected, not {AA3}")
THREE_LETTER_CHANGE = re.compile(
    rf"(?P<ref>{AA3})(?<![A-Za-z0-9.]{'.' * AA3_WIDTH})\s?\(?(?P<position>\d{{1,5}})\)?\s?"
    rf"(?:(?P<alt>{AA3}|Stop|X|\*)(?P<fs>fs(?:Ter|\*|X)\d*)?|(?P<frameshift>{FRAMESHIFT}))"
    rf"(?![A-Za-z0-9])"
)
RESIDUE = "[ACDEFGHIKLMNPQRSTVWY]"  # one-letter codes of the twenty amino acids
# "G1202R", and "pN822K" with its "p." printed without the dot: the first character ("p"
# or the residue), its look-behind, then after a "p" the residue; the change is the match
# without its "p"
ONE_LETTER_CHANGE = re.compile(
    rf"[p{RESIDUE[1:-1]}](?<![A-Za-z0-9.:_-].)(?:(?<=p){RESIDUE}|(?<!p))[1-9]\d{{1,4}}"
    rf"(?:[ACDEFGHIKLMNPQRSTVWY*X]|{FRAMESHIFT}|stop|Stop)(?![A-Za-z0-9])"
)
# What the shape of a one-letter change holds: its residue's capital and two digits
ONE_LETTER_SHAPES = (b"A00",)
# A change of two bases after the word "promoter" ("TERT promoter mutation C228T") is a
# nucleotide change (a promoter codes for no protein): a mention with no normal form. Not
# across a clause's end or another symbol ("MLH1 promoter methylation and KRAS G12C").
PROMOTER_BEFORE = re.compile(r"(?i:\bpromoter\b)(?:(?!\b[A-Z]{2})[^.;])*$")
PROMOTER_REACH = 40
BASE_CHANGE = re.compile(r"[ACGT]\d+[ACGT]")
ALTERNATE_RESIDUE = re.compile(rf"/(?P<alt>{RESIDUE})(?![A-Za-z0-9])")
# One-letter deletions, duplications and insertions without "p." ("E746_A750del",
# "A767_V769dup", "G776delinsVC"), and older forms: "E746-A750del", "delE746-A750",
# "G776VinsC" (Gly776 replaced by Val, then Cys inserted: p.Gly776delinsValCys)
RESIDUES = rf"{RESIDUE}\d{{1,5}}(?:[_–-]{RESIDUE}\d{{1,5}})?"  # "E746", "E746_A750", "E746-A750"
ONE_LETTER_EDIT = re.compile(
    rf"(?<![A-Za-z0-9.:_-])p?(?P<change>{RESIDUES}(?:delins{RESIDUE}+|(?:del|dup){RESIDUE}*|ins{RESIDUE}+))"
    rf"(?![A-Za-z0-9])"
    rf"|(?<![A-Za-z0-9.:_-])del(?P<deleted>{RESIDUES})(?![A-Za-z0-9])"  # "delE746-A750"
    rf"|(?<![A-Za-z0-9.:_-])p?(?P<ref>{RESIDUE}\d{{1,5}})(?P<alt>{RESIDUE})ins"
    rf"(?P<inserted>{RESIDUE}+)(?![A-Za-z0-9])"
)
# Residues deleted or duplicated, by their letters and positions: "WK557-558", "WK 557-558"
# beside a deletion word, "delWK557-558", "WK557-558dup" (p.Trp557_Lys558del); or by the
# first and last residue beside a deletion word ("deletion E746-A750", "del E746_A750").
# Found from the positions, which a pattern finds fast, then the residues printed right
# before them.
POSITION_RANGE = re.compile(r"(?P<first>[1-9]\d{0,4})\s?[-–_]\s?(?P<last_residue>"
                            rf"{RESIDUE})?(?P<last>[1-9]\d{{0,4}})(?P<post>del|dup)?(?![A-Za-z0-9])")
RESIDUES_BEFORE = re.compile(rf"(?<![A-Za-z0-9])(?P<pre>del|dup)?(?P<residues>{RESIDUE}{{2,8}})\s?$")
# the first residue of a span: glued to its position, which has two digits or more
# (not a vertebra: "C5-C7")
FIRST_RESIDUE_BEFORE = re.compile(rf"(?<![A-Za-z0-9.:_-])(?P<residues>{RESIDUE})$")
RESIDUES_REACH = 12
EDIT_WORD = re.compile(r"\b(?:(?P<del>del(?:et\w*)?)|(?P<dup>dup(?:licat\w*)?))\b", re.IGNORECASE)
# What every one-letter edit holds: a cheap test before the pattern above, which tries
# every position of a text (most texts hold no such change): "del", "dup" or "ins" after
# a digit ("E746_A750del", "G776VinsC"), or "del", a residue and a digit ("delE746").
# Each pattern starts with its word, which re finds by a fast scan, the look-behind after it.
EDIT_MARKS = (re.compile(r"del(?:(?<=\ddel)|[A-Z]\d)"), re.compile(r"dup(?<=\ddup)"),
              re.compile(r"ins(?:(?<=\dins)|(?<=\d[A-Z]ins))"))
EDIT_WORD_REACH = 25
# Where a one-letter edit can start (as HGVS_START for HGVS): a residue's capital, "p" or
# the "d" of "del" where the look-behind allows, then a digit, a residue and a digit, or
# "el", a residue and a digit
ONE_LETTER_EDIT_START = re.compile(
    rf"[dp{RESIDUE[1:-1]}](?<![A-Za-z0-9.:_-].)(?=\d|{RESIDUE}\d|el{RESIDUE}\d)")
# A one-letter change glued to its gene's symbol ("JAK2V617F", "EGFRL858R") or joined to
# it by a hyphen ("BRAF-V600E"): the symbol must be an approved or previous one, so
# "ALKY1604" (a phosphosite) never is.
GLUED_CHANGE = re.compile(
    r"(?P<gene>[A-Z](?<![A-Za-z0-9.:_-][A-Z])[A-Z0-9]{1,9}?)-?"
    r"(?P<change>[ACDEFGHIKLMNPQRSTVWY][1-9]\d{1,4}(?:[ACDEFGHIKLMNPQRSTVWY*X]|fs))(?![A-Za-z0-9])"
)
# What the shape (matching.shape) of a glued change holds: the symbol's last capital or
# digit, a hyphen or not, the residue's capital and two digits. A text without it is not
# scanned: re would try the pattern at each capital (two bench texts in three hold none)
GLUED_SHAPES = (b"AA00", b"0A00", b"A-A00", b"0-A00")
GLUED_PREFIX = re.compile(r"[A-Z][A-Z0-9]{1,9}$")
CELL_LINE_AFTER = re.compile(r"\s*(?:cells?|cell\s+lines?|glioma|xenografts?)\b", re.IGNORECASE)
# "rs" first, then no letter or digit before it: the engine finds "rs" by a fast scan
DBSNP = re.compile(r"rs(?<![A-Za-z0-9]rs)\d{3,10}(?![A-Za-z0-9])")
# each form starts with a sign, a digit, "IVS" or a base: that first character is matched
# first, so re finds it by a fast scan; each form's look-behind then follows it (".": the
# first character) and says which it was. No form has an ASCII letter or digit before its
# first character: that look-behind, tried first, ends the try at a character inside a
# word or number, where each form's own would be tried in turn.
UNPREFIXED_FORMS = (
    r"(?<![A-Za-z0-9.:_+-].)(?:(?<=[-+−])\d{1,6}|(?<=\d)\d{0,5})(?:\s?[-+]\s?\d{1,5})?(?:_\d{1,6})?"
    rf"(?:\s?[ACGT](?:{SUBSTITUTION}|/)[ACGT]|del[ACGT]+|ins[ACGT]+|dup[ACGT]+)(?![A-Za-z0-9])"
    # intron notation "IVS3+1G>A" and promoter changes "G-395A" (a protein has no
    # negative position, so this is a nucleotide change)
    rf"|(?<![A-Za-z0-9]I)(?<=I)VS\d{{1,3}}\s?[-+]\s?\d{{1,5}}\s?[ACGT]{SUBSTITUTION}[ACGT](?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9].)(?<=[ACGT])-\d{1,5}[ACGT](?![A-Za-z0-9])"
    # a deletion by its length ("657del5") and a genomic coordinate too long for a protein
    # ("T1270533G")
    r"|(?<![A-Za-z0-9.:_+-]\d)(?<=\d)\d{0,5}del\d{1,3}(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9.:_+-].)(?<=[ACGT])\d{6,9}[ACGT](?![A-Za-z0-9])"
)


def unprefixed_pattern(signs: str, digit: str) -> re.Pattern:
    """The changes above, a first character that is one of ``signs`` or a digit one of
    ``digit`` (a class's inside: "\\d", "0-9")."""
    return re.compile(rf"[{signs}{digit}IACGT](?<![A-Za-z0-9].)(?:{UNPREFIXED_FORMS})")


UNPREFIXED_NUCLEOTIDE = unprefixed_pattern("-+−", r"\d")
# The same in a text holding no decimal digit beyond ASCII (most texts), where a first
# digit is one of 0-9: its first class is then a table re looks each character up in,
# where \d asks Unicode's digit tables of every character of the text
UNPREFIXED_ASCII_DIGIT = unprefixed_pattern("-+−", "0-9")
# The same in an ASCII text (most texts), which holds no "−" (U+2212): its first class is
# then a table of the 256 first characters, where with "−" re looks up a larger one
UNPREFIXED_ASCII = unprefixed_pattern("-+", "0-9")
# A change described by its size, with no coordinate: "a 4-bp deletion", "19-base pair
# deletion", "22-bp tandem duplication", "14 bp insertion/deletion".
# (after its first digit)
SIZED_FORM = (
    r"(?<![A-Za-z0-9.-]\d)\d{0,4}(?:\.\d)?[\s-]?(?:bp|base[\s-]pairs?|bases?|nucleotides?|nt|kb|Mb)"
    r"[\s-]+(?:tandem\s+|in-frame\s+|inframe\s+)?(?P<edit>insertion/deletion|deletion/insertion|"
    r"ins/del|indel|deletion|insertion|duplication|deleted|inserted|duplicated)(?![A-Za-z])")
SIZED_CHANGE = re.compile(rf"\d{SIZED_FORM}", re.IGNORECASE)
# The same in a text holding no decimal digit beyond ASCII, as UNPREFIXED_ASCII_DIGIT
SIZED_ASCII_DIGIT = re.compile(rf"[0-9]{SIZED_FORM}", re.IGNORECASE)
# What every sized change holds in lower case, one of its edit words (read from the
# pattern): a cheap test before SIZED_CHANGE, which tries every digit of a text (two
# bench texts in three hold none)
SIZED_CHANGE_WORDS = required_words(SIZED_CHANGE.pattern, "edit")
VARIANT_WORDS = re.compile(r"\b(?:mutat\w*|variant\w*|substitut\w*|alteration\w*|resistan\w*|codons?|"
                           r"polymorph\w*|genotyp\w*|homozyg\w*|heterozyg\w*|allel\w*|missense|"
                           r"nonsense|frameshift|carriers?|SNPs?)\b", re.IGNORECASE)
GENE_IN_REFERENCE = re.compile(r"\(([A-Za-z0-9-]+)\)$")


@dataclass(frozen=True)
class VariantHit:
    start: int
    end: int
    hgvs: str | None  # None: a variant mention with no HGVS normal form
    printed_gene: str | None  # "ALK" in "ALK:c.3604G>A" or "NM_004304.5(ALK):c..."
    rule: str
    described_in_words: bool = False


def find_hgvs(text: str) -> list[VariantHit]:
    """Every c./g./r./n./m./p. change in ``text`` with its normal form."""
    if HGVS_MARK.search(text) is None:
        return []
    hits = []
    for match in matches_from(HGVS_START, HGVS, text):
        change = match.group("protein") or match.group("nucleotide")
        end = match.end()
        if change.endswith(")") and not change.startswith("("):
            # "(p.R234H)": the ")" closes a parenthesis opened before "p.".
            change, end = change[:-1], end - 1
        if match.group("protein"):
            hgvs = normalise_protein_change("p." + change)
        else:
            hgvs = normalise_nucleotide_change(f"{match.group('kind')}.{change}")
        gene = match.group("gene")
        reference = match.group("reference")
        if reference and GENE_IN_REFERENCE.search(reference):
            gene = GENE_IN_REFERENCE.search(reference).group(1)
        hits.append(VariantHit(match.start("change"), end, hgvs, gene, "variant.hgvs"))
    return hits


def find_three_letter_changes(text: str) -> list[VariantHit]:
    """'Ser863Asn', 'Glu 4 Lys', 'Gly(388)Arg', 'Glu873Stop', 'Leu203fsX15' -> p.Ser863Asn
    ... p.Glu873Ter, p.Leu203fsTer15."""
    hits = []
    for m in THREE_LETTER_CHANGE.finditer(text):
        edit = (m.group("alt") or "") + (m.group("fs") or m.group("frameshift") or "")
        change = f"{m.group('ref')}{m.group('position')}{edit}"  # "Stop" -> Ter when normalised
        hits.append(VariantHit(m.start(), m.end(), normalise_protein_change(change), None,
                               "variant.three_letter"))
    return hits


def find_protein_changes(text: str) -> list[VariantHit]:
    """Bare one-letter protein changes ("G1202R", "V600E", "E873stop"): candidates,
    context unchecked; none before "cells" ("T98G cells" is a cell line); a change of
    bases after "promoter" ("C228T") is a nucleotide change without a normal form; the
    residues listed after a change are changes too ("V600E/K": p.Val600Glu, p.Val600Lys)."""
    if not may_hold_shapes(text, ONE_LETTER_SHAPES):
        return []
    hits = []
    for m in ONE_LETTER_CHANGE.finditer(text):
        if CELL_LINE_AFTER.match(text, m.end()):
            continue
        if BASE_CHANGE.fullmatch(m.group()) and PROMOTER_BEFORE.search(
                text, max(0, m.start() - PROMOTER_REACH), m.start()):
            hits.append(VariantHit(m.start(), m.end(), None, None, "variant.unprefixed"))
            continue
        change = m.group().removeprefix("p")
        hits.append(VariantHit(m.start(), m.end(), normalise_protein_change(change), None,
                               "variant.one_letter"))
        # "V600E/K", "G12C/D/V": the same residue changed to each of the letters listed;
        # bases all ("G1915T/A") are nucleotides
        end = m.end()
        while change[-2].isdigit() and (alternate := ALTERNATE_RESIDUE.match(text, end)):
            if BASE_CHANGE.fullmatch(change) and alternate.group("alt") in "ACGT":
                break
            end = alternate.end()
            hits.append(VariantHit(alternate.start("alt"), end, normalise_protein_change(
                change[:-1] + alternate.group("alt")), None, "variant.one_letter"))
    return hits


def find_one_letter_edits(text: str) -> list[VariantHit]:
    """'E746_A750del', 'G776delinsVC', 'G776VinsC' -> p.Glu746_Ala750del,
    p.Gly776delinsValCys: candidates, context unchecked (as bare one-letter changes)."""
    if not any(mark.search(text) for mark in EDIT_MARKS):
        return []
    hits = []
    for m in matches_from(ONE_LETTER_EDIT_START, ONE_LETTER_EDIT, text):
        if m.group("change"):
            change = m.group("change")
        elif m.group("deleted"):
            change = m.group("deleted") + "del"
        else:
            change = f"{m.group('ref')}delins{m.group('alt')}{m.group('inserted')}"
        change = change.replace("-", "_").replace("–", "_")
        hits.append(VariantHit(m.start(), m.end(), normalise_protein_change(change), None,
                               "variant.one_letter"))
    return hits


def find_residue_ranges(text: str) -> list[VariantHit]:
    """Residues deleted or duplicated, printed by their letters and first and last
    positions: "an in-frame deletion (WK 557-558)" -> p.Trp557_Lys558del, in words
    unless "del" or "dup" is glued to it. One letter per position (or the first and last
    residues: "deletion E746-A750"), and a deletion or duplication said beside it."""
    hits = []
    for m in POSITION_RANGE.finditer(text):
        if m.start() and text[m.start() - 1].isdigit():
            continue
        last_residue = m.group("last_residue")
        before = (FIRST_RESIDUE_BEFORE if last_residue else RESIDUES_BEFORE).search(
            text, max(0, m.start() - RESIDUES_REACH), m.start())
        if before is None:
            continue
        residues, first, last = before.group("residues"), int(m.group("first")), int(m.group("last"))
        if (first < 10 or last <= first or text.startswith(("_", "-", "–"), m.end())
                if last_residue else len(residues) != last - first + 1):
            continue  # "D487_S488_F489 deletion": a list of residues, not a span
        glued = before.groupdict().get("pre") or m.group("post")
        edit = glued
        if edit is None:
            word = (EDIT_WORD.search(text, max(0, before.start() - EDIT_WORD_REACH), before.start())
                    or EDIT_WORD.search(text, m.end(), m.end() + EDIT_WORD_REACH))
            if word is None:
                continue
            edit = "del" if word.group("del") else "dup"
        change = f"{residues[0]}{first}_{last_residue or residues[-1]}{last}{edit}"
        hits.append(VariantHit(before.start(), m.end(), normalise_protein_change(change), None,
                               "variant.residue_range", described_in_words=glued is None))
    return hits


def find_glued_changes(text: str, lexicon: GeneLexicon) -> list[VariantHit]:
    """'JAK2V617F', 'BRAF-V600E' -> p.Val617Phe of JAK2, p.Val600Glu of BRAF, when the
    prefix is an approved or previous symbol."""
    if not may_hold_shapes(text, GLUED_SHAPES):
        return []
    hits = []
    for m in GLUED_CHANGE.finditer(text):
        if m.group(0) in lexicon.printed_forms:
            continue  # "GADD45A" is a gene, not GAD with D45A
        entry = lexicon.symbols.get(m.group("gene"))
        if entry is not None and entry.rank in ("approved", "previous"):
            hits.append(VariantHit(m.start("change"), m.end(), normalise_protein_change(m.group("change")),
                                   entry.symbol, "variant.glued"))
    return hits


def find_unnormalised(text: str) -> list[VariantHit]:
    """dbSNP ids, prefix-less nucleotide changes and changes described by their size:
    mentions without an HGVS normal form."""
    return ([VariantHit(m.start(), m.end(), None, None, "variant.dbsnp") for m in DBSNP.finditer(text)]
            + [VariantHit(m.start(), m.end(), None, None, "variant.unprefixed")
               for m in unprefixed_nucleotides(text)]
            + [VariantHit(m.start(), m.end(), None, None, "variant.sized")
               for m in sized_changes(text)])


def unprefixed_nucleotides(text: str) -> list[re.Match]:
    """``UNPREFIXED_NUCLEOTIDE.finditer(text)``, scanned with ASCII digits first where the
    text holds no other digit, and with no "−" first in an ASCII text."""
    pattern = (UNPREFIXED_ASCII if text.isascii()
               else UNPREFIXED_NUCLEOTIDE if holds_other_digits(text) else UNPREFIXED_ASCII_DIGIT)
    return list(pattern.finditer(text))


def sized_changes(text: str) -> list[re.Match]:
    """``SIZED_CHANGE.finditer(text)``, sought in a text holding one of its edit words only,
    scanned with ASCII digits first where the text holds no other digit."""
    pattern = SIZED_CHANGE if holds_other_digits(text) else SIZED_ASCII_DIGIT
    return matches_holding(pattern, SIZED_CHANGE_WORDS, text)


def find_in_words(text: str) -> list[VariantHit]:
    return [VariantHit(c.start, c.end, c.hgvs, None, "variant.words", described_in_words=True)
            for c in find_word_changes(text)]


# After a change, the words that name the gene it is in: "(WK 557-558) in KIT exon 11",
# "G776VinsC mutation in the HER2 gene", "V600E of BRAF"
GENE_NAMED_AFTER = re.compile(r"[)\]]?\s*(?:[a-z-]+\s+){0,2}?(?:in|of|within)\s+(?:the\s+)?",
                              re.IGNORECASE)
GENE_AFTER_REACH = 40


# Between a gene and the change printed with it: "KRAS G12C", "KRAS: p.(Gly12Cys)",
# "EGFR-T790M", "EGFR mutation (L858R)", and the changes listed before it ("EGFR L858R
# and T790M", "KRAS (G12D, G13D)")
LISTED_CHANGE = r"(?:p\.)?\(?[A-Z][a-z]{0,2}\d+[A-Za-z*_>\d]*\)?"
GENE_PRINTED_BEFORE = re.compile(r"[\s:(\[-]*(?:(?:mutation|mutant|variant)s?[\s:(\[]*)?"
                                 rf"(?:{LISTED_CHANGE}\s*(?:,|;|/|and|or)?\s*)*")


def attached_gene(text: str, start: int, end: int, in_sentence: list[Tag],
                  in_previous: list[Tag]) -> str | None:
    """The gene of a change printed with no gene of its own: the gene printed right before
    it ("BRAF (p.Val600Glu) and in PIK3CA ..."), else the one the words right after it
    name ("... in KIT exon 11"), else the gene named closest before it in its sentence,
    else closest after it there, else the last one named in the sentence before ("EGFR
    mutations ... . T790M emerged")."""
    before = [gene for gene in in_sentence if gene.end <= start]
    if before:
        closest = max(before, key=lambda gene: gene.end)
        if GENE_PRINTED_BEFORE.fullmatch(text, closest.end, start):
            return closest.normalised
    after = [gene for gene in in_sentence if end <= gene.start <= end + GENE_AFTER_REACH]
    if after:
        first = min(after, key=lambda gene: gene.start)
        if GENE_NAMED_AFTER.fullmatch(text, end, first.start):
            return first.normalised
    for genes in (in_sentence, in_previous):
        before = [gene for gene in genes if gene.end <= start]
        if before:
            return max(before, key=lambda gene: gene.end).normalised
        if genes is in_sentence and genes:
            return min(genes, key=lambda gene: gene.start).normalised
    return None


def printed_with_gene(text: str, start: int, end: int, in_sentence: list[Tag]) -> bool:
    """Whether a change is printed with a gene of its sentence: right after it ("KRAS
    G12C") or before the words that name it ("G12C mutation in KRAS")."""
    return any(GENE_PRINTED_BEFORE.fullmatch(text, gene.end, start) if gene.end <= start
               else end <= gene.start and GENE_NAMED_AFTER.fullmatch(text, end, gene.start)
               for gene in in_sentence)


def genes_of_the_same_change(tags: list[Tag], printed_with: set[int]) -> list[Tag]:
    """A change printed with no gene near it is the change the document attaches to one
    gene elsewhere ("... EGFR ... T790M". Later: "harboring a T790M deletion"); one that
    took a gene merely named in its sentence is the change the document prints with one
    gene elsewhere ("KRAS G12C ... NRAS Q61K emerged, while the G12C allele fell").
    ``printed_with``: the starts of the tags printed with their gene."""
    genes: dict[str, set[str]] = {}
    printed_genes: dict[str, set[str]] = {}
    for tag in tags:
        if tag.variant is not None and tag.variant.gene is not None:
            genes.setdefault(tag.variant.hgvs, set()).add(tag.variant.gene)
            if tag.start in printed_with:
                printed_genes.setdefault(tag.variant.hgvs, set()).add(tag.variant.gene)

    def gene_elsewhere(tag: Tag) -> set[str]:
        if tag.variant is None:
            return set()
        if tag.variant.gene is None:
            return genes.get(tag.variant.hgvs, set())
        return set() if tag.start in printed_with else printed_genes.get(tag.variant.hgvs, set())

    return [replace(tag, variant=tag.variant.model_copy(update={"gene": next(iter(elsewhere))}))
            if len(elsewhere := gene_elsewhere(tag)) == 1 else tag
            for tag in tags]


PRINTED_X_STOP = re.compile(r"(?<![A-Za-z])[A-Z]\d+X$")  # one-letter: "G719X", not "Gln1756X"


def placeholders_of_substitutions(text: str, tags: list[Tag]) -> list[Tag]:
    """"G719X" is any residue at 719 where the document prints a substitution of the same
    residue there too ("EGFR G719X ... G719A"), not a stop: a mention without a normal
    form. "X" stands for a stop elsewhere ("R213X"), and after a three-letter code."""
    substituted = {(t.variant.gene, t.variant.hgvs[:-3]) for t in tags
                   if t.variant is not None and not t.variant.hgvs.endswith("Ter")}

    def placeholder(tag: Tag) -> bool:
        return (tag.variant is not None and tag.variant.hgvs.endswith("Ter")
                and PRINTED_X_STOP.fullmatch(text, tag.start, tag.end) is not None
                and (tag.variant.gene, tag.variant.hgvs[:-3]) in substituted)

    return [replace(t, normalised=text[t.start:t.end], variant=None) if placeholder(t) else t
            for t in tags]


NOTATION_JOIN = re.compile(r"^\s*[(\[/,;]?\s*$")  # "c.3604G>A (p.Gly1202Arg)", "G1202R/c.3604G>A"


def link_notations(text: str, tags: list[Tag]) -> list[Tag]:
    """Number the groups of notations of one change: a nucleotide change printed right
    beside a protein change of the same gene is one variant; so is every other mention of
    either notation in the document. Tags in text order."""
    parent: dict[tuple, tuple] = {}

    def root(key: tuple) -> tuple:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    def key(tag: Tag) -> tuple:
        return tag.variant.gene, tag.variant.hgvs

    normal = [t for t in tags if t.variant is not None]
    for a, b in zip(normal, normal[1:]):
        protein = {a.variant.hgvs.startswith("p."), b.variant.hgvs.startswith("p.")}
        genes = {a.variant.gene, b.variant.gene} - {None}
        if protein == {True, False} and len(genes) <= 1 and NOTATION_JOIN.match(text[a.end:b.start]):
            parent[root(key(a))] = root(key(b))
    notations: dict[tuple, set[tuple]] = {}
    for tag in normal:
        notations.setdefault(root(key(tag)), set()).add(key(tag))
    numbers: dict[tuple, int] = {}
    for tag in normal:  # numbered in order of first mention
        if len(notations[root(key(tag))]) > 1:
            numbers.setdefault(root(key(tag)), len(numbers) + 1)
    return [replace(t, variant=t.variant.model_copy(update={"group": numbers[root(key(t))]}))
            if t.variant is not None and root(key(t)) in numbers else t for t in tags]


class VariantTagger:
    """spaCy component ``caselit_variants``: variant tags with their gene attached.

    A bare one-letter change counts in a sentence that names a gene or says mutation,
    polymorphism, allele, codon... (or after a sentence that says so); beside another such
    change in its sentence ("L180M and M204V"); or where the same change counted elsewhere
    in the document."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.lexicon = gene_lexicon(get_settings())
        # the grammar is built (~45 ms) when the tagger loads, as the lexicons are, not
        # in the first document that holds a variant; so are the patterns of changes in words
        biocommons_parser()
        variant_words.patterns(), variant_words.residue_starts(), variant_words.residue_names()

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        genes = resolved_genes(doc)
        sentences = doc_sentences(doc)
        starts = [sentence.start for sentence in sentences]
        taken: list[tuple[int, int]] = []
        tags, pending = [], []
        printed_with: set[int] = set()
        candidates = (find_hgvs(text) + find_glued_changes(text, self.lexicon)
                      + find_three_letter_changes(text) + find_in_words(text)
                      + find_one_letter_edits(text) + find_residue_ranges(text)
                      + find_protein_changes(text) + find_unnormalised(text))
        for hit in candidates:
            if any(start < hit.end and hit.start < end for start, end in taken):
                continue
            taken.append((hit.start, hit.end))
            index = max(bisect.bisect_right(starts, hit.start) - 1, 0)
            sentence = sentences[index]
            in_sentence = [g for g in genes if sentence.start <= g.start < sentence.end]
            previous = sentences[index - 1] if index else None
            gene = hit.printed_gene or attached_gene(
                text, hit.start, hit.end, in_sentence,
                [g for g in genes if previous and previous.start <= g.start < previous.end])
            if hit.printed_gene or printed_with_gene(text, hit.start, hit.end, in_sentence):
                printed_with.add(hit.start)
            if hit.rule == "variant.one_letter" and not (
                    in_sentence or VARIANT_WORDS.search(sentence.text)
                    or (previous is not None and VARIANT_WORDS.search(previous.text))):
                pending.append((hit, sentence, gene))
                continue
            tags.append(self.variant_tag(text, hit, gene))
        changed = True
        while changed and pending:
            changed = False
            for item in list(pending):
                hit, sentence, gene = item
                if any(t.normalised == hit.hgvs
                       or (t.rule == "variant.one_letter" and sentence.start <= t.start < sentence.end)
                       for t in tags):
                    tags.append(self.variant_tag(text, hit, gene))
                    pending.remove(item)
                    changed = True
        tags = placeholders_of_substitutions(text, genes_of_the_same_change(tags, printed_with))
        # a symbol hyphenated to its change is a word the gene tagger reads
        glued_genes = [Tag("gene", GLUED_PREFIX.search(text, 0, t.start).start(), t.start,
                           t.variant.gene, "gene.glued") for t in tags
                       if t.rule == "variant.glued" and text[t.start - 1] != "-"]
        unknown = unknown_entities("variant", model_mentions(doc, "variant"), tags)
        tags += [replace(t, normalised=" ".join(text[t.start:t.end].split())) for t in unknown]
        add_tags(doc, link_notations(text, sorted(tags, key=lambda t: t.start)) + glued_genes)
        return doc

    @staticmethod
    def variant_tag(text: str, hit: VariantHit, gene: str | None) -> Tag:
        """The tag of a hit; a normal form biocommons' grammar rejects is not given."""
        variant = None
        if (hit.hgvs is not None and not PLAIN_SUBSTITUTION.fullmatch(hit.hgvs)
                and not PLAIN_EDIT.fullmatch(hit.hgvs)
                and biocommons_accepts(hit.hgvs) is False):
            hit = replace(hit, hgvs=None)
        if hit.hgvs is not None:
            variant = Variant(gene=gene, hgvs=hit.hgvs, described_in_words=hit.described_in_words)
        normalised = hit.hgvs or " ".join(text[hit.start:hit.end].split())
        return Tag("variant", hit.start, hit.end, normalised, hit.rule, variant=variant)


@Language.factory("caselit_variants", default_config={}, requires=["doc._.caselit_tags"],
                  assigns=["doc._.caselit_tags"])
def make_variant_tagger(nlp: Language, name: str) -> VariantTagger:
    return VariantTagger(nlp, name)
