"""What a mention's context says of it (ConText rules), each rule on sentences written for it."""

import pytest

from pipeline.tag.context import Sentence
from pipeline.tag.modifiers import context_rules, with_modifiers
from pipeline.tag.tags import Tag


def modifiers(text, *targets):
    """The modifiers given to each (type, words) target of a one-sentence text."""
    tags = [Tag(kind, text.index(words), text.index(words) + len(words), words, "test")
            for kind, words in targets]
    return [tag.modifiers for tag in with_modifiers(text, [Sentence(0, len(text), text)], tags)]


def test_a_negation_reaches_forward_until_a_terminating_word():
    text = "No EGFR L858R mutation was detected, but the tumor carried a KRAS G12C mutation."
    assert modifiers(text, ("variant", "EGFR L858R"), ("variant", "KRAS G12C")) == [
        ("negated",), ()]


def test_a_semicolon_or_colon_right_after_a_word_ends_a_trigger_s_reach():
    text = "Sequencing found KRAS G12C; EGFR T790M was not detected."
    assert modifiers(text, ("variant", "KRAS G12C"), ("variant", "EGFR T790M")) == [
        (), ("negated",)]
    assert modifiers("No ROS1 fusion: ALK positive.", ("gene", "ROS1"), ("gene", "ALK")) == [
        ("negated",), ()]


def test_a_negation_after_its_targets_reaches_backward():
    assert modifiers("ROS1 and RET fusions were negative.",
                     ("gene", "ROS1"), ("gene", "RET")) == [("negated",), ("negated",)]


def test_a_trigger_inside_a_mention_is_part_of_it():
    # "no response" is a response; it does not negate the drug after it
    assert modifiers("She had no response to sunitinib.",
                     ("response", "no response"), ("drug", "sunitinib")) == [(), ()]


def test_planned_and_possible_treatments_are_hypothetical():
    assert modifiers("Nivolumab was planned after recovery.", ("drug", "Nivolumab")) == [
        ("hypothetical",)]
    assert modifiers("Larotrectinib may be an option for such tumours.",
                     ("drug", "Larotrectinib")) == [("hypothetical",)]
    assert modifiers("She was offered CHOEP but chose brentuximab vedotin.",
                     ("regimen", "CHOEP"), ("drug", "brentuximab vedotin")) == [
        ("hypothetical",), ()]


def test_a_drugs_potential_or_an_option_named_is_no_plan():
    assert modifiers("This case highlights the therapeutic potential of dabrafenib.",
                     ("drug", "dabrafenib")) == [()]


def test_what_the_literature_reports_is_about_other_patients_across_the_sentence():
    text = "Responses to crizotinib, however, have been reported in two series."
    assert modifiers(text, ("drug", "crizotinib")) == [("other_patients",)]


def test_a_pseudo_trigger_is_no_trigger():
    assert modifiers("Not only imatinib but also sunitinib was given.",
                     ("drug", "imatinib")) == [()]


def test_an_unknown_category_in_the_rule_file_is_refused(monkeypatch):
    from pipeline.errors import RuleFileError
    from pipeline.tag import modifiers as module

    data = {"targets": [], "terminators": [], "pseudo": [], "sentence_wide": [], "own_patient": [],
            "rules": [{"category": "rumoured", "direction": "forward", "phrases": ["x"]}]}
    with pytest.raises(RuleFileError, match="rumoured"):
        module.ContextRules.from_dict(data)
    assert context_rules().rules  # the shipped file loads


def test_a_trigger_reaches_no_further_than_its_table_cell():
    row = "Smith et al (2019)\tNo\tCrizotinib\tCR"
    sentence = Sentence(0, len(row), row)
    tags = [Tag("drug", row.index("Crizotinib"), row.index("Crizotinib") + 10, "crizotinib", "t")]
    assert with_modifiers(row, [sentence], tags)[0].modifiers == ()


def test_a_clause_with_its_own_subject_ends_a_negation():
    text = "Resection was not possible, and he was treated with imatinib."
    assert modifiers(text, ("drug", "imatinib")) == [()]
    assert modifiers("No mutation was found and the patient received erlotinib.",
                     ("drug", "erlotinib")) == [()]


def test_tests_run_on_the_patient_are_no_literature():
    text = "Cytogenetic studies showed a BCR-ABL1 fusion in all metaphases."
    assert modifiers(text, ("fusion", "BCR-ABL1")) == [()]
    assert modifiers("Previous studies showed BCR-ABL1 in 95% of cases.",
                     ("fusion", "BCR-ABL1")) == [("other_patients",)]


def test_a_treatment_not_given_or_not_considered_is_negated():
    assert modifiers("Nilotinib was not considered because of the mutation.",
                     ("drug", "Nilotinib")) == [("negated",)]
    assert modifiers("Chemotherapy was not started.", ("treatment", "Chemotherapy")) == [
        ("negated",)]


def test_a_trigger_inside_a_longer_one_is_part_of_it():
    # the "not" of "was not identified" reaches no further than the phrase does (backward)
    text = "The partner gene was not identified, and the tumour progressed on entrectinib."
    assert modifiers(text, ("response", "progressed"), ("drug", "entrectinib")) == [(), ()]
    # "was considered" of "was considered unfit for" makes no hypothetical patient
    text = "A 78-year-old man was considered unfit for intensive chemotherapy."
    assert modifiers(text, ("patient", "78-year-old man"),
                     ("treatment", "intensive chemotherapy")) == [(), ("negated",)]


def test_a_relative_clause_ends_a_trigger_s_reach():
    text = "Patient 3, a 55-year-old woman whose fusion partner was not identified, died."
    assert modifiers(text, ("patient", "55-year-old"), ("status", "died")) == [(), ()]


def test_a_smoking_or_medical_history_denied_negates_nothing_after_it():
    text = "A 65-year-old never smoker with EML4-ALK lung cancer was treated with crizotinib."
    assert modifiers(text, ("fusion", "EML4-ALK"), ("drug", "crizotinib")) == [(), ()]
    text = "A man with no history of smoking had an EGFR L858R mutation."
    assert modifiers(text, ("variant", "EGFR L858R")) == [()]


@pytest.mark.parametrize("text, target", [
    # the predicate of a subject a denial qualifies
    ("A woman without prior treatment presented with a KRAS G12C mutation.", "KRAS G12C"),
    ("A man with no comorbidity was diagnosed with EGFR L858R lung cancer.", "EGFR L858R"),
    # a pronoun subject
    ("Without further therapy, she remains in remission on imatinib.", "imatinib"),
    # what "other than" excepts
    ("No alteration other than BRAF V600E was found.", "BRAF V600E"),
])
def test_a_denial_does_not_reach_a_new_predicate_or_subject(text, target):
    assert modifiers(text, ("variant" if " " in target else "drug", target)) == [()]


def test_in_a_sentence_on_the_authors_own_patient_the_literature_is_its_clause():
    text = "Our patient, like the cases reported by Lee et al., responded to crizotinib."
    assert modifiers(text, ("drug", "crizotinib")) == [()]
    text = "Unlike previously reported cases treated with crizotinib, this patient progressed."
    assert modifiers(text, ("drug", "crizotinib"), ("response", "progressed")) == [
        ("other_patients",), ()]


def test_a_reason_given_ends_a_trigger_s_reach():
    assert modifiers("She received lorlatinib, as it could be active against G1202R.",
                     ("drug", "lorlatinib")) == [()]
    assert modifiers("Osimertinib was chosen because it may cross the barrier.",
                     ("drug", "Osimertinib")) == [()]


def test_a_finding_denied_after_it_negates_no_treatment():
    text = "After two cycles of cisplatin, the PET scan was negative."
    assert modifiers(text, ("drug", "cisplatin")) == [()]
    assert modifiers("ROS1 and RET fusions were negative.", ("gene", "ROS1")) == [("negated",)]


def test_what_was_denied_during_a_treatment_leaves_the_treatment_given():
    assert modifiers("No new lesions appeared during alectinib treatment.",
                     ("response", "new lesions"), ("drug", "alectinib")) == [("negated",), ()]
    # a denied finding named after its verb stays denied
    assert modifiers("No mutation was seen in KRAS.", ("gene", "KRAS")) == [("negated",)]


def test_the_month_of_may_is_no_possibility():
    text = "Progression occurred in May 2020, and cabozantinib was given with stable disease."
    assert modifiers(text, ("drug", "cabozantinib")) == [()]


def test_a_trigger_does_not_cross_the_comma_of_a_sentence_s_opening_clause():
    text = "Because he would not accept chemotherapy, erlotinib was given."
    assert modifiers(text, ("treatment", "chemotherapy"), ("drug", "erlotinib")) == [
        ("negated", "hypothetical"), ()]
    # nor a consequence ("so"), and an intolerance is no denial of the drug
    assert modifiers("She could not tolerate imatinib, so dasatinib was started.",
                     ("drug", "imatinib"), ("drug", "dasatinib")) == [(), ()]


def test_a_test_refused_or_not_done_is_negated_but_a_negative_test_was_done():
    text = "FISH was repeated as the patient was unwilling to undergo NGS."
    assert modifiers(text, ("detection_method", "FISH"), ("detection_method", "NGS")) == [
        (), ("negated",)]
    assert modifiers("No EGFR mutation was detected by NGS.",
                     ("detection_method", "NGS")) == [()]


def test_a_sentence_tries_only_the_rules_with_a_phrase_all_of_whose_words_it_holds():
    from pipeline.tag.matching import runs_between

    data = {"targets": ["drug"], "terminators": ["but"], "pseudo": [], "sentence_wide": [],
            "own_patient": [],
            "rules": [{"category": "negated", "direction": "forward", "phrases": ["no", "never"]},
                      {"category": "hypothetical", "direction": "forward",
                       "phrases": ["was planned"]},
                      {"category": "negated", "direction": "backward", "phrases": [";"]}]}
    rules = context_rules().from_dict(data)
    text = "Imatinib was planned, but never given; no one asked."
    def tried(text, start, end):
        runs = runs_between(text, start, end)
        return [(rules.rules.index(rule), match.group())
                for rule, match in rules.triggers_between(text, start, end, runs,
                                                          None if runs is None else set(runs[1]))]

    assert tried(text, 0, len(text)) == [(0, "never"), (0, "no"), (1, "was planned"), (2, ";")]
    assert tried(text, 0, 20) == [(1, "was planned")]
    # "was" without "planned" holds no phrase of the second rule; the mark is read anyway
    assert tried("Imatinib was given; no.", 0, 23) == [(0, "no"), (2, ";")]
    # a text re folds onto ASCII ("ſ" is read as "s") is read by the patterns themselves
    assert tried(text + " ſo", 0, len(text)) == tried(text, 0, len(text))


def test_first_words_are_where_the_phrases_start():
    from pipeline.tag.modifiers import first_words

    assert first_words(["no evidence of", "mid-may", "et al", ";"]) == ("no", "mid", "et", "")


def test_a_rule_tried_at_the_words_its_held_phrases_start_finds_the_same_triggers():
    from pipeline.tag.matching import runs_between

    rules = context_rules()
    sentences = ["No EGFR mutation was found, and crizotinib was not given.",
                 "She was not a candidate for surgery; chemotherapy was planned if possible.",
                 "Similar cases have been reported by Smith et al. in the literature.",
                 "A never-smoker with no history of smoking did not tolerate it in May.",
                 "Erlotinib could be considered, but no further treatment was given.",
                 "NOT-no nothing, 'not', no_1, no- not fit forever; was not identifi"]
    for text in sentences:
        for start, end in ((0, len(text)), (4, len(text) - 3)):
            runs = runs_between(text, start, end)
            # every word of the sentence, or only those of the rules' phrases (as read)
            for words in (None if runs is None else set(runs[1]),
                          None if runs is None else rules.words.intersection(runs[1])):
                assert ([(rule, match.span())
                         for rule, match in rules.triggers_between(text, start, end, runs,
                                                                   words)]
                        == [(rule, match.span()) for rule in rules.rules
                            for match in rule.triggers.finditer(text, start, end)])
                assert ([m.span() for m in rules.pseudo_between(text, start, end, runs, words)]
                        == [m.span() for m in rules.pseudo.finditer(text, start, end)])


def test_a_tag_with_new_modifiers_is_the_tag_replaced():
    from dataclasses import replace

    from pipeline.schema import Variant
    from pipeline.tag.modifiers import with_new_modifiers

    variant = Variant(gene="EGFR", hgvs="p.Leu858Arg")
    tag = Tag("variant", 3, 13, "EGFR L858R", "hgvs", variant=variant, modifiers=("negated",))
    new = with_new_modifiers(tag, ("negated", "historical"))
    assert new == replace(tag, modifiers=("negated", "historical"))
    assert tag.modifiers == ("negated",) and new.variant is variant


def test_negative_for_denies_what_follows_not_the_findings_before_it():
    text = "Sequencing showed KRAS G12C and was negative for BRAF V600E."
    assert modifiers(text, ("variant", "KRAS G12C"), ("variant", "BRAF V600E")) == [
        (), ("negated",)]
    # without "for" the denial still reaches back
    assert modifiers("KRAS G12C was negative.", ("variant", "KRAS G12C")) == [("negated",)]


def test_a_finding_not_present_is_negated():
    assert modifiers("The L858R mutation in EGFR was not present.", ("variant", "L858R")) == [
        ("negated",)]
    assert modifiers("EGFR T790M and MET amplification were not present.",
                     ("variant", "T790M")) == [("negated",)]
    # what the sentence found before the denial stays found
    text = "KIT D816V was found; FLT3 ITD was not present."
    assert modifiers(text, ("variant", "D816V")) == [()]


def test_a_negative_suffix_glued_to_a_change_denies_that_change_only():
    text = "The tumour was EGFR L858R-positive and T790M-negative on rebiopsy."
    assert modifiers(text, ("variant", "L858R"), ("variant", "T790M")) == [(), ("negated",)]
    assert modifiers("IDH1 R132H-negative staining was seen.", ("variant", "R132H")) == [
        ("negated",)]
