"""Therapy lines read step by step, each rule on a course written for it (fictional)."""

import pytest

from pipeline.assemble.story import DETAIL, Passage
from pipeline.assemble.therapies import expansions
from pipeline.assemble.timeline import Reading, steps, stretch_lines, therapy_rules, timeline_lines
from pipeline.read import read_document
from pipeline.tag import tag


def tagged(tmp_path, story):
    path = tmp_path / "case.txt"
    path.write_text(f"Case presentation\n\n{story}\n")
    document = read_document(path)
    return document.text, tag(document)


def read(tmp_path, story):
    """The lines of a story told as one passage of one patient."""
    text, mentions = tagged(tmp_path, story)
    start = text.index(story)
    lines = stretch_lines(text, start, start + len(story), mentions, expansions(text, mentions))
    return [(line.therapy.drugs, line.therapy.regimen, line.therapy.response,
             line.therapy.setting) for line in lines]


def test_a_course_chain_is_a_line_per_step_with_its_own_response_and_setting(tmp_path):
    assert read(tmp_path, "Primary induction failure to 7+3 (cytarabine and daunorubicin) "
                          "→ azacitidine with stable disease") == [
        (["cytarabine", "daunorubicin"], "7+3", "PD", "induction"),
        (["azacitidine"], None, "SD", None)]


def test_drugs_a_transplant_names_are_its_conditioning(tmp_path):
    assert read(tmp_path, "Relapse → alloHCT (MUD, busulfan and melphalan), alive in CR") == [
        (["busulfan", "melphalan"], None, "CR", "conditioning")]
    # a transplant after the drug, or in a clause before it, is no conditioning of it
    assert read(tmp_path, "crizotinib with MRD-CR, proceeded to haploHCT") == [
        (["crizotinib"], None, "CR", None)]
    assert read(tmp_path, "Twenty days after stem cell infusion, she restarted imatinib.") == [
        (["imatinib"], None, None, None)]


def test_drugs_after_a_transplant_in_a_phase_of_their_own_are_no_conditioning(tmp_path):
    assert read(tmp_path, "He received autologous transplant and lenalidomide "
                          "maintenance.") == [(["lenalidomide"], None, None, "maintenance")]


def test_drugs_given_with_the_transplant_right_after_them_are_its_conditioning(tmp_path):
    assert read(tmp_path, "Consolidation was high-dose thiotepa and carboplatin with "
                          "autologous stem cell rescue.") == [
        (["thiotepa", "carboplatin"], None, None, "conditioning")]


def test_high_dose_drugs_and_the_transplant_after_them_are_its_conditioning(tmp_path):
    assert read(tmp_path, "He had VRd, followed by high-dose melphalan (200 mg/m2) and "
                          "autologous stem cell transplantation.") == [
        ([], "VRd", None, None),
        (["melphalan"], None, None, "conditioning")]
    # drugs not given at high dose are joined to a transplant by "and" as a line of their own
    assert read(tmp_path, "He received imatinib and allogeneic stem cell "
                          "transplantation.") == [(["imatinib"], None, None, None)]


def test_a_relapse_after_a_line_states_no_response(tmp_path):
    assert read(tmp_path, "Relapsed 6 months after ADE induction") == [
        ([], "ADE", None, "induction")]


def test_a_new_subject_receiving_something_starts_a_new_step(tmp_path):
    assert read(tmp_path, "After chemotherapy failure, he received sunitinib.") == [
        ([], "chemotherapy", "PD", None), (["sunitinib"], None, None, None)]


def test_a_progression_after_a_drug_belongs_to_it_and_the_next_drug_is_a_new_line(tmp_path):
    assert read(tmp_path, "The disease progressed after 6 cycles of decitabine and he was "
                          "started on venetoclax.") == [
        (["decitabine"], None, "PD", None), (["venetoclax"], None, None, None)]


def test_drugs_offered_as_alternatives_are_no_drug_given(tmp_path):
    assert read(tmp_path, "Both had sunitinib- or pazopanib-pretreated disease.") == [
        ([], "sunitinib- or pazopanib-pretreated", None, None)]


def test_drugs_given_one_after_another_are_a_line_each(tmp_path):
    assert read(tmp_path, "She received nivolumab and cabozantinib sequentially.") == [
        (["nivolumab"], None, None, None), (["cabozantinib"], None, None, None)]


def test_a_drug_added_joins_the_line_under_way(tmp_path):
    assert read(tmp_path, "He was treated with bortezomib. The rising paraprotein led to the "
                          "addition of lenalidomide, and he achieved a partial response.") == [
        (["bortezomib", "lenalidomide"], None, "PR", None)]


def test_a_drug_held_and_resumed_goes_on_but_resumed_at_relapse_is_a_new_line(tmp_path):
    assert read(tmp_path, "She started alectinib with a complete response. Alectinib was held "
                          "for pneumonitis. Alectinib was resumed two weeks later. A year "
                          "later she relapsed, and alectinib was resumed.") == [
        (["alectinib"], None, "CR", None), (["alectinib"], None, None, None)]


def test_a_sentence_naming_nothing_between_a_hold_and_its_resumption_changes_nothing(tmp_path):
    assert read(tmp_path, "She started alectinib with a complete response. Alectinib was held "
                          "for pneumonitis. The family was informed. Alectinib was resumed two "
                          "weeks later.") == [(["alectinib"], None, "CR", None)]


def test_the_same_drug_given_after_progression_is_a_new_line(tmp_path):
    assert read(tmp_path, "He received osimertinib with a partial response. Disease "
                          "progression followed. He received osimertinib with local "
                          "radiotherapy and the disease was stable.") == [
        (["osimertinib"], None, "PR", None), (["osimertinib"], None, "SD", None)]


def test_one_lesions_response_does_not_outdo_the_whole_diseases(tmp_path):
    assert read(tmp_path, "Pembrolizumab gave a partial response and complete resolution of "
                          "the liver metastases.") == [(["pembrolizumab"], None, "PR", None)]
    # with only lesions' responses, the disease responded as its worst lesion
    assert read(tmp_path, "Temozolomide led to complete response of the frontal lesion and "
                          "partial response of the pontine lesion.") == [
        (["temozolomide"], None, "PR", None)]


def test_one_lesions_response_outdoes_a_progression_told_later(tmp_path):
    assert read(tmp_path, "He received dabrafenib and trametinib. After 3 months there was a "
                          "marked reduction of the liver metastases. At 11 months the disease "
                          "progressed.") == [(["dabrafenib", "trametinib"], None, "PR", None)]
    # told in the same sentence as the progression, it does not
    assert read(tmp_path, "The disease progressed despite 4 cycles of temozolomide and stable "
                          "supratentorial disease.") == [(["temozolomide"], None, "PD", None)]


def test_lesions_responses_at_different_times_are_the_best_of_them(tmp_path):
    assert read(tmp_path, "After six cycles of FOLFOX there was a 60% regression of the liver "
                          "metastases. Pathology showed complete response of the primary "
                          "tumor and the metastases.") == [([], "FOLFOX", "CR", None)]


def test_a_similar_response_is_the_line_befores(tmp_path):
    assert read(tmp_path, "Larotrectinib gave a partial response. After a relapse off therapy, "
                          "a similar rapid response followed when larotrectinib was "
                          "re-introduced.") == [
        (["larotrectinib"], None, "PR", None), (["larotrectinib"], None, "PR", None)]


def test_a_response_word_that_qualifies_the_disease_is_no_lines_response(tmp_path):
    assert read(tmp_path, "Her refractory Hodgkin lymphoma was treated with nivolumab.") == [
        (["nivolumab"], None, None, None)]


def test_settings_before_a_treatment_with_no_drug_are_a_line_each(tmp_path):
    assert read(tmp_path, "After induction and consolidation chemotherapy, he achieved a "
                          "complete remission.") == [
        ([], "chemotherapy", "CR", "induction"), ([], "chemotherapy", "CR", "consolidation")]


def test_this_chemotherapy_is_the_line_under_way(tmp_path):
    assert read(tmp_path, "She received carboplatin and paclitaxel. The tumour showed a minor "
                          "response to this chemotherapy.") == [
        (["carboplatin", "paclitaxel"], None, "SD", None)]


def test_several_lines_summed_up_are_no_line_when_the_story_tells_them(tmp_path):
    assert read(tmp_path, "He progressed through 3 lines of chemotherapy. He was unsuccessfully "
                          "treated with CHOP, gemcitabine, and bendamustine.") == [
        ([], "CHOP", "PD", None), (["gemcitabine"], None, "PD", None),
        (["bendamustine"], None, "PD", None)]


def test_a_setting_before_a_transplant_is_not_the_drugs(tmp_path):
    assert read(tmp_path, "Because of a lack of response to azacitidine, salvage allogeneic "
                          "stem cell transplantation was performed.") == [
        (["azacitidine"], None, "PD", None)]


def test_a_setting_before_the_treatment_it_names_is_the_lines(tmp_path):
    assert read(tmp_path, "She received dabrafenib plus trametinib as an adjuvant chemotherapy "
                          "after surgical resection.") == [
        (["dabrafenib", "trametinib"], None, None, "adjuvant")]


@pytest.mark.parametrize("story", [
    "Imatinib was planned after recovery.",
    "She was not fit for chemotherapy.",
])
def test_planned_and_negated_treatments_are_no_line(tmp_path, story):
    assert read(tmp_path, story) == []


def test_a_summary_line_completes_the_story_line_with_its_drugs(tmp_path):
    story = "Crizotinib was started. The scan showed progression. Ceritinib was started."
    text, mentions = tagged(tmp_path, "She had a complete response to ceritinib. " + story)
    summary_end = text.index(story)
    lines = timeline_lines(text, [Passage(text.index("She had"), summary_end, "summary",
                                          frozenset({1})),
                                  Passage(summary_end, summary_end + len(story), DETAIL,
                                          frozenset({1}))], mentions, {})
    assert [(line.drugs, line.response) for line in lines] == [
        (["crizotinib"], "PD"), (["ceritinib"], "CR")]


def test_a_progression_that_says_when_the_next_drugs_were_given_is_the_line_before_s(tmp_path):
    assert read(tmp_path, "She received capecitabine with stable disease, followed by "
                          "irinotecan at progression.") == [
        (["capecitabine"], None, "SD", None), (["irinotecan"], None, None, None)]


def test_drugs_added_in_another_setting_start_a_line_of_their_own(tmp_path):
    assert read(tmp_path, "Induction with vincristine and daunorubicin was given. Dasatinib "
                          "was added to consolidation chemotherapy.") == [
        (["vincristine", "daunorubicin"], None, None, "induction"),
        (["dasatinib"], None, None, "consolidation")]


@pytest.mark.parametrize("story", [
    "She received FOLFOX plus bevacizumab as first-line therapy and FOLFIRI plus "
    "panitumumab as second-line therapy.",
    "She received first-line bevacizumab with FOLFOX, second-line panitumumab with FOLFIRI.",
])
def test_drugs_a_step_gives_in_settings_of_their_own_are_a_line_each(tmp_path, story):
    assert [(drugs, setting) for drugs, _, _, setting in read(tmp_path, story)] == [
        (["bevacizumab"], "first-line"), (["panitumumab"], "second-line")]


@pytest.mark.parametrize("side_effect", [
    "Hyperphosphatemia was treated with sevelamer.",
    "Peripheral edema was managed with bumetanide.",  # no supportive drug listed: the words say
])
def test_a_drug_for_a_side_effect_is_no_line(tmp_path, side_effect):
    assert read(tmp_path, f"Erdafitinib was started. {side_effect}") == [
        (["erdafitinib"], None, None, None)]


@pytest.mark.parametrize("harm_treated", [
    "It was complicated by grade 3 colitis requiring high-dose prednisolone and infliximab.",
    "Methylprednisolone 1 mg/kg was started for immune-related pneumonitis.",
])
def test_a_drug_for_a_harm_of_treatment_is_no_line(tmp_path, harm_treated):
    assert read(tmp_path, f"She received ipilimumab plus nivolumab. {harm_treated}") == [
        (["ipilimumab", "nivolumab"], None, None, None)]


def test_a_drug_held_or_reduced_for_a_harm_is_no_supportive_drug(tmp_path):
    assert read(tmp_path, "Pyrexia that required a dose reduction of dabrafenib and "
                          "trametinib resolved within a week.") == [
        (["dabrafenib", "trametinib"], None, None, None)]
    assert read(tmp_path, "She received lorlatinib, which was withheld for grade 3 "
                          "pneumonitis.") == [(["lorlatinib"], None, None, None)]


def test_a_step_that_stops_the_line_under_way_starts_no_other(tmp_path):
    assert read(tmp_path, "She received osimertinib. Osimertinib was discontinued because of "
                          "pneumonitis, which improved with prednisolone.") == [
        (["osimertinib"], None, None, None)]
    # nor does a drug stopped before with nothing said of how it went
    assert read(tmp_path, "She received osimertinib. Omeprazole and osimertinib were "
                          "discontinued.") == [(["osimertinib"], None, None, None)]
    # told to start another, it leaves the drug it stops out of the new line
    assert read(tmp_path, "She received crizotinib. Crizotinib was permanently discontinued "
                          "and entrectinib was initiated 3 weeks later.") == [
        (["crizotinib"], None, None, None), (["entrectinib"], None, None, None)]
    assert read(tmp_path, "He received gefitinib with a partial response. At progression, he "
                          "was switched from gefitinib to osimertinib.") == [
        (["gefitinib"], None, "PR", None), (["osimertinib"], None, None, None)]
    # a drug switched from that is no line yet was given: a line of its own
    assert read(tmp_path, "He was switched from gefitinib to osimertinib.") == [
        (["gefitinib"], None, None, None), (["osimertinib"], None, None, None)]


@pytest.mark.parametrize("story, lines", [
    # stopped with its setting or response: a line although no start is told
    ("Sunitinib gave a minor response for 10 months, and third-line regorafenib was stopped "
     "after 2 months because of progression.",
     [(["sunitinib"], None, "SD", None), (["regorafenib"], None, "PD", "third-line")]),
    # continued in a phase of its own
    ("She received paclitaxel, cisplatin and bevacizumab with a complete response, and "
     "bevacizumab was continued as maintenance.",
     [(["paclitaxel", "cisplatin", "bevacizumab"], None, "CR", None),
      (["bevacizumab"], None, None, "maintenance")]),
])
def test_a_drug_stopped_or_continued_in_a_clause_of_its_own_is_a_step_of_its_own(
        tmp_path, story, lines):
    assert read(tmp_path, story) == lines


def test_some_of_a_line_s_drugs_given_on_in_a_phase_of_their_own_are_a_new_line(tmp_path):
    assert read(tmp_path, "Carboplatin, pemetrexed and pembrolizumab were given for 4 cycles, "
                          "followed by pemetrexed and pembrolizumab maintenance.") == [
        (["carboplatin", "pemetrexed", "pembrolizumab"], None, None, None),
        (["pemetrexed", "pembrolizumab"], None, None, "maintenance")]


def test_and_received_turns_to_a_new_step(tmp_path):
    assert read(tmp_path, "He had primary resistance to gilteritinib and received "
                          "azacitidine with venetoclax.") == [
        (["gilteritinib"], None, "PD", None), (["azacitidine", "venetoclax"], None, None, None)]


def test_a_drug_given_after_a_transplant_is_no_conditioning(tmp_path):
    assert read(tmp_path, "He remains in remission two years after transplant on ponatinib "
                          "maintenance.") == [(["ponatinib"], None, "CR", "maintenance")]


def test_treatments_after_a_preposition_said_again_are_a_line_each(tmp_path):
    # what the sentence says of them (progression) is said of each
    assert read(tmp_path, "The disease had progressed on FOLFOX with bevacizumab and on "
                          "FOLFIRI with cetuximab.") == [
        (["bevacizumab"], "FOLFOX", "PD", None), (["cetuximab"], "FOLFIRI", "PD", None)]
    assert read(tmp_path, "The tumour was refractory to imatinib and later to sunitinib.") == [
        (["imatinib"], None, "PD", None), (["sunitinib"], None, "PD", None)]
    # one preposition for both: one line
    assert read(tmp_path, "She progressed on carboplatin and pemetrexed.") == [
        (["carboplatin", "pemetrexed"], None, "PD", None)]


def test_a_summing_up_gives_each_response_to_the_line_of_its_drug(tmp_path):
    assert read(tmp_path, "Erlotinib was given first. At progression, afatinib was started. "
                          "Overall, he had stable disease on erlotinib and a partial response "
                          "to afatinib.") == [
        (["erlotinib"], None, "SD", None), (["afatinib"], None, "PR", None)]


def test_the_same_drugs_continued_past_a_local_treatment_go_on(tmp_path):
    assert read(tmp_path, "Olaparib maintenance was given. After 2 years, one liver lesion "
                          "progressed and was treated with ablation, and olaparib was "
                          "continued.") == [(["olaparib"], None, "PD", "maintenance")]


def test_a_protocol_named_by_its_code_is_a_line_of_its_own(tmp_path):
    assert read(tmp_path, "He was treated according to the NHL-BFM95 protocol, achieving "
                          "complete remission. At relapse, crizotinib was started.") == [
        ([], "nhl-bfm95 protocol", "CR", None), (["crizotinib"], None, None, None)]


def test_responses_printed_between_a_sequence_s_drugs_are_each_the_line_s_before(tmp_path):
    assert read(tmp_path, "She was treated sequentially with gefitinib (PR, 10 months), "
                          "afatinib (SD, 5 months) and erlotinib (PD).") == [
        (["gefitinib"], None, "PR", None), (["afatinib"], None, "SD", None),
        (["erlotinib"], None, "PD", None)]


def test_an_earlier_line_told_again_is_no_new_line(tmp_path):
    assert read(tmp_path, "Crizotinib gave stable disease. Ceritinib was then started, with "
                          "progression after 3 months. Biopsy at progression on crizotinib had "
                          "shown ALK L1196M. Lorlatinib was given with a partial response.") == [
        (["crizotinib"], None, "SD", None), (["ceritinib"], None, "PD", None),
        (["lorlatinib"], None, "PR", None)]
    # with no response told again either
    assert read(tmp_path, "Imatinib gave a complete remission. Interferon alfa was given "
                          "for a month. At 5 years he is well on imatinib.") == [
        (["imatinib"], None, "CR", None), (["interferon alfa"], None, None, None)]


def test_an_earlier_drug_given_on_in_a_phase_of_its_own_is_a_new_line(tmp_path):
    assert read(tmp_path, "Induction with nilotinib and prednisone gave complete remission. "
                          "Blinatumomab followed, with complete molecular response. She "
                          "continues nilotinib maintenance in remission.") == [
        (["nilotinib", "prednisone"], None, "CR", "induction"),
        (["blinatumomab"], None, "CR", None), (["nilotinib"], None, "CR", "maintenance")]


def test_a_sentence_s_opening_clause_is_a_step_of_its_own(tmp_path):
    # "After progression on X, Y was initiated": two lines, the progression X's
    assert read(tmp_path, "After progression on carboplatin and paclitaxel, nivolumab "
                          "was initiated with a complete response.") == [
        (["carboplatin", "paclitaxel"], None, "PD", None), (["nivolumab"], None, "CR", None)]
    # not a comma inside the opening's list of drugs
    assert read(tmp_path, "At the end of induction with vincristine, dexamethasone and "
                          "daunorubicin, MRD was negative.") == [
        (["vincristine", "dexamethasone", "daunorubicin"], None, "CR", "induction")]


def test_a_treatment_as_the_subject_of_its_own_clause_is_a_step_of_its_own(tmp_path):
    assert read(tmp_path, "Radiotherapy with weekly cisplatin was delivered, and "
                          "cetuximab was started afterwards.") == [
        (["cisplatin"], None, None, None), (["cetuximab"], None, None, None)]


def test_a_drug_replaced_by_another_starts_a_new_line(tmp_path):
    assert read(tmp_path, "Ceritinib was poorly tolerated and was replaced by alectinib, "
                          "with a partial response.") == [
        (["ceritinib"], None, None, None), (["alectinib"], None, "PR", None)]


def test_some_of_a_line_s_drugs_followed_by_on_their_own_are_a_new_line(tmp_path):
    assert read(tmp_path, "Induction with idarubicin and cytarabine gave complete remission, "
                          "followed by three courses of high-dose cytarabine.") == [
        (["idarubicin", "cytarabine"], None, "CR", "induction"), (["cytarabine"], None, None, None)]


def test_a_part_of_the_disease_named_by_its_place_is_a_lesion_s_response(tmp_path):
    # progression of the whole beside stable disease of one part: progression
    assert read(tmp_path, "The pontine tumour progressed despite temozolomide and stable "
                          "supratentorial disease.") == [(["temozolomide"], None, "PD", None)]


def test_a_passage_is_cut_by_its_own_documents_text_when_another_held_the_same_bounds():
    rules = therapy_rules()
    first = "She received cisplatin, then she was switched to erlotinib. It worked."
    second = "Crizotinib was given for two years and the disease stayed stable, no more."
    assert steps(first, 0, 58, rules) == ((0, 22), (22, 37), (37, 58))
    assert steps(second, 0, 58, rules) == ((0, 58),)
    assert steps(first, 0, 58, rules) == ((0, 22), (22, 37), (37, 58))


def test_a_stretch_reads_only_the_treatments_printed_inside_it(tmp_path):
    story = "Crizotinib was started. The scan showed progression. Ceritinib was started."
    text, mentions = tagged(tmp_path, story)
    second = text.index("Ceritinib")
    assert [line.therapy.drugs for line in stretch_lines(text, second, text.index(".", second),
                                                         mentions, {})] == [["ceritinib"]]
    assert [line.drugs for line in timeline_lines(text, [], mentions, {})] == []


def test_a_step_is_searched_for_a_word_list_once():
    text = "Crizotinib was held for pneumonitis."
    reading = Reading(text, {}, therapy_rules())
    rules, bounds = reading.rules, (0, len(text))
    assert reading.says(rules.hold_words, bounds) and not reading.says(rules.restart_words, bounds)
    assert reading.says(rules.hold_words, bounds) and len(reading.said) == 2
    assert not reading.says(rules.hold_words, (0, text.index(" held")))  # another step
