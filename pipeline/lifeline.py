"""Processes that end with the run that started them.

A process killed with SIGKILL runs no clean-up of its own, so each process a run starts
must notice its parent's death by itself. On Linux, ``prctl(PR_SET_PDEATHSIG)`` has the
kernel signal a process when its parent exits, however it exits.
"""

from __future__ import annotations

import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Have the kernel send ``sig`` to this process when its parent exits. (The signal
    comes when the parent *thread* that started this process exits: for processes
    started by a single-threaded parent, such as multiprocessing's forkserver.)"""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
