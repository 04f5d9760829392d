import pytest

from pipeline.errors import GoldFileError
from pipeline.evaluate import load_gold, load_gold_dir

GOLD = """\
document: {id: case, title: null, doi: null, year: 2020}
genes: [ALK, EML4]
fusions:
  - {name: "EML4::ALK", five_prime: EML4, three_prime: ALK, five_prime_exon: 13, three_prime_exon: 20}
variants:
  - {gene: ALK, hgvs: "p.Gly1202Arg"}
drugs: [crizotinib]
cases:
  - {case_id: index, source: narrative, age_years: 58, sex: female, therapies: null}
"""


def test_a_gold_file_loads_into_the_shared_schema(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(GOLD)
    gold = load_gold(path)
    assert gold.genes == ["ALK", "EML4"] and gold.fusions[0].five_prime_exon == 13
    assert gold.cases[0].therapies == []


@pytest.mark.parametrize("broken, place", [
    (GOLD.replace("drugs:", "drgus:"), "drgus"),
    (GOLD.replace("age_years: 58", "age_years: old"), "cases.0.age_years"),
    (GOLD.replace("p.Gly1202Arg", "p.G1202R"), "variants.0.hgvs"),
    (GOLD.replace("sex: female", "sex: F"), "cases.0.sex"),
    (GOLD.replace("genes: [ALK, EML4]", "genes: [ALK, EML4"), "case.yaml"),
])
def test_a_malformed_gold_file_names_file_and_place(tmp_path, broken, place):
    path = tmp_path / "case.yaml"
    path.write_text(broken)
    with pytest.raises(GoldFileError) as raised:
        load_gold(path)
    assert str(path) in str(raised.value) and place in str(raised.value)


def test_a_gold_folder_must_exist_and_hold_gold_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such gold folder"):
        load_gold_dir(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="no gold files"):
        load_gold_dir(tmp_path)


def test_the_shared_gold_set_loads(tmp_path):
    from tests.conftest import GOLD as GOLD_DIR

    gold = load_gold_dir(GOLD_DIR)
    assert len(gold) == 5 and sum(len(g.cases) for g in gold.values()) == 37
