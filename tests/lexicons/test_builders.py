import gzip

import pytest

from pipeline.lexicons import gene_lexicon
from pipeline.lexicons.drugs import DrugLexicon, build_drug_lexicon
from pipeline.lexicons.hgnc import GeneLexicon, build_gene_lexicon
from pipeline.settings import Settings

HGNC_HEADER = "hgnc_id\tsymbol\tname\tstatus\talias_symbol\talias_name\tprev_symbol\tprev_name\n"
HGNC_ROWS = [
    "HGNC:1\tALK\tALK receptor tyrosine kinase\tApproved\tCD246|ALK1\t\t\t"
    '"anaplastic lymphoma kinase (Ki-1)"\n',
    "HGNC:2\tACVRL1\tactivin A receptor like type 1\tApproved\tALK1\t\t\t\n",
    "HGNC:3\tCARS1\tcysteinyl-tRNA synthetase 1\tApproved\t\t\tCARS\t\n",
]
WITHDRAWN = ("HGNC ID\tApproved symbol\tApproved name\tStatus\n"
             "HGNC:9\tOLDALK\tsymbol withdrawn, see [HGNC:1](/x)\tSymbol Withdrawn\n"
             "HGNC:8\tGONE\tentry withdrawn\tEntry Withdrawn\n")


@pytest.fixture
def hgnc_files(tmp_path):
    complete = tmp_path / "complete.txt.gz"
    with gzip.open(complete, "wt") as handle:
        handle.write(HGNC_HEADER + "".join(HGNC_ROWS))
    withdrawn = tmp_path / "withdrawn.tsv"
    withdrawn.write_text(WITHDRAWN)
    return complete, withdrawn


def test_gene_forms_resolve_by_rank_and_ambiguity_is_kept_apart(hgnc_files):
    lexicon = GeneLexicon.from_json(build_gene_lexicon(*hgnc_files))
    assert (lexicon.symbols["ALK"].symbol, lexicon.symbols["ALK"].rank) == ("ALK", "approved")
    assert (lexicon.symbols["CARS"].symbol, lexicon.symbols["CARS"].rank) == ("CARS1", "previous")
    assert lexicon.symbols["OLDALK"].symbol == "ALK"
    assert "GONE" not in lexicon.symbols
    assert "ALK1" not in lexicon.symbols and lexicon.ambiguous["ALK1"] == ["ACVRL1", "ALK"]
    assert lexicon.names["anaplastic lymphoma kinase"] == "ALK"
    assert lexicon.names["anaplastic lymphoma kinase (ki-1)"] == "ALK"


def test_drug_names_map_to_the_parent_inn(tmp_path):
    rows = [
        ("ALECTINIB", "of", "U1", "ALECTINIB"),
        ("ALECTINIB [INN]", "cn", "U1", "ALECTINIB"),
        ("ALECTINIB HYDROCHLORIDE", "of", "U2", "ALECTINIB HYDROCHLORIDE"),
        ("ALECENSA", "bn", "U2", "ALECTINIB HYDROCHLORIDE"),
        ("CH5424802", "cd", "U2", "ALECTINIB HYDROCHLORIDE"),
        ("WATER", "of", "U3", "WATER"),
        ("ASP3026", "cd", "U4", "ASP-3026"),
    ]
    path = tmp_path / "names.tsv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("Name\tTYPE\tUNII\tDisplay Name\n")
        handle.writelines("\t".join(row) + "\n" for row in rows)
    lexicon = DrugLexicon.from_json(build_drug_lexicon(path, ["hydrochloride"]))
    assert {k: (v.inn, v.kind) for k, v in lexicon.names.items()} == {
        "alectinib": ("alectinib", "inn"),
        "alecensa": ("alectinib", "brand"),
        "ch5424802": ("alectinib", "code"),
        "asp3026": ("asp3026", "code"),
    }


def test_missing_reference_data_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(FileNotFoundError) as raised:
        gene_lexicon(Settings(data_dir=tmp_path / "nowhere", cache_dir=tmp_path / "cache"))
    assert "hgnc_complete_set.txt.gz" in str(raised.value)
    assert "CASELIT_DATA_DIR" in str(raised.value)
