"""A patient's timeline: each rule on a course written for it (fictional)."""

from pipeline.assemble import assemble
from pipeline.read import read_document
from pipeline.tag import tag

COURSE = """Alectinib after crizotinib in a woman with ALK-rearranged lung adenocarcinoma

Case presentation

A 58-year-old woman had been in good health until she was diagnosed with lung adenocarcinoma in 2019. Next-generation sequencing found an EML4-ALK fusion. KRAS G12C was not detected by PCR.

She received crizotinib and achieved a partial response. After 14 months the disease progressed, and she was switched to alectinib. Alectinib was held for hepatitis and resumed two weeks later. She underwent stereotactic radiosurgery for a brain lesion. A clinical trial of lorlatinib was planned. She is alive at the last follow-up.
"""


def timeline(tmp_path, text, case=0):
    path = tmp_path / "report.txt"
    path.write_text(text)
    document = read_document(path)
    record = assemble(document, tag(document), fingerprint="t").cases[case]
    return [(e.kind, e.value, e.therapy, e.method, tuple(e.modifiers))
            for e in record.timeline], record, document.text


def test_a_course_reads_into_events_in_story_order_tied_to_its_lines(tmp_path):
    events, record, _ = timeline(tmp_path, COURSE)
    assert [(t.drugs, t.response) for t in record.therapies] == [
        (["crizotinib"], "PR"), (["alectinib"], None)]
    assert events == [
        ("diagnosis", "alk-rearranged lung adenocarcinoma", None, None, ()),
        ("finding", "EML4::ALK", None, "NGS", ()),
        # a negated finding stays in the timeline, marked so
        ("finding", "KRAS p.Gly12Cys", None, "PCR", ("negated",)),
        ("treatment_started", "crizotinib", 0, None, ()),
        ("response", "PR", 0, None, ()),
        ("progression", "PD", 0, None, ()),
        ("treatment_started", "alectinib", 1, None, ()),
        ("treatment_held", "alectinib", 1, None, ()),
        ("treatment_resumed", "alectinib", 1, None, ()),
        ("radiotherapy", "stereotactic radiosurgery", None, None, ()),
        # a planned treatment is no line, but is in the course, marked planned
        ("treatment_started", "lorlatinib", None, None, ("hypothetical",)),
        ("last_follow_up", "at the last follow-up", None, None, ()),
    ]


def test_each_event_points_to_the_words_that_tell_it(tmp_path):
    _, record, text = timeline(tmp_path, COURSE)
    held = next(e for e in record.timeline if e.kind == "treatment_held")
    assert text[held.start:held.end] == "Alectinib"
    assert held.evidence and all(i.startswith("m") for i in held.evidence)


def test_an_event_retold_before_the_next_line_is_told_once(tmp_path):
    events, _, _ = timeline(tmp_path, """Case presentation

A 40-year-old man with acute myeloid leukemia received 7+3 (cytarabine and daunorubicin) and achieved complete remission. He underwent alloHCT in first remission, conditioned with busulfan and fludarabine. On day +30 after alloHCT he had no fever. He relapsed 9 months after transplantation and was treated with gilteritinib. A second relapse followed.
""")
    kinds = [(kind, therapy) for kind, _, therapy, _, _ in events]
    # the transplant's conditioning starts no other course: the transplant is told once
    assert kinds == [
        ("diagnosis", None), ("treatment_started", 0), ("response", 0), ("transplant", None),
        ("treatment_started", 1), ("relapse", 1), ("treatment_started", 2), ("relapse", 2)]


def test_a_word_on_the_patient_before_its_treatment_is_no_last_follow_up(tmp_path):
    events, _, _ = timeline(tmp_path, """Case presentation

A 63-year-old woman had been doing well until she was diagnosed with melanoma. She received dabrafenib and trametinib with a complete response.
""")
    assert [kind for kind, *_ in events] == ["diagnosis", "treatment_started", "response"]


def test_a_best_response_only_the_abstract_states_follows_the_line_it_belongs_to(tmp_path):
    events, record, text = timeline(tmp_path, """Abstract

A 50-year-old man with ROS1-rearranged lung adenocarcinoma achieved a complete response to entrectinib.

Case presentation

A 50-year-old man presented with cough and was diagnosed with lung adenocarcinoma. FISH showed a ROS1 rearrangement. Entrectinib was started in May 2020.
""")
    assert [(kind, value) for kind, value, *_ in events] == [
        ("diagnosis", "ros1-rearranged lung adenocarcinoma"), ("finding", "ROS1 rearrangement"),
        ("treatment_started", "entrectinib"), ("response", "CR")]
    # the diagnosis is where the case section names it, if only shorter
    diagnosed = record.timeline[0]
    assert text[diagnosed.start:diagnosed.end] == "lung adenocarcinoma"
    assert diagnosed.start > text.index("Case presentation")


def test_a_line_per_setting_from_one_treatment_starts_each_line(tmp_path):
    events, _, _ = timeline(tmp_path, """Case presentation

A 17-year-old boy with acute lymphoblastic leukemia received induction and consolidation chemotherapy and achieved complete remission.
""")
    assert [(kind, value, therapy) for kind, value, therapy, *_ in events
            if kind != "diagnosis"] == [
        ("treatment_started", "chemotherapy (induction)", 0),
        ("treatment_started", "chemotherapy (consolidation)", 1),
        ("response", "CR", 1)]
