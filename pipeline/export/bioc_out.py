"""Records as a BioC collection (XML or JSON), written with the ``bioc`` package.

One BioC document per record, id the document's id, its infons the bibliographic fields.
One passage per section of the read document, at the section's offset with its text, so
passage offsets are the document's offsets and reading the file back gives the same text
and offsets; its infons: ``type`` (title, abstract, paragraph, table, fig_caption, ref),
``section_type`` (caselit's section kind), ``heading``, ``in_scope``. Every mention is an
annotation of the passage it starts in (:mod:`pipeline.export.annotations`). Each case
record is a document-level relation (``type: case``): its fields as infons, its evidence
as nodes (the mentions it was read from, each in the role of the field it supports).
"""

from __future__ import annotations

import json
from typing import Iterable

from pipeline.export.annotations import annotated
from pipeline.lexicons import Identifiers
from pipeline.schema import CaseRecord, Document, Extraction, Section

PASSAGE_TYPES = {"title": "title", "abstract": "abstract", "table": "table",
                 "figure_caption": "fig_caption", "figure_legends": "fig_caption",
                 "references": "ref"}
LIST_SEPARATOR = "; "


def passages_of(document: Document) -> list[Section]:
    """The document's sections in order, and any text outside them as front matter."""
    sections = sorted(document.sections, key=lambda s: s.start)
    spans, position = [], 0
    for section in sections:
        if section.start > position and document.text[position:section.start].strip():
            spans.append(Section(kind="front_matter", start=position, end=section.start,
                                 in_scope=True))
        spans.append(section)
        position = max(position, section.end)
    if position < len(document.text) and document.text[position:].strip():
        spans.append(Section(kind="front_matter", start=position, end=len(document.text),
                             in_scope=True))
    if not spans and document.text:
        spans.append(Section(kind="front_matter", start=0, end=len(document.text), in_scope=True))
    return spans


def document_infons(document: Document, record: Extraction) -> dict[str, str]:
    infons = {"media_type": document.media_type, "source": document.source.path}
    stated = document.metadata.model_dump() if document.metadata else {}
    stated.update({key: value for key, value in record.document.model_dump().items()
                   if value is not None and key != "id"})
    infons.update({key: str(value) for key, value in stated.items() if value is not None})
    return infons


def case_infons(case: CaseRecord) -> dict[str, str]:
    values = {
        "type": "case", "case_id": case.case_id, "source": case.source, "table": case.table,
        "row": case.row, "age_years": case.age_years, "sex": case.sex,
        "diagnosis": case.diagnosis, "primary_site": case.primary_site, "status": case.status,
        "fusions": LIST_SEPARATOR.join(f.name for f in case.fusions),
        "rearranged_genes": LIST_SEPARATOR.join(case.rearranged_genes),
        "variants": LIST_SEPARATOR.join(f"{v.gene}:{v.hgvs}" if v.gene else v.hgvs
                                        for v in case.variants),
        "detection_methods": LIST_SEPARATOR.join(case.detection_methods),
        "therapies": json.dumps([t.model_dump() for t in case.therapies]),
        "notes": case.notes,
    }
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def bioc_document(document: Document, record: Extraction, ids: Identifiers):
    import bioc

    out = bioc.BioCDocument()
    out.id = document.id
    out.infons = document_infons(document, record)
    passages = []
    for section in passages_of(document):
        passage = bioc.BioCPassage()
        passage.offset = section.start
        passage.text = document.text[section.start:section.end]
        passage.infons = {"type": PASSAGE_TYPES.get(section.kind, "paragraph"),
                          "section_type": section.kind,
                          "in_scope": str(section.in_scope).lower()}
        if section.heading:
            passage.infons["heading"] = section.heading
        passages.append((section, passage))
        out.add_passage(passage)
    known = set()
    for mention in record.mentions:
        holder = next((p for s, p in passages if s.start <= mention.start < s.end), None)
        if holder is None:
            continue
        annotation = bioc.BioCAnnotation()
        annotation.id = mention.id
        annotation.text = mention.text
        annotation.infons = annotated(mention, ids).infons
        annotation.add_location(bioc.BioCLocation(mention.start, mention.end - mention.start))
        holder.add_annotation(annotation)
        known.add(mention.id)
    for number, case in enumerate(record.cases, 1):
        relation = bioc.BioCRelation()
        relation.id = f"R{number}"
        relation.infons = case_infons(case)
        for field_name, mention_ids in case.evidence.items():
            for mention_id in mention_ids:
                if mention_id in known:
                    relation.add_node(bioc.BioCNode(mention_id, field_name))
        out.add_relation(relation)
    return out


def bioc_text(records: Iterable[tuple[Document, Extraction]], ids: Identifiers,
              as_json: bool) -> str:
    import bioc
    from bioc import biocjson

    collection = bioc.BioCCollection()
    collection.source = "caselit"
    collection.key = "caselit.key"
    for document, record in records:
        collection.add_document(bioc_document(document, record, ids))
    if as_json:
        return biocjson.dumps(collection, indent=1)
    return bioc.biocxml.dumps(collection)
