"""`stacks sim printer` as a developer uses it: a separate process, the real driver pointed at its path, and
the paper saved as a PNG when it stops."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from PIL import Image

from devices.printer import EscPosPrinter, get_printer_profile
from devices.transport import SerialTransport, line_settings
from tests.contract.devices.printer.receipts import RECEIPT_VI

STACKS = Path(sys.executable).with_name("stacks")


def test_a_receipt_printed_to_the_simulator_process_is_saved_as_a_picture(tmp_path: Path) -> None:
    png = tmp_path / "paper.png"
    command = [str(STACKS), "sim", "printer", "--profile", "generic-58", "--json", "--duration", "60"]
    with subprocess.Popen(
        [*command, "--png", str(png)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        line = process.stdout.readline()
        assert line, process.stderr.read()
        info = json.loads(line)
        assert (info["profile"], info["baudrate"]) == ("generic-58", 115200)
        profile = get_printer_profile("generic-58")
        settings = replace(line_settings(info["path"], profile), parity="N")
        with EscPosPrinter(SerialTransport(settings), profile) as printer:
            result = printer.print_receipt(RECEIPT_VI)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        report = process.stderr.read()
    assert result.status.ready
    assert "printed 1 slip(s)" in report
    with Image.open(png) as picture:
        assert picture.width == profile.dots_per_line + 32
        assert picture.height > 800
