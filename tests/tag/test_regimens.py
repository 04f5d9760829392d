"""Regimens a document defines, and listed ones it defines otherwise (run through the pipeline)."""

import pytest

from pipeline.tag.abbreviations import short_first_definitions
from pipeline.tag.tags import tags_of_type


@pytest.fixture
def tagged(nlp):
    def run(text, kind):
        return [(text[t.start:t.end], t.normalised) for t in tags_of_type(nlp(text), kind)]
    return run


def test_an_acronym_the_document_spells_out_as_drugs_is_a_regimen(tagged):
    text = "After four cycles of procarbazine-CCNU-vincristine (PCV), PCV was stopped."
    assert tagged(text, "regimen") == [("PCV", "PCV"), ("PCV", "PCV")]
    assert [d for _, d in tagged(text, "drug")] == ["procarbazine", "lomustine", "vincristine"]


def test_a_modified_or_numbered_schedule_of_a_listed_regimen_is_that_regimen_as_printed(tagged):
    text = "She received adjuvant mFOLFIRINOX and later FOLFOX6; FOLFOX 85 mg/m2 was not given."
    assert tagged(text, "regimen") == [("mFOLFIRINOX", "mFOLFIRINOX"), ("FOLFOX6", "FOLFOX6"),
                                       ("FOLFOX", "FOLFOX")]


def test_a_listed_acronym_named_by_brand_or_old_drug_names_is_a_regimen(tagged):
    # its initials are no initials of the INNs the document spells it out with
    text = ("She received docetaxel, carboplatin, trastuzumab and pertuzumab (TCHP); at "
            "relapse he had BEAM before the autologous transplant, then BV-CHP.")
    assert tagged(text, "regimen") == [("TCHP", "TCHP"), ("BEAM", "BEAM"), ("BV-CHP", "BV-CHP")]
    assert tagged("The proton beam was aimed at the tumour bed.", "regimen") == []


def test_an_acronym_printed_before_its_drugs_is_a_regimen(tagged):
    text = "She had no response to DCA (decitabine+cytarabine+aclarubicin) plus venetoclax."
    assert tagged(text, "regimen") == [("DCA", "DCA")]
    assert [d for _, d in tagged(text, "drug")] == [
        "decitabine", "cytarabine", "aclarubicin", "venetoclax"]


def test_a_combined_product_or_one_compound_is_no_regimen(tagged):
    text = ("Prophylaxis with trimethoprim-sulfamethoxazole (TMP-SMZ) and arginine vasopressin "
            "(AVP) followed.")
    assert tagged(text, "regimen") == []


def test_a_listed_acronym_the_document_spells_out_otherwise_is_no_regimen(tagged):
    text = "He stayed in the intensive care environment (ICE) for a week; ICE staff agreed."
    assert tagged(text, "regimen") == []
    assert tagged("Salvage ICE was given.", "regimen") == [("ICE", "ICE")]


def test_a_short_form_before_its_long_form_needs_every_initial():
    text = ("DCA (decitabine+cytarabine+aclarubicin); KIT (CD117); MK-801 (0.5 mg/kg); "
            "EMA (epithelial membrane antigen).")
    assert short_first_definitions(text) == {
        "DCA": "decitabine+cytarabine+aclarubicin", "EMA": "epithelial membrane antigen"}


def test_listed_regimens_tried_at_their_first_runs_are_the_pattern_s_matches():
    import random

    from pipeline.tag.regimens import regimen_matches, regimen_pattern

    pattern, by_form = regimen_pattern()
    rng = random.Random(18)
    pieces = [*by_form, *"m0123456789 +-/.,;()\nAaRé", "mFOLF", "OX", "R-", "-R", "7 + 3"]
    texts = ["R-CHOP then mFOLFOX6 and FOLFOX 6, xCHOP, CHOP-like, 7+3 and 7 + 3; FLAG-IDA, "
             "FLAG/IDA, FOLFOX6.5, mR-CHOP, DA-EPOCH-R and HyperCVAD."] + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(20_000)]
    for text in texts:
        assert [(m.span(), m.groups()) for m in regimen_matches(text)] == [
            (m.span(), m.groups()) for m in pattern.finditer(text)], text
    assert [m.group() for m in regimen_matches(texts[0])] == [
        "R-CHOP", "mFOLFOX6", "FOLFOX", "7+3", "7 + 3", "FLAG-IDA", "FLAG/IDA", "mR-CHOP",
        "DA-EPOCH-R", "HyperCVAD"]
