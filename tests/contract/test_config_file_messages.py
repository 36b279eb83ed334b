"""What a person sees when a configuration file is wrong: the file, the key, what it must be.

One table per file of config/ (and the label sheet files `stacks labels --layout-file` reads): a value of
the wrong type, an unknown key, a missing key and a value outside its enumeration, each as the whole
message its loader raises in that layer's own error class.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest

from devices.barcode.classify import load_rules
from devices.barcode.profiles import ProfileError as ScannerProfileError
from devices.barcode.profiles import load_profiles as load_scanner_profiles
from devices.counter.profiles import CounterProfileError, load_counter_profiles
from devices.feig.profiles import ProfileError as ReaderProfileError
from devices.feig.profiles import load_profiles as load_reader_profiles
from devices.labels.layout import LayoutError, load_layout
from devices.printer.errors import PrinterProfileError
from devices.printer.profiles import load_printer_profiles
from devices.rfid.security import SecuritySettings, SecuritySettingsError
from devices.tagdata.errors import TagDataSettingsError
from devices.tagdata.settings import TagDataSettings
from edge.gate.settings import GateConfigError, load_gate_config
from server.errors import ConfigurationError
from server.services.policies import load_policies
from server.settings import REPO_CONFIG_DIR
from stacks.broker.registry import RegistryError, load_devices

POLICIES = (REPO_CONFIG_DIR / "policies.toml").read_text(encoding="utf-8")
WEEKDAYS = "'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday' or 'sunday'"


def _policies(path: Path) -> object:
    return load_policies(path, ZoneInfo("Asia/Ho_Chi_Minh"))


def _edited_policies(old: str, new: str) -> str:
    assert old in POLICIES, f"config/policies.toml no longer holds {old!r}"
    return POLICIES.replace(old, new, 1)


KIOSK = '[[device]]\nid = "kiosk-01"\nkind = "kiosk"\n'
ISIL = '[data_model]\nisil = "VN-VNULIC"\n'
GRID = "[layout]\nrows = 2\ncolumns = 2\nlabel_width = 50\n"


class Case(NamedTuple):
    file: str
    load: Callable[[Path], object]
    error: type[Exception]
    content: str
    message: str  # after "<path>: "


def cases(
    file: str, load: Callable[[Path], object], error: type[Exception], *rows: tuple[str, str]
) -> list[Case]:
    return [Case(file, load, error, content, message) for content, message in rows]


CASES = [
    *cases(
        "devices.toml",  # the broker's device registry
        load_devices,
        RegistryError,
        (KIOSK + "location = 3\n", "line 4: device[0].location: must be a string, got 3"),
        (KIOSK + 'locaton = "hall"\n', "line 4: device[0].locaton: unknown setting"),
        ('[[device]]\nid = "kiosk-01"\n', "line 1: device[0].kind: is required"),
        (
            '[[device]]\nid = "kiosk-01"\nkind = "toaster"\n',
            "line 3: device[0].kind: must be 'kiosk', 'gate', 'handheld', 'station' or 'server', "
            "got 'toaster'",
        ),
        ('[[devices]]\nid = "kiosk-01"\n', "line 1: devices: unknown setting"),
    ),
    *cases(
        "readers.toml",  # reader profiles
        load_reader_profiles,
        ReaderProfileError,
        ('[profiles.cpr]\neas = "false"\n', "profiles.cpr.eas: must be true or false, got 'false'"),
        ('[profiles.cpr]\nblocks_order = "memory"\n', "profiles.cpr.blocks_order: unknown setting"),
        ('default = "cpr"\n', "defines no reader profiles"),
        (
            '[profiles.cpr]\nblock_order = "sideways"\n',
            "profiles.cpr.block_order: must be 'memory' or 'reversed', got 'sideways'",
        ),
        ('default = "mr102"\n[profiles.cpr]\n', "default profile 'mr102' is not defined (known: cpr)"),
        (
            "[profiles.cpr.outputs]\ncommand = 0x73\nchannels = { horn = { shift = 4 } }\n",
            "profiles.cpr.outputs.command: must be 0x71, 0x72 or 0 (none), got 0x73; "
            "profiles.cpr.outputs.channels.horn: must be 'green_led', 'red_led', 'blue_led', 'buzzer' or "
            "'relay', got 'horn'",
        ),
    ),
    *cases(
        "scanners.toml",  # scanner profiles
        load_scanner_profiles,
        ScannerProfileError,
        ("[scanners.desk]\naim_ids = 1\n", "scanners.desk.aim_ids: must be true or false, got 1"),
        ('[scanners.desk]\ncolour = "red"\n', "scanners.desk.colour: unknown setting"),
        ("[classification]\nfold_case = true\n", "expected [scanners.NAME] tables"),
        (
            '[scanners.desk]\nterminator = "ETX"\n',
            "scanners.desk.terminator: must be 'CR', 'LF', 'CRLF', 'TAB' or 'NONE', got 'ETX'",
        ),
        (
            '[scanner.desk]\nterminator = "CR"\n',
            "unknown section(s): scanner (known: scanners, classification)",
        ),
    ),
    *cases(
        "scanners.toml",  # the classification of scanned values
        load_rules,
        ScannerProfileError,
        ("[classification]\nfold_case = 1\n", "classification.fold_case: must be true or false, got 1"),
        ('[classification]\nitem_patern = "[0-9]{8}"\n', "classification.item_patern: unknown setting"),
    ),
    *cases(
        "tags.toml",  # the tag data model
        TagDataSettings.from_toml,
        TagDataSettingsError,
        (ISIL + 'block_size = "4"\n', "data_model.block_size: must be an integer, got '4'"),
        (ISIL + "size = 34\n", "data_model.size: unknown setting"),
        ("[data_model]\nblock_size = 4\n", "data_model.isil: is required"),
        (
            ISIL + 'part_bytes = "parts"\n',
            "data_model.part_bytes: must be 'count_first' or 'number_first', got 'parts'",
        ),
    ),
    *cases(
        "tags.toml",  # item security
        SecuritySettings.from_toml,
        SecuritySettingsError,
        ('[security]\ngate_alarm_ms = "loud"\n', "security.gate_alarm_ms: must be an integer, got 'loud'"),
        ("[security]\nafi_secure = 7\n", "security.afi_secure: unknown setting"),
        (ISIL, "no [security] section"),
        (
            '[security]\nmechanism = "magnet"\n',
            "security.mechanism: must be 'afi', 'eas' or 'both', got 'magnet'",
        ),
        ("[security]\nafi_secured = 0xC2\n", "security: afi_secured and afi_unsecured must differ"),
    ),
    *cases(
        "counters.toml",  # people-counter profiles
        load_counter_profiles,
        CounterProfileError,
        ("[profiles.radar]\nlanes = 2.0\n", "profiles.radar.lanes: must be an integer, got 2.0"),
        ("[profiles.radar]\nlane_count = 2\n", "profiles.radar.lane_count: unknown setting"),
        ('default = "radar"\n', "defines no counter profiles"),
        (
            '[profiles.radar]\nchecksum = "crc"\n',
            "profiles.radar.checksum: must be 'xor' or 'sum', got 'crc'",
        ),
    ),
    *cases(
        "printers.toml",  # receipt printer profiles
        load_printer_profiles,
        PrinterProfileError,
        ("[profiles.kiosk]\nqr = 1\n", "profiles.kiosk.qr: must be true or false, got 1"),
        ("[profiles.kiosk]\ncolumns = 42\n", "profiles.kiosk.columns: unknown setting"),
        ('default = "kiosk"\n', "defines no printer profiles"),
        (
            '[profiles.kiosk]\ncutter = "knife"\n',
            "profiles.kiosk.cutter: must be 'none', 'partial' or 'full', got 'knife'",
        ),
        (
            "[profiles.kiosk]\ncode_pages = { tcvn3 = 30 }\n",
            "profiles.kiosk.code_pages: unknown codec(s) tcvn3 (Python codec names, e.g. cp1258)",
        ),
    ),
    *cases(
        "gates.toml",  # how each gate is wired
        lambda path: load_gate_config("gate-01", path),
        GateConfigError,
        (
            "[gates.gate-01]\nfootfall_period_s = '60'\n",
            "line 2: gates.gate-01.footfall_period_s: must be an integer, got '60'",
        ),
        ("[gates.gate-01]\nreader = 'x'\n", "line 2: gates.gate-01.reader: unknown setting"),
        ("[gates.gate-02]\n", "no [gates.gate-01] table (gates: gate-02)"),
    ),
    *cases(
        "policies.toml",  # the circulation policy
        _policies,
        ConfigurationError,
        (
            _edited_policies("loan_days = 14\n", 'loan_days = "14"\n'),
            "line 44: rules[0].loan_days: must be an integer, got '14'",
        ),
        (
            _edited_policies("fine_limit = 50000 ", "fine_limt = 50000 "),
            "line 51: rules[0].fine_limt: unknown setting",
        ),
        (
            _edited_policies('pickup_location = "TTTT-T1-QUAY"\n', ""),
            "line 7: library.pickup_location: is required",
        ),
        (
            _edited_policies('closed_weekdays = ["sunday"]', 'closed_weekdays = ["caturday"]'),
            f"line 10: library.closed_weekdays[0]: must be {WEEKDAYS}, got 'caturday'",
        ),
    ),
    *cases(
        "sheet.toml",  # a label sheet layout
        load_layout,
        LayoutError,
        (GRID + 'label_height = "30"\n', "layout.label_height: must be a number, got '30'"),
        (GRID + "label_height = 30\nbleed = 1\n", "layout.bleed: unknown setting"),
        (GRID, "layout.label_height: is required"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{case.file}: {case.message[:60]}" for case in CASES])
def test_a_bad_file_is_told_by_file_and_key(tmp_path: Path, case: Case) -> None:
    path = tmp_path / case.file
    path.write_text(case.content, encoding="utf-8")
    with pytest.raises(case.error) as caught:
        case.load(path)
    assert str(caught.value) == f"{path}: {case.message}"
