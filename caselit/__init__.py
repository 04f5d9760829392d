"""The ``caselit`` command line and Python API.

``caselit.extract(path_or_text)`` and the other functions of :mod:`caselit.api` are
loaded on first use, so the command line starts without the pipeline's imports.
"""

from __future__ import annotations

API = ("export", "extract", "extract_articles", "extract_with_doc", "fetch_pmc",
       "fetch_pubmed", "read")

__all__ = list(API)


def __getattr__(name: str):
    if name in API:
        from caselit import api

        return getattr(api, name)
    raise AttributeError(f"module 'caselit' has no attribute {name!r}")
