"""config/printers.toml: the project's profiles load, and a profile that cannot describe a printer is
refused, naming the file and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devices.printer.errors import PrinterProfileError
from devices.printer.profiles import Cutter, JobEnd, load_printer_profiles


def test_the_project_file_loads() -> None:
    profiles = load_printer_profiles()
    assert set(profiles.profiles) == {"tm-t88", "generic-80", "generic-58"}
    epson = profiles.get()
    assert epson.name == "tm-t88"
    assert (epson.dots_per_line, epson.chars_per_line, epson.code_pages) == (512, 42, (("cp1258", 52),))
    assert epson.vietnamese
    assert epson.job_end is JobEnd.PROCESS_ID
    small = profiles.get("generic-58")
    assert (small.dots_per_line, small.chars_per_line, small.cutter, small.qr) == (
        384,
        32,
        Cutter.NONE,
        False,
    )
    assert not small.vietnamese
    with pytest.raises(PrinterProfileError, match="no printer profile 'tm-u220'"):
        profiles.get("tm-u220")


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("dots_per_line = 500", "dots_per_line"),  # not whole bytes
        ("chars_per_line = 8", "chars_per_line"),
        ("code_pages = {}", "code_pages"),
        ("code_pages = { tcvn3 = 30 }", "code_pages"),  # no such codec
        ("code_pages = { cp437 = 300 }", "code_pages.cp437"),
        ('cutter = "guillotine"', "cutter"),
        ('job_end = "hope"', "job_end"),
        ("qr = 1", "qr"),
        ("qr_module_dots = 20", "qr_module_dots"),
        ('parity = "X"', "parity"),
        ("dots = 384", "dots"),
    ],
)
def test_bad_profiles_are_refused_naming_file_and_key(tmp_path: Path, table: str, key: str) -> None:
    path = tmp_path / "printers.toml"
    path.write_text(f"[profiles.kiosk]\n{table}\n", encoding="utf-8")
    with pytest.raises(
        PrinterProfileError, match=f"^{re.escape(str(path))}: profiles.kiosk.{re.escape(key)}"
    ):
        load_printer_profiles(path)


def test_a_default_that_is_not_defined_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "printers.toml"
    path.write_text('default = "tm"\n[profiles.kiosk]\n', encoding="utf-8")
    with pytest.raises(PrinterProfileError, match="default profile 'tm' is not defined"):
        load_printer_profiles(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(PrinterProfileError, match="defines no printer profiles"):
        load_printer_profiles(path)
