"""The garbage collector held off while a process makes what it keeps."""

import gc
import subprocess
import sys

from pipeline.collector import collector_spared
from tests.conftest import ROOT


def test_objects_made_with_the_collector_spared_are_frozen_and_it_is_on_after():
    before = gc.get_freeze_count()
    try:
        with collector_spared():
            assert not gc.isenabled()
            made = [[index] for index in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= before + len(made)
    finally:
        gc.unfreeze()


def test_a_document_workers_tagger_is_made_with_the_collector_spared():
    """As a worker starts: the tagger's objects are left out of later collections, and
    the collector is on for the documents."""
    script = ("import gc\nfrom pipeline.worker import preload_tagger\n"
              "preload_tagger()\nprint(gc.isenabled(), gc.get_freeze_count())\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    enabled, frozen = done.stdout.split()
    assert enabled == "True" and int(frozen) > 100_000
