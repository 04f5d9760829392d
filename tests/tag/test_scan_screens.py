"""The cheap tests and narrowed scans before the variant and fusion patterns find what the
patterns alone find: a screen (``HGVS_MARK``, ``EDIT_MARKS``, ``EXON_NOTATION_MARKS``)
holds in every text a pattern matches, and the pair scan tried at separators only gives
the pattern's own matches. Checked on sentences written for the purpose and on random
texts made of the characters and pieces these patterns read."""

import random
import re

import pytest

from pipeline.hgvs_syntax import SUBSTITUTION
from pipeline.tag.fusion_details import EXON_NOTATION, EXON_NOTATION_MARKS, find_exon_notations
from pipeline.tag.fusions import pair_matches, pair_pattern
from pipeline.screens import holds_other_digits
from pipeline.tag.hgvs import (EDIT_MARKS, HGVS, HGVS_MARK, HGVS_START, ONE_LETTER_EDIT,
                               ONE_LETTER_EDIT_START, UNPREFIXED_NUCLEOTIDE, find_hgvs,
                               unprefixed_nucleotides)
from pipeline.tag.matching import matches_from

SENTENCES = [
    "Tumour NGS showed ALK:c.3604G>A; p.(Gly1202Arg) and NM_004304.5(ALK):c.3520T>C.",
    "NM_004304.5: c.3604G > A, c. 2316-1G-->A, g.29443631G>C and c.2235_2249del.",
    "(p.R234H), p. Gly12Asp, c.(-2)A>T, m.3243A>G and n.76A>T were found.",
    "EGFR E746_A750del, A767_V769dup, G776delinsVC, G776VinsC and delE746-A750.",
    "A HMBOX1::ALK fusion (H6::A20), EML4-ALK variant 1 (E13;A20), KIF5B-ALK KI24; A20.",
    "EX31:EX13, exon 6::exon 20, e19a2 and E6a - A20b were read; anti-PD1 not.",
    "ETV6-RUNX1, STRN::ALK, SQSTM1:ALK fusion, ALK/ROS1 and KIF5B-, CCDC6- and NCOA4-RET.",
    "A-B-C-D, AB-CD-EF-GH, X1-ALK, 1ALK-EML4, ALKþ-EML4, EML4−ALK, EML4—ALK and α-ALK.",
    "Group. The dose was 5 mg/kg p.o. daily in 10% of cases (see p. 3 and fig. 2).",
]
PIECES = list("ACGTacgtpnrmIVSXx*0123456789 -–—−+_:;./()>→[]\n\t\x1cΑαéþ") + [
    "c.", "p.", "g.", "del", "ins", "dup", "IVS", "->", "-->", "::", "NM_", "exon ", "Exon", "Ex", "e",
    "Gly", "Ter", "fs", "E", "H", "ALK", "EML4", "-ALK", "RET", "KI", "ſ", "K", "İ"]


def random_texts(count: int, seed: int = 18) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(count)]


TEXTS = SENTENCES + random_texts(20_000)


@pytest.mark.parametrize("pattern, marks", [
    (HGVS, (HGVS_MARK,)), (ONE_LETTER_EDIT, EDIT_MARKS), (EXON_NOTATION, EXON_NOTATION_MARKS)])
def test_a_text_the_pattern_matches_holds_a_mark(pattern, marks):
    missed = [text for text in TEXTS if pattern.search(text) and not any(
        mark.search(text) for mark in marks)]
    assert missed == []


START_SENTENCES = [
    "NM_004304.5(ALK):c.3520T>C, LRG_1: g.5A>T, TP53:p.R175H, (p.R234H) and ENST0\u0663:c.1A>G;"
    " not LRG_1t1:c.5 nor x.c.5A>T",
    "EGFR pE746-A750del, delE746\u2013A750, A767_V769dup;G776VinsC and G776delinsVC; not E746del2",
]


@pytest.mark.parametrize("pattern, starts, found", [
    (HGVS, HGVS_START, ["NM_004304.5(ALK):c.3520T>C", "LRG_1: g.5A>T", "TP53:p.R175H", "p.R234H)",
                        "ENST0\u0663:c.1A>G"]),
    (ONE_LETTER_EDIT, ONE_LETTER_EDIT_START, ["pE746-A750del", "delE746\u2013A750", "A767_V769dup",
                                              "G776VinsC", "G776delinsVC"])])
def test_a_pattern_tried_where_its_matches_can_start_finds_its_own_matches(pattern, starts, found):
    for text in TEXTS + START_SENTENCES:
        assert ([m.span() for m in matches_from(starts, pattern, text)]
                == [m.span() for m in pattern.finditer(text)]), text
    assert [m.group() for text in START_SENTENCES
            for m in matches_from(starts, pattern, text)] == found


def test_the_sentences_hold_matches_and_texts_without_a_mark():
    assert [h.hgvs for h in find_hgvs(SENTENCES[0])] == ["c.3604G>A", "p.Gly1202Arg", "c.3520T>C"]
    assert HGVS_MARK.search(SENTENCES[-1]) is None  # "p. 3", "p.o.", "Group. The"
    assert [(n.first_prefix, n.second_exon) for n in find_exon_notations(SENTENCES[4])] == [
        ("H", 20), ("E", 20), ("KI", 20)]
    assert not any(mark.search("anti-PD1 in grade 3-4 and CD4+ cells") for mark in EXON_NOTATION_MARKS)


def test_pairs_tried_at_separators_are_the_pattern_s_matches():
    def spans(matches):
        return [(m.span(), m.groups()) for m in matches]

    for text in TEXTS:
        assert spans(pair_matches(text)) == spans(pair_pattern().finditer(text)), text
    assert [m.group() for m in pair_matches(SENTENCES[7])] == [
        "AB-CD", "EF-GH", "X1-ALK", "EML4—ALK"]


# UNPREFIXED_NUCLEOTIDE in its plain form, each form's look-behind before it: the pattern
# starts with the first character instead (see there), and must find the same
PLAIN_UNPREFIXED = re.compile(
    r"(?:"
    rf"(?<![A-Za-z0-9.:_+-])[-+−]?\d{{1,6}}(?:\s?[-+]\s?\d{{1,5}})?(?:_\d{{1,6}})?"
    rf"(?:\s?[ACGT](?:{SUBSTITUTION}|/)[ACGT]|del[ACGT]+|ins[ACGT]+|dup[ACGT]+)(?![A-Za-z0-9])"
    rf"|(?<![A-Za-z0-9])IVS\d{{1,3}}\s?[-+]\s?\d{{1,5}}\s?[ACGT]{SUBSTITUTION}[ACGT](?![A-Za-z0-9])"
    rf"|(?<![A-Za-z0-9])[ACGT]-\d{{1,5}}[ACGT](?![A-Za-z0-9])"
    rf"|(?<![A-Za-z0-9.:_+-])\d{{1,6}}del\d{{1,3}}(?![A-Za-z0-9])"
    rf"|(?<![A-Za-z0-9.:_+-])[ACGT]\d{{6,9}}[ACGT](?![A-Za-z0-9])"
    r")"
)
NUCLEOTIDE_SENTENCES = [
    "The 3190C>T, 1665delC, -13C/T, +5 G → A, 657del5 and 2235_2249delGGAATTAAGA changes.",
    "IVS3+1G>A, IVS 3 - 1 G-->A, G-395A, T1270533G, rs1052133; x3190C>T, 1.3190C>T, A-1, "
    "T12345G, 1234567del12 and −45C>T; .G-395A, _A-12T, -C-5G, .T1270533G, (A1270533C), "
    ":12del3, 7-12del3, +IVS3+1G>A and 9IVS3+1G>A.",
    # digits beyond ASCII, which \d matches: Arabic-Indic "٣١٩٠C>T", fullwidth "６５７del５"
    "The \u0663\u0661\u0669\u0660C>T, \uff16\uff15\uff17del\uff15 and 3190C>T changes.",
]


def test_unprefixed_changes_are_those_of_the_plain_pattern():
    def spans(pattern, text):
        return [m.span() for m in pattern.finditer(text)]

    for text in NUCLEOTIDE_SENTENCES + TEXTS:
        assert spans(UNPREFIXED_NUCLEOTIDE, text) == spans(PLAIN_UNPREFIXED, text), text
        # scanned with ASCII digits first where the text holds no other digit
        assert [m.span() for m in unprefixed_nucleotides(text)] == spans(PLAIN_UNPREFIXED, text)
    assert [m.group() for m in unprefixed_nucleotides(NUCLEOTIDE_SENTENCES[2])] == [
        "\u0663\u0661\u0669\u0660C>T", "\uff16\uff15\uff17del\uff15", "3190C>T"]
    assert not holds_other_digits("3190C>T in 2 of 3 cases")
    assert holds_other_digits("seen in \u0663 cases") and not holds_other_digits("x² – µ 3190C>T")
    assert [m.group() for m in UNPREFIXED_NUCLEOTIDE.finditer(NUCLEOTIDE_SENTENCES[0])] == [
        "3190C>T", "1665delC", "-13C/T", "+5 G → A", "657del5", "2235_2249delGGAATTAAGA"]


SIZED_SENTENCE = ("A 4-bp deletion, a 19-base pair DELETION, a 22-bp tandem duplication, a 14 bp "
                  "ins/del and a 3 nt İnsertion; 12 bp apart, 5 kb away.")
SIZED_PIECES = ["4", "19", "\u0664", "-", " ", "bp", "base pair", "nt", "kb", "deletion",
                "İnsertion", "ſ", "DUPLICATION", "inserted", "ins/del", "indel", "tandem ",
                "in-frame ", "a", "."]


def test_sized_changes_are_sought_in_texts_holding_an_edit_word_only():
    from pipeline.tag.hgvs import SIZED_CHANGE, SIZED_CHANGE_WORDS, sized_changes

    def found(text):
        return [m.span() for m in sized_changes(text)]

    # read from the pattern's edit words, none holding another
    assert SIZED_CHANGE_WORDS == {"ins/del", "indel", "deletion", "deleted", "insertion",
                                  "inserted", "duplication", "duplicated"}

    assert [SIZED_SENTENCE[start:end] for start, end in found(SIZED_SENTENCE)] == [
        "4-bp deletion", "19-base pair DELETION", "22-bp tandem duplication", "14 bp ins/del",
        "3 nt İnsertion"]
    assert found("12 bp apart, 5 kb away and 3 nt further") == []
    # a digit beyond ASCII (Arabic-Indic four), which \d matches: the text is read with \d
    text = "a \u0664-bp deletion and a 4-bp deletion"
    assert [text[start:end] for start, end in found(text)] == [
        "\u0664-bp deletion", "4-bp deletion"]
    rng = random.Random(18)
    for _ in range(5_000):
        text = "".join(rng.choice(SIZED_PIECES) for _ in range(rng.randint(1, 12)))
        assert found(text) == [m.span() for m in SIZED_CHANGE.finditer(text)], text


CODE_SENTENCE = ("CPX-351 (ASP3062), AZD9291, rhG-CSF, GM-CSF, rh-EPO and rhEPO; not xCPX-351, "
                 "AB-CD123, CD123-4, ABCDEF123, G-CSFs or -EPO.")
CODE_PIECES = list("ABCDEGHMPSXZaxhr0123456789-.,( )é\u03b1") + [
    "CSF", "EPO", "rh", "GM", "CPX-", "351", "AZD", "9291", "ASP3062", "İ", "ſ"]


def test_codes_and_products_are_sought_in_texts_a_screen_lets_through_only():
    from types import SimpleNamespace

    from pipeline.tag.drugs import (RESEARCH_CODE, code_candidates, drug_rules,
                                    product_candidates)
    from pipeline.tag.matching import shape

    rules, no_genes = drug_rules(), SimpleNamespace(printed_forms=frozenset())

    def codes(text):
        return [(c.start, c.end) for c in code_candidates(text, no_genes)]

    assert [CODE_SENTENCE[start:end] for start, end in codes(CODE_SENTENCE)] == [
        "CPX-351", "ASP3062", "AZD9291"]
    assert codes("CD 123, AB12, A-123, ab-123 and Ab123") == []
    assert [c.drug for c in product_candidates(CODE_SENTENCE, rules)] == [
        "rhg-csf", "gm-csf", "rh-epo", "rhepo"]
    assert product_candidates("G-CS F and rhEP0", rules) == []
    rng = random.Random(18)
    for _ in range(20_000):
        text = "".join(rng.choice(CODE_PIECES) for _ in range(rng.randint(1, 12)))
        assert codes(text) == [m.span() for m in RESEARCH_CODE.finditer(text)], text
        if RESEARCH_CODE.search(text):
            assert b"AA000" in shape(text) or b"AA-000" in shape(text), text
        assert [(c.start, c.end) for c in product_candidates(text, rules)] == [
            m.span() for m in rules.products.finditer(text)], text


CHANGE_SENTENCES = [
    "JAK2V617F, EGFRL858R and KRASG12C; BRAF V600E, pV600E, T790M and E873stop.",
    # digits beyond ASCII, which \d matches after the first: "V6٠٠E", "JAK2V6١٧F"
    "V6\u0660\u0660E and JAK2V6\u0661\u0667F were seen.",
]


def test_one_letter_and_glued_changes_are_sought_in_texts_of_their_shape_only():
    from pipeline.tag.hgvs import GLUED_CHANGE, GLUED_SHAPES, ONE_LETTER_CHANGE, ONE_LETTER_SHAPES
    from pipeline.tag.matching import may_hold_shapes

    rng = random.Random(18)
    pieces = PIECES + ["V", "L", "JAK2", "KRAS", "F", "R", "M", "12", "600", "\u0660"]
    texts = CHANGE_SENTENCES + TEXTS + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(20_000)]
    for pattern, shapes in ((ONE_LETTER_CHANGE, ONE_LETTER_SHAPES), (GLUED_CHANGE, GLUED_SHAPES)):
        assert all(may_hold_shapes(text, shapes) for text in texts if pattern.search(text))
    assert [m.group() for m in ONE_LETTER_CHANGE.finditer(CHANGE_SENTENCES[1])] == [
        "V6\u0660\u0660E"]
    assert [m.group("change") for m in GLUED_CHANGE.finditer(CHANGE_SENTENCES[1])] == [
        "V6\u0661\u0667F"]
    assert not may_hold_shapes("CD3 and HER2 in 12 of 20 cases", ONE_LETTER_SHAPES)
    assert not may_hold_shapes("V600E, T790M", GLUED_SHAPES)


def test_exon_notations_tried_at_first_side_runs_are_the_pattern_s_matches():
    from pipeline.tag.fusion_details import exon_notation_matches

    for text in TEXTS + ["KIF5B-ALK KI24\u0663; A20 and E13; A20"]:  # an Arabic-Indic digit
        assert ([m.span() for m in exon_notation_matches(text)]
                == [m.span() for m in EXON_NOTATION.finditer(text)])
    assert [m.group() for m in exon_notation_matches(SENTENCES[5])] == [
        "EX31:EX13", "exon 6::exon 20", "e19a2", "E6a - A20b"]


STATEMENT_SENTENCE = ("ALK-PTPN3  Exon 10 and 11 of ALK inserted between exons 2 and 3 of "
                      "PTPN3; 3-EML4-ALK exon 20, intron 3 of the STRN and x exon exon 4.")
STATEMENT_PIECES = ["exon ", "exons ", "Intron ", "EXON", "2 ", "10 and 11 ", "of ", "the ",
                    "ALK ", "STRN", "3-", "-", ", ", " ", "\n", "\u00a0", "x", "é", "ı", "."]


def test_exon_statements_tried_at_their_words_are_the_patterns_matches():
    from pipeline.tag.fusion_details import (EXONS_OF_GENE, GENE_EXONS, exon_statement_follows,
                                             exons_of_gene, gene_exons, statement_words)
    from pipeline.tag.matching import folds_onto_ascii

    def plain(text, start, end):
        return [(m.span(), m.group("gene")) for pattern in (EXONS_OF_GENE, GENE_EXONS)
                for m in pattern.finditer(text, start, end)]

    def tried(text, start, end):
        words = statement_words(text.lower(), start, len(text))
        return [(m.span(), m.group("gene"))
                for m in exons_of_gene(text, words, end) + gene_exons(text, words, start, end)]

    # the word before "exons" is read as a gene too ("between"); after "3-", the letters
    assert [gene for _, gene in tried(STATEMENT_SENTENCE, 9, len(STATEMENT_SENTENCE))] == [
        "ALK", "PTPN3", "STRN", "between", "EML4-ALK", "exon"]
    assert exon_statement_follows(STATEMENT_SENTENCE, 9, {"ALK", "PTPN3"})
    assert not exon_statement_follows("ALK-EML4, with ALK exon 20.", 8, {"ALK", "EML4"})
    rng = random.Random(18)
    for _ in range(20_000):
        text = "".join(rng.choice(STATEMENT_PIECES) for _ in range(rng.randint(1, 30)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        if not folds_onto_ascii(text):
            assert tried(text, start, end) == plain(text, start, end), (text, start, end)


def test_partner_cues_scanned_by_their_first_characters_are_the_word_pattern_s_matches():
    from pipeline.resources import words_pattern
    from pipeline.tag.fusions import cues, fusion_rules

    plain = words_pattern(list(fusion_rules().partner_cues))
    text = ("ALK fusion partners, including TPM3; a Fusion Gene Partner, xfusion partner, "
            "fusion partnership, the partner genes and a ſusion partner.")
    assert [m.group() for m in cues().partner.finditer(text)] == [
        "fusion partners", "Fusion Gene Partner", "partner genes"]
    rng = random.Random(18)
    pieces = ["fusion ", "Fusion", "partner", "PARTNERS", "s", " ", "gene ", "translocation",
              "rearrangement", "x", "3", "-", "ſ", "K", "ı", "İ", "é", "partner gene", "\n"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 20)))
        assert ([m.span() for m in cues().partner.finditer(text)]
                == [m.span() for m in plain.finditer(text)])


def test_bare_positions_tried_at_their_starts_are_the_pattern_s_matches():
    from pipeline.tag.fusion_details import BARE_POSITION, bare_positions

    text = "STRN intron 3 (c.413-2055), g.29443631 and c.3173-193; not c.3173-1G>A, ac.5 or c..3"
    assert [m.group() for m in bare_positions(text)] == ["c.413-2055", "g.29443631", "c.3173-193"]
    rng = random.Random(18)
    pieces = list("cgCG.-*+0123456789 >_aA(\n") + ["c.", "g.", "cg.", "c.c.", "g.g.1", "\u0663"]
    for text in TEXTS + ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
                         for _ in range(20_000)]:
        assert ([m.span() for m in bare_positions(text)]
                == [m.span() for m in BARE_POSITION.finditer(text)])
