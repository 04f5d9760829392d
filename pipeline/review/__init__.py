"""Review stage: a curator accepts, corrects or rejects every extracted value beside its
evidence, decisions are kept in SQLite with their history, and a reviewed document is
promoted to a gold file.

Front door: :func:`create_app` (served by ``caselit review``).
"""

from pipeline.review.app import ReviewConfig, create_app

__all__ = ["ReviewConfig", "create_app"]
