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
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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


def get_settings() -> Settings:
    return Settings.from_env()
