"""Typed models shared by every stage: read -> tag -> assemble -> evaluate -> store.

Offsets: every ``start``/``end`` in this module is a character offset into
``Document.text``, start inclusive, end exclusive (Python slice convention).

The plain fields of :class:`Annotations` carry exactly the names and normal forms of the
gold guidelines (``../shared/gold/GUIDELINES.md``), so an :class:`Extraction` and a gold
file compare field by field; provenance (mentions, evidence, run info) lives beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.dataclasses import dataclass as pydantic_dataclass

from pipeline.hgvs_syntax import is_normal_hgvs

SCHEMA_VERSION = "1"

MentionType = Literal[
    "gene",
    "unresolved_gene",
    "fusion",
    "rearranged_gene",
    "variant",
    "drug",
    "regimen",
    "patient",
    # clinical words that case records are built from
    "disease",
    "site",
    "response",
    "status",
    "setting",
    "detection_method",
    # a treatment printed with no drug named ("chemotherapy", "platinum-based chemotherapy")
    "treatment",
    # what else happens in a course: a relapse, a transplant, radiotherapy, surgery
    "course_event",
]
# What the text says around a mention (pipeline/tag/modifiers.py): negated ("no BRAF
# V600E mutation"), hypothetical or planned ("was planned"), about other patients or the
# literature ("previously reported cases"), historical ("history of").
Modifier = Literal["negated", "hypothetical", "other_patients", "historical"]
Response = Literal["CR", "PR", "SD", "PD"]
Sex = Literal["male", "female"]
Status = Literal["alive", "dead"]
DetectionMethod = Literal["NGS", "FISH", "IHC", "RT-PCR", "karyotype", "flow cytometry", "PCR"]


class Model(BaseModel):
    """Base for every model: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


def none_as_empty(value: object) -> object:
    """The guidelines score null and an empty list the same; store both as []."""
    return [] if value is None else value


# --------------------------------------------------------------------------- read


def now_iso() -> str:
    """The time stamps of records, failures and runs: UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SourceFile(Model):
    """A file handed to the pipeline, identified by its content."""

    path: str
    doc_id: str = Field(description="The file stem; names extracted/<doc_id>.json.")
    sha256: str
    size: int
    member: str | None = Field(
        default=None, description="For a file holding several articles (a MEDLINE or BioC "
        "file): the article's id in the file, which is also doc_id; None for a file of one.")


class Failure(Model):
    """A source that could not be extracted, and why."""

    path: str
    doc_id: str | None = None
    stage: Literal["discover", "read", "extract"] = Field(
        description="discover: not a usable input; read: not a readable report; "
        "extract: an unexpected error while tagging, assembling or writing."
    )
    reason: str
    error: str = Field(description="Exception type, e.g. ValueError.")
    at: str = Field(description="ISO time of the failure.")


class Page(Model):
    number: int = Field(ge=1, description="1-based page number in the source file.")
    start: int
    end: int


# A slotted dataclass, not a Model: a document has one span per stretch of text (some
# 2,000 per PDF), and a span made this way costs a third of a Model's CPU and one object
# for the garbage collector instead of two (an instance and its __dict__).
@pydantic_dataclass(slots=True, config=ConfigDict(extra="forbid"))
class SourceSpan:
    """Where a stretch of the clean text came from.

    Text files: ``source_start:source_end`` are character offsets in the decoded file.
    PDFs: they index the page's characters (pdfplumber's ``page.chars`` order), and
    ``bbox`` is the stretch's box on the page in PDF points (x0, top, x1, bottom).
    JATS and MEDLINE XML: character offsets in the decoded XML file of the text node the
    stretch was read from (entities as written there). BioC: offsets in the BioC
    document's own coordinates (a passage's ``offset`` plus the position in its text).
    """

    start: int
    end: int
    page: int
    source_start: int
    source_end: int
    bbox: tuple[float, float, float, float] | None = None


class Section(Model):
    kind: str = Field(description="Section label, e.g. abstract, case, references.")
    heading: str | None = None
    start: int
    end: int
    in_scope: bool = Field(description="False for parts the gold guidelines leave out.")


class Table(Model):
    name: str = Field(description='As printed, e.g. "Table 1".')
    caption: str | None = None
    header: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)
    footnotes: list[str] = Field(default_factory=list)
    start: int
    end: int

    def layout(self, text: str) -> tuple[tuple[TableCell, ...], list[TableRow]]:
        """The header's cells and the body rows where the reader laid them out in
        ``text`` (the document's): the header line, then one line per row, cells
        separated by tabs. Empty when the header line is not found."""
        header = "\t".join(self.header)
        at = text.find(header, self.start, self.end) if header else -1
        if at == -1:
            return (), []
        rows: list[TableRow] = []
        position = at + len(header) + 1
        while position < self.end and len(rows) < len(self.rows):
            line_end = text.find("\n", position, self.end)
            line_end = self.end if line_end == -1 else line_end
            if "\t" not in text[position:line_end]:
                break
            rows.append(TableRow(len(rows) + 1, position, line_end,
                                 cells_between(text, position, line_end)))
            position = line_end + 1
        return cells_between(text, at, at + len(header)), rows


@dataclass(frozen=True)
class TableCell:
    column: int
    start: int
    end: int


@dataclass(frozen=True)
class TableRow:
    number: int  # 1-based, header excluded
    start: int
    end: int
    cells: tuple[TableCell, ...]


def cells_between(text: str, start: int, end: int) -> tuple[TableCell, ...]:
    """The tab-separated cells of one laid-out line."""
    cells, position = [], start
    for column, cell in enumerate(text[start:end].split("\t")):
        cells.append(TableCell(column, position, position + len(cell)))
        position += len(cell) + 1
    return tuple(cells)


# What a file is read as: a text rendering, a PDF, or literature XML/JSON (JATS from PMC,
# a MEDLINE/PubMed record, BioC).
MediaType = Literal["text/plain", "application/pdf", "application/jats+xml",
                    "application/pubmed+xml", "application/bioc+xml", "application/bioc+json"]


class ArticleMetadata(Model):
    """What a literature file states about its article in labelled fields (JATS front
    matter, a MEDLINE citation, BioC infons); text renderings and PDFs have none."""

    title: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None


class Document(Model):
    id: str
    source: SourceFile
    media_type: MediaType
    text: str
    pages: list[Page]
    sections: list[Section] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    source_map: list[SourceSpan] = Field(
        default_factory=list, description="Clean text -> source, in text order.")
    warnings: list[str] = Field(default_factory=list)
    metadata: ArticleMetadata | None = Field(
        default=None, description="Labelled bibliographic fields of a literature file.")

    def source_at(self, offset: int) -> SourceSpan | None:
        """The span holding ``offset``, or the last one before it (for separators the
        reader inserted, such as the space that joins two lines)."""
        import bisect

        index = bisect.bisect_right([span.start for span in self.source_map], offset) - 1
        return self.source_map[index] if index >= 0 else None

    def page_at(self, offset: int) -> int | None:
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages and offset == len(self.text) else None

    def section_at(self, offset: int) -> Section | None:
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None


# ------------------------------------------------------------ gold-shaped values


# What the text may state about a fusion beyond its genes (each optional on Fusion).
FUSION_DETAILS = ("five_prime_exon", "three_prime_exon", "five_prime_transcript",
                  "three_prime_transcript", "five_prime_breakpoint", "three_prime_breakpoint")


class Fusion(Model):
    name: str = Field(description="5PRIME::3PRIME with HGNC symbols.")
    five_prime: str
    three_prime: str
    five_prime_exon: int | None = None
    three_prime_exon: int | None = None
    five_prime_transcript: str | None = None
    three_prime_transcript: str | None = None
    five_prime_breakpoint: str | None = None
    three_prime_breakpoint: str | None = None
    unresolved: bool = False


class Variant(Model):
    gene: str | None = None
    hgvs: str
    described_in_words: bool = False
    group: int | None = Field(
        default=None, description="Variants of a document sharing a number are one change "
        "printed in several notations (c.3604G>A and p.Gly1202Arg); None for a change printed "
        "in one notation only.")

    @field_validator("hgvs")
    @classmethod
    def normalised(cls, value: str) -> str:
        if not is_normal_hgvs(value):
            raise ValueError(
                f"{value!r} is not a normalised HGVS change: protein changes in three-letter "
                "form without parentheses (p.Gly1202Arg, stop as Ter), coding and genomic "
                "changes as written (c.3604G>A, g.716751G>C)"
            )
        return value


class UnresolvedGene(Model):
    symbol: str


class PatientDescriptor(Model):
    """What a phrase such as "a 23-year-old man" or "two patients" says about patients."""

    age_years: int | float | None = None
    sex: Sex | None = None
    count: int | None = Field(
        default=None, description='How many patients the phrase names ("three children" -> 3); '
                                  "None for one.")


class Therapy(Model):
    drugs: list[str] = Field(default_factory=list)
    regimen: str | None = None
    response: Response | None = None
    setting: str | None = None

    _lists = field_validator("drugs", mode="before")(none_as_empty)


# What happens in a patient's course, as the story tells it (pipeline/assemble/events.py).
EventKind = Literal[
    "diagnosis", "finding", "treatment_started", "treatment_added", "treatment_held",
    "treatment_resumed", "treatment_stopped", "response", "progression", "relapse",
    "transplant", "radiotherapy", "surgery", "death", "last_follow_up",
]


class Event(Model):
    """One event of a patient's timeline, with the mentions it was read from."""

    kind: EventKind
    value: str | None = Field(
        default=None, description="What: the disease, alteration, drugs, response or status.")
    therapy: int | None = Field(
        default=None, description="The line it belongs to: an index into the record's "
                                  "therapies (as in its evidence keys, therapies[0]).")
    method: DetectionMethod | None = Field(
        default=None, description="For a finding: how it was found, said in its sentence.")
    modifiers: list[Modifier] = Field(
        default_factory=list, description="Negated, planned (hypothetical), about other "
                                          "patients or historical, from its mentions.")
    start: int = Field(description="Where the words that tell it start in the text.")
    end: int
    evidence: list[str] = Field(default_factory=list, description="Ids of its mentions.")


class CaseRecord(Model):
    case_id: str
    source: Literal["narrative", "table"]
    table: str | None = None
    row: int | None = None
    age_years: int | float | None = None
    sex: Sex | None = None
    diagnosis: str | None = None
    primary_site: str | None = None
    fusions: list[Fusion] = Field(default_factory=list)
    rearranged_genes: list[str] = Field(default_factory=list)
    variants: list[Variant] = Field(default_factory=list)
    therapies: list[Therapy] = Field(default_factory=list)
    detection_methods: list[DetectionMethod] = Field(default_factory=list)
    status: Status | None = None
    notes: str | None = None
    evidence: dict[str, list[str]] = Field(
        default_factory=dict, description="Field name -> ids of the mentions it came from."
    )
    timeline: list[Event] = Field(
        default_factory=list, description="The patient's course in story order, as told; "
                                          "provenance like evidence, never gold.")

    _lists = field_validator("fusions", "rearranged_genes", "variants", "therapies",
                             "detection_methods", "timeline", mode="before")(none_as_empty)


class DocumentInfo(Model):
    id: str
    title: str | None = None
    doi: str | None = None
    year: int | None = None


class Annotations(Model):
    """The gold-shaped part of a document: what a curator reads out of it."""

    document: DocumentInfo
    genes: list[str] = Field(default_factory=list)
    unresolved_genes: list[UnresolvedGene] = Field(default_factory=list)
    fusions: list[Fusion] = Field(default_factory=list)
    rearranged_genes: list[str] = Field(default_factory=list)
    variants: list[Variant] = Field(default_factory=list)
    drugs: list[str] = Field(default_factory=list)
    regimens: list[str] = Field(default_factory=list)
    cases: list[CaseRecord] = Field(default_factory=list)
    notes: str | None = None

    _lists = field_validator("genes", "unresolved_genes", "fusions", "rearranged_genes",
                             "variants", "drugs", "regimens", "cases", mode="before")(none_as_empty)


# ------------------------------------------------------------------ provenance


class Mention(Model):
    id: str
    type: MentionType
    text: str
    start: int
    end: int
    page: int | None = None
    section: str | None = None
    in_scope: bool = True
    sentence: str
    sentence_start: int
    sentence_end: int
    normalised: str | None = Field(
        default=None, description="Normal form per the guidelines (symbol, INN, HGVS...)."
    )
    rule: str = Field(description="The component or rule that produced the mention.")
    fusion: Fusion | None = None
    variant: Variant | None = None
    patient: PatientDescriptor | None = None
    modifiers: list[Modifier] = Field(
        default_factory=list, description="What its context says of it (negated, planned...).")


class RunInfo(Model):
    pipeline_version: str
    fingerprint: str = Field(description="Hash of the lexicons, rules and config in use.")
    source: SourceFile
    media_type: str
    pages: int
    extracted_at: str
    warnings: list[str] = Field(default_factory=list)
    metadata: ArticleMetadata | None = Field(
        default=None, description="The source's bibliographic fields (literature files).")


class Extraction(Annotations):
    """One document's extraction: gold-shaped fields plus provenance."""

    schema_version: str = SCHEMA_VERSION
    mentions: list[Mention] = Field(default_factory=list)
    run: RunInfo


# ------------------------------------------------------------------------ runs


class DocumentOutcome(Model):
    """What happened to one document in a run (plain data, passed between tasks)."""

    doc_id: str
    path: str
    status: Literal["done", "failed"]
    reason: str = Field(description="Why it was processed: new, changed, forced...")
    counts: dict[str, int] = Field(default_factory=dict)
    seconds: float = 0.0
    extracted_at: str | None = None
    warnings: list[str] = Field(default_factory=list, description="From reading the file.")
    failure: Failure | None = None


class IgnoredFile(Model):
    """A file or folder in an input folder that is no report, passed over (and said so)."""

    path: str
    reason: str


class RunSummary(Model):
    out_dir: str
    done: int
    skipped: int
    failed: int
    counts: dict[str, int]
    seconds: float
    tables_rebuilt: bool
    task_runner: str | None = Field(
        default=None, description="Where the documents ran (threads, processes, dask); "
                                  "None when none had to.")
    failures: list[Failure] = Field(default_factory=list)
    outcomes: list[DocumentOutcome] = Field(default_factory=list)
    diff: "DiffReport | None" = Field(default=None, description="With --gold: the gold diff.")
    stopped: str | None = Field(
        default=None, description="Why the run stopped before every document was done (the "
                                  "output folder full or read-only); None when it was not.")
    ignored: list[IgnoredFile] = Field(
        default_factory=list, description="What the input folders hold that is no report "
                                          "(another file type, a symbolic link loop).")
    sources_gone: list[str] = Field(
        default_factory=list, description="Ids of records whose source file is gone (removed "
                                          "with their rows by caselit run --prune).")


# -------------------------------------------------------------------- evaluate


class Score(Model):
    """Set counts and rates for one field, in one document or over the set."""

    field: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 1.0
    recall: float = 1.0
    f1: float = 1.0
    macro_f1: float | None = Field(
        default=None, description="Mean of per-document F1 over documents with any value.")
    orientation_errors: int = Field(
        default=0, description="Fusions printed reversed: each is also one FP and one FN.")


class Accuracy(Model):
    """Agreement of a per-case value over paired cases (null = null agrees)."""

    field: str
    method: str = Field(description="How two values are compared.")
    agreed: int = 0
    total: int = 0
    accuracy: float | None = None
    gold_total: int = Field(
        default=0, description="What the gold holds of the field, paired or not: its cases "
        "(its line pairs for line order). A missed case counts as disagreeing.")
    of_gold: float | None = Field(default=None, description="agreed / gold_total.")


class DiffItem(Model):
    """One disagreement with the gold, with the evidence for what was extracted."""

    doc_id: str
    field: str
    kind: Literal["FP", "FN", "mismatch"]
    value: str | None = Field(default=None, description="The extracted value (FP, mismatch).")
    gold: str | None = Field(default=None, description="The gold value (FN, mismatch).")
    case_id: str | None = None
    note: str | None = None
    sentence: str | None = None
    highlight: tuple[int, int] | None = Field(
        default=None, description="Span of the value within `sentence`, end exclusive.")
    page: int | None = None


class CaseCounts(Model):
    gold: int = 0
    predicted: int = 0
    paired: int = 0
    missed: list[str] = Field(default_factory=list)
    spurious: list[str] = Field(default_factory=list)


class DocumentDiff(Model):
    doc_id: str
    scores: list[Score]
    case_scores: list[Score]
    case_accuracy: list[Accuracy]
    cases: CaseCounts
    items: list[DiffItem]


class DiffReport(Model):
    created_at: str
    gold_dir: str
    extracted_dir: str
    documents: list[str]
    missing_records: list[str] = Field(
        default_factory=list, description="Gold documents with no extraction to score.")
    scores: list[Score]
    case_scores: list[Score]
    case_accuracy: list[Accuracy]
    cases: CaseCounts
    per_document: list[DocumentDiff]

    def score(self, field: str) -> Score:
        return next(score for score in self.scores + self.case_scores if score.field == field)


class ValueChange(Model):
    """Values of one field of one document that a new run gained or lost."""

    doc_id: str
    field: str
    gained: list[str] = Field(default_factory=list)
    lost: list[str] = Field(default_factory=list)


class RunDiff(Model):
    old_dir: str
    new_dir: str
    added_documents: list[str] = Field(default_factory=list)
    removed_documents: list[str] = Field(default_factory=list)
    unchanged_documents: int = 0
    changes: list[ValueChange] = Field(default_factory=list)


RunSummary.model_rebuild()
