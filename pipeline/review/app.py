"""The review page: a Starlette app with server-rendered Jinja2 templates.

Routes: ``/`` lists the documents of the extracted folder with their review progress;
``/doc/{id}`` shows the text with its mentions beside every extracted value; POSTs to
``/doc/{id}/decide``, ``/doc/{id}/add`` and ``/doc/{id}/promote`` change state, each
with the page's CSRF token. Only documents whose records are in the extracted folder are
served (any other id is a 404), and every text goes through Jinja2's autoescaping.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from pipeline.review.promote import promote
from pipeline.review.store import DecisionStore, Entry
from pipeline.review.values import ReviewValue, gold_fields, review_values
from pipeline.schema import Document, Extraction, Mention

MAX_FORM_BYTES = 1 << 20


@dataclass
class ValueRow:
    """One value as the page shows it."""

    number: int
    value: ReviewValue
    entry: Entry | None
    evidence: Mention | None
    history: tuple[Entry, ...] = ()

    @property
    def history_text(self) -> str:
        return "\n".join(f"{e.at} {e.reviewer}: {e.action}"
                         + (f" -> {e.value}" if e.value else "") + f" (extracted: {e.extracted})"
                         for e in self.history)

    @property
    def status(self) -> str:
        if self.entry is None:
            return "open"
        if self.entry.extracted != self.value.value:
            return "changed"  # decided on another value: a re-run changed it
        return {"accept": "accepted", "reject": "rejected", "correct": "corrected"}[self.entry.action]

    @property
    def shown(self) -> str:
        if self.entry is not None and self.entry.action == "correct" and self.status != "changed":
            return self.entry.value or ""
        return self.value.value


@dataclass
class ReviewConfig:
    extracted: Path
    gold: Path
    store: Path
    reviewer: str


def highlighted(document: Document, mentions: list[Mention]) -> Markup:
    """The document text, escaped, with each mention wrapped in a <mark>."""
    text, parts, position = document.text, [], 0
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if mention.start < position:
            continue  # overlaps one already shown
        parts.append(escape(text[position:mention.start]))
        parts.append(Markup('<mark id="{}" class="t-{}" title="{}">{}</mark>').format(
            mention.id, mention.type, f"{mention.type}: {mention.normalised or ''}",
            text[mention.start:mention.end]))
        position = mention.end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


class ReviewApp:
    def __init__(self, config: ReviewConfig):
        self.config = config
        self.store = DecisionStore(config.store)
        self.token = secrets.token_urlsafe(32)  # one per server start; every form carries it
        self.templates = Environment(loader=PackageLoader("pipeline.review", "templates"),
                                     autoescape=select_autoescape(["html"]))
        self._listings: dict[str, tuple[tuple, dict]] = {}  # doc id -> (stamp, list line)

    # ------------------------------------------------------------ loading
    def records(self) -> dict[str, Path]:
        """Doc id -> record path, for every record of the extracted folder."""
        from pipeline.store import record_paths

        return {path.stem: path for path in record_paths(self.config.extracted)}

    def extraction(self, doc_id: str, path: Path | None = None) -> Extraction:
        from pipeline.store import read_record

        path = path or self.records().get(doc_id)  # never a path built from the request
        if path is None:
            raise HTTPException(404, "no such document in the extracted folder")
        return read_record(path)

    def document(self, doc_id: str) -> Document | None:
        from pipeline.evaluate import load_texts

        return load_texts(self.config.extracted, {doc_id}).get(doc_id)

    def disagreements(self, extraction: Extraction) -> int | None:
        """FP + FN + mismatches against the gold file, None without one."""
        from pipeline.evaluate import diff_report
        from pipeline.evaluate.gold import load_gold

        path = self.config.gold / f"{extraction.document.id}.yaml"
        if not path.is_file():
            return None
        report = diff_report({extraction.document.id: extraction},
                             {extraction.document.id: load_gold(path)},
                             gold_dir=str(self.config.gold), extracted_dir=str(self.config.extracted))
        return sum(len(d.items) for d in report.per_document)

    def rows(self, doc_id: str, extraction: Extraction) -> list[ValueRow]:
        history: dict[str, list[Entry]] = {}
        for entry in self.store.history(doc_id):
            history.setdefault(entry.key, []).append(entry)
        mentions = {m.id: m for m in extraction.mentions}
        return [ValueRow(number, value, history[value.key][-1] if value.key in history else None,
                         next((mentions[i] for i in value.mention_ids if i in mentions), None),
                         tuple(history.get(value.key, ())))
                for number, value in enumerate(review_values(extraction))]

    # ------------------------------------------------------------ pages
    def render(self, name: str, **context) -> HTMLResponse:
        template = self.templates.get_template(name)
        return HTMLResponse(template.render(token=self.token, reviewer=self.config.reviewer,
                                            **context))

    def listing(self, doc_id: str, path: Path, version: int | None) -> dict:
        """A document's line in the list, recomputed only when its record, its gold file
        or its decisions changed (reading every record and diffing it on each visit took
        2 ms a document)."""
        gold = self.config.gold / f"{doc_id}.yaml"
        record = path.stat()
        stamp = (record.st_mtime_ns, record.st_size, version,
                 gold.stat().st_mtime_ns if gold.is_file() else None)
        cached = self._listings.get(doc_id)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        extraction = self.extraction(doc_id, path)
        rows = self.rows(doc_id, extraction)
        line = {"id": doc_id, "title": extraction.document.title or doc_id, "total": len(rows),
                "decided": sum(row.status not in ("open", "changed") for row in rows),
                "cases": len(extraction.cases), "disagreements": self.disagreements(extraction)}
        self._listings[doc_id] = (stamp, line)
        return line

    async def documents(self, request: Request) -> HTMLResponse:
        wanted = request.query_params.get("filter", "")
        versions = self.store.versions()
        listed = []
        for doc_id, path in self.records().items():
            line = self.listing(doc_id, path, versions.get(doc_id))
            if wanted == "disagree" and not line["disagreements"]:
                continue
            if wanted == "unreviewed" and line["decided"] == line["total"]:
                continue
            listed.append(line)
        return self.render("documents.html", documents=listed, filter=wanted)

    async def document_page(self, request: Request) -> HTMLResponse:
        doc_id = request.path_params["doc_id"]
        extraction = self.extraction(doc_id)
        document = self.document(doc_id)
        rows = self.rows(doc_id, extraction)
        added = [e for e in self.store.latest(doc_id).values() if e.action == "add"]
        mentions = {m.id: m for m in extraction.mentions}
        timelines = [(case.case_id, [(e, mentions.get(e.evidence[0]) if e.evidence else None)
                                     for e in case.timeline])
                     for case in extraction.cases if case.timeline]
        return self.render(
            "document.html", doc_id=doc_id, extraction=extraction, rows=rows, added=added,
            timelines=timelines,
            text=highlighted(document, extraction.mentions) if document else None,
            fields=gold_fields(extraction), message=request.query_params.get("message", ""),
            decided=sum(row.status not in ("open", "changed") for row in rows))

    # ------------------------------------------------------------ actions
    async def form(self, request: Request) -> dict[str, str]:
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413, "form too large")
        fields = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"),
                                                  keep_blank_values=True).items()}
        if not secrets.compare_digest(fields.get("token", ""), self.token):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page")
        return fields

    def back(self, doc_id: str, anchor: str = "", message: str = "") -> RedirectResponse:
        query = f"?message={quote(message)}" if message else ""
        return RedirectResponse(f"/doc/{quote(doc_id)}{query}{anchor}", status_code=303)

    async def decide(self, request: Request) -> RedirectResponse:
        doc_id = request.path_params["doc_id"]
        fields = await self.form(request)
        extraction = self.extraction(doc_id)
        values = {value.key: value for value in review_values(extraction)}
        value = values.get(fields.get("key", ""))
        action = fields.get("action", "")
        if value is None or action not in ("accept", "reject", "correct"):
            raise HTTPException(400, "unknown value or action")
        corrected = fields.get("value", "").strip() if action == "correct" else None
        if action == "correct" and not corrected:
            raise HTTPException(400, "a correction needs a value")
        self.store.record(doc_id, value.key, value.field, action, extracted=value.value,
                          value=corrected, reviewer=self.config.reviewer)
        following = int(fields.get("number", "0") or 0) + 1
        return self.back(doc_id, f"#v-{following}")

    async def add(self, request: Request) -> RedirectResponse:
        doc_id = request.path_params["doc_id"]
        fields = await self.form(request)
        extraction = self.extraction(doc_id)
        field, value = fields.get("field", ""), fields.get("value", "").strip()
        if field not in gold_fields(extraction) or not value:
            raise HTTPException(400, "choose a field and give a value")
        self.store.record(doc_id, f"{field}+{uuid.uuid4().hex[:12]}", field, "add",
                          extracted=None, value=value, reviewer=self.config.reviewer)
        return self.back(doc_id, "#add", f"added {field}: {value}")

    async def promote_document(self, request: Request) -> RedirectResponse:
        doc_id = request.path_params["doc_id"]
        await self.form(request)
        extraction = self.extraction(doc_id)
        try:
            path, undecided = promote(extraction, self.store.latest(doc_id), self.config.gold)
        except ValueError as error:
            return self.back(doc_id, "#promote", f"not promoted: {error}")
        note = f" ({undecided} values not reviewed were kept as extracted)" if undecided else ""
        return self.back(doc_id, "#promote", f"promoted to {path}{note}")

    def routes(self) -> list[Route]:
        return [
            Route("/", self.documents),
            Route("/doc/{doc_id}", self.document_page),
            Route("/doc/{doc_id}/decide", self.decide, methods=["POST"]),
            Route("/doc/{doc_id}/add", self.add, methods=["POST"]),
            Route("/doc/{doc_id}/promote", self.promote_document, methods=["POST"]),
        ]


def create_app(config: ReviewConfig) -> Starlette:
    review = ReviewApp(config)
    app = Starlette(routes=review.routes())
    app.state.review = review
    return app
