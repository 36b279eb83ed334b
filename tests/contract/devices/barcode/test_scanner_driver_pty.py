"""The scanner driver against the virtual scanner on real pseudo-terminals: profiles, faults, unplugging."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devices.barcode.framing import RejectedScan, RejectReason
from devices.barcode.profiles import load_profile, load_profiles
from devices.barcode.scanner import Scan, ScannerDriver, serial_settings
from devices.barcode.symbology import Symbology
from devices.sim.scanner import VirtualScanner, parse_script, simulated_scanner
from devices.transport import SerialTransport

# Generous: the machine is shared. Tests wait *until* something happens, never assert how fast.
PATIENCE_S = 10.0

Harness = tuple[VirtualScanner, ScannerDriver]


def collect(driver: ScannerDriver, count: int) -> list[Scan]:
    """Reads until `count` scans arrived, or patience runs out."""
    scans: list[Scan] = []
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline and len(scans) < count:
        scans += driver.read(0.05)
    return scans


def read_until(driver: ScannerDriver, condition: Callable[[], bool]) -> list[Scan]:
    """Keeps the driver reading until `condition` holds (or patience runs out); returns what it read."""
    scans: list[Scan] = []
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline and not condition():
        scans += driver.read(0.05)
    assert condition(), "the driver did not get there in time"
    return scans


def play_while_reading(scanner: VirtualScanner, driver: ScannerDriver, script: str, count: int) -> list[Scan]:
    """Plays the script on another thread while the driver reads, as a live scanner and agent would."""
    player = threading.Thread(target=scanner.run, args=(parse_script(script),))
    player.start()
    try:
        return collect(driver, count)
    finally:
        player.join()


def reconnected(driver: ScannerDriver) -> Callable[[], bool]:
    # pyserial empties the input buffer when it opens a port: a real scanner sends nothing until it is
    # plugged in and used, so the scripts scan only once the driver has the port open again.
    return lambda: driver.transport.counters().connected


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Harness]:
    with simulated_scanner(load_profile("kiosk"), tmp_path / "ttyScanner") as pair:
        yield pair


@pytest.mark.parametrize("profile_name", sorted(load_profiles()))
def test_every_shipped_profile_reads_scans_from_the_virtual_scanner(
    profile_name: str, tmp_path: Path
) -> None:
    profile = load_profile(profile_name)
    with simulated_scanner(profile, tmp_path / "tty") as (scanner, driver):
        before = datetime.now(UTC)
        # Pauses between scans: with no terminator and no suffix, a pause is what ends a scan, and a scan
        # arriving in pieces is only one scan when something other than timing marks its end.
        second = "split SV2100123 3" if profile.delimiter else "scan SV2100123"
        script = f"scan VV000123\npause 0.5\n{second}\npause 0.5\nscan HV2300045 qr"
        scans = play_while_reading(scanner, driver, script, 3)
        after = datetime.now(UTC)
    assert [scan.value for scan in scans] == ["VV000123", "SV2100123", "HV2300045"]
    if profile.aim_ids:
        assert [scan.symbology for scan in scans] == [Symbology.CODE128, Symbology.CODE128, Symbology.QR]
    else:
        assert {scan.symbology for scan in scans} == {None}
    assert all(before <= scan.at <= after for scan in scans)
    assert [scan.at for scan in scans] == sorted(scan.at for scan in scans)
    assert driver.stats.rejects == {}


def test_garbage_is_counted_and_reading_goes_on(kiosk: Harness) -> None:
    scanner, driver = kiosk
    rejected: list[RejectedScan] = []
    driver._on_reject = rejected.append
    scanner.garbage(bytes.fromhex("00ff13") + b"\r")
    scanner.garbage(b"]C0VV00\x07123\r")
    scanner.scan("VV000123")
    scans = collect(driver, 1)
    assert [scan.value for scan in scans] == ["VV000123"]
    assert [reject.reason for reject in rejected] == [RejectReason.UNDECODABLE, RejectReason.GARBAGE]
    assert driver.stats.rejects == {RejectReason.UNDECODABLE: 1, RejectReason.GARBAGE: 1}


def test_unplug_and_replug_resumes_reading(kiosk: Harness) -> None:
    scanner, driver = kiosk
    scanner.scan("VV000123")
    assert [scan.value for scan in collect(driver, 1)] == ["VV000123"]
    scanner.unplug()
    read_until(driver, lambda: not driver.stats.connected)
    scanner.replug()
    read_until(driver, reconnected(driver))
    scanner.scan("SV2100123", Symbology.QR)
    scans = collect(driver, 1)
    assert [(scan.value, scan.symbology) for scan in scans] == [("SV2100123", Symbology.QR)]
    assert driver.stats.link_losses == 1
    assert driver.stats.connected
    counters = driver.transport.counters()
    assert counters.disconnects == 1
    assert counters.reconnects == 1


def test_scan_cut_by_unplugging_is_reported_incomplete(kiosk: Harness) -> None:
    scanner, driver = kiosk
    rejected: list[RejectedScan] = []
    driver._on_reject = rejected.append
    scanner.garbage(b"]C0VV00")  # half a scan …
    read_until(driver, lambda: driver.transport.counters().bytes_received == 7)
    scanner.unplug()  # … then the cable is pulled
    read_until(driver, lambda: not driver.stats.connected)
    scanner.replug()
    read_until(driver, reconnected(driver))
    scanner.scan("VV000123")
    scans = collect(driver, 1)
    assert [scan.value for scan in scans] == ["VV000123"]
    assert [(reject.reason, reject.raw) for reject in rejected] == [(RejectReason.INCOMPLETE, b"]C0VV00")]


def test_scanner_plugged_in_after_the_driver_started(tmp_path: Path) -> None:
    profile = load_profile("generic-cr")
    link = tmp_path / "ttyLate"
    driver = ScannerDriver(SerialTransport(serial_settings(str(link), profile)), profile)
    driver.open()  # nothing there yet: not an error
    assert not driver.stats.connected
    assert driver.read(0.05) == []
    with VirtualScanner(profile, link=link) as scanner:
        read_until(driver, reconnected(driver))
        scanner.scan("NV000045")
        scans = collect(driver, 1)
    driver.close()
    assert [scan.value for scan in scans] == ["NV000045"]


def test_scans_iterator_stops_when_asked_without_dropping_what_it_read(kiosk: Harness) -> None:
    scanner, driver = kiosk
    stop = threading.Event()
    scanner.garbage(b"".join(scanner.frame(value) for value in ("VV000001", "VV000002", "VV000003")))
    seen: list[str] = []
    for scan in driver.scans(stop, poll_s=0.05):
        seen.append(scan.value)
        stop.set()
    # Stopping ends the iteration after the scans already read, which are never thrown away.
    assert seen == ["VV000001", "VV000002", "VV000003"][: len(seen)]
    assert seen
    assert driver.stats.scans == len(seen)
