"""Drug tagging rules, each with a sentence that motivates it (run through the pipeline)."""

import pytest

from pipeline.read import text_document
from pipeline.tag import tag
from pipeline.tag.tags import tags_of_type


@pytest.fixture
def drugs(nlp):
    def run(text):
        return [(text[t.start:t.end], t.normalised) for t in tags_of_type(nlp(text), "drug")]
    return run


def test_inns_match_in_any_case(drugs):
    assert drugs("Crizotinib, then LORLATINIB.") == [
        ("Crizotinib", "crizotinib"), ("LORLATINIB", "lorlatinib")]


def test_code_and_brand_names_map_to_the_inn(drugs):
    text = "She was treated with Xalkori, then Alecensa, then PF-06463922."
    assert drugs(text) == [("Xalkori", "crizotinib"), ("Alecensa", "alectinib"),
                           ("PF-06463922", "lorlatinib")]


def test_a_code_printed_apart_is_the_drug_only_in_capitals(drugs):
    assert drugs("He then received AMG 510 960 mg daily within a phase I trial.") == [
        ("AMG 510", "sotorasib")]
    # a confidence interval, or lower-case words before a number, name no code
    assert drugs("The risk was 1.7 (95% CI 100-582) in 105 patients.") == []


def test_a_combined_product_with_no_inn_known_by_its_code_keeps_it(drugs):
    assert drugs("He received adjuvant S-1 for one year.") == [("S-1", "s-1")]
    assert drugs("Segment S-1 of the liver was resected.") == []


def test_brand_names_that_are_words_need_a_therapy_near(drugs):
    # "Senior", "Sector" and "Versus" are brand or common names in the FDA list
    assert drugs("Co-senior authors from Sector 2 compared graft-versus-host disease rates.") == []
    # "His", "As" and "Fig" name histidine, artesunate and an allergen extract
    assert drugs("His treatment (Fig. 2) was stopped. As salvage therapy, he received ICE.") == []


def test_a_conjugate_printed_by_its_antibody_is_the_conjugate(drugs):
    assert drugs("Relapse was treated with brentuximab.") == [
        ("brentuximab", "brentuximab vedotin")]


def test_enzymes_and_residues_are_no_drugs(drugs):
    text = ("Constitutive ALK tyrosine kinase activity. The glycine at position 161 of NF2 was "
            "replaced with a stop codon. Platinum-based chemotherapy followed.")
    assert drugs(text) == []


def test_a_weak_name_blamed_for_a_harm_is_a_drug(drugs):
    # heparin and cocaine are one-word DrugBank synonyms: weak
    assert drugs("Heparin-induced thrombocytopenia resolved; later, cocaine intoxication.") == [
        ("Heparin", "heparin"), ("cocaine", "cocaine")]
    assert drugs("Heparin sulfate chains and cocaine seizures by customs were discussed.") == []


def test_an_amino_acid_given_as_therapy_is_a_drug(drugs):
    assert drugs("Oral glutamine 10 g daily was given for mucositis.") == [
        ("glutamine", "glutamine")]


def test_gene_product_drugs_keep_their_printed_name(drugs):
    text = "She received FLAG-IDA (fludarabine, cytarabine, G-CSF and idarubicin)."
    assert drugs(text) == [("fludarabine", "fludarabine"), ("cytarabine", "cytarabine"),
                           ("G-CSF", "g-csf"), ("idarubicin", "idarubicin")]


def test_an_abbreviation_defined_as_a_drug_mix_is_kept_as_printed(drugs):
    text = ("CPX-351 was started in May.\n\nAbbreviations: CPX-351: liposomal "
            "daunorubicin/cytarabine, CR: complete remission.")
    assert drugs(text) == [("CPX-351", "cpx-351"), ("CPX-351", "cpx-351"),
                           ("daunorubicin", "daunorubicin"), ("cytarabine", "cytarabine")]


def test_an_abbreviation_defined_as_one_drug_is_that_drug(drugs):
    text = "Azacitidine (AZA) was stopped. AZA was resumed in June."
    assert drugs(text) == [("Azacitidine", "azacitidine"), ("AZA", "azacitidine"),
                           ("AZA", "azacitidine")]


def test_an_abbreviation_of_a_weak_drug_name_is_a_drug_where_the_name_is(drugs):
    # "adriamycin" is a one-word synonym: a drug here because chemotherapy is named
    text = "The use of adriamycin (ADR) in cancer chemotherapy has been limited. ADR was given."
    assert drugs(text) == [("adriamycin", "doxorubicin"), ("ADR", "doxorubicin"),
                           ("ADR", "doxorubicin")]
    assert drugs("An adverse drug reaction (ADR) was noted; ADR forms were filed.") == []


def test_clinical_drug_abbreviations_need_a_therapy_or_a_drug_beside_them(drugs):
    assert drugs("Induction with CPX-351 and GO gave a remission.") == [
        ("CPX-351", "cpx-351"), ("GO", "gemtuzumab ozogamicin")]
    assert drugs("Decitabine, venetoclax, and GO gave no response.") == [
        ("Decitabine", "decitabine"), ("venetoclax", "venetoclax"), ("GO", "gemtuzumab ozogamicin")]
    assert drugs("GO terms for migration were enriched.") == []


def test_tracers_are_no_drugs(drugs):
    assert drugs("Fludeoxyglucose F-18 PET showed uptake in the pleura.") == []


def test_codes_naming_cells_or_markers_are_no_drugs(drugs):
    text = "HCC827 cells were treated with crizotinib; CA125 levels fell after treatment."
    assert drugs(text) == [("crizotinib", "crizotinib")]


def test_a_drug_name_inside_a_gene_mention_is_the_gene(drugs):
    # "MET" is also a DrugBank synonym of methionine
    assert drugs("MET amplification was treated with capmatinib.") == [("capmatinib", "capmatinib")]


def test_a_research_code_in_a_therapy_column_is_a_drug():
    text = ("Results\n\nTable 2: Earlier cases\n\n"
            "Case\tStudy ID\tFirst-line\tOutcome\n"
            "1\tABC1234\tASP3062\tPR\n"
            "2\tABC1235\tCeritinib\tSD\n")
    mentions = [m for m in tag(text_document(text, "t")) if m.type == "drug"]
    assert [(m.text, m.normalised) for m in mentions] == [
        ("ASP3062", "asp3062"), ("Ceritinib", "ceritinib")]


def test_a_spelled_out_name_takes_its_abbreviations_drug(drugs):
    text = ("Pegfilgrastim support followed.\n\nAbbreviations: G-CSF: granulocyte "
            "colony-stimulating factor, CR: complete remission.")
    assert [d for _, d in drugs(text)] == ["pegfilgrastim", "g-csf", "g-csf"]


def test_an_organ_or_element_named_before_a_disease_or_lab_word_is_no_drug(drugs):
    # "thyroid" (desiccated thyroid) and "iodine" are drug names that are mostly something else
    text = ("Papillary thyroid carcinoma was treated with lenvatinib; thyroid function and serum "
            "creatinine levels stayed normal during treatment.")
    assert drugs(text) == [("lenvatinib", "lenvatinib")]
    assert drugs("Desiccated thyroid 60 mg daily was started.") == [("thyroid", "thyroid")]


def test_a_drug_measured_in_the_blood_is_still_the_drug(drugs):
    assert drugs("Valproate levels were subtherapeutic during treatment.") == [
        ("Valproate", "valproic acid")]


def test_a_name_before_an_enzyme_word_names_the_enzyme(drugs):
    text = ("The gene encodes a subunit of cyclic adenosine monophosphate\u2013dependent protein "
            "kinase, treated as a target.")
    assert drugs(text) == []


def test_a_name_before_converting_enzyme_names_the_enzyme(drugs):
    assert drugs("Angiotensin-converting enzyme inhibitor-induced angioedema was "
                 "suspected.") == []


def test_what_a_drug_is_part_of_is_the_drug_when_the_text_gives_it(drugs):
    # "-containing" weighs against a name, a therapy word and a drug listed beside it for
    assert drugs("Bortezomib and dexamethasone-containing regimens were given.") == [
        ("Bortezomib", "bortezomib"), ("dexamethasone", "dexamethasone")]
    assert drugs("Proline-rich and ATP-binding domains were mapped.") == []


def test_an_abbreviation_spelled_out_in_ordinary_words_is_not_the_drug_it_spells(drugs):
    # "ATC" is a DrugBank synonym of timonacic
    text = ("Anaplastic thyroid cancer (ATC) is aggressive. ATC was treated with dabrafenib "
            "and trametinib.")
    assert [d for _, d in drugs(text)] == ["dabrafenib", "trametinib"]


def test_radiation_is_no_drug(drugs):
    text = "She had radioiodine therapy, then radioactive iodine ablation with 100 mCi."
    assert drugs(text) == []


def test_a_gene_family_is_no_drug(drugs):
    # "RAS" is a DrugBank synonym of rasagiline
    text = "Patients with RAS wild-type tumours are treated with cetuximab."
    assert drugs(text) == [("cetuximab", "cetuximab")]


def test_a_weak_name_blamed_for_a_harm_or_taken_is_a_drug(drugs):
    assert drugs("Chronic cocaine use preceded the infarction.") == [("cocaine", "cocaine")]
    assert drugs("Cocaine seizures by customs rose.") == []


def test_a_gene_product_given_as_a_drug_keeps_its_name(drugs):
    assert drugs("Standard treatment was dacarbazine and interleukin-2.") == [
        ("dacarbazine", "dacarbazine"), ("interleukin-2", "interleukin-2")]
    assert drugs("Tumour cells secreted interleukin-2; IL-2 expression rose.") == []


def test_a_code_that_is_also_a_gene_symbol_is_the_drug_in_a_regimen(drugs):
    assert [d for _, d in drugs("She had four cycles of procarbazine-CCNU-vincristine.")] == [
        "procarbazine", "lomustine", "vincristine"]


def test_an_element_with_a_concentration_after_it_is_a_lab_value(drugs):
    text = ("Laboratory tests showed calcium 11.2 mg/dL and potassium of 3.1 mmol/L after "
            "cisplatin; calcium 500 mg twice daily was then given.")
    assert drugs(text) == [("cisplatin", "cisplatin"), ("calcium", "calcium")]


def test_a_hormone_measured_as_a_marker_is_no_drug(drugs):
    assert drugs("Calcitonin and CEA levels rose over the next year.") == []
    # a drug's dose near does not make the marker after it a drug
    assert drugs("On vandetanib 300 mg daily, calcitonin fell by 80%.") == [
        ("vandetanib", "vandetanib")]
    assert drugs("Hypercalcaemia was treated with calcitonin.") == [("calcitonin", "calcitonin")]
    assert drugs("Vitamin D levels were low.") == []


def test_a_long_form_is_read_once_wherever_a_document_spells_it_out(drug_lexicon):
    from pipeline.lexicons import common_words
    from pipeline.tag import drugs

    rules, words = drugs.drug_rules(), common_words()
    long_form = "liposomal daunorubicin/cytarabine"
    drugs._DEFINED.pop(long_form, None)
    first = drugs.defined_by(long_form, drug_lexicon, rules, words)
    assert first.drugs == {"daunorubicin", "cytarabine"}
    # a second document defining "CPX-351" the same way reads it from memory
    assert drugs.defined_by(long_form, drug_lexicon, rules, words) is first
    assert first == drugs.define(long_form, drug_lexicon, rules, words)


def test_overlapping_candidates_keep_the_more_trusted_then_the_longer():
    from pipeline.tag.drugs import Candidate, most_trusted

    # "CPX-351 (liposomal daunorubicin/cytarabine) then G-CSF": the defined code over the
    # lexicon's shorter name inside it, the product over a lexicon name across it, and
    # between two lexicon names the longer
    text = "CPX-351 liposomal daunorubicin then G-CSF"
    found = [Candidate(0, 3, "cpx", "code", "drug.research_code", False),
             Candidate(0, 7, "cpx-351", "defined", "drug.defined_abbreviation", True),
             Candidate(8, 30, "daunorubicin liposomal", "lexicon", "drug.synonym", True),
             Candidate(18, 30, "daunorubicin", "lexicon", "drug.inn", True),
             Candidate(36, 41, "g-csf", "product", "drug.product", True),
             Candidate(34, 37, "ng", "lexicon", "drug.brand", False)]
    assert [text[c.start:c.end] for c in most_trusted(found)] == [
        "CPX-351", "liposomal daunorubicin", "G-CSF"]


def test_a_tracer_or_contrast_agent_is_known_by_the_rules_pattern_and_remembered():
    from pipeline.tag.drugs import drug_rules

    rules = drug_rules()
    names = ["fludeoxyglucose (18f)", "gadobutrol", "iohexol", "ga 68 dotatate", "cisplatin",
             "indocyanine green", "methotrexate", "tc-99m sestamibi", "interleukin-2"]
    for name in names * 2:  # the second time from what was remembered
        assert rules.names_diagnostic_agent(name) == bool(rules.diagnostic.search(name))
    assert rules.names_diagnostic_agent("gadobutrol") and not rules.names_diagnostic_agent("cisplatin")


def test_a_lexicon_name_is_read_once_per_printed_form(drug_lexicon):
    from pipeline.lexicons import common_words
    from pipeline.tag.drugs import drug_rules, lexicon_candidates, lexicon_reading

    rules, words = drug_rules(), common_words()
    text = "Cisplatin was stopped; cisplatin resumed, His fever fell, then Xalkori."
    readings = {}
    found = lexicon_candidates(text, drug_lexicon, rules, words, readings)
    assert [(text[c.start:c.end], c.drug, c.rule, c.strong) for c in found] == [
        ("Cisplatin", "cisplatin", "drug.inn", True), ("cisplatin", "cisplatin", "drug.inn", True),
        ("Xalkori", "crizotinib", "drug.synonym", False)]
    # "His" (histidine) reads as no candidate, and is remembered so
    assert readings["His"][1] is None
    assert readings["Xalkori"][1] == lexicon_reading("Xalkori", drug_lexicon.names["xalkori"],
                                                      rules, words)
    # read again, from what was remembered, the same candidates
    assert lexicon_candidates(text, drug_lexicon, rules, words, readings) == found
