import pytest

from pipeline.errors import GoldFileError
from pipeline.evaluate import load_gold, score_sets
from pipeline.evaluate.sets import compare_field, precision_recall_f1
from pipeline.schema import Annotations, DocumentInfo, Fusion

GOLD = """\
document: {id: case, title: null, doi: null, year: 2020}
genes: [ALK, EML4]
fusions:
  - {name: "EML4::ALK", five_prime: EML4, three_prime: ALK, five_prime_exon: 13, three_prime_exon: 20}
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
    (GOLD.replace("genes: [ALK, EML4]", "genes: [ALK, EML4"), "case.yaml"),
])
def test_a_malformed_gold_file_names_file_and_place(tmp_path, broken, place):
    path = tmp_path / "case.yaml"
    path.write_text(broken)
    with pytest.raises(GoldFileError) as raised:
        load_gold(path)
    assert str(path) in str(raised.value) and place in str(raised.value)


def test_set_comparison_counts_each_value_once():
    score = compare_field("case", "genes", ["ALK", "ALK", "MET"], ["ALK", "EML4"])
    assert (score.true_positives, score.false_positives, score.false_negatives) == (
        ["ALK"], ["MET"], ["EML4"])


def test_fusions_match_on_the_ordered_pair():
    ours = [Fusion(name="ALK::EML4", five_prime="ALK", three_prime="EML4")]
    gold = [Fusion(name="EML4::ALK", five_prime="EML4", three_prime="ALK")]
    score = compare_field("case", "fusions", ours, gold)
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)


def test_precision_recall_f1_edge_cases():
    assert precision_recall_f1(0, 0, 0) == (1.0, 1.0, 1.0)
    assert precision_recall_f1(0, 2, 0) == (0.0, 1.0, 0.0)
    assert precision_recall_f1(3, 1, 1) == pytest.approx((0.75, 0.75, 0.75))


def test_score_sets_sums_over_documents_in_both_sets():
    def doc(doc_id, genes):
        return Annotations(document=DocumentInfo(id=doc_id), genes=genes)

    summary, scores = score_sets({"a": doc("a", ["ALK"]), "b": doc("b", ["MET"])},
                                 {"a": doc("a", ["ALK", "ROS1"]), "b": doc("b", ["MET"]),
                                  "c": doc("c", ["RET"])})
    genes = summary.set_index("field").loc["genes"]
    assert (genes.tp, genes.fp, genes.fn) == (2, 0, 1)
    assert {s.doc_id for s in scores} == {"a", "b"}
