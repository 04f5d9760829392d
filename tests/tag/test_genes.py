"""Gene tagging rules, each with a sentence that motivates it (run through the pipeline)."""

import pytest

from pipeline.read import text_document
from pipeline.tag import tag
from pipeline.tag.tags import tags_of_type


@pytest.fixture
def genes(nlp):
    def run(text):
        return [(text[t.start:t.end], t.normalised) for t in tags_of_type(nlp(text), "gene")]
    return run


def test_full_name_and_symbol_both_resolve(genes):
    assert genes("Anaplastic lymphoma kinase (ALK) staining was diffuse.") == [
        ("Anaplastic lymphoma kinase", "ALK"), ("ALK", "ALK")]


def test_fusion_partners_printed_together_are_separate_genes(genes):
    assert genes("An EML4-ALK rearrangement was found.") == [("EML4", "EML4"), ("ALK", "ALK")]


def test_aliases_resolve_in_context(genes):
    text = "Tumour cells were positive for TTF-1, with Ki-67 in 30% and p53 loss."
    assert genes(text) == [("TTF-1", "NKX2-1"), ("Ki-67", "MKI67"), ("p53", "TP53")]


def test_previous_symbol_maps_to_its_successor(genes):
    assert genes("NGS showed a FAM179A fusion.")[0] == ("FAM179A", "TOGARAM2")


def test_short_letter_aliases_need_context(genes):
    # ALL and CML are aliases of BCR, CT of PCYT1A, FISH of SH3PXD2A
    assert genes("He had ALL, not CML; CT and FISH were normal.") == []


def test_numbers_and_one_letter_codes_are_no_genes(genes):
    text = "This 52-year-old woman had an R2 resection (Figure 1D) and a T3 tumour; variant V2."
    assert genes(text) == []


def test_an_abbreviation_defined_as_something_else_is_no_gene(genes):
    assert genes("FDG PET maximum intensity projection (MIP) images were reviewed.") == []


def test_classes_families_and_domains_are_no_genes(genes):
    text = ("Resistance arose through EGFR, MET, and PI3K mutations. ALK belongs to the insulin "
            "receptor superfamily and the KSR family. Variants lack the TAPE domain; some keep "
            "the TAPE containing part.")
    assert [s for _, s in genes(text)] == ["EGFR", "MET", "ALK"]


def test_a_fusion_protein_named_by_its_size_or_a_disease_abbreviation_is_no_gene(genes):
    assert [s for _, s in genes("RT-PCR found the p190 BCR-ABL1 transcript.")] == ["BCR", "ABL1"]
    # "ALL" is an HGNC alias of BCR; BCR named elsewhere does not make it the gene
    text = "Philadelphia-positive ALL with T315I. The BCR-ABL1 transcript was found."
    assert [p for p, _ in genes(text)] == ["BCR", "ABL1"]


def test_names_inside_another_proteins_name_are_no_genes(genes):
    # Moesin, ezrin and radixin are genes' names, but here they only spell out NF2's name.
    text = "NF2 encodes merlin (moesin-ezrin-radixin-like protein), a tumour suppressor."
    assert genes(text) == [("NF2", "NF2"), ("merlin", "NF2")]


def test_drug_products_named_like_genes_are_drugs(genes):
    assert genes("She received FLAG-IDA with fludarabine, cytarabine, G-CSF and idarubicin.") == []


def test_immunohistochemistry_decides_an_alias_meaning(genes):
    text = "The tumour was positive for SMA and EMA and negative for desmin; ALK1 was diffuse."
    assert genes(text) == [("SMA", "ACTA2"), ("EMA", "MUC1"), ("desmin", "DES"), ("ALK1", "ALK")]


def test_a_marker_no_hgnc_form_spells_is_a_gene_in_a_marker_result(genes):
    assert genes("Tumor cells were positive for napsin A and TTF-1.") == [
        ("napsin A", "NAPSA"), ("TTF-1", "NKX2-1")]
    assert genes("Napsin A staining was diffuse.") == [("Napsin A", "NAPSA")]
    assert genes("An estrogen receptor-positive, HER2-negative carcinoma.") == [
        ("estrogen receptor", "ESR1"), ("HER2", "ERBB2")]
    assert genes("Tumour cells were CK5/6 positive; LCA was negative.") == [
        ("CK5/6", "KRT5"), ("LCA", "PTPRC")]
    # no marker result: words, not a gene
    assert genes("Estrogen receptor signalling was discussed.") == []


def test_word_like_symbols_need_a_gene_word_nearby(genes):
    assert genes("Profiling used the MSK-IMPACT assay, a hybridization capture-based panel run "
                 "on all samples of the study.") == []


def test_author_initials_are_no_genes(genes):
    assert genes("How to cite this article: Wu SC, Chen HW. Crizotinib in ALK-rearranged IMT.") == [
        ("ALK", "ALK")]


def test_a_weak_symbol_accepted_once_is_accepted_throughout(genes):
    assert genes("MET amplification was found. At progression MET stayed high.") == [
        ("MET", "MET"), ("MET", "MET")]


def test_a_list_of_partners_lends_context_to_its_members(genes):
    text = "Known partners include TPM3, TPM4, CLTC, CARS, RANBP2 and ATIC."
    assert [s for _, s in genes(text)] == ["TPM3", "TPM4", "CLTC", "CARS1", "RANBP2", "ATIC"]


def test_out_of_scope_text_vouches_for_nothing():
    text = ("Case report\n\nProfiling was done with a panel including SC.\n\nReferences\n\n"
            "1. Jhanwar SC, et al. SC rearranged in sarcoma. J Ex 2010;1:1.\n")
    mentions = tag(text_document(text))
    assert [m.text for m in mentions if m.type == "gene" and m.in_scope] == []


def test_respelled_symbols_resolve_with_a_gene_word_near(genes):
    # rodent capitals, Greek words and hyphenated numbers as abstracts print them
    assert genes("Bax and Kras expression rose in mice, with sgk1 and mTOR signalling intact.") == [
        ("Bax", "BAX"), ("Kras", "KRAS"), ("sgk1", "SGK1"), ("mTOR", "MTOR")]
    assert genes("PKCalpha and IFN-g were induced; IGF-1 expression was high.") == [
        ("PKCalpha", "PRKCA"), ("IFN-g", "IFNG"), ("IGF-1", "IGF1")]


def test_respelling_leaves_ions_plurals_words_and_name_parts_alone(genes):
    assert genes("Ca2+ influx and Na+ currents; CMs and NETs were counted; miR-9999 was up.") == []
    assert genes("Was it the mutation? Set the expression aside.") == []


def test_disease_names_and_roman_numerals_are_no_genes(genes):
    # "Norrie disease" is NDP's approved name; "II" an alias
    assert genes("Patients with Norrie disease or hemochromatosis were excluded.") == []
    assert genes("Type II and III lesions were seen (95% CI 1.2-3.4).") == []


def test_a_strong_symbol_defined_by_an_unknown_name_stays_a_gene(genes):
    # "Bicaudal D2" is no HGNC name of BICD2; "MIP" is defined as something else
    text = ("Bicaudal D2 (BICD2) binds dynein. Maximum intensity projection (MIP) images "
            "showed it; MIP was repeated.")
    assert genes(text) == [("BICD2", "BICD2")]


def test_a_symbol_ending_like_a_protein_change_is_the_symbol(genes):
    assert genes("The damage response gene GADD45A was induced.") == [("GADD45A", "GADD45A")]


def test_symbols_hold_no_space_so_only_hyphens_join_a_symbols_words(gene_lexicon, genes):
    # find_candidates tries two-word symbols only across a hyphen ("IGF-1", "Bcl-2")
    assert not [form for form in gene_lexicon.printed_forms if " " in form]
    assert genes("Raised IGF-1 and Bcl-2 levels; EML-4 was fused.") == [
        ("IGF-1", "IGF1"), ("Bcl-2", "BCL2"), ("EML-4", "EML4")]


def test_a_shared_alias_is_the_gene_the_document_names_elsewhere(genes):
    # p62 is shared by five genes (SQSTM1, NUP62, ...): beside SQSTM1 it is SQSTM1
    assert genes("The M404V mutation in the p62/SQSTM1 gene was found.") == [
        ("p62", "SQSTM1"), ("SQSTM1", "SQSTM1")]
    assert genes("p62 staining was strong.") == []  # no gene named: it stays open
    assert genes("p62 was high; NUP62 and SQSTM1 were low.") == [  # two named: still open
        ("NUP62", "NUP62"), ("SQSTM1", "SQSTM1")]


def test_a_one_letter_symbol_the_text_calls_a_gene_is_a_gene(genes):
    assert genes("Three F5 gene mutations were found in the family.") == [("F5", "F5")]
    assert genes("T2 images and the C3 level were normal.") == []
    assert genes("The thrombophilic FGG 10034 T gene variant was rare.") == [("FGG", "FGG")]


def test_a_gene_name_with_longer_names_of_its_own_is_no_class(genes):
    assert genes("Effects of Delta-like 4 targeting in the bone marrow.") == [("Delta-like 4", "DLL4")]


def test_a_cellular_homolog_in_any_casing_is_its_gene(genes):
    # HGNC keeps "C-Kit" as KIT's alias, and no c- form of MET or SRC
    assert genes("GIST cells were CD117 (c-kit) positive; c-MET and c-Src were active.") == [
        ("CD117", "KIT"), ("c-kit", "KIT"), ("c-MET", "MET"), ("c-Src", "SRC")]
    assert genes("C-section followed; c-terminal staining was weak.") == []


def test_a_name_of_a_gene_and_a_drug_is_the_drug_where_the_text_gives_it(genes):
    # CCNU is a previous symbol of CCNO and the code of lomustine
    assert genes("She had four cycles of procarbazine-CCNU-vincristine.") == []
    assert genes("CCNU gene expression was measured in the tumour.") == [("CCNU", "CCNO")]
    # a synonym needs an INN beside it: "-induced" speaks of lithium, not of PKC-alpha
    assert genes("Loss of PKC-alpha attenuates lithium-induced polyuria.") == [
        ("PKC-alpha", "PRKCA")]


def test_a_gene_product_given_as_a_drug_is_the_drug(genes):
    assert genes("Standard treatment was dacarbazine and interleukin-2.") == []
    assert genes("Tumour cells secreted interleukin-2; IL-2 expression rose.") == [
        ("interleukin-2", "IL2"), ("IL-2", "IL2")]


def test_a_greek_letter_ending_a_symbol_is_its_latin_letter(genes):
    text = "PDGFRα and RARα mutations were absent; TNF-α and IFN-γ expression rose."
    assert genes(text) == [("PDGFRα", "PDGFRA"), ("RARα", "RARA"), ("TNF-α", "TNF"),
                           ("IFN-γ", "IFNG")]


def test_a_symbol_in_lower_case_needs_more_evidence_than_a_gene_word(genes):
    text = "Imatinib, a tyrosine kinase inhibitor, targets abl, c-KIT and PDGFRA."
    assert genes(text) == [("abl", "ABL1"), ("c-KIT", "KIT"), ("PDGFRA", "PDGFRA")]
    assert genes("The abl kinase domain was sequenced.") == []
    assert genes("Samples were labelled abl and ctrl.") == []


def test_a_proto_oncogene_printed_without_its_hyphen_is_its_gene(genes):
    text = "Mutations of BRAF, CKIT and PTEN were sought in all cars."
    assert genes(text) == [("BRAF", "BRAF"), ("CKIT", "KIT"), ("PTEN", "PTEN")]


def test_a_shared_alias_abbreviating_one_symbol_is_that_gene_with_a_gene_word(genes):
    # PD1 is an alias of PDCD1, SNCA and SPATA2
    assert genes("She then received anti-PD1 antibodies.") == [("PD1", "PDCD1")]
    assert genes("PD1 was scheduled for May.") == []


def test_a_marker_read_in_an_immunostaining_sentence(genes):
    assert genes("The diagnosis rests on immunopositivity for DOG1.") == [("DOG1", "ANO1")]


def test_symbols_after_an_ordinary_word_are_no_initials(genes):
    assert genes("No ALK, ROS1 or RET rearrangement was found.") == [
        ("ALK", "ALK"), ("ROS1", "ROS1"), ("RET", "RET")]


def test_a_clinical_abbreviation_is_a_gene_only_called_one(genes):
    # FISH is an alias of SH3PXD2A, SD a previous symbol of RANGAP1, BID an approved symbol
    text = "FISH showed an ALK rearrangement; SD lasted on crizotinib, an ALK inhibitor, BID."
    assert genes(text) == [("ALK", "ALK"), ("ALK", "ALK")]
    assert genes("BID protein expression was lost.") == [("BID", "BID")]


def test_a_marker_result_printed_after_it_vouches_for_it(genes):
    text = "Tumour cells were CK7+ and HER2 3+, with PD-L1 80% and a Ki-67 index of 40%."
    assert genes(text) == [("CK7", "KRT7"), ("HER2", "ERBB2"), ("PD-L1", "CD274"),
                           ("Ki-67", "MKI67")]
    # after an abbreviation of letters alone, a percentage is a rate ("CLD" is an alias)
    assert genes("Five-year survival was 93% after CLD 93% and ALF.") == []


def test_a_protein_change_printed_right_after_a_symbol_vouches_for_it(genes):
    assert genes("Sequencing found POLE P286R, and RET p.M918T in the tumour.") == [
        ("POLE", "POLE"), ("RET", "RET")]
    # a number or a one-digit code after it is no protein change
    assert genes("The ice core came from the POLE 12 camp near POLE T2N.") == []


def test_a_word_in_lower_case_after_a_slash_names_the_gene_before_it(genes):
    assert genes("HER2/neu amplification was found.") == [("HER2", "ERBB2")]


def test_siblings_named_by_their_numbers_are_genes(genes):
    text = "She received a CDK4/6 inhibitor for BRCA1/2-negative disease; NTRK1-3 were intact."
    assert [symbol for _, symbol in genes(text)] == [
        "CDK4", "CDK6", "BRCA1", "BRCA2", "NTRK1", "NTRK2", "NTRK3"]


def test_an_alias_of_letters_alone_is_not_resolved_by_its_letters(genes):
    # PR is an alias of PGR and TMEM37
    assert genes("She achieved a PR; the CT scan was negative.") == []


def test_a_symbol_inside_a_hyphenated_drug_name_is_no_gene(genes):
    # DM1 is a previous symbol of DMPK; T-DM1 is trastuzumab emtansine
    assert genes("She progressed on T-DM1 after two years.") == []
    assert genes("The DM1 repeat expansion was sized.") == [("DM1", "DMPK")]


def test_serum_markers_map_to_their_genes(genes):
    # CEA is a previous symbol of CEACAM5; PSA and CA-125 are aliases several genes share
    text = "Serum CEA was 25 ng/mL and CA-125 was normal; her PSA rose to 12 ng/mL."
    assert genes(text) == [("CEA", "CEACAM5"), ("CA-125", "MUC16"), ("PSA", "KLK3")]
    assert genes("Serum AFP was normal.") == [("AFP", "AFP")]
    assert genes("AFP and CEA were discussed at the meeting.") == []


def test_a_protocol_or_trial_named_like_a_symbol_is_no_gene(genes):
    assert genes("She was treated on the HR-NBL1 protocol; an ALK mutation was found.") == [
        ("ALK", "ALK")]


def test_marker_forms_are_whole_words_not_after_a_slash_or_hyphen():
    from pipeline.tag.gene_rules import gene_rules

    text = "CK7+/CK20- and CK5/6; not pCK7, anti-CK7 or 2/CK20; Napsin A, Ki-67-2, ALK1."
    assert [m.group() for m in gene_rules().marker_forms.finditer(text)] == [
        "CK7", "CK5/6", "Napsin A", "ALK1"]


def test_markers_are_found_at_the_runs_they_start_with_as_the_pattern_finds_them():
    from pipeline.tag.gene_rules import gene_rules
    from pipeline.tag.genes import printed_markers

    rules = gene_rules()
    assert {"CK5", "Ki", "napsin", "Napsin", "c"} <= rules.marker_runs
    text = ("Napsin A+, CK5/6 and Ki-67 (30%); chromogranin A and synaptophysin negative; "
            "c-kit, αSMA, éCK7, CK7a, CK7-2 and pCK20 are no markers here, CK20 is.")
    found = [m.group() for m in printed_markers(text, rules)]
    assert found == [m.group() for m in rules.marker_forms.finditer(text)]
    assert found == ["Napsin A", "CK5/6", "Ki-67", "chromogranin A", "synaptophysin", "c-kit",
                     "CK20"]
    # a text none of whose runs starts a marker is not searched, as the pattern finds none
    plain = "The tumour cells were negative for SMAD4 loss; CK 7 and ki 67 were not stained."
    assert printed_markers(plain, rules) == [] == list(rules.marker_forms.finditer(plain))


def test_a_form_no_respelling_can_make_a_key_is_not_respelt(gene_lexicon):
    from pipeline.lexicons import common_words
    from pipeline.tag.genes import respelling_screen, symbol_respellings

    lookup = gene_lexicon.printed_forms
    screen = respelling_screen(lookup)
    words = common_words()
    # every symbol of a sample (all with a Greek ending or a c- alias among them) as
    # reports print them: other cases, a hyphen before a short tail, a Greek word or
    # letter for its letter, a c- alias glued or hyphenated; and ordinary words
    symbols = [form for form in lookup if form.isascii()][::97] + [
        "PDGFRA", "PKCA", "IL2", "EML4", "KIT", "MYC", "TGFB1", "IFNG", "C-Kit", "HLA-B"]
    greek = {"A": ["alpha", "α"], "B": ["beta", "β"], "G": ["gamma", "γ"], "D": ["delta", "δ"]}
    forms = ["expression", "Patients", "the", "Was", "abl", "ckit", "CKIT", "cKit", "c-kit",
             "c-MET", "c-Myc", "PKCalpha", "PDGFRα", "Bcl-2", "IGF-1", "IFN-g", "TGF-b1", "2019"]
    for symbol in symbols:
        forms += [symbol.lower(), symbol.capitalize(), f"c{symbol}", f"c-{symbol.lower()}",
                  symbol[:-1] + "-" + symbol[-1]]
        forms += [symbol[:-1] + word for word in greek.get(symbol[-1], [])]
    respelt_to_keys = [form for form in forms
                       if any(other in lookup for other in symbol_respellings(form, words))]
    assert len(respelt_to_keys) > len(symbols)  # the sample respells to keys, often
    assert [form for form in respelt_to_keys if not screen(form)] == []
    # and most forms spelled like no key are not respelt at all
    assert not screen("expression") and not screen("Patients") and not screen("2019")


def test_a_text_s_new_words_are_screened_at_once_as_one_by_one(gene_lexicon):
    import random
    import string

    from pipeline.tag.genes import may_respell, respelling_screen
    from pipeline.tag.matching import words_of

    screen = respelling_screen(gene_lexicon.printed_forms)
    sentences = ["The c-kit and C-MET status, PKCalpha and TGFbeta1 levels were normal.",
                 "Bax, sgk1 and the EML-4 fusion were seen in cKIT-positive cells.",
                 "Expression of PDGFRα, IGF-1 and IFN-g rose\nafter the second course."]
    rng = random.Random(18)
    alphabet = string.ascii_letters + string.digits + "---"
    keys = sorted(gene_lexicon.printed_forms)
    for _ in range(300):
        forms = set()
        for _ in range(rng.randint(0, 20)):
            form = rng.choice(keys) if rng.random() < 0.5 else "".join(
                rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
            forms.add(rng.choice(["", "c-", "C-"]) + rng.choice([form, form.lower()])
                      + rng.choice(["", "", "alpha", "Beta", "GAMMA1", "kappa2"]))
        sentences.append(" ".join(forms))
    for sentence in sentences:
        for forms in (set(words_of(sentence).printed), set(sentence.split(" "))):
            assert set(screen.passing(forms)) == {
                form for form in forms if may_respell(screen.spelled_keys, form)}


def test_a_marker_is_known_as_printed_in_lower_case_or_opening_a_sentence():
    from pipeline.tag.gene_rules import gene_rules

    rules = gene_rules()
    # a marker printed in capitals is known in capitals only: "sma" is no SMA
    assert [rules.marker_symbol(form) for form in ("SMA", "Napsin A", "napsin A", "CK5/6",
                                                   "Estrogen receptor", "EGFR", "sma", "Sma")] == [
        "ACTA2", "NAPSA", "NAPSA", "KRT5", "ESR1", None, None, None]


def test_a_printed_form_is_read_once_whatever_its_context(nlp):
    from pipeline.tag.context import Sentence, Sentences

    tagger = nlp.get_pipe("caselit_genes")
    text = ("The ALK gene was rearranged and SMA was noted in the history. "
            "Immunohistochemistry showed SMA and ALK in the tumour.")
    cut = text.index(".") + 1
    sentences = Sentences([Sentence(0, cut, text[:cut]),
                           Sentence(cut + 1, len(text), text[cut + 1:])])
    tagger.forms.clear()
    found = [(text[t.start:t.end], t.normalised) for t in tagger.judge(text, sentences, {})]
    # "SMA" is a previous symbol of SMN1, and the marker of ACTA2 where immunohistochemistry
    # is spoken of; what its printed form says (both) was worked out once for its two uses
    assert found == [("ALK", "ALK"), ("SMA", "SMN1"), ("SMA", "ACTA2"), ("ALK", "ALK")]
    assert sorted(tagger.forms) == [("ALK", "approved", "ALK"), ("SMA", "previous", "SMN1")]


def test_family_words_and_like_compounds_are_matched_in_place_as_in_a_cut_of_the_text():
    import random
    import re

    from pipeline.tag.gene_rules import gene_rules
    from pipeline.tag.genes import LIKE_COMPOUND

    pairs = [(gene_rules().family_words, 40), (LIKE_COMPOUND, 60)]
    texts = ["KSR family members", "EML protein (TAPE) domain", "insulin receptor superfamily",
             "Moesin-ezrin-radixin-like protein", "ALK-like", "TP53) gene family", "ALK likes"]
    rng = random.Random(3)
    pieces = [" ", "\n", ")", "-", "gene ", "protein ", "family", "members", "domain", "like",
              "ezrin", "x", "2", "é"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14))) for _ in range(2000)]
    for pattern, reach in pairs:
        cut = re.compile("^" + pattern.pattern, pattern.flags)
        for text in texts:
            for end in range(len(text) + 1):
                in_place, in_cut = pattern.match(text, end, end + reach), cut.match(text[end:end + reach])
                assert (in_place and in_place.group()) == (in_cut and in_cut.group()), (text, end)
