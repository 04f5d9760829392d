"""The garbage collector held off while a process makes what it keeps."""

import gc

from pipeline.collector import collector_spared


def test_objects_made_with_the_collector_spared_are_frozen_and_it_is_on_after():
    before = gc.get_freeze_count()
    try:
        with collector_spared():
            assert not gc.isenabled()
            made = [[index] for index in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= before + len(made)
    finally:
        gc.unfreeze()

