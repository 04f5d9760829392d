import multiprocessing
import time

from flows.serve import end_flow_runs


def test_flow_runs_still_running_when_serving_stops_are_waited_for_then_terminated():
    spawn = multiprocessing.get_context("spawn")
    finishing = spawn.Process(target=time.sleep, args=(0.5,))  # reports its end and exits
    stuck = spawn.Process(target=time.sleep, args=(600,))  # never ends on its own
    finishing.start()
    stuck.start()
    end_flow_runs(grace=8.0)
    assert finishing.exitcode == 0  # waited for, not cut short
    assert stuck.exitcode is not None and stuck.exitcode < 0  # terminated by a signal
    assert not multiprocessing.active_children()
