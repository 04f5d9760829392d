"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Write to a temporary file in the target's own folder (same file system), flush and
fsync it, then ``os.replace`` it over the target. Temporary files are named
``.<target>.<random>.tmp``, so what a killed process leaves behind can be found and
removed (:data:`TEMPORARY_GLOB`). Appends to a log are one ``write`` of whole lines,
fsynced (:func:`append_durably`).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Iterator


def process_umask() -> int:
    umask = os.umask(0)  # the only way to read it is to set it; put it straight back
    os.umask(umask)
    return umask


UMASK = process_umask()  # read once, at import: setting it later races other threads
TEMPORARY_SUFFIX = ".tmp"
TEMPORARY_GLOB = f".*{TEMPORARY_SUFFIX}"


def file_mode(target: Path) -> int:
    """The mode the written file gets: the replaced file's, else what a plain ``open``
    would give (0o666 less the umask); mkstemp's own 0o600 would hide records from the
    curators and services that read ``extracted/``."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~UMASK


def make_temporary(target: Path) -> tuple[int, Path]:
    """A new temporary file beside ``target`` (its folder made when missing), open for
    writing: (descriptor, path)."""
    make = functools.partial(tempfile.mkstemp, prefix=f".{target.name}.",
                             suffix=TEMPORARY_SUFFIX, dir=target.parent)
    try:
        handle, name = make()
    except FileNotFoundError:  # only then: a mkdir of a folder that exists fails, and costs
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = make()
    return handle, Path(name)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    For writers that want a path (pandas, pyarrow). On any exception the temporary file
    is removed and ``target`` is left as it was.
    """
    target = Path(target)
    handle, temporary = make_temporary(target)
    os.close(handle)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, file_mode(target))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_files(targets: list[Path]) -> Iterator[list[BinaryIO]]:
    """Temporary files, open for binary writing, for several files that are replaced
    together: only once every one is completely written and fsynced, in the order given,
    then made durable. A failure while writing (a full disk) leaves every target as it
    was, and no temporary file. Each file is written, synced and given its mode through
    the descriptor it was made with (opened once, not again by its path as
    :func:`atomic_path`'s writers do)."""
    made: list[tuple[Path, BinaryIO, Path]] = []  # (temporary, its file, target)
    try:
        for target in targets:
            handle, temporary = make_temporary(target)
            made.append((temporary, os.fdopen(handle, "wb"), target))
        yield [file for _, file, _ in made]
        for _, file, target in made:
            file.flush()
            os.fsync(file.fileno())
            os.fchmod(file.fileno(), file_mode(target))
            file.close()
        for temporary, _, target in made:
            os.replace(temporary, target)
    except BaseException:
        for temporary, file, _ in made:
            # closing flushes what is buffered, which fails again on a full disk; the
            # descriptor is closed all the same
            with contextlib.suppress(OSError):
                file.close()
            temporary.unlink(missing_ok=True)
        raise
    for folder in dict.fromkeys(target.parent for target in targets):
        fsync_directory(folder)


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


def replace_unsynced(target: Path, *chunks: bytes) -> None:
    """``target`` replaced by ``chunks``, written beside it under a fixed temporary name
    and renamed over it: a reader sees the old file or the new one, and a failed write (a
    full disk) leaves no temporary file. Not fsynced: for many small files of a folder
    locked by its run, which the caller syncs once (the tables' parts); a crash's leftover
    matches :data:`TEMPORARY_GLOB`."""
    temporary = target.with_name(f".{target.name}{TEMPORARY_SUFFIX}")
    try:
        with temporary.open("wb") as file:
            for chunk in chunks:
                file.write(chunk)
        os.replace(temporary, target)
    except BaseException:
        # only then: an unlink of the renamed name, a look-up that fails, cost 0.2 ms a
        # part at the end of a busy run (6,000 parts for 1,000 documents)
        temporary.unlink(missing_ok=True)
        raise


def atomic_write_text(target: str | Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def fsync_directory(folder: str | Path) -> None:
    """Make the renames and removals in ``folder`` durable (a rename is an entry of the
    folder, which has its own fsync)."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def append_durably(target: str | Path, data: bytes) -> None:
    """Append ``data`` with one ``write`` and fsync it. Appends of other processes never
    interleave with it (``O_APPEND``); a short write (a full disk) raises ``ENOSPC``."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        if os.write(descriptor, data) != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
