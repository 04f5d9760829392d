"""What a process registers with its reaper ends when the process is killed outright;
what it stopped itself is left alone."""

import subprocess
import sys
import time

import psutil

from tests.conftest import ROOT

HELPERS = """
import subprocess, sys, time
from pipeline.lifeline import reaper
kept = subprocess.Popen(["sleep", "600"])
reaper().watch(kept.pid)
stopped = subprocess.Popen(["sleep", "600"])
reaper().watch(stopped.pid)
stopped.kill(); stopped.wait(); reaper().forget(stopped.pid)
print(kept.pid, reaper().process.pid, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_the_reaper_stops_what_a_killed_process_registered():
    owner = subprocess.Popen([sys.executable, "-c", HELPERS], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)
    helper, watcher = map(int, owner.stdout.readline().split())
    assert alive(helper)
    owner.kill()
    owner.wait()
    deadline = time.monotonic() + 20
    while (alive(helper) or alive(watcher)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(helper) and not alive(watcher)
