"""The output folder as a place to write: checked before a run, watched during it.

:func:`check_output` runs before any work: ``--out`` must be a folder (or creatable), be
writable, and have ``CASELIT_MIN_FREE_MB`` free; otherwise the run stops at once with the
folder and the reason (it used to fail after all the work, with three tracebacks).

Write errors that say the folder takes no more (no space, a quota, a read-only file
system, the file size limit) are not transient: retrying them cost 253 s of sleeps before a
traceback. :func:`output_full` recognises them; a document worker stops at the first, the
run writes what it still can (:class:`Writes`) and ends with one line saying what
happened. Committed documents stay committed: the next run does only the rest.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import Iterator

from pipeline.errors import Errors, OutputFolderError

# errno name -> what to do about it
FULL = {
    "ENOSPC": "free some space, then run again to do the rest",
    "EDQUOT": "free some of the quota, then run again to do the rest",
    "EROFS": "the output folder's file system is read-only; run again on a writable one",
    "EFBIG": "a file would pass the file size limit (ulimit -f); raise it and run again",
}


def output_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and errno.errorcode.get(error.errno) in FULL


def problem(error: OSError) -> str:
    """'no space left on device (ENOSPC) while writing <file>'."""
    what = f"{os.strerror(error.errno).lower()} ({errno.errorcode[error.errno]})"
    return Errors.E507.format(problem=what, file=error.filename or "the output folder")


def stopped_message(problem_text: str, error_name: str, committed: int, left: int) -> str:
    return Errors.E508.format(problem=problem_text, committed=committed, left=left,
                              advice=FULL[error_name])


def existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_output(out_dir: str | Path, min_free_mb: int, writing: bool = True) -> None:
    """OutputFolderError unless ``out_dir`` is a folder (or can be made one) and, when the
    run will write, is writable with ``min_free_mb`` free."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputFolderError(Errors.E503.format(folder=out_dir))
    if not writing:
        return
    where = existing_ancestor(out_dir)
    if not where.is_dir():
        raise OutputFolderError(Errors.E503.format(folder=where))
    status = os.statvfs(where)
    if status.f_flag & os.ST_RDONLY:
        raise OutputFolderError(Errors.E504.format(folder=out_dir, reason="read-only file system"))
    if not os.access(where, os.W_OK | os.X_OK):
        raise OutputFolderError(Errors.E504.format(folder=out_dir, reason="permission denied"))
    free = status.f_bavail * status.f_frsize / 2**20
    if free < min_free_mb:
        raise OutputFolderError(Errors.E505.format(folder=out_dir, free=free, needed=min_free_mb))


class Writes:
    """The run's last writes (manifest, failures, tables, log) on a folder that may be
    full: each is tried, and the first that the folder refuses is remembered, not raised."""

    def __init__(self, refused: tuple[str, str] | None = None):
        # (problem, errno name): found earlier, by a document's write, or by one of these
        self.refused = refused

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        try:
            yield
        except OSError as error:
            if not output_full(error):
                raise
            self.refused = self.refused or (problem(error), errno.errorcode[error.errno])
