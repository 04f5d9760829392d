"""Where the pipeline finds its reference data and keeps its caches.

Read once from the environment; the CLI's ``--data-dir`` sets ``CASELIT_DATA_DIR``.

- ``CASELIT_DATA_DIR``: public reference data (HGNC, drug vocabularies, corpora);
  default ``../shared/data`` relative to the working directory.
- ``CASELIT_CACHE_DIR``: compiled lexicons, keyed by the hashes of their sources;
  default ``$XDG_CACHE_HOME/caselit`` or ``~/.cache/caselit``.
- ``CASELIT_PDF_ENGINE``: where PDF characters come from: ``pdfium`` (default, fast) or
  ``pdfplumber`` (the reader of record); see :mod:`pipeline.read.pdfchars`.
- ``CASELIT_NER_MODELS``: spaCy or scispaCy NER models (installed package names or
  folders, separated by commas) whose entities the taggers take as extra candidates, e.g.
  ``en_ner_bionlp13cg_md`` or a model from ``caselit model train``; default none.

The limits of a run's work (:class:`Limits`, :func:`get_limits`): they bound time, memory
and size, and a report within them is extracted as it always was.

- ``CASELIT_DOC_SECONDS`` (default 120) plus ``CASELIT_DOC_SECONDS_PER_MB`` (default 60)
  for each megabyte of the file: the time a document may take, read to committed, before
  it is stopped and listed as a failure. The 30 MB text of the benchmark took 414 s.
- ``CASELIT_DOC_MEMORY_MB`` (default 4096): the resident memory a document worker may
  reach, likewise. A worker starts at about 250 MB (the tagger); the 30 MB text of the
  benchmark took its worker to 1.2 GB.
- ``CASELIT_MAX_WORD_CHARS`` (default 1000): the longest run of characters without a
  space a text may hold. spaCy's tokenizer takes time quadratic in such a run when it is
  punctuation (a run of 16,000 brackets takes 17 s, 200,000 would take hours), and no
  report holds one: longer runs are refused with a named reason.
- ``CASELIT_PIECE_CHARS`` (default 200,000): a text longer than this is tagged and
  assembled in pieces of at most this size, cut between sections, paragraphs or lines
  (spaCy refuses texts over 1,000,000 characters, and case assembly takes time quadratic
  in a text's length). Reports are shorter: the seeds run to 23,000 characters.
- ``CASELIT_PDF_PIECE_PAGES`` (default 50): a PDF is read this many pages at a time, so
  the characters of a 500-page PDF are never all held at once.
- ``CASELIT_MIN_FREE_MB`` (default 20): the free space a run that has work to do needs
  on the output folder's file system before it starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from pipeline.errors import Errors, SettingError

DEFAULT_DATA_DIR = Path("../shared/data")
PDF_ENGINES = ("pdfium", "pdfplumber")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    cache_dir: Path
    pdf_engine: str = "pdfium"
    ner_models: tuple[str, ...] = ()

    @classmethod
    def from_env(cls) -> "Settings":
        data_dir = Path(os.environ.get("CASELIT_DATA_DIR") or DEFAULT_DATA_DIR)
        xdg = os.environ.get("XDG_CACHE_HOME")
        default_cache = Path(xdg) / "caselit" if xdg else Path.home() / ".cache" / "caselit"
        cache_dir = Path(os.environ.get("CASELIT_CACHE_DIR") or default_cache)
        engine = os.environ.get("CASELIT_PDF_ENGINE") or "pdfium"
        if engine not in PDF_ENGINES:
            raise ValueError(f"CASELIT_PDF_ENGINE={engine!r}: allowed are {', '.join(PDF_ENGINES)}")
        models = tuple(m.strip() for m in os.environ.get("CASELIT_NER_MODELS", "").split(",")
                       if m.strip())
        return cls(data_dir=data_dir.expanduser(), cache_dir=cache_dir.expanduser(),
                   pdf_engine=engine, ner_models=models)


# every variable Settings.from_env reads (HOME through Path.home and expanduser)
SETTINGS_VARIABLES = ("CASELIT_DATA_DIR", "XDG_CACHE_HOME", "CASELIT_CACHE_DIR",
                      "CASELIT_PDF_ENGINE", "CASELIT_NER_MODELS", "HOME")


def get_settings() -> Settings:
    """The settings of the environment as it is now. They are built again only when a
    variable they are read from changed: ``tag`` asks for them for each document, and
    building them (paths, the home folder) cost 60 µs, 1% of tagging a report."""
    return settings_for(tuple(os.environ.get(name) for name in SETTINGS_VARIABLES))


@lru_cache(maxsize=8)
def settings_for(variables: tuple[str | None, ...]) -> Settings:
    """The settings, cached by the values of ``SETTINGS_VARIABLES`` (``variables``)."""
    return Settings.from_env()  # an error is raised, not cached


def positive_int(name: str, default: int) -> int:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise SettingError(Errors.E501.format(name=name, value=text))
    return value


@dataclass(frozen=True)
class Limits:
    doc_seconds: int = 120
    doc_seconds_per_mb: int = 60
    doc_memory_mb: int = 4096
    max_word_chars: int = 1000
    piece_chars: int = 200_000
    pdf_piece_pages: int = 50
    min_free_mb: int = 20

    @classmethod
    def from_env(cls) -> "Limits":
        return cls(*(positive_int(f"CASELIT_{field.name.upper()}", field.default)
                     for field in fields(cls)))

    def seconds_for(self, size: int) -> float:
        """The time a document of ``size`` bytes may take."""
        return self.doc_seconds + self.doc_seconds_per_mb * size / 2**20


def get_limits() -> Limits:
    return Limits.from_env()


NCBI_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"


@dataclass(frozen=True)
class NcbiSettings:
    """NCBI E-utilities for ``caselit fetch``: ``CASELIT_NCBI_API_KEY`` (10 requests a
    second instead of 3), ``CASELIT_NCBI_EMAIL`` (NCBI asks for a contact), and
    ``CASELIT_NCBI_BASE_URL`` (a mirror; ``--base-url`` wins), ``CASELIT_NCBI_RETRIES``
    (4) and ``CASELIT_NCBI_BACKOFF`` (1.0 s, doubled at each retry)."""

    base_url: str = NCBI_BASE_URL
    api_key: str | None = None
    email: str | None = None
    retries: int = 4
    backoff: float = 1.0

    @property
    def requests_per_second(self) -> int:
        return 10 if self.api_key else 3

    @classmethod
    def from_env(cls) -> "NcbiSettings":
        text = os.environ.get("CASELIT_NCBI_BACKOFF") or "1.0"
        try:
            backoff = float(text)
        except ValueError:
            backoff = -1.0
        if backoff < 0:
            raise SettingError(Errors.E509.format(name="CASELIT_NCBI_BACKOFF", value=text))
        return cls(base_url=(os.environ.get("CASELIT_NCBI_BASE_URL") or NCBI_BASE_URL).rstrip("/"),
                   api_key=os.environ.get("CASELIT_NCBI_API_KEY") or None,
                   email=os.environ.get("CASELIT_NCBI_EMAIL") or None,
                   retries=positive_int("CASELIT_NCBI_RETRIES", 4), backoff=backoff)
