"""The garbage collector held off while a process makes what it keeps for its life.

Only in processes caselit owns: the CLI's run, its Prefect API server, document workers,
and the ``processes`` runner's worker processes a run starts ahead (:mod:`flows.start`).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_spared() -> Iterator[None]:
    """Within, the garbage collector off; on the way out, the objects made within left out
    of later collections (frozen) and the collector on again. For what a process makes
    once and keeps, over which the collector otherwise runs again and again while it is
    made: the run's imports (Prefect, pandas: some 170,000 objects, 0.25-0.45 s of their
    2 s of CPU), its API server's app (:mod:`flows.server_app`), and a document worker's
    tagger (some 490,000 objects, 0.4-0.6 s of its 2.3-2.9 s load; the worker's RSS the
    same, 208 against 211 MiB)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
