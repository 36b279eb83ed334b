"""Recorded scanner bytes, replayed into the driver; and the virtual scanner still sending those bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.barcode.framing import RejectReason
from devices.barcode.profiles import load_profile
from devices.barcode.scanner import Scan, ScannerDriver
from devices.transport import ReplayTransport, load_session, merge_events
from tests.contract.devices.barcode.scanner_sessions import SESSIONS, outcome, run_live


@pytest.mark.parametrize("name", sorted(SESSIONS))
def test_recorded_session_replays_to_the_expected_scans(name: str) -> None:
    session = SESSIONS[name]
    profile = load_profile(session.profile)
    replay = ReplayTransport(load_session(session.fixture(name)))
    rejects: list[RejectReason] = []
    driver = ScannerDriver(replay, profile, on_reject=lambda reject: rejects.append(reject.reason))
    driver.open()
    scans: list[Scan] = []
    while not replay.finished:
        scans += driver.read(0.0)
    assert outcome(scans, rejects) == (session.scans, session.rejects)
    assert driver.stats.scans == len(session.scans)
    assert sum(driver.stats.rejects.values()) == len(session.rejects)


@pytest.mark.parametrize("name", sorted(SESSIONS))
def test_virtual_scanner_sends_exactly_the_recorded_bytes(name: str, tmp_path: Path) -> None:
    session = SESSIONS[name]
    scans, rejects, events = run_live(session, tmp_path)
    assert outcome(scans, rejects) == (session.scans, session.rejects)
    assert merge_events(events) == merge_events(load_session(session.fixture(name)))
