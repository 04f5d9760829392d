"""Named crash points, for the tests that kill a run at its worst moments.

SQLite's crash tests kill the process at every step of a commit and check what survives;
these points do the same for a run. With ``CASELIT_CRASH_AT=<point>[:<n>]`` in the
environment, the n-th arrival (default the first) of a process at ``<point>`` sends
SIGKILL to the whole process group, as ``kill -9 -<pgid>`` would. Unset (always, outside
tests), a point costs one dictionary look-up.

Points: ``commit`` (a document's journal line is written), ``manifest`` (the compacted
manifest is complete, not yet renamed into place), ``tables`` (a document's table parts
are replaced, the later documents' and the CSV files not yet).

The limit tests need a document that takes too long on any machine: a text slow to tag
stops being slow when the tagger gets faster (a bracket-heavy one went from 59 s to
under 2). With ``CASELIT_STALL_AT=<point>:<text>``, a process at ``<point>`` for a key
holding ``<text>`` waits until it is killed. Point: ``read`` (a document is read; the key
is its file's path).
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

CRASH_AT = "CASELIT_CRASH_AT"
STALL_AT = "CASELIT_STALL_AT"
_arrivals: Counter[str] = Counter()


def crash_point(name: str) -> None:
    wanted = os.environ.get(CRASH_AT)
    if not wanted:
        return
    point, _, count = wanted.partition(":")
    if point != name:
        return
    _arrivals[name] += 1
    if _arrivals[name] == int(count or 1):
        os.killpg(os.getpgrp(), signal.SIGKILL)


def stall_point(name: str, key: str) -> None:
    wanted = os.environ.get(STALL_AT)
    if not wanted:
        return
    point, _, text = wanted.partition(":")
    if point == name and text in key:
        while True:  # until the worker's limit kills its process
            time.sleep(60)
