import pytest

from pipeline.clauses import opening_clause, opening_clause_pattern
from pipeline.errors import RuleFileError


@pytest.mark.parametrize("sentence, clause", [
    ("Because he would not accept chemotherapy, erlotinib was given.",
     "Because he would not accept chemotherapy,"),
    ("After progression on carboplatin and paclitaxel, pembrolizumab was initiated.",
     "After progression on carboplatin and paclitaxel,"),
    ("due to grade 3 hepatitis, the dose of alectinib was reduced.",
     "due to grade 3 hepatitis,"),
    # a dose or a brand in brackets between the main clause's drug and its verb
    ("Because resection would have required amputation, larotrectinib (Vitrakvi) 100 mg/m2 "
     "twice daily was started.", "Because resection would have required amputation,"),
])
def test_a_sentence_s_opening_clause_ends_at_the_comma_before_its_main_clause(sentence, clause):
    assert opening_clause().match(sentence).group() == clause


@pytest.mark.parametrize("sentence", [
    # a comma inside a list of drugs: no verb of a clause of its own follows it
    "At the end of induction with vincristine, dexamethasone and daunorubicin, MRD was "
    "negative.",
    "No EGFR, KRAS or BRAF mutation was found.",  # "No" opens no clause
    "The patient, a 54-year-old woman, was treated with osimertinib.",  # no opener
    # the verb after a sentence end is another sentence's
    "After surgery, adjuvant imatinib. Was well tolerated.",
])
def test_no_opening_clause_where_the_comma_closes_none(sentence):
    assert opening_clause().match(sentence) is None


def test_a_rule_missing_its_verbs_is_refused_by_name():
    with pytest.raises(RuleFileError, match="main_clause_verbs"):
        opening_clause_pattern({"openers": ["After"], "longest": 150, "words_to_verb": 6})
