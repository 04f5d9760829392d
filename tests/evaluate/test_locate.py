"""Missed values shown where the document prints them, in whatever form (documents and
patients written for these tests)."""

import pytest

from pipeline.evaluate.locate import locate
from pipeline.evaluate.report import diff_document
from pipeline.read import read_document
from pipeline.schema import (Annotations, CaseRecord, DiffItem, DocumentInfo, Fusion, Mention,
                             PatientDescriptor, Therapy)

MARKERS = ("Case report\n\nImmunohistochemistry showed PD-L1 expression in 80% of tumour cells "
           "and diffuse Napsin A staining. The TrkA protein was overexpressed, and PDGFRα was "
           "wild-type. The cat sat on the report. She was given Xalkori, then PF-06463922, and "
           "later CCNU.\n")

SERIES = ("Case report\n\nA 64-year old woman with lung adenocarcinoma had an NPM-ALK fusion by "
          "fluorescence in situ hybridization. She received frontline Xalkori. Her nephew, a "
          "9-month-old boy, was also seen, and so was his grandmother.\n\n"
          "Table 1: Reported cases\n\nCase\tAge\tPartner\tTreatment\n"
          "1\t12\tTPM3\tcrizotinib\n2\t30\tTPM3\tceritinib\n")


def read(tmp_path, text):
    path = tmp_path / "case.txt"
    path.write_text(text)
    return read_document(path)


def shown(item):
    """The highlighted printing, or None when the item shows no sentence."""
    return None if item.sentence is None else item.sentence[slice(*item.highlight)]


def missed(document, field, value, **where):
    return locate(document, DiffItem(doc_id="case", field=field, kind="FN", gold=value), **where)


@pytest.mark.parametrize("field, value, printed", [
    ("genes", "CD274", "PD-L1"),          # an HGNC alias
    ("genes", "NAPSA", "Napsin A"),       # an IHC marker's name, any casing
    ("genes", "NTRK1", "TrkA"),           # an alias in another casing
    ("genes", "PDGFRA", "PDGFRα"),        # the last letter as its Greek letter
    ("genes", "CAT", None),               # "cat" in prose is no printing of catalase
    ("genes", "RET", None),               # not printed
    ("drugs", "crizotinib", "Xalkori"),   # a brand
    ("drugs", "lorlatinib", "PF-06463922"),  # a code
    ("drugs", "lomustine", "CCNU"),       # a synonym
])
def test_a_gene_or_drug_is_found_by_any_name_the_lexicons_know(tmp_path, field, value, printed):
    item = missed(read(tmp_path, MARKERS), field, value)
    assert shown(item) == printed
    assert item.note == (None if printed is None else "printed here, not extracted")


def test_case_values_are_found_by_their_forms_and_table_cases_in_their_row(tmp_path):
    document = read(tmp_path, SERIES)
    gold = Annotations(document=DocumentInfo(id="case"), cases=[
        CaseRecord(case_id="index", source="narrative", age_years=64, sex="female",
                   fusions=[Fusion(name="NPM1::ALK", five_prime="NPM1", three_prime="ALK")],
                   detection_methods=["FISH"],
                   therapies=[Therapy(drugs=["crizotinib"], setting="first-line")]),
        CaseRecord(case_id="index-2", source="narrative", age_years=0.75, sex="male"),
        CaseRecord(case_id="index-3", source="narrative", sex="female"),
        CaseRecord(case_id="table1-row1", source="table", table="Table 1", row=1),
        CaseRecord(case_id="table1-row2", source="table", table="Table 1", row=2,
                   fusions=[Fusion(name="TPM3::ALK", five_prime="TPM3", three_prime="ALK")],
                   therapies=[Therapy(drugs=["ceritinib"])]),
    ])
    ours = Annotations(document=DocumentInfo(id="case"), cases=[
        CaseRecord(case_id="index", source="narrative", age_years=64, sex="female"),
        CaseRecord(case_id="t1r2", source="table", table="Table 1", row=2),
    ])
    items = {(i.field, i.case_id): i for i in diff_document(ours, gold, document).items
             if i.kind == "FN"}
    assert shown(items["case.fusions", "index"]) == "NPM-ALK"  # NPM: an alias of NPM1
    assert shown(items["case.detection_methods", "index"]) == "fluorescence in situ hybridization"
    assert shown(items["case.therapy_settings", "index"]) == "frontline"
    assert shown(items["case.therapy_drugs", "index"]) == "Xalkori"
    assert shown(items["case.therapy_lines", "index"]) == "Xalkori"
    # a row's values in that row: TPM3 is first printed in row 1
    assert items["case.fusions", "table1-row2"].sentence == "2\t30\tTPM3\tceritinib"
    assert shown(items["case.therapy_drugs", "table1-row2"]) == "ceritinib"
    # missed patients: where their age is printed, a row at its first cell; no age, nothing
    assert shown(items["cases", "index-2"]) == "9-month-old"
    assert items["cases", "index-2"].note == "described here, no record made"
    assert items["cases", "index-3"].sentence is None
    assert (items["cases", "table1-row1"].sentence, shown(items["cases", "table1-row1"])) == (
        "1\t12\tTPM3\tcrizotinib", "1")


def test_a_missed_patient_is_shown_at_the_extractions_descriptor_first(tmp_path):
    document = read(tmp_path, "Case report\n\nOur fifty-year-old patient, a man, presented with "
                              "cough. He had been well at 50 years of age.\n")
    start = document.text.index("fifty-year-old")
    descriptor = Mention(id="m1", type="patient", text="fifty-year-old", start=start,
                         end=start + 14, sentence="", sentence_start=0, sentence_end=0,
                         rule="test", patient=PatientDescriptor(age_years=50, sex="male"))
    patient = CaseRecord(case_id="index", source="narrative", age_years=50, sex="male")
    assert shown(missed(document, "cases", "index", case=patient,
                        mentions=[descriptor])) == "fifty-year-old"
    # without it, the age as printed; a descriptor of another sex is not this patient
    assert shown(missed(document, "cases", "index", case=patient)) == "50 years of age"
    woman = descriptor.model_copy(update={"patient": PatientDescriptor(age_years=50, sex="female")})
    assert shown(missed(document, "cases", "index", case=patient,
                        mentions=[woman])) == "50 years of age"


@pytest.mark.parametrize("value, printed", [("KIT:p.Asn822Lys", "pN822K"),
                                            ("ALK:c.3604G>A", "c.3604G > A")])
def test_a_variant_is_found_as_printed_in_one_letter_or_with_stray_spaces(tmp_path, value, printed):
    document = read(tmp_path, "Case report\n\nSequencing found the KIT exon 17 mutation pN822K and "
                              "an ALK mutation, c.3604G > A.\n")
    assert shown(missed(document, "variants", value)) == printed
