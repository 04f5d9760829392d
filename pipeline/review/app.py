"""The review page: a Starlette app with server-rendered Jinja2 templates and one static
script (no build step, nothing from a CDN).

Pages: ``/login`` names the browser session's reviewer (and asks for the token when the
page is shared beyond this machine); ``/`` lists the documents, paginated and
searchable; ``/doc/{id}`` shows the text with its mentions beside every value, the gold
file's value beside each, and the source (a PDF page with the evidence boxed, a table
row's table); ``/doc/{id}/preview`` shows what promotion changes in the gold file.

Changes are POSTs carrying the session's CSRF token: ``decide`` (accept, reject, correct,
reset), ``add``, ``undo`` answer JSON with the changed rows' HTML, which the script puts
in place; ``promote`` writes the gold file. Only documents whose records are in the
extracted folder are served, and every text goes through Jinja2's autoescaping.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline.errors import Errors, GoldFileError, PromotionError, RecordError
from pipeline.review.guard import LOOPBACK, Guard
from pipeline.review.listing import Listing, file_stamp
from pipeline.review.promote import preview, promote
from pipeline.review.store import DecisionStore, Entry, current
from pipeline.review.values import (CASE_SCALARS, ReviewValue, addable_fields, parse_value,
                                    review_values, value_text)
from pipeline.schema import Annotations, Document, Extraction, Mention

MAX_BODY_BYTES = 64 * 1024  # a decision or an added value is a few hundred bytes
PAGE_SIZE = 50
SESSION_COOKIE = "caselit_review"
REVIEWER = re.compile(r"^[\w .@'-]{1,64}$")
DECIDED = ("accepted", "rejected", "corrected")
PAGE_SCALE = 1.5  # PDF points to image pixels
RECORDS_KEPT = 8  # records held parsed for the document pages in use


@dataclass
class ReviewConfig:
    extracted: Path
    gold: Path
    store: Path
    reviewer: str = ""  # offered as the name on the login page
    host: str = "127.0.0.1"
    token: str | None = None  # required at login when set (the page is shared)
    allowed_hosts: tuple[str, ...] = ()  # names the page is opened by, beyond loopback and host


@dataclass
class Session:
    reviewer: str
    csrf: str


@dataclass
class ValueRow:
    """One value as the page shows it: extracted, added by a curator, or only in gold."""

    value: ReviewValue
    entry: Entry | None
    evidence: Mention | None = None
    history: tuple[Entry, ...] = ()
    kind: str = "extracted"  # extracted | added | gold
    gold: str | None = None  # the gold file's value under the same key
    has_gold: bool = False

    @property
    def history_text(self) -> str:
        return "\n".join(f"{e.at} {e.reviewer}: {e.action}"
                         + (f" -> {e.value}" if e.value and e.action != "undo" else "")
                         + (f" (extracted: {e.extracted})" if e.extracted is not None else "")
                         for e in self.history)

    @property
    def status(self) -> str:
        if self.kind == "gold":
            return "gold-only"
        if self.kind == "added":
            return "added"
        if self.entry is None:
            return "open"
        if self.entry.extracted != self.value.value:
            return "changed"  # decided on another value: a re-run changed it
        return {"accept": "accepted", "reject": "rejected", "correct": "corrected"}[self.entry.action]

    @property
    def shown(self) -> str:
        if self.status == "corrected":
            return self.entry.value or ""
        return self.value.value

    @property
    def agrees(self) -> bool | None:
        """Whether the value as decided says what the gold file says; None without one."""
        if not self.has_gold:
            return None
        if self.kind == "gold":
            return False
        if self.status == "rejected":
            return self.gold is None
        return self.gold == self.shown


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


def page_image(pdf: Path, page_number: int, boxes: list[tuple[float, float, float, float]]
               ) -> bytes:
    """A PDF page as PNG with the boxes (PDF points, x0, top, x1, bottom) drawn on it."""
    import pypdfium2
    from PIL import ImageDraw

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[page_number - 1].render(scale=PAGE_SCALE).to_pil().convert("RGB")
    finally:
        document.close()
    draw = ImageDraw.Draw(image)
    for x0, top, x1, bottom in boxes:
        draw.rectangle([x0 * PAGE_SCALE - 2, top * PAGE_SCALE - 2, x1 * PAGE_SCALE + 2,
                        bottom * PAGE_SCALE + 2], outline=(217, 72, 15), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def source_pdf(extraction: Extraction) -> Path | None:
    """The PDF the record was read from, when it is still there with the same bytes."""
    import hashlib

    source = extraction.run.source
    path = Path(source.path)
    if extraction.run.media_type != "application/pdf" or not path.is_file():
        return None
    if path.stat().st_size != source.size:
        return None
    return path if hashlib.sha256(path.read_bytes()).hexdigest() == source.sha256 else None


class ReviewApp:
    def __init__(self, config: ReviewConfig):
        self.config = config
        self.store = DecisionStore(config.store)
        self.sessions: dict[str, Session] = {}  # cookie -> session; one per server start
        self.templates = Environment(loader=PackageLoader("pipeline.review", "templates"),
                                     autoescape=select_autoescape(["html"]))
        self._records: dict[Path, tuple[str, Extraction, list[ReviewValue]]] = {}
        self._golds: dict[Path, tuple[str, tuple[Annotations | None, str | None]]] = {}
        self.listing = Listing(self.store, config.gold, self.list_line)

    @property
    def shared(self) -> bool:
        return self.config.host not in LOOPBACK

    # ------------------------------------------------------------ loading
    def records(self) -> dict[str, Path]:
        """File stem -> record path, for every record of the extracted folder."""
        from pipeline.store import record_paths

        return {path.stem: path for path in record_paths(self.config.extracted)}

    def record(self, doc_id: str) -> Path:
        path = self.records().get(doc_id)  # never a path built from the request
        if path is None:
            raise HTTPException(404, f"no document {doc_id!r} in the extracted folder")
        return path

    def extraction(self, path: Path) -> Extraction:
        """The record, read once while it is unchanged: a decision's answer reads the same
        record again (parsing and keying a seed's values took 15-30 ms a time)."""
        from pipeline.store import read_record

        stamp = file_stamp(path)
        kept = self._records.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        extraction = read_record(path)
        self._records[path] = (stamp, extraction, review_values(extraction))
        while len(self._records) > RECORDS_KEPT:
            self._records.pop(next(iter(self._records)), None)
        return extraction

    def values(self, extraction: Extraction) -> list[ReviewValue]:
        for _, kept, values in list(self._records.values()):
            if kept is extraction:
                return values
        return review_values(extraction)

    def document(self, doc_id: str) -> Document | None:
        from pipeline.evaluate import load_texts

        return load_texts(self.config.extracted, {doc_id}).get(doc_id)

    def gold(self, doc_id: str) -> tuple[Annotations | None, str | None]:
        """The document's gold file and, when it does not load, why."""
        from pipeline.evaluate.gold import load_gold

        path = self.config.gold / f"{doc_id}.yaml"
        if not path.is_file():
            return None, None
        stamp = file_stamp(path)
        kept = self._golds.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        try:
            loaded = load_gold(path), None
        except (GoldFileError, OSError, UnicodeDecodeError) as error:
            loaded = None, f"{path}: {error}"
        self._golds[path] = (stamp, loaded)
        while len(self._golds) > RECORDS_KEPT:
            self._golds.pop(next(iter(self._golds)), None)
        return loaded

    def list_line(self, doc_id: str, path: Path) -> dict:
        """A document's line in the list: its progress and its disagreements with gold."""
        from pipeline.evaluate import diff_report
        from pipeline.store import read_record

        extraction = read_record(path)  # not kept: a list of hundreds would evict the pages'
        gold, broken = self.gold(doc_id)
        rows = self.rows(doc_id, extraction, gold)
        line = {"id": doc_id, "title": extraction.document.title or doc_id,
                "total": sum(row.kind == "extracted" for row in rows),
                "decided": sum(row.status in DECIDED for row in rows),
                "cases": len(extraction.cases), "disagreements": None, "gold_error": broken}
        if gold is not None:
            report = diff_report({doc_id: extraction}, {doc_id: gold},
                                 gold_dir=str(self.config.gold),
                                 extracted_dir=str(self.config.extracted))
            line["disagreements"] = sum(len(d.items) for d in report.per_document)
        return line

    def rows(self, doc_id: str, extraction: Extraction, gold: Annotations | None
             ) -> list[ValueRow]:
        """Extracted values, then the values curators added, then gold values the extraction
        lacks (none already added)."""
        entries = self.store.history(doc_id)
        history: dict[str, list[Entry]] = {}
        for entry in entries:
            history.setdefault(entry.key, []).append(entry)
        latest = current(entries)
        mentions = {m.id: m for m in extraction.mentions}
        gold_values = {v.key: v for v in review_values(gold)} if gold is not None else {}
        has_gold = gold is not None

        def gold_text(key: str) -> str | None:
            return gold_values[key].value if key in gold_values else None

        values = self.values(extraction)
        rows = [ValueRow(value, latest.get(value.key),
                         next((mentions[i] for i in value.mention_ids if i in mentions), None),
                         tuple(history.get(value.key, ())), gold=gold_text(value.key),
                         has_gold=has_gold)
                for value in values]
        for key, entry in latest.items():
            if entry.action == "add":
                added = ReviewValue(key, entry.field, entry.value or "")
                rows.append(ValueRow(added, entry, None, tuple(history[key]), "added",
                                     gold_text(key[1:]), has_gold))
        extracted = {value.key for value in values}
        cases = {case.case_id for case in extraction.cases}
        for key, value in gold_values.items():
            if key in extracted or f"+{key}" in latest or value.field == "cases":
                continue
            if value.case_id is not None and value.case_id not in cases:
                continue  # a case the extraction lacks: listed apart
            rows.append(ValueRow(value, None, kind="gold", gold=value.value, has_gold=True))
        return rows

    # ------------------------------------------------------------ sessions
    def session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(SESSION_COOKIE, ""))

    def require_session(self, request: Request) -> Session:
        session = self.session(request)
        if session is None:
            raise HTTPException(401, "name yourself first: open /login")
        return session

    def render(self, request: Request, name: str, status_code: int = 200, **context
               ) -> HTMLResponse:
        session = self.session(request)
        return HTMLResponse(self.templates.get_template(name).render(
            session=session, shared=self.shared, **context), status_code=status_code)

    def to_login(self, request: Request) -> RedirectResponse:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    async def login_page(self, request: Request) -> HTMLResponse:
        return self.render(request, "login.html", next=local_path(request.query_params.get("next")),
                           reviewer=self.config.reviewer, needs_token=self.config.token is not None,
                           problem="")

    async def login(self, request: Request) -> Response:
        fields = await form(request)
        reviewer = fields.get("reviewer", "").strip()
        target = local_path(fields.get("next"))
        problem = ""
        if self.config.token is not None and not secrets.compare_digest(
                fields.get("token", "").encode(), self.config.token.encode()):
            problem = "wrong token: use the one printed when the page was started"
        elif not REVIEWER.match(reviewer):
            problem = ("name yourself with 1 to 64 letters, digits, spaces or . @ ' -; "
                       "your name is kept with every decision")
        if problem:
            return self.render(request, "login.html", 403 if "token" in problem else 400,
                               next=target, reviewer=reviewer,
                               needs_token=self.config.token is not None, problem=problem)
        cookie = secrets.token_urlsafe(32)
        self.sessions[cookie] = Session(reviewer, secrets.token_urlsafe(32))
        answer = RedirectResponse(target, status_code=303)
        answer.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="strict")
        return answer

    # ------------------------------------------------------------ pages
    def documents(self, request: Request) -> Response:
        if self.session(request) is None:
            return self.to_login(request)
        wanted = request.query_params.get("filter", "")
        search = request.query_params.get("q", "").strip().lower()
        page = whole(request.query_params.get("page", "1"), "page")
        records = self.records()
        lines = self.listing.lines_for(records)
        listed = []
        for doc_id, line in lines.items():
            if search and search not in doc_id.lower() and search not in (
                    (line or {}).get("title") or "").lower():
                continue
            if line is not None and wanted == "disagree" and not line.get("disagreements"):
                continue
            if line is not None and wanted == "unreviewed" and line.get("decided") == line.get(
                    "total"):
                continue
            listed.append((doc_id, line))
        pages = max(1, -(-len(listed) // PAGE_SIZE))
        page = min(max(page, 1), pages)
        shown = listed[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        return self.render(request, "documents.html", documents=shown, filter=wanted,
                           q=request.query_params.get("q", ""), page=page, pages=pages,
                           matched=len(listed), total=len(records),
                           computing=sum(line is None for line in lines.values()))

    def document_page(self, request: Request) -> Response:
        if self.session(request) is None:
            return self.to_login(request)
        doc_id = request.path_params["doc_id"]
        extraction = self.extraction(self.record(doc_id))
        document = self.document(doc_id)
        gold, broken = self.gold(doc_id)
        rows = self.rows(doc_id, extraction, gold)
        done = progress(rows)  # of the whole document, whatever the filter shows
        only = request.query_params.get("only", "")
        if only == "disagree":
            rows = [row for row in rows if row.agrees is False]
        mentions = {m.id: m for m in extraction.mentions}
        timelines = [(case.case_id, [(e, mentions.get(e.evidence[0]) if e.evidence else None)
                                     for e in case.timeline])
                     for case in extraction.cases if case.timeline]
        gold_cases = ([case.case_id for case in gold.cases
                       if case.case_id not in {c.case_id for c in extraction.cases}]
                      if gold is not None else [])
        return self.render(
            request, "document.html", doc_id=doc_id, extraction=extraction, rows=rows,
            timelines=timelines, tables=case_tables(extraction, document),
            text=highlighted(document, extraction.mentions) if document else None,
            pdf=source_pdf(extraction) is not None, gold=gold, gold_error=broken,
            gold_cases=gold_cases, only=only, fields=addable_fields(extraction),
            message=request.query_params.get("message", ""), progress=done)

    def source_image(self, request: Request) -> Response:
        self.require_session(request)
        extraction = self.extraction(self.record(request.path_params["doc_id"]))
        mention = next((m for m in extraction.mentions
                        if m.id == request.path_params["mention"]), None)
        if mention is None:
            raise HTTPException(404, f"no mention {request.path_params['mention']!r} here")
        pdf = source_pdf(extraction)
        if pdf is None:
            raise HTTPException(404, f"{extraction.run.source.path}: no longer there, or "
                                     "changed since it was read: no page image")
        document = self.document(extraction.document.id)
        spans = document.source_map if document else []
        page = mention.page or 1
        boxes = [span.bbox for span in spans if span.bbox is not None and span.page == page
                 and span.start < mention.end and span.end > mention.start]
        return Response(page_image(pdf, page, boxes), media_type="image/png",
                        headers={"cache-control": "private, max-age=3600"})

    # ------------------------------------------------------------ changes
    async def change(self, request: Request) -> tuple[Session, dict[str, str]]:
        session = self.require_session(request)
        fields = await form(request)
        sent = request.headers.get("x-csrf-token") or fields.get("token", "")
        if not secrets.compare_digest(sent.encode(), session.csrf.encode()):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page")
        return session, fields

    def answer(self, doc_id: str, keys: list[str]) -> JSONResponse:
        """The rows under ``keys`` as they are now (None for one that is gone), and the
        document's progress."""
        extraction = self.extraction(self.record(doc_id))
        gold, _ = self.gold(doc_id)
        rows = {row.value.key: row for row in self.rows(doc_id, extraction, gold)}
        template = self.templates.get_template("row.html")
        return JSONResponse({
            "rows": [{"key": key, "html": template.render(row=rows[key], doc_id=doc_id)
                      if key in rows else None} for key in keys],
            "progress": progress(list(rows.values()))})

    async def decide(self, request: Request) -> JSONResponse:
        session, fields = await self.change(request)
        return await run_in_threadpool(self._decide, request.path_params["doc_id"], session,
                                       fields)

    def _decide(self, doc_id: str, session: Session, fields: dict[str, str]) -> JSONResponse:
        extraction = self.extraction(self.record(doc_id))
        key, action = fields.get("key", ""), fields.get("action", "")
        latest = self.store.latest(doc_id)
        values = {value.key: value for value in self.values(extraction)}
        if key in values:
            value, allowed = values[key], ("accept", "reject", "correct", "reset")
        elif key in latest and latest[key].action == "add":
            entry = latest[key]
            value, allowed = ReviewValue(key, entry.field, entry.value or ""), ("reset",)
        else:
            raise HTTPException(404, f"no value {key!r} in document {doc_id!r}")
        if action not in allowed:
            raise HTTPException(400, Errors.E704.format(value=action, what="decision here",
                                                        allowed=", ".join(allowed)))
        corrected = None
        if action == "correct":
            corrected = fields.get("value", "").strip()
            try:
                parse_value(value.field, corrected)
            except ValueError as error:
                return JSONResponse({"error": str(error), "key": key}, status_code=422)
        self.store.record(doc_id, key, value.field, action, extracted=value.value,
                          value=corrected, reviewer=session.reviewer)
        return self.answer(doc_id, [key])

    async def add(self, request: Request) -> JSONResponse:
        session, fields = await self.change(request)
        return await run_in_threadpool(self._add, request.path_params["doc_id"], session, fields)

    def _add(self, doc_id: str, session: Session, fields: dict[str, str]) -> JSONResponse:
        extraction = self.extraction(self.record(doc_id))
        target, text = fields.get("field", ""), fields.get("value", "").strip()
        if target not in addable_fields(extraction):
            raise HTTPException(400, Errors.E704.format(value=target, what="field to add to",
                                                        allowed="a document-level set or a case's field"))
        try:
            typed = parse_value(target, text)
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=422)
        name = target.rsplit(".", 1)[-1]
        text = value_text(name, typed) if typed is not None else ""
        # keyed as the value would be in gold (a scalar by its field alone: an added one
        # replaces), so adding it twice adds nothing more and gold is compared by key
        gold_key = fields.get("gold_key") or (target if name in CASE_SCALARS
                                              else f"{target}={text}")
        if not (gold_key == target or gold_key.startswith((f"{target}=", f"{target}["))):
            raise HTTPException(400, f"gold value {gold_key!r} is not of field {target!r}")
        if name not in CASE_SCALARS and gold_key in {v.key for v in self.values(extraction)}:
            return JSONResponse({"error": f"{text!r} is extracted already: accept it"},
                                status_code=422)
        self.store.record(doc_id, f"+{gold_key}", target, "add", extracted=None, value=text,
                          reviewer=session.reviewer)
        return self.answer(doc_id, [f"+{gold_key}", gold_key])

    async def undo(self, request: Request) -> JSONResponse:
        session, _ = await self.change(request)
        doc_id = request.path_params["doc_id"]
        self.record(doc_id)
        undone = self.store.undo_last(doc_id, session.reviewer)
        if undone is None:
            return JSONResponse({"error": "nothing of yours to undo in this document"},
                                status_code=409)
        keys = [undone.key] + ([undone.key[1:]] if undone.key.startswith("+") else [])
        return await run_in_threadpool(self.answer, doc_id, keys)

    def preview_page(self, request: Request, message: str = "", status_code: int = 200
                     ) -> Response:
        if self.session(request) is None:
            return self.to_login(request)
        doc_id = request.path_params["doc_id"]
        record = self.record(doc_id)
        extraction = self.extraction(record)
        try:
            shown = preview(record, extraction, self.store.latest(doc_id), self.config.gold)
        except (ValueError, PromotionError) as error:
            return self.render(request, "preview.html", 400, doc_id=doc_id, shown=None,
                               message=f"not promoted: {error}")
        return self.render(request, "preview.html", status_code, doc_id=doc_id, shown=shown,
                           message=message)

    async def promote_document(self, request: Request) -> Response:
        session, fields = await self.change(request)
        return await run_in_threadpool(self._promote, request, fields)

    def _promote(self, request: Request, fields: dict[str, str]) -> Response:
        doc_id = request.path_params["doc_id"]
        record = self.record(doc_id)
        try:
            shown, backup = promote(record, self.extraction(record), self.store.latest(doc_id),
                                    self.config.gold, fields.get("confirm", ""))
        except PromotionError as error:
            return self.preview_page(request, f"not promoted: {error}", 409)
        except ValueError as error:
            return self.preview_page(request, f"not promoted: {error}", 400)
        self.listing.refresh(doc_id, record)
        note = f" ({shown.open_values} open values kept as extracted)" if shown.open_values else ""
        kept = f"; the previous file is kept as {backup}" if backup else ""
        return RedirectResponse(f"/doc/{quote(doc_id)}?message="
                                + quote(f"promoted to {shown.target}{note}{kept}"),
                                status_code=303)

    async def problem(self, request: Request, error: HTTPException) -> Response:
        """A clean 4xx: JSON for the page's script, a small page otherwise."""
        if request.headers.get("accept", "").startswith("application/json"):
            return JSONResponse({"error": error.detail}, status_code=error.status_code)
        return self.render(request, "problem.html", error.status_code,
                           status=error.status_code, detail=error.detail)

    async def broken_record(self, request: Request, error: RecordError) -> Response:
        """A record in the extracted folder that does not load: named, not a bare 500."""
        return await self.problem(request, HTTPException(500, str(error)))

    def routes(self) -> list:
        return [
            Route("/login", self.login_page),
            Route("/login", self.login, methods=["POST"]),
            Route("/", self.documents),
            Route("/doc/{doc_id}", self.document_page),
            Route("/doc/{doc_id}/source/{mention}.png", self.source_image),
            Route("/doc/{doc_id}/preview", self.preview_page),
            Route("/doc/{doc_id}/decide", self.decide, methods=["POST"]),
            Route("/doc/{doc_id}/add", self.add, methods=["POST"]),
            Route("/doc/{doc_id}/undo", self.undo, methods=["POST"]),
            Route("/doc/{doc_id}/promote", self.promote_document, methods=["POST"]),
            Mount("/static", StaticFiles(packages=[("pipeline.review", "static")])),
        ]


def progress(rows: list[ValueRow]) -> str:
    extracted = [row for row in rows if row.kind == "extracted"]
    return f"{sum(row.status in DECIDED for row in extracted)} / {len(extracted)} decided"


def case_tables(extraction: Extraction, document: Document | None) -> list[dict]:
    """For each table-row case, its table with the row marked."""
    if document is None:
        return []
    tables = {table.name: table for table in document.tables}
    return [{"case_id": case.case_id, "table": tables[case.table], "row": case.row}
            for case in extraction.cases
            if case.source == "table" and case.table in tables]


async def form(request: Request) -> dict[str, str]:
    """The urlencoded body (held by the guard, never over its limit); 400 when it is not
    UTF-8 or not a form."""
    try:
        text = (await request.body()).decode("utf-8")
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text),
                          max_num_fields=50)
    except (UnicodeDecodeError, ValueError) as error:
        raise HTTPException(400, f"not a form of UTF-8 text: {error}") from None
    return {name: values[-1] for name, values in parsed.items()}


def whole(text: str, name: str) -> int:
    if not text.isdigit():
        raise HTTPException(400, Errors.E704.format(value=text, what=f"{name} number",
                                                    allowed="a whole number from 1"))
    return int(text)


def local_path(target: str | None) -> str:
    """A redirect target on this site only ("/doc/x"), never "//evil" or a full URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def create_app(config: ReviewConfig) -> Starlette:
    review = ReviewApp(config)
    hosts = tuple(dict.fromkeys((*LOOPBACK, config.host, *config.allowed_hosts)))
    app = Starlette(routes=review.routes(),
                    middleware=[Middleware(Guard, hosts=hosts, max_body=MAX_BODY_BYTES)],
                    exception_handlers={HTTPException: review.problem,
                                        RecordError: review.broken_record})
    app.state.review = review
    return app
