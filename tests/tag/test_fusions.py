import pytest

from pipeline.errors import RuleFileError
from pipeline.read import text_document
from pipeline.resources import load_resource
from pipeline.tag import tag
from pipeline.tag.fusions import FusionRules, find_fusions, find_rearranged, orient, fusion_rules
from pipeline.tag.tags import tags_of_type


def fusions(text, lexicon):
    return [(t.fusion.name, t.fusion.unresolved) for t in find_fusions(text, lexicon)
            if t.type == "fusion"]


def tagged(text):
    """Every mention of the whole tagger (gene tags are what phrases, lists and tables read)."""
    return tag(text_document(text, "t"))


def named(text):
    """Fusion names in text order, each once."""
    return list(dict.fromkeys(m.normalised for m in tagged(text) if m.type == "fusion"))


def stated(text):
    """(name, details) of every fusion mention that states a detail."""
    return [(m.normalised, m.fusion.model_dump(exclude_none=True, exclude_defaults=True,
                                               exclude={"name", "five_prime", "three_prime"}))
            for m in tagged(text) if m.type == "fusion" and m.rule != "fusion.pair"
            and m.fusion.model_dump(exclude_none=True, exclude_defaults=True,
                                    exclude={"name", "five_prime", "three_prime", "unresolved"})]


@pytest.mark.parametrize("sentence, expected", [
    ("RNA sequencing revealed an EML4-ALK fusion.", [("EML4::ALK", False)]),
    ("NGS identified a STRN::ALK fusion.", [("STRN::ALK", False)]),
    ("The tumour carried an SQSTM1:ALK fusion.", [("SQSTM1::ALK", False)]),
    ("The ALK-EML4 fusion is the most common.", [("EML4::ALK", False)]),
    ("An FGFR3-TACC3 fusion was detected.", [("FGFR3::TACC3", False)]),
    ("The marrow also carried a FUS:ERG fusion.", [("FUS::ERG", False)]),
])
def test_printed_fusions_are_named_in_established_orientation(sentence, expected, gene_lexicon):
    assert fusions(sentence, gene_lexicon) == expected


def test_short_alias_is_accepted_as_a_fusion_partner(gene_lexicon):
    text = "The NPM-ALK fusion protein drives ALCL."
    tags = find_fusions(text, gene_lexicon)
    assert [t.normalised for t in tags if t.type == "fusion"] == ["NPM1::ALK"]
    assert [(text[t.start:t.end], t.normalised) for t in tags if t.type == "gene"] == [
        ("NPM", "NPM1"), ("ALK", "ALK")]


def test_partner_that_is_no_hgnc_symbol_keeps_its_printed_form(gene_lexicon):
    tags = find_fusions("A TGF-ALK transcript was reported.", gene_lexicon)
    assert fusions("A TGF-ALK transcript was reported.", gene_lexicon) == [("TGF::ALK", True)]
    assert [t.normalised for t in tags if t.type == "unresolved_gene"] == ["TGF"]


@pytest.mark.parametrize("sentence", [
    "ALK/ROS1 inhibitors are approved.",
    "FUS-ERG and other transcription factors were studied.",
    "PET/CT showed uptake.",
    "The ALK-D5F3 antibody was positive.",
    "ALK-positive tumours respond.",
])
def test_lists_tests_and_clones_are_not_fusions(sentence, gene_lexicon):
    assert fusions(sentence, gene_lexicon) == []


def test_genes_followed_by_a_rearrangement_word_are_rearranged(nlp):
    text = "An IGFBP5 fusion and an ALK gene rearrangement; ALK inhibitors."
    genes = tags_of_type(nlp(text), "gene")
    assert [t.normalised for t in find_rearranged(text, genes)] == ["IGFBP5", "ALK"]
    # an alias or locus in brackets between the gene and the word
    assert [m.normalised for m in tagged("FISH showed a KMT2A (MLL) rearrangement.")
            if m.type == "rearranged_gene"] == ["KMT2A"]


def test_orientation_keeps_a_partner_first_order():
    rules = fusion_rules()
    assert orient("EML4", "ALK", rules) == ("EML4", "ALK")
    assert orient("ALK", "EML4", rules) == ("EML4", "ALK")
    assert orient("TACC3", "FGFR3", rules) == ("FGFR3", "TACC3")


def test_the_rule_file_rejects_an_unknown_key():
    with pytest.raises(RuleFileError, match="fusions.yaml"):
        FusionRules.from_dict({**load_resource("fusions.yaml"), "partner_word": ["partner"]})


@pytest.mark.parametrize("sentence, expected", [
    # named by a phrase: printed order, then the established orientation
    ("Sequencing showed a fusion of the ETV6 gene and the NTRK3 gene.", ["ETV6::NTRK3"]),
    ("In this tumour, NAB2 was fused to STAT6.", ["NAB2::STAT6"]),
    ("The fusion of the ALK gene and the KIF5B gene was confirmed.", ["KIF5B::ALK"]),
    ("A translocation between the ETV6 and NTRK3 genes was found.", ["ETV6::NTRK3"]),
    ("RNA-seq showed a fusion transcript between LMNA and NTRK1.", ["LMNA::NTRK1"]),
    # proteins moving into an organelle are no fusion
    ("Stress caused the translocation of BAD and BAX to the mitochondria.", []),
    # a translocation printed before a pair names it as a fusion
    ("FISH showed t(12;21)(p13;q22) ETV6-RUNX1 in the blasts.", ["ETV6::RUNX1"]),
    ("The lymphoma carried t(2;5)(p23;q35) NPM1-ALK.", ["NPM1::ALK"]),
    # hyphenated genes with nothing that says fusion stay genes
    ("ETV6-RUNX1 and other transcription factors were studied.", []),
    ("Mutations ranged from EGFR exon 19 to KRAS exon 2.", []),
    # a gene's fusion word "with" (or a "partner" in brackets) names its partner
    ("NGS showed a RET rearrangement with KIF5B as the fusion partner.", ["KIF5B::RET"]),
    ("An NTRK3 fusion with ETV6 was detected by RNA sequencing.", ["ETV6::NTRK3"]),
    ("Targeted sequencing found a ROS1 fusion (partner: EZR).", ["EZR::ROS1"]),
    ("RNA sequencing confirmed a fusion involving ROS1 and CD74.", ["CD74::ROS1"]),
    ("Fusions involving ALK and ROS1 respond to crizotinib.", []),  # either gene's fusions
    ("Gene fusions involving FGFR1 and NTRK3 were found in the series.", []),
    # ... unless the next gene has a finding of its own
    ("She had an ALK rearrangement with TP53 mutation and KRAS G12C.", []),
    ("Exon 19 of EGFR and exon 2 of KRAS were sequenced; no fusion was found.", []),
    ("EGFR (exon 19)-KRAS (exon 2) mutations were sought.", []),
    ("The fusion assay covered EGFR exon 19 and KRAS exon 2.", []),
    # a gene's fusion or rearrangement "with" partners that end the phrase
    ("Reported cases include NTRK2 fusions with KIF5A or AGBL4.", ["KIF5A::NTRK2", "AGBL4::NTRK2"]),
    ("NGS identified ALK rearranged with TPM3.", ["TPM3::ALK"]),
    ("She had an ALK fusion with TP53 co-mutation.", []),
    ("NTRK2 fusions with KIF5A, and the TPR-NTRK1 fusion, are known.",
     ["KIF5A::NTRK2", "TPR::NTRK1"]),
])
def test_fusions_named_by_phrases(sentence, expected):
    assert named(sentence) == expected


@pytest.mark.parametrize("sentence, name, exons", [
    ("RNA sequencing showed that the fusion joins the coiled-coil domain of KIF5B exon 15 "
     "to the kinase domain of ALK exon 20.", "KIF5B::ALK", (15, 20)),
    ("An in-frame EWSR1 exon 7-FLI1 exon 6 fusion was found.", "EWSR1::FLI1", (7, 6)),
    ("The fusion joins exon 4 of ETV6 to exon 14 of NTRK3.", "ETV6::NTRK3", (4, 14)),
    ("RNA sequencing found a fusion between exon 13 of EML4 and exon 20 of ALK.", "EML4::ALK",
     (13, 20)),
    ("Targeted RNA sequencing detected a TPM3 (exon 7)-NTRK1 (exon 10) fusion.", "TPM3::NTRK1",
     (7, 10)),
    ("The report read EML4 exon 6::ALK exon 20.", "EML4::ALK", (6, 20)),  # "::" says fusion
    ("RNA sequencing found a fusion between EML4 exon 13 and ALK exon 20.", "EML4::ALK", (13, 20)),
    ("A CLIP1-ROS1 fusion was found, joining CLIP1 exon 19 and ROS1 exon 34.", "CLIP1::ROS1",
     (19, 34)),
    # exons joined back the printed order: no established orientation is forced
    ("The transcript fused ALK exon 19 to EML4 exon 21.", "ALK::EML4", (19, 21)),
    ("NGS showed a novel fusion between exon 9 of ZCCHC8 and exon 35 of ROS1.", "ZCCHC8::ROS1",
     (9, 35)),
    ("RNA sequencing showed exon 17 of FGFR3 fused in-frame to exon 11 of TACC3.", "FGFR3::TACC3",
     (17, 11)),
    ("Archer FusionPlex identified EML4 (exon 13)-ALK (exon 20).", "EML4::ALK", (13, 20)),
    ("The fusion of EML4 exon 6 and ALK exon 20 was confirmed.", "EML4::ALK", (6, 20)),
])
def test_exons_joined_across_two_genes_give_the_order_and_the_exons(sentence, name, exons):
    assert stated(sentence) == [(name, {"five_prime_exon": exons[0], "three_prime_exon": exons[1]})]


def test_exons_of_two_genes_listed_with_and_are_joined_only_after_between():
    assert named("No fusion was found; deletions in exon 19 of EGFR and exon 2 of KRAS were "
                 "absent.") == []
    assert named("Mutations in EGFR exon 19 and KRAS exon 2 were absent; no fusion was found.") == []
    assert named("EGFR (exon 19) and KRAS (exon 2) were sequenced.") == []


def test_listed_fusion_partners_of_a_kinase_go_five_prime():
    text = ("ROS1 drives a subset of lung cancers. Its fusion partners include CD74, SLC34A2 and "
            "EZR, which supply a promoter.")
    assert named(text) == ["CD74::ROS1", "SLC34A2::ROS1", "EZR::ROS1"]


def test_listed_partners_take_current_symbols_and_the_gene_the_cue_names():
    assert named("Known fusion partners of ALK, such as TPM3 and SEC31L1, were sought.") == [
        "TPM3::ALK", "SEC31A::ALK"]


def test_listed_partners_of_a_five_prime_gene_go_three_prime():
    assert named("Recurrent FGFR3 fusion partners include TACC3 and BAIAP2L1.") == [
        "FGFR3::TACC3", "FGFR3::BAIAP2L1"]


def test_partners_that_are_no_fusion_partners_make_no_fusion():
    assert named("Binding partners of ALK include IRS1 and SHC1.") == []


PARTNER_TABLE = ("Results\n\nTable 2: Published patients\n\n"
                 "Case\tSite\tALK fusion partner\tResponse\n"
                 "1\tLung\tKIF5B\tPR\n"
                 "2\tSkin\tNot reported\tCR\n"
                 "3\tBone\tSQTSM1\tSD\n"
                 "4\tLiver\tNA\tPD\n"
                 "5\tLung\tEML4 (E13;A20)\tPR\n\n"
                 "Case 3 is printed as published.\n")


def test_a_partner_column_makes_each_cell_a_partner_of_the_header_gene():
    mentions = tagged(PARTNER_TABLE)
    fusions_ = {m.normalised: m.fusion for m in mentions if m.type == "fusion"}
    assert list(fusions_) == ["KIF5B::ALK", "SQTSM1::ALK", "EML4::ALK"]
    # a printed partner that is no gene symbol is kept as printed, not guessed
    assert fusions_["SQTSM1::ALK"].unresolved
    assert [m.normalised for m in mentions if m.type == "unresolved_gene"] == ["SQTSM1"]
    assert ("EML4::ALK", {"five_prime_exon": 13, "three_prime_exon": 20}) in stated(PARTNER_TABLE)


def test_pairs_in_a_fusion_column_are_fusions():
    text = ("Table 1. Reported cases\n\n"
            "Case\tAge/Sex\tFusion\tOutcome\n"
            "1\t25/F\tEWSR1-ERG\tDead\n"
            "2\t30/M\tHEY1-NCOA2\tAlive\n\n")
    assert named(text) == ["EWSR1::ERG", "HEY1::NCOA2"]
    # the same pair in another column, or in prose without a fusion word, names no fusion
    assert named(text.replace("Fusion", "Markers")) == []


def test_a_gene_alone_in_a_fusion_column_is_rearranged():
    text = ("Table 2. Reported cases\n\n"
            "Case\tFusion\tIHC\n"
            "1\tALK (partner unknown)\tALK+\n"
            "2\tEML4-ALK\tALK+\n\n")
    rearranged = [(m.normalised, m.rule) for m in tagged(text) if m.type == "rearranged_gene"]
    # row 1 only: row 2 names the partner; the IHC column is no fusion column
    assert rearranged == [("ALK", "rearranged.fusion_cell")]


def test_a_partner_cell_resolved_only_through_an_alias_stays_unresolved():
    # "CTCL" is formally an HGNC alias of TSPYL2; printed as an ALK partner it is no gene
    text = PARTNER_TABLE.replace("SQTSM1", "CTCL")
    assert "CTCL::ALK" in named(text)
    assert "TSPYL2" not in {m.normalised for m in tagged(text)}


@pytest.mark.parametrize("sentence, name, exons", [
    ("NGS found a CLTC::ALK (C31::A20) fusion.", "CLTC::ALK", (31, 20)),
    ("The tumour carried KIF5B-ALK (K24; A20).", "KIF5B::ALK", (24, 20)),
    ("The blasts carried BCR-ABL1 (e13a2).", "BCR::ABL1", (13, 2)),
    ("Quantitative PCR showed BCR-ABL1 transcript type e14a2.", "BCR::ABL1", (14, 2)),
    ("RNA sequencing showed a TPM3-ALK (exon 8::exon 20) transcript.", "TPM3::ALK", (8, 20)),
    # the notation backs the printed order (ROS1 first), which is kept
    ("RNA sequencing showed a ROS1-GOPC (EX35:EX8) transcript.", "ROS1::GOPC", (35, 8)),
])
def test_exon_notations_after_a_fusion_are_its_exons(sentence, name, exons):
    assert named(sentence) == [name]
    assert stated(sentence) == [(name, {"five_prime_exon": exons[0], "three_prime_exon": exons[1]})]


def test_exon_notations_are_no_genes():
    # "C31" is an alias of POLR3G and "A20" one of TNFAIP3: here they are exons
    mentions = tagged("NGS found a CLTC::ALK (C31::A20) fusion.")
    assert [m.normalised for m in mentions if m.type in ("gene", "unresolved_gene")] == ["CLTC", "ALK"]


def test_exon_notations_below_a_fusion_in_a_block_of_codes():
    text = ("Fusion variants\n\nEML4-ALK\n\nV1 E13; A20 2007\n\nV2 E20; A20 2008\n\n"
            "KIF5B-ALK K24; A20 2009\n\nK15; A20 2011\n")
    assert stated(text) == [
        ("EML4::ALK", {"five_prime_exon": 13, "three_prime_exon": 20}),
        ("EML4::ALK", {"five_prime_exon": 20, "three_prime_exon": 20}),
        ("KIF5B::ALK", {"five_prime_exon": 24, "three_prime_exon": 20}),
        ("KIF5B::ALK", {"five_prime_exon": 15, "three_prime_exon": 20})]


@pytest.mark.parametrize("sentence", [
    "An EML4-ALK fusion was found; T3-T4 and L4-L5 were involved.",  # letters of neither gene
    "The EML4-ALK fusion was found. Later scans showed lesions in the E13;A20 region.",  # prose
])
def test_codes_that_do_not_fit_the_fusion_are_no_exons(sentence):
    assert stated(sentence) == []


def test_exons_stated_after_a_pair_back_its_printed_order():
    assert named("The tumour carried ALK-KLC1: exon 20 of ALK inserted into exon 9 of KLC1.") == [
        "ALK::KLC1"]
    assert named("An ALK-KLC1 fusion was found.") == ["KLC1::ALK"]


def test_transcripts_and_breakpoints_stated_for_a_fusion_gene():
    text = ("Figure 3. The predicted TPM3::ALK fusion transcript. A. Schematic of TPM3 "
            "(NM_152263) showing the breakpoint in intron 7 (c.789+1234). B. Schematic of ALK "
            "(NM_004304) showing the breakpoint in intron 19 (c.3173-500).")
    assert stated(text) == [
        ("TPM3::ALK", {"five_prime_transcript": "NM_152263"}),
        ("TPM3::ALK", {"five_prime_breakpoint": "c.789+1234"}),
        ("TPM3::ALK", {"three_prime_transcript": "NM_004304"}),
        ("TPM3::ALK", {"three_prime_breakpoint": "c.3173-500"})]
    # a breakpoint is no variant
    assert [m for m in tagged(text) if m.type == "variant"] == []


def test_a_transcript_that_prefixes_a_variant_is_no_fusion_detail():
    text = "The EML4-ALK fusion carried a resistance mutation, ALK (NM_004304.5):c.3604G>A, at relapse."
    assert stated(text) == []
    assert [m.normalised for m in tagged(text) if m.type == "variant"] == ["c.3604G>A"]


@pytest.mark.parametrize("sentence, rearranged", [
    ("There was no ROS-1 rearrangement.", []),
    ("The biopsy was negative for ALK rearrangement.", []),
    ("FISH showed no evidence of an ALK rearrangement.", []),
    ("The tumour lacked ALK, ROS1 and RET rearrangements.", []),
    ("Patients with no response had an ALK rearrangement.", ["ALK"]),
])
def test_genes_the_text_says_are_not_rearranged_are_not(sentence, rearranged):
    assert [m.normalised for m in tagged(sentence) if m.type == "rearranged_gene"] == rearranged


def test_exons_of_one_gene_alone_do_not_back_a_reversed_pair():
    assert named("The ALK-EML4 fusion, with its breakpoint in ALK exon 20, was found.") == [
        "EML4::ALK"]


@pytest.mark.parametrize("sentence, expected", [
    ("The t(8;21) is found in de novo AML and results in RUNX1-RUNX1T1.", ["RUNX1::RUNX1T1"]),
    ("It creates the fusion gene RUNX1-RUNX1T1.", ["RUNX1::RUNX1T1"]),
    ("The fusion transcript PML/RARA was absent.", ["PML::RARA"]),
    ("RUNX1-RUNX1T1 levels were compared with AML1 levels.", []),
    # pairs listed before one fusion word are each a fusion
    ("Screening for ETV6-RUNX1, TCF3-PBX1 and KMT2A-AFF1 fusions was negative.",
     ["ETV6::RUNX1", "TCF3::PBX1", "KMT2A::AFF1"]),
    ("ETV6-RUNX1, and a TCF3-PBX1 fusion was found.", ["TCF3::PBX1"]),
])
def test_a_translocation_or_fusion_word_before_a_pair_names_its_fusion(sentence, expected):
    assert named(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("RT-PCR was positive for CBFB-MYH11.", ["CBFB::MYH11"]),
    ("Molecular studies showed MLL-AF4, and the karyotype was complex.", ["KMT2A::AFF1"]),
    ("The blasts harbored ETV6-RUNX1 and an IKZF1 deletion.", ["ETV6::RUNX1"]),
    # the pair is not the whole finding, or a slash lists markers
    ("Immunostaining showed MSH2-MSH6 loss.", []),
    ("The patient carried BRCA1-BRCA2 mutations.", []),
    ("Staining was positive for AE1/AE3.", []),
])
def test_a_finding_that_ends_on_a_hyphenated_pair_names_its_fusion(sentence, expected):
    assert named(sentence) == expected


def test_a_slash_between_two_kinases_reads_either(nlp):
    text = "Tests for ALK/ROS1 rearrangements were positive; BCR/ABL1 rearrangement was not."
    assert named(text) == ["BCR::ABL1"]
    assert [m.normalised for m in tagged(text) if m.type == "rearranged_gene"] == [
        "ALK", "ROS1", "BCR", "ABL1"]


def test_partners_printed_with_a_suspended_hyphen_each_make_a_fusion():
    assert named("KIF5B-, CCDC6- and NCOA4-RET fusions were found.") == [
        "KIF5B::RET", "CCDC6::RET", "NCOA4::RET"]
    assert named("CD74- or SLC34A2-ROS1 fusion") == ["CD74::ROS1", "SLC34A2::ROS1"]


@pytest.mark.parametrize("sentence, rearranged", [
    ("EGFR, KRAS and BRAF rearrangements are rare.", ["EGFR", "KRAS", "BRAF"]),
    ("Tumours with ALK or ROS1 fusions respond.", ["ALK", "ROS1"]),
    ("No ALK, ROS1 or RET rearrangement was found.", []),
    ("The biopsy was negative for ALK, ROS1 and RET fusions.", []),
])
def test_genes_listed_before_one_rearrangement_word_are_each_rearranged(sentence, rearranged):
    assert [m.normalised for m in tagged(sentence) if m.type == "rearranged_gene"] == rearranged


def test_a_protein_size_before_a_fusion_is_no_gene():
    # "p190" is an alias of CNTNAP1
    text = "Molecular analysis detected a p190 BCR-ABL1 transcript."
    assert [m.normalised for m in tagged(text) if m.type == "gene"] == ["BCR", "ABL1"]


@pytest.mark.parametrize("sentence, expected", [
    ("FISH showed an FGFR1-ZMYM2 fusion in the myeloid neoplasm.", ["ZMYM2::FGFR1"]),
    ("A BCR-FGFR1 fusion was found.", ["BCR::FGFR1"]),
    ("An FGFR1-TACC1 fusion was found.", ["FGFR1::TACC1"]),
    # a recurrent leukaemia or sarcoma fusion printed in reverse takes its established order
    ("RT-PCR detected the FLI1-EWSR1 fusion transcript.", ["EWSR1::FLI1"]),
    ("The RARA-PML fusion gene was found.", ["PML::RARA"]),
    ("A fusion of the SSX1 gene and the SS18 gene.", ["SS18::SSX1"]),
    # a printed order backed by exons stays
    ("RNA sequencing found a FLI1 exon 6-EWSR1 exon 7 fusion.", ["FLI1::EWSR1"]),
    # symbols printed with a Greek letter are read whole, never cut short ("PDGFR")
    ("Nested RT-PCR confirmed the FIP1L1-PDGFRα fusion.", ["FIP1L1::PDGFRA"]),
    ("Bone marrow RT-PCR showed the PML/RARα fusion transcript.", ["PML::RARA"]),
    ("A CBFβ-MYH11 fusion transcript was quantified.", ["CBFB::MYH11"]),
    ("PDGFRα/β inhibitors were considered.", []),
])
def test_recurrent_fusions_take_their_established_order(sentence, expected):
    # FGFR1 goes 3' of its myeloid partners; leukaemia and sarcoma fusions keep theirs
    assert named(sentence) == expected


def test_exons_fused_to_each_other_give_the_order_and_the_exons():
    assert stated("RT-PCR confirmed it (ETV6 exon 5 fused to NTRK3 exon 15).") == [
        ("ETV6::NTRK3", {"five_prime_exon": 5, "three_prime_exon": 15})]


@pytest.mark.parametrize("sentence, rearranged", [
    ("FISH demonstrated rearrangement of ALK or ROS1.", ["ALK", "ROS1"]),
    ("A translocation involving KMT2A was found; the MYC gene was rearranged.", ["KMT2A", "MYC"]),
    ("Patients with ALK- or ROS1-rearranged tumours and KMT2A-r leukaemia.", ["ALK", "ROS1", "KMT2A"]),
    ("A rearranged ROS1 was found.", ["ROS1"]),
    ("There was no rearrangement of ALK or ROS1.", []),
    ("RET (rearranged during transfection) was intact.", []),
])
def test_genes_a_fusion_word_speaks_of_before_or_after_them_are_rearranged(sentence, rearranged):
    assert [m.normalised for m in tagged(sentence) if m.type == "rearranged_gene"] == rearranged


@pytest.mark.parametrize("sentence, expected", [
    ("Fusions of MET with CAPZA2 and ST7 were found.", ["CAPZA2::MET", "ST7::MET"]),
    ("ALK was fused to EML4 or to KIF5B.", ["EML4::ALK", "KIF5B::ALK"]),
    ("A fusion of the EML4 gene and the ALK gene, and TP53 mutations.", ["EML4::ALK"]),
])
def test_every_partner_listed_after_a_fusion_phrase_is_a_fusion(sentence, expected):
    assert named(sentence) == expected
