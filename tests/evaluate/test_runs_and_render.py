from html.parser import HTMLParser

from pipeline.evaluate import diff_report, run_diff_markdown, to_html, to_markdown, write_reports
from pipeline.evaluate.runs import compare_runs
from pipeline.schema import Annotations, CaseRecord, DocumentInfo


def doc(doc_id="case", **fields):
    return Annotations(document=DocumentInfo(id=doc_id), **fields)


def test_a_run_diff_lists_values_gained_and_lost_per_document():
    old = {"a": doc("a", genes=["ALK", "MET"], drugs=["crizotinib"]), "gone": doc("gone")}
    new = {"a": doc("a", genes=["ALK", "EML4"], drugs=["crizotinib"],
                    cases=[CaseRecord(case_id="index", source="narrative", age_years=58)]),
           "b": doc("b")}
    diff = compare_runs(old, new, old_dir="old", new_dir="new")
    assert (diff.added_documents, diff.removed_documents) == (["b"], ["gone"])
    changes = {(c.doc_id, c.field): (c.gained, c.lost) for c in diff.changes}
    assert changes == {("a", "genes"): (["EML4"], ["MET"]),
                       ("a", "case index"): (["age_years=58"], [])}
    assert "| a | genes | EML4 | MET |" in run_diff_markdown(diff)


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_reports_escape_document_text_and_are_written_as_three_files(tmp_path):
    gold = doc(genes=["ALK"])
    ours = doc(genes=["ALK", "<script>alert(1)</script>"])
    report = diff_report({"case": ours}, {"case": gold}, gold_dir="g", extracted_dir="e")
    page = to_html(report)
    parsed = Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert "<script>alert(1)</script>" in "".join(parsed.text)
    assert "| genes | 1 | 1 | 0 |" in to_markdown(report)
    written = write_reports(report, tmp_path)
    assert sorted(p.name for p in written) == ["diff.html", "diff.json", "diff.md"]
    assert all(p.parent == tmp_path / "_diff" for p in written)
