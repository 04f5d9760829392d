"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Write to a temporary file in the target's own folder (same file system), flush and
fsync it, then ``os.replace`` it over the target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    For writers that want a path (pandas, pyarrow). On any exception the temporary file
    is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def atomic_write_bytes(target: str | Path, data: bytes,
                       before_replace: Callable[[Path], None] | None = None) -> None:
    """Write ``data`` to ``target`` atomically.

    ``before_replace`` runs on the complete temporary file just before the rename; tests
    use it to simulate a crash at the worst moment.
    """
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)
        if before_replace is not None:
            before_replace(temporary)


def atomic_write_text(target: str | Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))
