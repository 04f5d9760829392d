"""BioC and PubTator exports of output folders: the seeds' (they load with the ``bioc``
package and its PubTator reader, every gene with its HGNC and NCBI Gene ID) and the
fictional literature files' (BioC in and out with identical text and offsets)."""

import io
import shutil
from pathlib import Path

import bioc
import pytest
from bioc import biocjson, pubtator

from caselit.cli import main
from pipeline.export import export_folder
from pipeline.extract import extract
from pipeline.read import discover
from pipeline.store import read_record, write_record
from tests.conftest import SEEDS

FIXTURES = Path(__file__).parents[1] / "read" / "fixtures"


def extracted(inputs, out: Path) -> Path:
    """An output folder holding the records of ``inputs`` (written as a run writes them)."""
    for source in discover(inputs).sources:
        document, extraction = extract(source)
        write_record(document, extraction, out)
    return out


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory):
    return extracted([SEEDS], tmp_path_factory.mktemp("seeds-out"))


@pytest.fixture(scope="module")
def literature_out(tmp_path_factory):
    raw = tmp_path_factory.mktemp("literature")
    for name in ("two_patients.xml", "medline_three.xml", "bioc_two.xml"):
        shutil.copy(FIXTURES / name, raw / name)
    return raw, extracted([raw], tmp_path_factory.mktemp("literature-out"))


def gene_annotations(collection):
    return [a for d in collection.documents for p in d.passages for a in p.annotations
            if a.infons["caselit_type"] in ("gene", "rearranged_gene")]


@pytest.mark.seeds
@pytest.mark.parametrize("fmt", ["bioc-xml", "bioc-json"])
def test_the_seeds_bioc_export_loads_with_the_bioc_package_with_gene_ids(seeds_out, fmt):
    text = export_folder(seeds_out, fmt)
    collection = (biocjson.loads(text) if fmt == "bioc-json" else bioc.biocxml.loads(text))
    assert len(collection.documents) == len(list(SEEDS.glob("*.txt")))
    genes = gene_annotations(collection)
    assert genes and all(a.infons["hgnc_id"].startswith("HGNC:") for a in genes)
    assert all(a.infons["ncbi_gene_id"].isdigit() for a in genes)
    alk = next(a for a in genes if a.infons["normalised"] == "ALK")
    assert (alk.infons["hgnc_id"], alk.infons["ncbi_gene_id"], alk.infons["type"]) == (
        "HGNC:427", "238", "Gene")
    for document in collection.documents:
        record = read_record(seeds_out / f"{document.id}.json")
        text = "".join(p.text for p in document.passages)
        for passage in document.passages:
            for annotation in passage.annotations:
                (location,) = annotation.locations
                assert text[location.offset:location.end] == annotation.text
        # each case record is a relation; its evidence the nodes
        cases = [r for r in document.relations if r.infons["type"] == "case"]
        assert [r.infons["case_id"] for r in cases] == [c.case_id for c in record.cases]
        assert all(r.nodes for r in cases if r.infons.get("therapies", "[]") != "[]")


@pytest.mark.seeds
def test_drugs_carry_their_drugbank_and_unii_ids_and_variants_their_hgvs(seeds_out):
    collection = bioc.biocxml.loads(export_folder(seeds_out, "bioc-xml"))
    annotations = [a for d in collection.documents for p in d.passages for a in p.annotations]
    drugs = {a.infons["normalised"]: a.infons for a in annotations
             if a.infons["caselit_type"] == "drug"}
    assert drugs["lorlatinib"]["type"] == "Chemical"
    assert drugs["lorlatinib"]["identifier"] == "DrugBank:" + drugs["lorlatinib"]["drugbank_id"]
    assert drugs["lorlatinib"]["unii"]
    variants = [a.infons for a in annotations if a.infons["caselit_type"] == "variant"]
    assert variants and all(v["identifier"].endswith(v["hgvs"]) for v in variants)


@pytest.mark.seeds
def test_the_seeds_pubtator_export_loads_with_a_pubtator_reader(seeds_out):
    text = export_folder(seeds_out, "pubtator")
    documents = pubtator.load(io.StringIO(text))
    assert len(documents) == len(list(SEEDS.glob("*.txt")))
    genes = 0
    for document in documents:
        for annotation in document.annotations:
            assert document.text[annotation.start:annotation.end] == annotation.text
            if annotation.type == "Gene" and annotation.others:
                genes += 1
                assert annotation.id.isdigit() and annotation.others[0].startswith("HGNC:")
    assert genes > 10


def test_bioc_in_and_out_keeps_text_and_offsets(literature_out):
    raw, out = literature_out
    given = bioc.biocxml.load(open(raw / "bioc_two.xml", "rb"))
    exported = {d.id: d for d in bioc.biocxml.loads(export_folder(out, "bioc-xml")).documents}
    for document in given.documents:
        doc_id = f"PMID{document.id}" if document.id.isdigit() else document.id
        again = exported[doc_id]
        assert [(p.offset, p.text) for p in again.passages] == [
            (p.offset, p.text) for p in document.passages]
    # the gene the file annotates is where the export annotates it
    tpm3 = next(a for p in exported["PMID99000021"].passages for a in p.annotations
                if a.text == "TPM3")
    assert (tpm3.locations[0].offset, tpm3.infons["ncbi_gene_id"]) == (107, "7170")


def test_an_exported_bioc_file_reads_back_as_the_same_document(literature_out, tmp_path):
    _, out = literature_out
    path = tmp_path / "again.json"
    path.write_text(export_folder(out, "bioc-json"))
    found = {s.doc_id: s for s in discover([path]).sources}
    assert sorted(found) == ["PMID99000011", "PMID99000012", "PMID99000013", "PMID99000021",
                             "case-b", "two_patients"]
    from pipeline.read import read_document
    from pipeline.store import read_document_record

    for doc_id, source in found.items():
        again, first = read_document(source), read_document_record(out, doc_id)
        assert again.text == first.text
        assert [(s.kind, s.start, s.end) for s in again.sections] == [
            (s.kind, s.start, s.end) for s in first.sections]
        assert again.tables == first.tables


def test_export_on_the_command_line_writes_a_file(literature_out, tmp_path, capsys):
    _, out = literature_out
    target = tmp_path / "records.pubtator"
    assert main(["export", "--format", "pubtator", "--extracted", str(out),
                 "--out", str(target)]) == 0
    documents = pubtator.load(io.StringIO(target.read_text()))
    # a PubMed record is exported under its PMID
    assert "99000011" in [d.pmid for d in documents]
    assert main(["export", "--format", "bioc-xml", "--extracted", str(tmp_path / "none")]) == 2
    assert "no such output folder" in capsys.readouterr().err
