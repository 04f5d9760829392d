"""Reviewable values point to their own evidence, on a report written for it."""

from pipeline.extract import extract
from pipeline.review.values import review_values

REPORT = ("Case presentation\nA 50-year-old man had a lung mass. Immunohistochemistry "
          "showed ALK expression. Next-generation sequencing then found an EML4-ALK fusion. "
          "He received crizotinib with a partial response. Lorlatinib followed at "
          "progression, with stable disease.\n")


def test_a_case_list_member_and_a_therapy_line_show_their_own_sentence(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT)
    _, extraction = extract(path)
    mentions = {m.id: m for m in extraction.mentions}
    values = {v.key: v for v in review_values(extraction)}
    ngs = values["cases[index].detection_methods=NGS"]
    assert "Next-generation sequencing" in mentions[ngs.mention_ids[0]].sentence
    second_line = values["cases[index].therapies[1]"]
    assert {mentions[i].text for i in second_line.mention_ids} == {"Lorlatinib", "stable disease"}
