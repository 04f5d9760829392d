"""The span helpers give what trying every span or item would give."""

import itertools
import random

from types import SimpleNamespace

from pipeline.assemble.spans import Covered, Placed, reach, starting_within
from pipeline.assemble.therapies import within


def test_covered_is_any_span_holding_the_offset():
    # overlapping, touching, nested, empty and reversed spans
    spans = [(5, 9), (9, 12), (20, 30), (22, 25), (40, 40), (50, 45), (60, 61)]
    covered = Covered(spans)
    for offset in range(-2, 70):
        assert (offset in covered) == any(start <= offset < end for start, end in spans), offset


def test_covered_matches_trying_every_span_on_random_spans():
    chance = random.Random(18)
    for _ in range(200):
        spans = [(a, a + chance.randint(-2, 8)) for a in
                 (chance.randint(0, 60) for _ in range(chance.randint(0, 6)))]
        covered = Covered(spans)
        for offset in range(0, 75):
            assert (offset in covered) == any(a <= offset < b for a, b in spans)


def test_nothing_is_covered_by_no_spans():
    assert 0 not in Covered([])


def test_starting_within_keeps_the_items_in_their_order():
    items = [(3, "a"), (3, "b"), (7, "c"), (10, "d"), (10, "e"), (15, "f")]
    starts = [start for start, _ in items]
    for start, end in itertools.product(range(0, 18), repeat=2):
        assert starting_within(items, starts, start, end) == [
            item for item in items if start <= item[0] < end]


def test_the_reach_of_spans_holds_every_offset_any_of_them_covers():
    spans = [(20, 30), (5, 9), (22, 25)]
    start, end = reach(spans)
    assert (start, end) == (5, 30)
    assert all(start <= offset < end for offset in range(100) if offset in Covered(spans))
    assert reach([]) == (0, 0)


def test_placed_mentions_inside_a_stretch_are_those_within_finds_in_their_order():
    # unsorted, overlapping, nested and empty spans, stretches cutting through them
    chance = random.Random(18)
    items = [SimpleNamespace(start=a, end=a + chance.randint(0, 9))
             for a in (chance.randint(0, 60) for _ in range(40))]
    placed = Placed(items)
    for start, end in itertools.product(range(-1, 72, 3), repeat=2):
        assert list(map(id, placed.within(start, end))) == list(map(id, within(items, start, end)))
