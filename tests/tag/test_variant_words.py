"""Protein changes described in words, on sentences written for each pattern."""

import pytest

from pipeline.tag.variant_words import find_word_changes, patterns

EXAMPLES = [
    ("Here the glycine at position 161 was replaced with a stop codon.", "p.Gly161Ter"),
    ("We found a methionine-->valine substitution at codon 404 in the kinase.", "p.Met404Val"),
    ("An aspartic acid to histidine substitution at amino acid position 401.", "p.Asp401His"),
    ("It carried arginine 124-to-cysteine, a known hotspot.", "p.Arg124Cys"),
    ("The glycine at position 303 by glutamic acid was new.", "p.Gly303Glu"),
    ("We saw a substitution of glycine by arginine at ALK codon 1202.", "p.Gly1202Arg"),
    ("Sequencing of KRAS showed a change of glycine to aspartate at codon 12.", "p.Gly12Asp"),
    ("A BRAF mutation replacing valine with glutamic acid at position 600.", "p.Val600Glu"),
]


@pytest.mark.parametrize("text, hgvs", EXAMPLES)
def test_changes_in_words_are_normalised(text, hgvs):
    assert [change.hgvs for change in find_word_changes(text)] == [hgvs]


def test_the_same_changes_as_each_pattern_scanning_the_whole_text():
    text = " ".join(sentence for sentence, _ in EXAMPLES) + (
        " Glycine, glycine 12 to aspartate and GLYCINE at position 13 by valine; glycines.")
    expected = []
    for pattern in patterns():
        for match in pattern.finditer(text):
            if not any(s < match.end() and match.start() < e for s, e, _ in expected):
                expected.append((match.start(), match.end(), match.group("position")))
    found = find_word_changes(text)
    assert [(c.start, c.end) for c in found] == sorted((s, e) for s, e, _ in expected)
    assert len(found) == 10


def test_a_substitution_of_one_residue_for_another_is_not_read():
    # "of X for Y" puts Y in X's place: the other way round, left out
    assert find_word_changes("A substitution of glycine for arginine at codon 12.") == []


def test_a_text_without_residue_names_has_no_change():
    assert find_word_changes("ALK G1202R was found by NGS.") == []


def test_residue_names_are_found_where_their_regex_finds_them():
    from pipeline.tag.variant_words import residue_names, residue_positions, residue_starts

    assert residue_names() is not None  # each name starts with NAME_HEAD letters: runs screened

    text = ("Glycine at position 161, _glycine, éalanine, serine-to-lysine, Arginines, "
            "aspartic acid 401 and aspartate")
    assert residue_positions(text) == [m.start() for m in residue_starts().finditer(text)] == [
        0, 45, 55, 63, 74, 96]
    folded = text + " ſerine"  # re reads "ſ" as "s": the regex reads the text
    assert residue_positions(folded) == [0, 45, 55, 63, 74, 96, 106]
