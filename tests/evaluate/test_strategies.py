import pytest

from pipeline.evaluate.strategies import (exact, fusion_details, ordered_pairs, precision_recall_f1,
                                          same_age, same_words, therapy_lines)
from pipeline.schema import Fusion, Therapy


def fusion(name, **details):
    five, three = name.split("::")
    return Fusion(name=name, five_prime=five, three_prime=three, **details)


def test_exact_counts_each_value_once():
    counts = exact(["ALK", "ALK", "MET"], ["ALK", "EML4"])
    assert (counts.tp, counts.fp, counts.fn) == (["ALK"], ["MET"], ["EML4"])


def test_a_reversed_fusion_is_an_orientation_error_and_one_fp_and_one_fn():
    counts, reversed_ = ordered_pairs([fusion("ALK::EML4"), fusion("NPM1::ALK")],
                                      [fusion("EML4::ALK"), fusion("NPM1::ALK")])
    assert (counts.tp, counts.fp, counts.fn) == (["NPM1::ALK"], ["ALK::EML4"], ["EML4::ALK"])
    assert reversed_ == ["ALK::EML4"]


def test_fusion_details_are_a_second_tier_of_stated_values():
    ours = [fusion("EML4::ALK", five_prime_exon=13, three_prime_exon=20)]
    gold = [fusion("EML4::ALK", five_prime_exon=6, three_prime_exon=20),
            fusion("EML4::ALK", five_prime_exon=13, three_prime_exon=20)]
    counts = fusion_details(ours, gold)
    assert counts.tp == ["EML4::ALK five_prime_exon=13", "EML4::ALK three_prime_exon=20"]
    assert (counts.fp, counts.fn) == ([], ["EML4::ALK five_prime_exon=6"])


@pytest.mark.parametrize("ours, gold, same", [
    ("Non-small cell lung cancer", "nonsmall cell lung cancer", True),
    ("non small cell lung cancer", "non-small-cell lung cancer", True),
    ("inflammatory myofibroblastic tumour", "inflammatory myofibroblastic tumor", True),
    ("ALK-positive large B-cell lymphoma", "ALK+ large B-cell lymphoma", True),
    # the gold's head and every modifier, in any order; ours may say more
    ("lung adenocarcinoma", "adenocarcinoma of the lung", True),
    ("lung cancer adenocarcinoma", "lung adenocarcinoma", True),
    ("refractory acute myeloid leukaemia", "acute myeloid leukemia", True),
    ("leukemia", "acute myeloid leukemia", False),
    ("large B-cell lymphoma", "ALK+ large B-cell lymphoma", False),
    ("non-small cell lung cancer", "lung adenocarcinoma", False),
    ("melanoma", "malignant melanoma", False),
    # stage and course words of the gold's name are not needed
    ("colorectal cancer", "metastatic colorectal cancer", True),
    ("oligodendroglioma", "WHO grade 2 oligodendroglioma", True),
    ("lung adenocarcinoma", "stage IVB lung adenocarcinoma", True),
    ("relapsed", "relapsed", True),  # nothing else to go by: the words themselves
    # singular and plural
    ("lymph node", "lymph nodes", True),
    ("rhabdoid tumors", "rhabdoid tumor", True),
    # sites
    ("lung", "lung", True),
    ("left lung", "lung", True),
    ("lung", "left lung", False),
    ("bladder", "gall bladder", False),
    ("lymphoma", "lymph node", False),
    ("", "-", True),
    ("lung", "", False),
    (None, None, True),
    (None, "stomach", False),
    ("stomach", None, False),
])
def test_the_gold_names_words_must_be_in_ours(ours, gold, same):
    assert same_words(ours, gold) is same


def test_ages_match_within_a_twentieth_of_a_year():
    assert same_age(1.5, 1.5) and same_age(0.08, 0.083) and same_age(None, None)
    assert not same_age(1, 1.5) and not same_age(None, 3)


def line(drugs=(), regimen=None, response=None, setting=None):
    return Therapy(drugs=list(drugs), regimen=regimen, response=response, setting=setting)


def test_therapy_lines_compare_drugs_responses_and_order():
    gold = [line(["cytarabine", "daunorubicin"], "7+3", "PD"), line([], "MEC", "CR"),
            line(["crizotinib"], response="CR")]
    ours = [line(["crizotinib"], response="PR"), line(["cytarabine"], "7+3", "PD"),
            line(["azacitidine"])]
    result = therapy_lines(ours, gold)
    assert (len(result.lines.tp), len(result.lines.fp), len(result.lines.fn)) == (2, 1, 1)
    assert (len(result.drugs.tp), len(result.drugs.fp), len(result.drugs.fn)) == (2, 1, 1)
    assert result.drugs.fn == ["line 1: daunorubicin"]
    assert (result.responses.tp, result.responses.fp, result.responses.fn) == (
        ["line 1: PD"], ["line 3: PR"], ["line 3: CR", "line 2: CR"])
    # ours lists crizotinib before 7+3; gold the other way round: the one pair disagrees
    assert (result.order_agreed, result.order_total) == (0, 1)


def test_a_regimen_only_line_matches_on_its_acronym():
    result = therapy_lines([line([], "ADE")], [line([], "ADE", "PD")])
    assert len(result.lines.tp) == 1 and result.responses.fn == ["line 1: PD"]


def test_rates_follow_the_usual_conventions():
    assert precision_recall_f1(0, 0, 0) == (1.0, 1.0, 1.0)
    assert precision_recall_f1(0, 2, 0) == (0.0, 1.0, 0.0)
    assert precision_recall_f1(3, 1, 1) == pytest.approx((0.75, 0.75, 0.75))


def test_settings_are_one_unit_per_line_like_responses():
    gold = [line(["cytarabine", "daunorubicin"], "7+3", setting="induction"),
            line([], "MEC", setting="salvage"), line(["crizotinib"])]
    ours = [line(["crizotinib"], setting="first-line"), line(["cytarabine"], "7+3", setting="induction"),
            line(["azacitidine"], setting="maintenance")]
    settings = therapy_lines(ours, gold).settings
    assert settings.tp == ["line 1: induction"]
    # a setting where the gold states none is an FP; an unmatched line's settings count too
    assert settings.fp == ["line 3: first-line", "unmatched line 3: maintenance"]
    assert settings.fn == ["line 2: salvage"]
