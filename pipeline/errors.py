"""One catalogue of user-facing messages, so each can be searched for and tested.

Messages hold the bad value, the file and what is allowed. Exceptions are built-in types
(``ValueError``, ``FileNotFoundError``) so callers need no special knowledge to catch them.
"""

from __future__ import annotations

from pathlib import Path


class Errors:
    E001 = "empty file: no text after decoding"
    E002 = "binary file, not text: NUL byte at offset {offset}"
    E003 = (
        "not UTF-8 text: byte 0x{byte:02x} at offset {offset} cannot be decoded; "
        "re-save the file as UTF-8"
    )
    E004 = "unsupported file type '{suffix}'; supported: {allowed}"
    E005 = "no such file or folder"
    E006 = "document id '{doc_id}' is already taken by {other}; rename one of the files"
    E007 = "not a readable PDF: {reason}"
    E008 = "PDF has no extractable text on any of its {pages} page(s)"
    E009 = "encrypted PDF: a password is needed to read it"
    E010 = "truncated or damaged PDF (no end-of-file marker): {reason}"
    E011 = "PDF has no pages"
    E012 = "no text layer (scanned?): the pages are images; run OCR first"
    E013 = ("a run of {length:,} characters without a space at character {offset:,} (at most "
            "{limit:,}: CASELIT_MAX_WORD_CHARS); not prose that can be tagged")
    E014 = ("changed while it was being read, {attempts} times in a row (still being "
            "written?); not extracted this time: the next run reads it again")
    E015 = ("document id '{doc_id}' is taken in {out} by {other}, a different file; rename "
            "one of the two (records are named by the file's stem)")
    E016 = "a symbolic link back to {target}, a folder it is in: a loop, not followed"
    E017 = "not well-formed XML: line {line}, column {column}: {message}"
    E018 = ("not a literature file caselit reads: {found}; expected a JATS <article>, a "
            "MEDLINE <PubmedArticleSet> or <PubmedArticle>, or a BioC <collection> (BioC JSON "
            "for .json)")
    E019 = "no article {member!r} in this file (articles: {known})"
    E020 = "not valid BioC JSON: {reason}"
    E022 = "unknown export format {value!r}; one of: {allowed}"
    E023 = ("holds {count} articles ({ids}), and one is asked for; `caselit run` and "
            "caselit.extract_articles() read them all")
    E101 = (
        "{what} not found at {path}; set CASELIT_DATA_DIR (or --data-dir) to the folder "
        "holding hgnc/, drugs/ and corpora/, or fill one with `caselit data fetch` (see the "
        "README's Reference data section)"
    )
    E102 = "{file}: {where}: unknown key(s) {keys}; allowed: {allowed}"
    E103 = "{file}: {where}: {key} must be {expected}, got {value!r}"
    E104 = "{file}: {where}: missing required key(s) {keys}"
    E201 = "{file}: not valid JSON for an extraction: {reason}"
    E203 = "{folder}: no such {what} folder"
    E204 = "{folder}: no gold files (*.yaml) in this folder"
    E202 = "{file}: not a valid gold file: {reason}"
    E205 = "{file}: ends before the rows of {doc_id} that {state} places in it"
    E301 = "{file}: {where}: path {path!r} is listed twice"
    E302 = "{file}: {where}: a derived file needs a note saying how it was derived"
    E303 = "{url}: checksum mismatch: expected sha256 {expected}, got {actual}; nothing written"
    E304 = "{url}: download failed: {reason}"
    E305 = "derived, not downloaded ({url}): {note}"
    E306 = "{paths}: not a reference data file in the sources list; known: {known}"
    E401 = ("NER model {model!r} could not be loaded ({reason}); give an installed spaCy "
            "package name or a model folder in CASELIT_NER_MODELS")
    E402 = "NER model {model!r} has no entity recogniser (pipes: {pipes})"
    E403 = "cannot train a {entity} model: no {what} in {path}"
    E501 = "{name}={value!r}: a whole number of at least 1 is needed"
    E502 = ("{folder}: another caselit run (process {pid}) is writing this output folder; "
            "try again when it has finished")


    E503 = "{folder}: not a folder (a file is in the way)"
    E504 = "{folder}: the output folder cannot be written ({reason})"
    E505 = ("{folder}: {free:.1f} MB free on its file system, at least {needed:,} MB needed "
            "(CASELIT_MIN_FREE_MB)")
    E506 = "{path}: no such file or folder"
    E507 = "{problem} while writing {file}"
    E508 = "{problem}; {committed:,} document(s) committed, {left:,} not done: {advice}"
    E509 = "{name}={value!r}: a number of seconds, 0 or more, is needed"
    E510 = "{url}: {reason} (after {attempts} attempt(s))"
    E511 = "{what}: {reason}"
    E601 = ("took longer than {seconds:,.0f} s, the limit for a file of {size:.1f} MB "
            "(CASELIT_DOC_SECONDS + CASELIT_DOC_SECONDS_PER_MB per MB); stopped")
    E602 = ("its worker reached {used:,.0f} MB of memory, over the limit of {limit:,} MB "
            "(CASELIT_DOC_MEMORY_MB); stopped")
    E603 = "its worker process died ({how})"
    E701 = ("{record}: its document.id {doc_id!r} is not the record's file stem {stem!r}; "
            "a record is promoted only to the gold file named after it")
    E702 = "{target}: outside the gold folder {gold}; nothing written"
    E703 = ("{target}: the gold file exists or values are open, and this preview was not "
            "confirmed (or the file or decisions changed since): see the preview, confirm")
    E704 = "{value!r} is not a {what}: {allowed}"
    E901 = "The run's Prefect API server stopped before it answered: {error!r}"
    E902 = ("Prefect's ephemeral API server did not answer within {seconds:.0f} s "
            "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")


class Warnings:
    W001 = "{path}: decoded as {encoding} (byte-order mark)"
    W002 = "page {page}: no text extracted"
    W003 = ("page {page}: {missing} of {total} words ({share:.1f}%) are missing from the "
            "reading (content-loss guard: compared with every word on the page)")
    W004 = ("{path}: changed after the run listed it ({listed:,} bytes then, {read:,} when "
            "read); extracted as read")
    W005 = ("{path}: BioC document {member!r}: passage at offset {offset:,} overlaps the one "
            "before (which ends at {end:,}); laid out after it, its offsets kept in the "
            "source map")


class BadInputError(ValueError):
    """A source file that cannot be read as a case report. Never worth retrying."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NotLiteratureError(BadInputError):
    """A well-formed .xml or .json file that is no JSON/MEDLINE/BioC article: passed over in
    an input folder (a configuration file), a failure when named on its own."""


class RuleFileError(ValueError):
    """A rule or lexicon file under pipeline/resources is malformed."""


class GoldFileError(ValueError):
    """A gold annotation file that does not follow the guidelines' schema."""


class RecordError(ValueError):
    """An extraction record on disk that is not valid JSON for an Extraction."""


class FetchError(OSError):
    """A request to NCBI E-utilities that failed after its retries, or an answer that
    makes no sense."""


class DataSourceError(ValueError):
    """A reference data file asked for by name that the sources file does not list."""


class ModelError(ValueError):
    """A configured NER model that cannot be loaded or used, or a training run without data."""


class SettingError(ValueError):
    """An environment setting (``CASELIT_...``) with a value that is not allowed."""


class DocumentLimitError(RuntimeError):
    """A document stopped for passing a limit of time or memory, or whose worker died."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class OutputFolderError(ValueError):
    """An output folder that cannot take a run: a file, unwritable, or nearly full."""


class PromotionError(ValueError):
    """A reviewed document that cannot be written to its gold file (see E701-E703)."""


class OutputBusyError(RuntimeError):
    """Another run holds the output folder's lock. Worth trying again later."""


USER_ERRORS = (BadInputError, RuleFileError, GoldFileError, RecordError, DataSourceError,
               ModelError, SettingError, OutputFolderError, FileNotFoundError, FetchError)
