"""One run at a time per output folder.

Two runs writing one folder would interleave their manifest updates (a direct test lost
105 of 200 entries). A run that has work to do holds an exclusive ``flock`` on
``<out>/_run.lock`` from planning to its last write; a second run finds it taken and
stops at once with the holder's process id (:class:`~pipeline.errors.OutputBusyError`).
The kernel releases the lock when its holder exits, however it exits, so a killed run
never leaves the folder locked.

Within one process the lock is re-entrant: ``caselit run`` plans under it, then runs
the flow, which takes it again (a scheduled flow run takes it on its own).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from pathlib import Path
from typing import Iterator

from pipeline.errors import Errors, OutputBusyError

LOCK = "_run.lock"
_held: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, depth)
_guard = threading.Lock()


def holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


@contextlib.contextmanager
def output_lock(out_dir: str | Path) -> Iterator[None]:
    """Hold ``out_dir``'s run lock within; OutputBusyError when another process has it."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    path = (Path(out_dir) / LOCK).resolve()
    with _guard:
        if path in _held:
            descriptor, depth = _held[path]
            _held[path] = (descriptor, depth + 1)
        else:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                raise OutputBusyError(Errors.E502.format(folder=path.parent,
                                                         pid=holder(path))) from None
            with contextlib.suppress(OSError):  # who holds it, for the message: not vital
                os.ftruncate(descriptor, 0)
                os.write(descriptor, str(os.getpid()).encode())
            _held[path] = (descriptor, 1)
    try:
        yield
    finally:
        with _guard:
            descriptor, depth = _held[path]
            if depth > 1:
                _held[path] = (descriptor, depth - 1)
            else:
                del _held[path]
                os.close(descriptor)  # releases the flock
