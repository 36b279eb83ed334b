"""Scripts for the virtual scanner: one step a line, with clear errors for lines it cannot read."""

from __future__ import annotations

import pytest

from devices.barcode.symbology import Symbology
from devices.sim.scanner import ScriptError, Step, parse_script


def test_every_step_kind() -> None:
    script = """
        # a morning at the kiosk
        scan VV000123
        scan SV2100123 qr       # phone screen
        split NV000045 3
        garbage 00ff 0d
        pause 0.25
        unplug
        replug
    """
    assert parse_script(script) == [
        Step("scan", value="VV000123"),
        Step("scan", value="SV2100123", symbology=Symbology.QR),
        Step("scan", value="NV000045", pieces=3),
        Step("garbage", data=b"\x00\xff\r"),
        Step("pause", seconds=0.25),
        Step("unplug"),
        Step("replug"),
    ]


def test_values_with_spaces_can_be_quoted() -> None:
    assert parse_script('scan "CODE 39 VALUE" code39') == [
        Step("scan", value="CODE 39 VALUE", symbology=Symbology.CODE39)
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("scan", "expected scan VALUE"),
        ("scan VV000123 morse", "morse"),
        ("split VV000123 0", "at least 1 piece"),
        ("split VV000123 many", "many"),
        ("garbage zz", "hexadecimal|non-hexadecimal"),
        ("pause -1", "negative"),
        ("unplug now", "expected scan VALUE"),
        ("dance", "expected scan VALUE"),
    ],
)
def test_bad_lines_name_the_line(line: str, problem: str) -> None:
    with pytest.raises(ScriptError, match=r"line 2") as caught:
        parse_script(f"scan VV000001\n{line}\n")
    assert caught.match(problem)
