"""The people-counter driver against the virtual counter on a real pty: reports come through, nonsense is
counted and never stops it, and an unplugged counter comes back by itself."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from devices.counter import CounterCounters, CounterProfile, LaneReport, PeopleCounter, get_counter_profile
from devices.sim.people_counter import VirtualPeopleCounter, simulated_counter
from devices.transport.serial_port import SerialTransport

QUIET = 3600.0  # the simulator's own reports are kept out of the way: the tests ask for them


def read_until(
    driver: PeopleCounter, done: Callable[[list[LaneReport]], bool], timeout: float = 5.0
) -> list[LaneReport]:
    """Every report read until `done(reports so far)`, or the timeout."""
    reports: list[LaneReport] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not done(reports):
        reports += driver.read(0.05)
    return reports


Harness = tuple[VirtualPeopleCounter, PeopleCounter]
OpenCounter = Callable[..., AbstractContextManager[Harness]]


@pytest.fixture
def counter(tmp_path: Path) -> OpenCounter:
    """`counter(profile=None, **simulated_counter options)`: a virtual counter on a pty and the driver."""

    def open_(profile: CounterProfile | None = None, **options: Any) -> AbstractContextManager[Harness]:
        chosen = profile or get_counter_profile("radar")
        return simulated_counter(chosen, tmp_path / "ttyCOUNTER", interval_s=QUIET, **options)

    return open_


def test_reports_come_through_with_each_lanes_totals(
    counter: OpenCounter,
) -> None:
    with counter(start_totals={1: (15000, 14990), 2: (300, 310)}) as (sim, driver):
        sim.walk(1, "in")
        sim.walk(2, "out")
        sim.walk(2, "out")
        sim.report()
        reports = read_until(driver, lambda r: len(r) >= 2)
    assert [(r.lane, r.in_total, r.out_total) for r in reports] == [(1, 15001, 14990), (2, 300, 312)]
    assert [r.seq for r in reports] == [1, 2]
    assert driver.counters().reports == 2


def test_the_beam_model_speaks_its_own_sentences(
    counter: OpenCounter,
) -> None:
    with counter(get_counter_profile("beam")) as (sim, driver):
        sim.walk(1, "in")
        sim.report()
        (report,) = read_until(driver, lambda r: len(r) >= 1)
    assert (report.lane, report.in_total, report.out_total) == (1, 1, 0)


def test_nonsense_is_counted_and_never_stops_the_driver(
    counter: OpenCounter,
) -> None:
    with counter() as (sim, driver):
        sim.send_raw(b"\x00\xff\xfe line noise \x13")
        sim.send_corrupted()
        sim.send_truncated()
        sim.send_nonsense()
        sim.send_raw(b"$" + b"9" * 500)  # a stuck transmitter
        sim.status = 4  # a blocked sensor
        sim.walk(1, "out")
        sim.report()
        reports = read_until(driver, lambda r: len(r) >= 2)
        counts = driver.counters()
    assert [(r.lane, r.out_total, r.status) for r in reports] == [(1, 1, 4), (2, 0, 4)]
    assert counts.bad_checksum == 1
    assert counts.bad_format == 2  # letters for digits, a field too many
    assert counts.out_of_range == 2
    assert counts.truncated == 1
    assert counts.too_long == 1
    assert counts.noise_bytes > 0
    assert counts.status_faults == 2


def test_an_unplugged_counter_comes_back_by_itself(
    counter: OpenCounter,
) -> None:
    with counter(reconnect_wait_s=0.1) as (sim, driver):
        sim.send_truncated()
        read_until(driver, lambda _r: driver.transport.counters().bytes_received > 0)  # the half sentence
        sim.unplug(for_s=0.3)
        read_until(driver, lambda _r: not driver.counters().connected)
        lost = driver.counters()
        read_until(driver, lambda _r: driver.counters().connected)
        sim.walk(1, "in")
        sim.report()
        reports = read_until(driver, lambda r: len(r) >= 2)
        back = driver.counters()
    assert (lost.link_losses, lost.connected) == (1, False)
    assert lost.truncated == 1  # the half sentence left when the cable went
    assert back.connected
    assert back.reconnects >= 1
    assert reports[0].in_total == 1


def test_a_counter_that_says_nothing_is_silent(tmp_path: Path) -> None:
    profile = replace(get_counter_profile("radar"), interval_s=0.02)
    with simulated_counter(profile, tmp_path / "ttyCOUNTER", interval_s=QUIET) as (sim, driver):
        read_until(driver, lambda _r: driver.counters().silent == 1, 2.0)
        assert driver.counters().silent == 1
        sim.report()
        read_until(driver, lambda r: len(r) >= 2)
        assert driver.counters().silent == 0


def test_counters_never_wait_for_the_port(counter: OpenCounter) -> None:
    """A read holds the port's lock while it waits (and while a lost link is reopened); a status or a
    footfall period asking for the counters must not wait behind it."""
    with counter() as (_sim, driver):
        assert isinstance(driver.transport, SerialTransport)
        answered: list[CounterCounters] = []
        asking = threading.Thread(target=lambda: answered.append(driver.counters()))
        with driver.transport._lock:  # as a read waiting for bytes holds it
            asking.start()
            asking.join(timeout=10)
            assert not asking.is_alive()
        assert answered[0].connected
