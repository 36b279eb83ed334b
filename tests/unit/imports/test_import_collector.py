"""While an import runs, the cycle collector's youngest generation waits for more allocations; when the
last import of the process ends, the thresholds are what they were."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from server.services.imports.collector import YOUNG_THRESHOLD, fewer_collections


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_an_import_raises_the_young_threshold_and_puts_it_back(thresholds: tuple[int, int, int]) -> None:
    with fewer_collections():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    assert gc.get_threshold() == thresholds


def test_the_thresholds_come_back_after_the_last_of_two_overlapping_imports(
    thresholds: tuple[int, int, int],
) -> None:
    first_started, second_started, first_done = threading.Event(), threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def second() -> None:
        first_started.wait()
        with fewer_collections():
            second_started.set()
            first_done.wait()
            seen.append(gc.get_threshold())  # the first import has ended: still raised for this one

    other = threading.Thread(target=second)
    other.start()
    with fewer_collections():
        first_started.set()
        second_started.wait()
    first_done.set()
    other.join()
    assert seen == [(YOUNG_THRESHOLD, 10, 10)]
    assert gc.get_threshold() == thresholds


def test_an_import_leaves_the_collector_off_when_it_was_off(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(0, 10, 10)
    with fewer_collections():
        assert gc.get_threshold() == (0, 10, 10)
    assert gc.get_threshold() == (0, 10, 10)
    gc.set_threshold(*thresholds)


def test_an_import_that_fails_puts_the_thresholds_back(thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a broken file")
    assert gc.get_threshold() == thresholds
