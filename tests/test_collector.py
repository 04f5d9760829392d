"""The garbage collector held off while a process makes what it keeps, and run seldom over
a process's documents."""

import gc
import weakref

from pipeline.collector import DOCUMENT_THRESHOLD, collected_seldom, collector_spared


def test_objects_made_with_the_collector_spared_are_frozen_and_it_is_on_after():
    before = gc.get_freeze_count()
    try:
        with collector_spared():
            assert not gc.isenabled()
            made = [[index] for index in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= before + len(made)
    finally:
        gc.unfreeze()


class Node:
    __slots__ = ("other", "__weakref__")  # one object for the collector


def dropped_cycles(count: int) -> list[weakref.ref]:
    """``count`` objects each referring to itself, no longer referred to from outside (with
    the weak references to them, two objects for the collector each)."""
    found = []
    for _ in range(count):
        node = Node()
        node.other = node
        found.append(weakref.ref(node))
    return found


def test_collected_seldom_cycles_wait_for_the_threshold_and_are_then_freed_without_asking():
    saved = gc.get_threshold()
    with collected_seldom():
        assert gc.get_threshold() == (DOCUMENT_THRESHOLD, *saved[1:])
        gc.collect()
        first = dropped_cycles(DOCUMENT_THRESHOLD // 4)
        assert all(ref() is not None for ref in first)  # no collection yet (at 700 it would)
        dropped_cycles(DOCUMENT_THRESHOLD)
        assert all(ref() is None for ref in first)  # a young collection came on its own
    assert gc.get_threshold() == saved
