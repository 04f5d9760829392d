"""Processes that end with the run that started them, however it ends.

A process killed with SIGKILL runs no clean-up of its own, so what a run starts must end
by other means when the run is gone:

- :func:`die_with_parent`: the kernel signals a process when its parent exits
  (``prctl(PR_SET_PDEATHSIG)``), for the processes the run forks itself (document
  workers);
- :class:`Reaper`: for processes started by others' code (Prefect's API server), a small
  watcher in a session of its own, so that killing the run's process group does not kill
  it: the run registers each such process with it, and when the run's end of the pipe
  closes (the run exited, normally or not), it stops every process still registered
  (SIGTERM, then SIGKILL after :data:`GRACE_SECONDS`) and exits;
- :func:`exit_when_gone`: for a task runner's worker processes (a process pool, a local
  Dask cluster), a thread that ends the process once the run's process is no longer its
  parent.

Run as ``python -m pipeline.lifeline``, this module is the reaper: it reads lines
``+PID`` / ``-PID`` (a process; ``+-PGID`` / ``--PGID`` for a process group) from stdin.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Iterator

PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15
GRACE_SECONDS = 5.0
WATCH_SECONDS = 0.5


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def stopped_by_signals(received: list[int] | None = None) -> Iterator[None]:
    """Within: SIGTERM and SIGHUP end the process as Ctrl-C does (KeyboardInterrupt), so
    every ``finally`` runs and the run stops what it started. The signal is appended to
    ``received``."""
    def interrupt(signum, frame):
        if received is not None:
            received.append(signum)
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Have the kernel send ``sig`` to this process when its parent exits. (The signal
    comes when the parent *thread* that started this process exits: start such processes
    from a thread that lives as long as its process, or from a single-threaded one.)"""
    prctl(PR_SET_PDEATHSIG, sig)


def name_process(name: str) -> None:
    """The name ``ps``, ``top`` and /proc/PID/comm show for this process (15 bytes at most)
    instead of its command line's program."""
    prctl(PR_SET_NAME, ctypes.create_string_buffer(name.encode()[:15]))


def prctl(option: int, argument) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(option, argument, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


_watching: set[int] = set()


def exit_when_gone(parent: int) -> None:
    """End this process (``os._exit``) as soon as ``parent`` is no longer its parent.
    Once per process and parent."""
    if parent in _watching:
        return
    _watching.add(parent)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="caselit-exit-when-gone").start()


class Reaper:
    """The watcher of this process's helpers (see the module's docstring)."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.lifeline"], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            text=True)
        self.lock = threading.Lock()

    def tell(self, line: str) -> None:
        with self.lock, contextlib.suppress(OSError, ValueError):
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()

    def watch(self, pid: int, group: bool = False) -> None:
        """Stop ``pid`` (its process group when ``group``) if this process ends first."""
        self.tell(f"+{'-' if group else ''}{pid}")

    def forget(self, pid: int, group: bool = False) -> None:
        """``pid`` was stopped in the ordinary way."""
        self.tell(f"-{'-' if group else ''}{pid}")


_reaper: Reaper | None = None
_reaper_lock = threading.Lock()


def reaper() -> Reaper:
    """This process's reaper, started on first use."""
    global _reaper
    with _reaper_lock:
        if _reaper is None or _reaper.process.poll() is not None:
            _reaper = Reaper()
        return _reaper


def stop_all(targets: set[int]) -> None:
    """SIGTERM to each target (negative: a process group), SIGKILL to what remains."""
    def send(target: int, sig: int) -> bool:
        try:
            (os.killpg(-target, sig) if target < 0 else os.kill(target, sig))
            return True
        except (ProcessLookupError, PermissionError):
            return False

    alive = {target for target in targets if send(target, signal.SIGTERM)}
    deadline = time.monotonic() + GRACE_SECONDS
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = {target for target in alive if send(target, 0)}
    for target in alive:
        send(target, signal.SIGKILL)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the run; this outlives it
    targets: set[int] = set()
    for line in sys.stdin:
        with contextlib.suppress(ValueError):
            sign, target = line[0], int(line[1:])
            (targets.add if sign == "+" else targets.discard)(target)
    stop_all(targets)


if __name__ == "__main__":
    main()
