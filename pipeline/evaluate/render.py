"""A diff report as Markdown, as a self-contained HTML page, and as files in ``_diff/``.

Every piece of text from a document or a gold file is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from pipeline.atomic import atomic_write_text
from pipeline.schema import Accuracy, DiffItem, DiffReport, DocumentDiff, RunDiff, Score

DIFF_FOLDER = "_diff"
SCORE_HEADER = ("field", "TP", "FP", "FN", "precision", "recall", "F1", "macro F1")
ACCURACY_HEADER = ("field", "agreed", "total", "accuracy", "gold total", "of all gold",
                   "compared as")


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def score_row(score: Score) -> list[str]:
    name = score.field + (f" ({score.orientation_errors} reversed)" if score.orientation_errors else "")
    return [name, str(score.tp), str(score.fp), str(score.fn), rate(score.precision),
            rate(score.recall), rate(score.f1), rate(score.macro_f1)]


def accuracy_row(accuracy: Accuracy) -> list[str]:
    return [accuracy.field, str(accuracy.agreed), str(accuracy.total), rate(accuracy.accuracy),
            str(accuracy.gold_total), rate(accuracy.of_gold), accuracy.method]


def markdown_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def item_text(item: DiffItem) -> str:
    parts = [item.kind, item.field]
    if item.case_id:
        parts.append(f"[{item.case_id}]")
    if item.value is not None:
        parts.append(f"extracted `{item.value}`")
    if item.gold is not None:
        parts.append(f"gold `{item.gold}`")
    if item.note:
        parts.append(f"({item.note})")
    if item.sentence:
        parts.append(f"— “{item.sentence}”")
    return " ".join(parts)


def to_markdown(report: DiffReport, *, items: bool = True) -> str:
    out = [f"# Gold diff: {len(report.documents)} document(s)", "",
           "## Document-level sets (micro-averaged)", "",
           markdown_table(SCORE_HEADER, [score_row(s) for s in report.scores]), "",
           f"## Cases: {report.cases.paired} paired of {report.cases.gold} gold, "
           f"{len(report.cases.missed)} missed, {len(report.cases.spurious)} spurious", "",
           markdown_table(SCORE_HEADER, [score_row(s) for s in report.case_scores]), "",
           markdown_table(ACCURACY_HEADER, [accuracy_row(a) for a in report.case_accuracy])]
    if report.missing_records:
        out += ["", "Gold documents without a record: " + ", ".join(report.missing_records)]
    if items:
        for document in report.per_document:
            out += ["", f"## {document.doc_id}", ""]
            out += [f"- {item_text(item)}" for item in document.items] or ["- no disagreement"]
    return "\n".join(out) + "\n"


def html_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def highlighted(item: DiffItem) -> str:
    if not item.sentence:
        return '<span class="none">no evidence sentence</span>'
    if item.highlight is None:
        return escape(item.sentence)
    start, end = item.highlight
    text = item.sentence
    return (escape(text[:start]) + f"<mark>{escape(text[start:end])}</mark>"
            + escape(text[end:]))


def item_row(item: DiffItem) -> str:
    cells = [
        f'<td class="kind {item.kind}">{escape(item.kind)}</td>',
        f"<td>{escape(item.field)}</td>",
        f"<td>{escape(item.case_id or '')}</td>",
        f"<td><code>{escape(item.value or '')}</code></td>",
        f"<td><code>{escape(item.gold or '')}</code></td>",
        f"<td>{escape(item.note or '')}</td>",
        f"<td>{highlighted(item)}"
        f"{'' if item.page is None else f' <span class=page>(page {item.page})</span>'}</td>",
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def document_section(document: DocumentDiff) -> str:
    rows = "".join(item_row(item) for item in document.items)
    items = (f"<table class=items><thead><tr><th>kind</th><th>field</th><th>case</th>"
             f"<th>extracted</th><th>gold</th><th>note</th><th>evidence</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>") if document.items else "<p>No disagreement.</p>"
    counts = document.cases
    return (f'<section id="{escape(document.doc_id)}"><h2>{escape(document.doc_id)}</h2>'
            + html_table(SCORE_HEADER, [score_row(s) for s in document.scores])
            + f"<p>Cases: {counts.paired} paired of {counts.gold} gold, "
            f"{len(counts.missed)} missed, {len(counts.spurious)} spurious.</p>"
            + html_table(SCORE_HEADER, [score_row(s) for s in document.case_scores])
            + html_table(ACCURACY_HEADER, [accuracy_row(a) for a in document.case_accuracy])
            + f"<h3>Disagreements ({len(document.items)})</h3>{items}</section>")


STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 80em; color: #222; }
table { border-collapse: collapse; margin: .6em 0 1.2em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.kind.FP { color: #a40000; font-weight: bold; }
td.kind.FN { color: #1f4e9c; font-weight: bold; }
td.kind.mismatch { color: #8a5a00; font-weight: bold; }
mark { background: #ffe36b; }
.none, .page { color: #777; }
nav a { margin-right: 1em; }
"""


def to_html(report: DiffReport) -> str:
    nav = "".join(f'<a href="#{escape(d)}">{escape(d)}</a>' for d in report.documents)
    missing = (f"<p>Gold documents without a record: {escape(', '.join(report.missing_records))}</p>"
               if report.missing_records else "")
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>caselit gold diff</title><style>{STYLE}</style></head><body>"
        f"<h1>Gold diff: {len(report.documents)} document(s)</h1>"
        f"<p>Extracted: <code>{escape(report.extracted_dir)}</code> · gold: "
        f"<code>{escape(report.gold_dir)}</code> · {escape(report.created_at)}</p>"
        f"<nav>{nav}</nav>{missing}"
        "<h2>Document-level sets (micro-averaged)</h2>"
        + html_table(SCORE_HEADER, [score_row(s) for s in report.scores])
        + f"<h2>Cases: {report.cases.paired} paired of {report.cases.gold} gold</h2>"
        + html_table(SCORE_HEADER, [score_row(s) for s in report.case_scores])
        + html_table(ACCURACY_HEADER, [accuracy_row(a) for a in report.case_accuracy])
        + "".join(document_section(d) for d in report.per_document)
        + "</body></html>\n"
    )


def write_reports(report: DiffReport, out_dir: str | Path) -> list[Path]:
    """``_diff/diff.json``, ``_diff/diff.html`` and ``_diff/diff.md`` under ``out_dir``."""
    folder = Path(out_dir) / DIFF_FOLDER
    written = []
    for name, text in (("diff.json", report.model_dump_json(indent=2)),
                       ("diff.html", to_html(report)), ("diff.md", to_markdown(report))):
        atomic_write_text(folder / name, text)
        written.append(folder / name)
    return written


def run_diff_rows(diff: RunDiff) -> list[list[str]]:
    return [[change.doc_id, change.field, "; ".join(change.gained), "; ".join(change.lost)]
            for change in diff.changes]


RUN_DIFF_HEADER = ("document", "field", "gained", "lost")


def run_diff_markdown(diff: RunDiff) -> str:
    out = [f"# Changes from {diff.old_dir} to {diff.new_dir}", "",
           f"{diff.unchanged_documents} document(s) unchanged; added: "
           f"{', '.join(diff.added_documents) or 'none'}; removed: "
           f"{', '.join(diff.removed_documents) or 'none'}", ""]
    if diff.changes:
        out.append(markdown_table(RUN_DIFF_HEADER, run_diff_rows(diff)))
    return "\n".join(out) + "\n"


def run_diff_html(diff: RunDiff) -> str:
    return ("<!doctype html><html lang=en><head><meta charset=utf-8><title>caselit run diff"
            f"</title><style>{STYLE}</style></head><body>"
            f"<h1>Changes from <code>{escape(diff.old_dir)}</code> to "
            f"<code>{escape(diff.new_dir)}</code></h1>"
            f"<p>{diff.unchanged_documents} document(s) unchanged; added: "
            f"{escape(', '.join(diff.added_documents) or 'none')}; removed: "
            f"{escape(', '.join(diff.removed_documents) or 'none')}</p>"
            + html_table(RUN_DIFF_HEADER, run_diff_rows(diff)) + "</body></html>\n")
