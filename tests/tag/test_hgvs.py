import spacy

import pipeline.tag.nlp  # noqa: F401  (registers the caselit components)

from pipeline.hgvs_syntax import biocommons_accepts, is_normal_hgvs
from pipeline.tag.hgvs import (PLAIN_EDIT, PLAIN_RESIDUE, PLAIN_SUBSTITUTION, find_hgvs, find_in_words,
                               find_one_letter_edits, find_protein_changes, find_residue_ranges,
                               find_three_letter_changes, find_unnormalised)
from pipeline.tag.tags import tags_of_type
from tests.conftest import DATA_DIR


def test_gene_glued_coding_change_and_predicted_protein_change_are_two_variants():
    sentence = "Tumour NGS at progression showed ALK:c.3604G>A; p.(Gly1202Arg) in the kinase domain."
    hits = find_hgvs(sentence)
    assert [(h.hgvs, h.printed_gene) for h in hits] == [("c.3604G>A", "ALK"), ("p.Gly1202Arg", None)]
    assert sentence[hits[1].start:hits[1].end] == "p.(Gly1202Arg)"


def test_parenthesis_opened_before_p_dot_is_not_part_of_the_variant():
    sentence = "NGS also found a KSR2 missense variant (p.R234H) of unknown significance."
    (hit,) = find_hgvs(sentence)
    assert hit.hgvs == "p.Arg234His" and sentence[hit.start:hit.end] == "p.R234H"


def test_transcript_prefixed_and_genomic_changes_are_kept_as_written():
    sentence = "Variants: NM_004304.5(ALK):c.3520T>C and g.29443631G>C and c.2235_2249del."
    assert [(h.hgvs, h.printed_gene) for h in find_hgvs(sentence)] == [
        ("c.3520T>C", "ALK"), ("g.29443631G>C", None), ("c.2235_2249del", None)]


def test_a_coding_deletion_by_its_number_of_bases_is_kept_as_written():
    text = "EGFR c.2235_2249del15 (p.E746_A750del) and CALR c.1092_1143del52 were found."
    assert [h.hgvs for h in find_hgvs(text)] == [
        "c.2235_2249del15", "p.Glu746_Ala750del", "c.1092_1143del52"]
    assert all(is_normal_hgvs(h.hgvs) and biocommons_accepts(h.hgvs) for h in find_hgvs(text))


def test_residues_listed_after_a_one_letter_change_are_changes_of_the_same_residue():
    text = ("BRAF V600E/K and KRAS G12C/D were sought; L858R/T790M, G12fs/K and the bases "
            "T2005C/A are no such list.")
    assert [(text[h.start:h.end], h.hgvs) for h in find_protein_changes(text)] == [
        ("V600E", "p.Val600Glu"), ("K", "p.Val600Lys"), ("G12C", "p.Gly12Cys"),
        ("D", "p.Gly12Asp"), ("L858R", "p.Leu858Arg"), ("T790M", "p.Thr790Met"),
        ("G12fs", "p.Gly12fs"), ("T2005C", "p.Thr2005Cys")]


def test_a_fusion_breakpoint_is_not_a_variant():
    sentence = "The STRN breakpoint lay in intron 3 (NM_003162: c.413-2055)."
    assert find_hgvs(sentence) == []


def test_phosphorylation_sites_and_exon_names_are_not_protein_changes():
    sentence = "Staining for pEGFR Y1068 was strong; the E13;A20 variant and ALKY1604 were seen."
    assert find_protein_changes(sentence) == []


def test_bare_one_letter_change_needs_a_gene_or_a_variant_word_in_its_sentence():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("caselit_genes")
    nlp.add_pipe("caselit_variants")
    doc = nlp("The EGFR T790M clone expanded. Room B1202C was booked for the meeting.")
    variants = tags_of_type(doc, "variant")
    assert [(t.variant.gene, t.normalised) for t in variants] == [("EGFR", "p.Thr790Met")]


def test_every_change_found_in_the_tmvar3_corpus_normalises_to_a_valid_form():
    """500 PubMed abstracts: what the patterns accept, the schema must accept too."""
    import gzip

    path = DATA_DIR / "corpora" / "tmvar3" / "tmvar_v3.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        texts = [line.split("|", 2)[2] for line in handle if line.count("|") >= 2
                 and line.split("|", 2)[1] in ("t", "a")]
    hits = [hit for text in texts for hit in find_hgvs(text) + find_protein_changes(text)
            + find_three_letter_changes(text) + find_in_words(text)
            + find_one_letter_edits(text) + find_residue_ranges(text)]
    assert len(hits) > 500  # the corpus is about mutations: the patterns must find many
    assert [hit.hgvs for hit in hits if not is_normal_hgvs(hit.hgvs)] == []
    # and biocommons' grammar (installed by the README's set-up) agrees with ours
    rejected = [hit.hgvs for hit in hits if biocommons_accepts(hit.hgvs) is not True]
    assert len(rejected) <= len(hits) // 100, rejected


def test_biocommons_grammar_checks_normal_forms():
    assert biocommons_accepts("p.Gly1202Arg") and biocommons_accepts("c.2316-1G>A")
    assert biocommons_accepts("g.716751G>C") and biocommons_accepts("p.Gly161Ter")
    assert biocommons_accepts("p.Gly1202Argfoo") is False


def test_three_letter_changes_without_p_dot_are_protein_changes():
    sentence = "Carriers of Ser863Asn, Glu 4 Lys, Gly(388)Arg, Glu873Stop or Glu98X were compared."
    assert [h.hgvs for h in find_three_letter_changes(sentence)] == [
        "p.Ser863Asn", "p.Glu4Lys", "p.Gly388Arg", "p.Glu873Ter", "p.Glu98Ter"]


def test_a_space_between_position_and_base_is_dropped():
    (hit,) = find_hgvs("Sanger confirmed c.264 C>A in exon 3.")
    assert hit.hgvs == "c.264C>A"


def test_spaced_and_arrow_substitutions_are_normalised():
    sentence = "The splice variant c.2316-1G > A and c.35G-->A were both seen."
    assert [h.hgvs for h in find_hgvs(sentence)] == ["c.2316-1G>A", "c.35G>A"]


def test_dbsnp_ids_and_prefixless_changes_are_mentions_without_a_normal_form():
    sentence = ("The rs1052133 polymorphism and the 3190C>T, 1665delC, -13C/T, IVS3+1G>A, "
                "G-395A, 657del5, T1270533G and 6573 + 1G > C changes, a 4-bp deletion, a "
                "19-base pair deletion and a 14 bp insertion/deletion were typed.")
    hits = find_unnormalised(sentence)
    assert sorted((sentence[h.start:h.end], h.hgvs) for h in hits) == sorted([
        ("rs1052133", None), ("3190C>T", None), ("1665delC", None), ("-13C/T", None),
        ("IVS3+1G>A", None), ("G-395A", None), ("657del5", None), ("T1270533G", None),
        ("6573 + 1G > C", None), ("4-bp deletion", None), ("19-base pair deletion", None),
        ("14 bp insertion/deletion", None)])


def test_dbsnp_ids_and_prefixless_changes_stand_alone():
    """At the very start of a text they count; glued to a word or a number they do not."""
    found = lambda text: [text[h.start:h.end] for h in find_unnormalised(text)]  # noqa: E731
    assert found("rs1052133 was typed") == ["rs1052133"]
    assert found("3190C>T was typed") == ["3190C>T"]
    assert found("Hrs1052133, Xrs12345, 7rs12345, a3190C>T, x.657del5 and BT1270533G") == []


def test_changes_in_words_are_flagged():
    (hit,) = find_in_words("In this patient the glycine at position 161 of NF2 was replaced with "
                           "a stop codon.")
    assert (hit.hgvs, hit.described_in_words) == ("p.Gly161Ter", True)
    (hit,) = find_in_words("Sequencing showed a substitution of serine by leucine at EGFR "
                           "codon 768.")
    assert (hit.hgvs, hit.described_in_words) == ("p.Ser768Leu", True)
    # "of X for Y": Y is replaced, the other way round; left out rather than misread
    assert find_in_words("a substitution of leucine for serine at codon 768") == []


def test_one_letter_changes_in_genotype_sentences_lists_and_repeats(nlp):
    # G71R counts by "homozygous", then again where it recurs, and L180M and M204V
    # beside it; T98G is a cell line, B1202C a room
    text = ("Homozygous G71R was frequent. The E873stop allele was rare. Later L180M, M204V and "
            "G71R were seen together. T98G cells were used as controls. Room B1202C was booked.")
    variants = [(text[t.start:t.end], t.normalised) for t in tags_of_type(nlp(text), "variant")]
    assert variants == [("G71R", "p.Gly71Arg"), ("E873stop", "p.Glu873Ter"), ("L180M", "p.Leu180Met"),
                        ("M204V", "p.Met204Val"), ("G71R", "p.Gly71Arg")]


def test_a_change_glued_to_an_approved_symbol_names_its_gene(nlp):
    doc = nlp("A somatic JAK2V617F was found; ALKY1604 phosphorylation was high.")
    variants = tags_of_type(doc, "variant")
    assert [(t.variant.gene, t.normalised) for t in variants] == [("JAK2", "p.Val617Phe")]
    assert [(doc.text[t.start:t.end], t.normalised) for t in tags_of_type(doc, "gene")
            if t.rule == "gene.glued"] == [("JAK2", "JAK2")]


def test_a_promoter_hotspot_named_by_its_bases_is_no_protein_change(nlp):
    text = ("A TERT promoter C228T mutation and BRAF V600E were found; the TERT promoter "
            "mutations C228T and C250T are frequent. The MGMT promoter was unmethylated, and "
            "KRAS A146T was found.")
    assert [t.variant.hgvs for t in tags_of_type(nlp(text), "variant") if t.variant] == [
        "p.Val600Glu", "p.Ala146Thr"]


def test_a_change_hyphenated_to_an_approved_symbol_names_its_gene(nlp):
    doc = nlp("BRAF-V600E and NRAS-Q61R were both present; HLA-B27 was negative.")
    assert [(t.variant.gene, t.normalised) for t in tags_of_type(doc, "variant")] == [
        ("BRAF", "p.Val600Glu"), ("NRAS", "p.Gln61Arg")]
    doc = nlp("Rebiopsy showed EGFR-T790M, and later a KRAS-G12C clone; PD-L1 and NKX2-1 were high.")
    assert [(t.variant.gene, t.normalised) for t in tags_of_type(doc, "variant")] == [
        ("EGFR", "p.Thr790Met"), ("KRAS", "p.Gly12Cys")]
    # the symbol is a word of its own, tagged once, by the gene tagger
    assert not [t for t in tags_of_type(doc, "gene") if t.rule == "gene.glued"]


def test_an_x_at_a_position_the_document_also_substitutes_is_any_residue_not_a_stop(nlp):
    text = "Uncommon EGFR G719X mutations respond to afatinib; ours was G719A. TP53 R213X was found."
    assert [(text[t.start:t.end], t.normalised, t.variant and t.variant.hgvs)
            for t in tags_of_type(nlp(text), "variant")] == [
        ("G719X", "G719X", None), ("G719A", "p.Gly719Ala", "p.Gly719Ala"),
        ("R213X", "p.Arg213Ter", "p.Arg213Ter")]


def test_notations_of_one_change_printed_together_are_one_variant_group(nlp):
    text = ("NGS found ALK c.3604G>A (p.Gly1202Arg) and ALK p.Ile1171Asn. "
            "Later, G1202R persisted while c.3520T>C did not.")
    variants = [t.variant for t in tags_of_type(nlp(text), "variant")]
    assert [(v.hgvs, v.group) for v in variants] == [
        ("c.3604G>A", 1), ("p.Gly1202Arg", 1), ("p.Ile1171Asn", None),
        ("p.Gly1202Arg", 1), ("c.3520T>C", None)]


def test_a_stop_written_as_a_word_after_p_dot_is_ter():
    sentence = "Three were nonsense mutations: c.507G>T (p.E169stop) and c.867G>T (p.G289Stop)."
    assert [h.hgvs for h in find_hgvs(sentence)] == [
        "c.507G>T", "p.Glu169Ter", "c.867G>T", "p.Gly289Ter"]


def test_frameshifts_printed_without_p_dot_are_protein_changes():
    sentence = "A frameshift in exon 5 (Leu203fsX15), then I38fsX19, T200fs and Ser290fs*6 were found."
    assert [h.hgvs for h in find_three_letter_changes(sentence)] == [
        "p.Leu203fsTer15", "p.Ser290fsTer6"]
    assert [h.hgvs for h in find_protein_changes(sentence)] == ["p.Ile38fsTer19", "p.Thr200fs"]
    assert all(is_normal_hgvs(h.hgvs) and biocommons_accepts(h.hgvs)
               for h in find_three_letter_changes(sentence) + find_protein_changes(sentence))


def test_a_change_printed_with_p_but_no_dot_is_a_protein_change():
    sentence = "NGS found an NRAS mutation in exon 3 (pQ61K [c.181C>A])."
    (hit,) = find_protein_changes(sentence)
    assert (sentence[hit.start:hit.end], hit.hgvs) == ("pQ61K", "p.Gln61Lys")


def test_one_letter_deletions_insertions_and_delins_without_p_dot():
    text = ("EGFR E746_A750del and A767_V769dup; HER2 A775_G776insYVMA, G776delinsVC and the "
            "older G776VinsC, E746-A750del, delE746-A750 and L747-P753delinsS.")
    assert [hit.hgvs for hit in find_one_letter_edits(text)] == [
        "p.Glu746_Ala750del", "p.Ala767_Val769dup", "p.Ala775_Gly776insTyrValMetAla",
        "p.Gly776delinsValCys", "p.Gly776delinsValCys", "p.Glu746_Ala750del",
        "p.Glu746_Ala750del", "p.Leu747_Pro753delinsSer"]


def test_residues_restated_after_a_deletion_or_duplication_are_dropped():
    text = ("NGS found an ERBB2 exon 20 insertion (p.Y772_A775dupYVMA); the EGFR deletion was "
            "E746_A750delELREA, and a later biopsy p.(Ala767_Val769dupAlaSerVal).")
    assert [h.hgvs for h in find_hgvs(text) + find_one_letter_edits(text)] == [
        "p.Tyr772_Ala775dup", "p.Ala767_Val769dup", "p.Glu746_Ala750del"]
    # an edit word after the residues is no restatement
    assert [h.hgvs for h in find_one_letter_edits("E746_A750delinsQ and A767_V769dupS.")] == [
        "p.Glu746_Ala750delinsGln", "p.Ala767_Val769dup"]


def test_residues_deleted_by_their_letters_and_positions():
    text = ("It harbored an in-frame deletion (WK 557-558) in exon 11; another had delWK557-558, "
            "a third a VA 559-560 duplication. Room AB 12-13 was free.")
    assert [(text[h.start:h.end], h.hgvs, h.described_in_words)
            for h in find_residue_ranges(text)] == [
        ("WK 557-558", "p.Trp557_Lys558del", True),
        ("delWK557-558", "p.Trp557_Lys558del", False),
        ("VA 559-560", "p.Val559_Ala560dup", True)]


def test_residues_deleted_by_their_first_and_last_residue_beside_a_deletion_word():
    text = ("EGFR exon 19 deletion (E746-A750) was found; a later biopsy showed del L747_P753. "
            "A C5-C7 disc was removed with deletion of nothing; rooms E12-E14 were free. "
            "The D487_S488_F489 deletion is listed residue by residue.")
    assert [(text[h.start:h.end], h.hgvs) for h in find_residue_ranges(text)] == [
        ("E746-A750", "p.Glu746_Ala750del"), ("L747_P753", "p.Leu747_Pro753del")]


def test_a_change_of_bases_after_promoter_is_a_nucleotide_change_without_normal_form():
    text = "A TERT promoter mutation (C228T) and BRAF V600E were found."
    assert [(text[h.start:h.end], h.hgvs) for h in find_protein_changes(text)] == [
        ("C228T", None), ("V600E", "p.Val600Glu")]
    # the promoter of another gene named before it
    assert [h.hgvs for h in find_protein_changes("MLH1 promoter methylation and KRAS G12C.")] == [
        "p.Gly12Cys"]


def test_a_space_after_the_dot_of_a_notation_is_no_part_of_it():
    assert [h.hgvs for h in find_hgvs("Sanger confirmed c. 35G>A and p. V600E.")] == [
        "c.35G>A", "p.Val600Glu"]


def variants_with_genes(nlp, text):
    return [(text[t.start:t.end], t.variant.gene) for t in tags_of_type(nlp(text), "variant")]


def test_a_change_takes_the_gene_the_words_after_it_name(nlp):
    text = "Staining was positive for CD34, and an in-frame deletion (WK 557-558) in KIT exon 11."
    assert variants_with_genes(nlp, text) == [("WK 557-558", "KIT")]
    # but a change in parentheses right after its gene is that gene's
    text = "The tumour harbored mutations in BRAF (p.Val600Glu) and in PIK3CA (p.His1047Arg)."
    assert variants_with_genes(nlp, text) == [("p.Val600Glu", "BRAF"), ("p.His1047Arg", "PIK3CA")]


def test_a_change_takes_the_gene_of_the_sentence_before_when_its_own_names_none(nlp):
    text = ("Most patients with EGFR-mutant lung cancer relapse. T790M mutation is the commonest "
            "cause of resistance.")
    assert variants_with_genes(nlp, text) == [("T790M", "EGFR")]


def test_a_change_with_no_gene_near_is_the_change_named_with_one_elsewhere(nlp):
    text = ("EGFR T790M confers resistance. Few cases are known. Ours harbored a T790M "
            "deletion along with an exon 19 deletion.")
    assert variants_with_genes(nlp, text) == [("T790M", "EGFR"), ("T790M", "EGFR")]


def test_a_change_beside_another_gene_is_the_change_printed_with_its_gene_elsewhere(nlp):
    text = ("The tumour carried EGFR L858R and T790M. Repeat biopsy showed MET amplification "
            "while T790M was lost.")
    assert variants_with_genes(nlp, text) == [("L858R", "EGFR"), ("T790M", "EGFR"), ("T790M", "EGFR")]
    # a change listed after a gene is printed with it, whatever another gene prints with it
    text = "KRAS G12D and G13D were found in the tumour and NRAS G13D in the blood."
    assert variants_with_genes(nlp, text) == [("G12D", "KRAS"), ("G13D", "KRAS"), ("G13D", "NRAS")]


def test_a_one_letter_change_after_a_sentence_about_a_mutation_counts(nlp):
    text = ("Her tumour carried an EGFR mutation. Two years later, L858R was still present. "
            "Room A1202C was booked in May.")
    assert variants_with_genes(nlp, text) == [("L858R", "EGFR")]


def test_the_substitutions_not_asked_of_biocommons_grammar_are_ones_it_accepts():
    residues = PLAIN_RESIDUE.split("|")
    assert len(residues) == 22 and "Ter" in residues
    changes = [f"p.{ref}{position}{alt}" for ref in residues for alt in residues
               for position in ("1", "1202", "0070")]
    changes += [f"c.{position}{ref}>{alt}" for ref in "ACGT" for alt in "ACGT"
                for position in ("1", "3604", "0070")]
    assert all(PLAIN_SUBSTITUTION.fullmatch(change) for change in changes)
    if biocommons_accepts("p.Gly1202Arg") is not None:  # the grammar is installed
        assert all(biocommons_accepts(change) for change in changes)
        # what it rejects is asked of it: pyrrolysine, an unknown residue before a position
        for change in ("p.Pyl12Ala", "p.Xaa12Ala", "p.Gly12Pyl"):
            assert PLAIN_SUBSTITUTION.fullmatch(change) is None
            assert biocommons_accepts(change) is False


def test_the_other_edits_not_asked_of_biocommons_grammar_are_ones_it_accepts():
    residues = PLAIN_RESIDUE.split("|")
    # each residue in each place of each protein edit, the others fixed
    changes = [change for residue in residues for change in (
        f"p.{residue}12fs", f"p.Gly12{residue}fs", f"p.{residue}157fsTer158", f"p.Ser19{residue}fsTer24",
        f"p.{residue}12del", f"p.{residue}557_Lys558del", f"p.Trp557_{residue}558dup",
        f"p.{residue}12dup", f"p.{residue}776_{residue}777dup")]
    # each kind of coding position, alone and as either end of a range, with each edit
    positions = ["0", "1", "3604", "0070", "-17", "*17", "444-62", "2633+1", "-17+3", "*5-2"]
    changes += [f"c.{position}{ref}>{alt}" for position in positions for ref in "ACGT" for alt in "ACGT"]
    changes += [f"g.{position}{ref}>{alt}" for position in ("0", "1", "716751", "0070")
                for ref in "ACGT" for alt in "ACGT"]
    ranges = positions + [f"{first}_{last}" for first in positions for last in ("1", "*5-2", "402")]
    ranges += [f"1_{last}" for last in positions]
    changes += [f"c.{where}{edit}" for where in ranges
                for edit in ("del", "delA", "delAGAG", "dup", "dupC", "insC", "insAG")]
    assert all(PLAIN_EDIT.fullmatch(change) for change in changes)
    if biocommons_accepts("p.Gly1202Arg") is not None:  # the grammar is installed
        assert [change for change in changes if not biocommons_accepts(change)] == []
        # what it rejects is asked of it
        for change in ("p.Pyl12fs", "p.Gly12Pylfs", "p.Gly776insTerGly", "g.123+5A>G", "g.-5A>G",
                       "p.Gly12Argfoo", "c.12A>Gx"):
            assert PLAIN_EDIT.fullmatch(change) is None and PLAIN_SUBSTITUTION.fullmatch(change) is None
            assert biocommons_accepts(change) is False
