"""What changed between two extractions of the same documents (a rule change under review)."""

from __future__ import annotations

from pipeline.evaluate.documents import SET_FIELDS, labels
from pipeline.evaluate.strategies import detail_units
from pipeline.schema import Annotations, CaseRecord, RunDiff, ValueChange

CASE_SCALARS = ("age_years", "sex", "diagnosis", "primary_site", "status")


def case_values(case: CaseRecord) -> list[str]:
    values = [f"{name}={getattr(case, name)}" for name in CASE_SCALARS
              if getattr(case, name) is not None]
    values += [f"fusion {fusion.name}" for fusion in case.fusions]
    values += [f"rearranged {gene}" for gene in case.rearranged_genes]
    values += [f"variant {variant.gene}:{variant.hgvs}" for variant in case.variants]
    values += [f"detected by {method}" for method in case.detection_methods]
    values += [f"line {number}: {', '.join(line.drugs) or '-'} | {line.regimen or '-'} | "
               f"{line.response or '-'} | {line.setting or '-'}"
               for number, line in enumerate(case.therapies, start=1)]
    return values


def flatten(annotations: Annotations) -> dict[str, set[str]]:
    """Field -> the values a curator would see, as comparable strings."""
    info = annotations.document
    fields = {"document": {f"{name}={getattr(info, name)}" for name in ("title", "doi", "year")}}
    fields.update({name: set(labels(annotations, name)) for name in SET_FIELDS})
    fields["fusion_details"] = detail_units(annotations.fusions)
    for case in annotations.cases:
        fields[f"case {case.case_id}"] = set(case_values(case))
    return fields


def compare_runs(old: dict[str, Annotations], new: dict[str, Annotations], *, old_dir: str,
                 new_dir: str) -> RunDiff:
    diff = RunDiff(old_dir=old_dir, new_dir=new_dir,
                   added_documents=sorted(set(new) - set(old)),
                   removed_documents=sorted(set(old) - set(new)))
    for doc_id in sorted(set(old) & set(new)):
        before, after = flatten(old[doc_id]), flatten(new[doc_id])
        changes = [ValueChange(doc_id=doc_id, field=name,
                               gained=sorted(after.get(name, set()) - before.get(name, set())),
                               lost=sorted(before.get(name, set()) - after.get(name, set())))
                   for name in sorted(set(before) | set(after))]
        changes = [change for change in changes if change.gained or change.lost]
        diff.changes += changes
        diff.unchanged_documents += not changes
    return diff
