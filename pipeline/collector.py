"""The garbage collector held off while a process makes what it keeps for its life, and
run seldom where it would find next to nothing to free (a process's documents).

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


# A document's extraction holds a few thousand container objects alive at once (its words'
# spans, its mentions and the lists of them), which their reference counts free when it
# ends; what the collector itself frees is a few cycles. With Python's threshold, a young
# collection each 700 more of them alive, it ran five times a bench document in a document
# worker (847 young, 77 middle and 7 full collections over 200, with 503,080 objects
# frozen) and freed 178 objects in 30 documents: 3-4% of a worker's CPU. At this threshold
# a typical document (fewer alive at once) sees none: 4 young collections over the same
# 200. The run's process, staging each committed document's table parts, is alike (664
# young collections over 200 documents, 0.6 s of its 13 s of CPU).
DOCUMENT_THRESHOLD = 10_000


@contextmanager
def collected_seldom() -> Iterator[None]:
    """Within, a young collection only once :data:`DOCUMENT_THRESHOLD` more container
    objects are alive than at the last one (older generations as before); Python's
    threshold again after. For a process's documents (a document worker's, the run's
    staging): a long document, which holds many more, is still collected as it goes, and
    a cycle is freed by a collection at most that many allocations later."""
    saved = gc.get_threshold()
    gc.set_threshold(DOCUMENT_THRESHOLD, *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)
