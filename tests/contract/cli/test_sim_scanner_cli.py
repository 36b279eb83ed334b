"""`stacks sim scanner`: a virtual scanner on a pty that a real driver reads, fed from standard input."""

from __future__ import annotations

import subprocess
import sys
import time

from devices.barcode.profiles import load_profile
from devices.barcode.scanner import Scan, ScannerDriver, serial_settings
from devices.transport.serial_port import SerialTransport


def test_typed_lines_arrive_as_scans() -> None:
    command = [sys.executable, "-m", "stacks", "sim", "scanner", "--profile", "generic-cr"]
    # Leaving the block closes the pipes and waits for the process.
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            assert process.stdin is not None
            path = process.stdout.readline().split(" on ")[-1].strip()
            profile = load_profile("generic-cr")
            driver = ScannerDriver(SerialTransport(serial_settings(path, profile)), profile)
            driver.open()
            try:
                process.stdin.write("VV000123\nSV2100123\n")
                process.stdin.flush()
                scans: list[Scan] = []
                deadline = time.monotonic() + 10
                while len(scans) < 2 and time.monotonic() < deadline:
                    scans += driver.read(0.2)
            finally:
                driver.close()
            assert [s.value for s in scans] == ["VV000123", "SV2100123"]
        finally:
            process.kill()
