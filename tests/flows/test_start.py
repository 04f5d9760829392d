"""A run's head start: what a process of the run starts before it is needed."""

import subprocess
import sys

import psutil

from tests.conftest import ROOT

POOL_WORKER = """
from flows.start import pool_worker_start
from pipeline.worker import POOL, READY

pool_worker_start()
POOL.started_ahead()
(worker,) = POOL.idle
assert worker.connection.poll(120) and worker.connection.recv() == READY
print(worker.process.pid)
"""


def test_a_task_runners_worker_process_starts_its_document_worker_at_once_which_ends_with_it():
    """Before any chunk: the ``processes`` runner's initializer has a document worker
    loading the tagger (it says it is ready), and the worker ends with the process."""
    done = subprocess.run([sys.executable, "-c", POOL_WORKER], cwd=ROOT, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    worker = int(done.stdout.split()[-1])
    try:
        psutil.Process(worker).wait(timeout=30)  # raises TimeoutExpired if it lives on
    except psutil.NoSuchProcess:
        pass
    assert not psutil.pid_exists(worker)
