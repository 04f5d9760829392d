import subprocess
import sys

import pytest

from pipeline.errors import OutputBusyError
from pipeline.store import output_lock
from tests.conftest import ROOT

HOLD = ("import sys, time; from pipeline.store import output_lock\n"
        "with output_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)")


def test_a_second_process_finds_the_folder_taken_and_is_told_by_whom(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(OutputBusyError, match=f"process {holder.pid}"):
            with output_lock(tmp_path):
                pass
    finally:
        holder.kill()
        holder.wait()
    with output_lock(tmp_path):  # released by the kernel when its holder died
        pass


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    with output_lock(tmp_path):
        with output_lock(tmp_path):
            pass
        with output_lock(tmp_path):
            pass
