"""Named crash points, for the tests that kill a run at its worst moments.

SQLite's crash tests kill the process at every step of a commit and check what survives;
these points do the same for a run. With ``CASELIT_CRASH_AT=<point>[:<n>]`` in the
environment, the n-th arrival (default the first) of a process at ``<point>`` sends
SIGKILL to the whole process group, as ``kill -9 -<pgid>`` would. Unset (always, outside
tests), a point costs one dictionary look-up.

Points: ``commit`` (a document's journal line is written), ``manifest`` (the compacted
manifest is complete, not yet renamed into place), ``tables`` (a document's table parts
are replaced, the later documents' and the CSV files not yet).
"""

from __future__ import annotations

import os
import signal
from collections import Counter

CRASH_AT = "CASELIT_CRASH_AT"
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
