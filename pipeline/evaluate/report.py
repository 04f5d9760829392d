"""A diff report: per document, then over the set (micro sums, macro means)."""

from __future__ import annotations

from pipeline.evaluate.cases import (CASES_FIELD, ORDER_FIELD, SCALARS, SET_FIELDS as CASE_SETS,
                                     THERAPY_FIELDS, compare_cases)
from pipeline.evaluate.documents import FUSION_DETAILS_FIELD, SET_FIELDS, compare_sets
from pipeline.evaluate.locate import locate_missed
from pipeline.evaluate.strategies import Counts, precision_recall_f1
from pipeline.schema import (Accuracy, Annotations, CaseCounts, DiffReport, Document,
                             DocumentDiff, Extraction, Score, now_iso)

DOCUMENT_FIELDS = SET_FIELDS + (FUSION_DETAILS_FIELD,)
CASE_SCORE_FIELDS = (CASES_FIELD,) + tuple(f"case.{name}" for name in CASE_SETS + THERAPY_FIELDS)
ACCURACY_METHODS = {**{name: method for name, (_, method) in SCALARS.items()},
                    ORDER_FIELD: "share of matched-line pairs in the gold's order"}


def make_score(field: str, tp: int, fp: int, fn: int, orientation: int = 0,
               macro: float | None = None) -> Score:
    precision, recall, f1 = precision_recall_f1(tp, fp, fn)
    return Score(field=field, tp=tp, fp=fp, fn=fn, precision=precision, recall=recall, f1=f1,
                 macro_f1=macro, orientation_errors=orientation)


def counted(field: str, counts: Counts, orientation: int = 0) -> Score:
    return make_score(field, len(counts.tp), len(counts.fp), len(counts.fn), orientation)


def diff_document(predicted: Annotations, gold: Annotations,
                  document: Document | None = None) -> DocumentDiff:
    """Every comparison of one extraction with its gold file; with the read ``document``,
    each missed value is shown where the text prints it."""
    counts, orientation, items = compare_sets(predicted, gold)
    cases = compare_cases(predicted, gold)
    items += cases.items
    if document is not None:
        mentions = predicted.mentions if isinstance(predicted, Extraction) else []
        items = locate_missed(document, items, gold.cases, mentions)
    case_scores = [make_score(CASES_FIELD, cases.paired, len(cases.spurious), len(cases.missed))]
    case_scores += [counted(f"case.{name}", cases.counts[name]) for name in CASE_SETS + THERAPY_FIELDS]
    accuracy = [agreement(name, cases.agreed.get(name, 0), cases.total.get(name, 0),
                          cases.gold_total.get(name, 0)) for name in ACCURACY_METHODS]
    return DocumentDiff(
        doc_id=gold.document.id,
        scores=[counted(name, counts[name], orientation.get(name, 0)) for name in DOCUMENT_FIELDS],
        case_scores=case_scores,
        case_accuracy=accuracy,
        cases=CaseCounts(gold=len(gold.cases), predicted=len(predicted.cases), paired=cases.paired,
                         missed=cases.missed, spurious=cases.spurious),
        items=items,
    )


def total(field: str, scores: list[Score]) -> Score:
    """Micro-averaged over documents; macro F1 over documents where the field has values."""
    tp, fp, fn = (sum(getattr(s, name) for s in scores) for name in ("tp", "fp", "fn"))
    with_values = [s.f1 for s in scores if s.tp + s.fp + s.fn]
    macro = sum(with_values) / len(with_values) if with_values else None
    return make_score(field, tp, fp, fn, sum(s.orientation_errors for s in scores), macro)


def agreement(field: str, agreed: int, total: int, gold_total: int) -> Accuracy:
    return Accuracy(field=field, method=ACCURACY_METHODS[field], agreed=agreed, total=total,
                    accuracy=agreed / total if total else None, gold_total=gold_total,
                    of_gold=agreed / gold_total if gold_total else None)


def total_accuracy(field: str, accuracies: list[Accuracy]) -> Accuracy:
    return agreement(field, *(sum(getattr(a, name) for a in accuracies)
                              for name in ("agreed", "total", "gold_total")))


def diff_report(extractions: dict[str, Annotations], gold: dict[str, Annotations], *,
                gold_dir: str, extracted_dir: str, doc_ids: set[str] | None = None,
                texts: dict[str, Document] | None = None) -> DiffReport:
    """Compare every extraction that has a gold file (within ``doc_ids`` when given);
    ``texts`` are the read documents, to locate missed values."""
    wanted = set(gold) if doc_ids is None else set(gold) & set(doc_ids)
    documents = sorted(wanted & set(extractions))
    texts = texts or {}
    per_document = [diff_document(extractions[doc_id], gold[doc_id], texts.get(doc_id))
                    for doc_id in documents]

    def field_scores(attribute: str, fields: tuple[str, ...]) -> list[Score]:
        return [total(name, [s for d in per_document for s in getattr(d, attribute)
                             if s.field == name]) for name in fields]

    return DiffReport(
        created_at=now_iso(),
        gold_dir=str(gold_dir),
        extracted_dir=str(extracted_dir),
        documents=documents,
        missing_records=sorted(wanted - set(extractions)),
        scores=field_scores("scores", DOCUMENT_FIELDS),
        case_scores=field_scores("case_scores", CASE_SCORE_FIELDS),
        case_accuracy=[total_accuracy(name, [a for d in per_document for a in d.case_accuracy
                                             if a.field == name]) for name in ACCURACY_METHODS],
        cases=CaseCounts(
            gold=sum(d.cases.gold for d in per_document),
            predicted=sum(d.cases.predicted for d in per_document),
            paired=sum(d.cases.paired for d in per_document),
            missed=[f"{d.doc_id}/{case}" for d in per_document for case in d.cases.missed],
            spurious=[f"{d.doc_id}/{case}" for d in per_document for case in d.cases.spurious],
        ),
        per_document=per_document,
    )
