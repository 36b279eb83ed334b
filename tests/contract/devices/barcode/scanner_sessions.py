"""Scanner sessions: a script for the virtual scanner, what the driver must make of it, and recording it.

The fixtures in tests/fixtures/scanner/ are these sessions recorded byte for byte through
`RecordingTransport` from the virtual scanner on a pty. A capture from a real scanner, recorded the same
way, can be added as another session with its expectations. Regenerate after changing a session:

    .venv/bin/python -m tests.contract.devices.barcode.scanner_sessions
"""

from __future__ import annotations

import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from devices.barcode.framing import RejectReason
from devices.barcode.profiles import ScannerProfile, load_profile
from devices.barcode.scanner import Scan, ScannerDriver, serial_settings
from devices.barcode.symbology import Symbology
from devices.sim.scanner import VirtualScanner, parse_script
from devices.transport import Event, RecordingTransport, SerialTransport, save_session

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "scanner"


@dataclass(frozen=True)
class Session:
    profile: str
    script: str
    scans: list[tuple[str, Symbology | None]]
    rejects: list[RejectReason] = field(default_factory=list)

    def fixture(self, name: str) -> Path:
        return FIXTURES / f"{name}.json"


SESSIONS: dict[str, Session] = {
    "generic-cr": Session(
        profile="generic-cr",
        script="""
            scan VV000123
            scan SV2100123
            garbage 00ff0d      # line noise, then a CR
            split NV000045 4
            scan 9786041234567 ean13
        """,
        scans=[("VV000123", None), ("SV2100123", None), ("NV000045", None), ("9786041234567", None)],
        rejects=[RejectReason.UNDECODABLE],
    ),
    "kiosk-aim": Session(
        profile="kiosk",
        script="""
            scan VV000123 code128
            scan SV2100123 qr
            scan 9786041234567 ean13
            scan NV000045 code39
            garbage 5656303030313233 0d  # VV000123 CR with no AIM identifier
            split HV2300045 5
        """,
        scans=[
            ("VV000123", Symbology.CODE128),
            ("SV2100123", Symbology.QR),
            ("9786041234567", Symbology.EAN13),
            ("NV000045", Symbology.CODE39),
            ("HV2300045", Symbology.CODE128),
        ],
        rejects=[RejectReason.MISSING_AIM],
    ),
    "stx-etx": Session(
        profile="stx-etx",
        script="""
            garbage 0000fe      # power-up noise before the first scan
            scan VV000123
            split SV2100123 3
            scan CB0001234 qr
        """,
        scans=[
            ("VV000123", Symbology.CODE128),
            ("SV2100123", Symbology.CODE128),
            ("CB0001234", Symbology.QR),
        ],
        rejects=[RejectReason.GARBAGE],
    ),
    "generic-crlf-overlong": Session(
        profile="generic-crlf",
        script=f"""
            garbage {"41" * 300}0d0a   # a stuck stream of 300 'A' then CR LF
            scan VV000123
        """,
        scans=[("VV000123", None)],
        rejects=[RejectReason.OVERLONG],
    ),
}


def outcome(
    scans: list[Scan], rejects: list[RejectReason]
) -> tuple[list[tuple[str, Symbology | None]], list[RejectReason]]:
    return [(scan.value, scan.symbology) for scan in scans], rejects


def run_live(
    session: Session, directory: Path, timeout_s: float = 10.0
) -> tuple[list[Scan], list[RejectReason], list[Event]]:
    """Plays the session on a virtual scanner and reads it with the driver over a recording transport."""
    profile: ScannerProfile = load_profile(session.profile)
    rejects: list[RejectReason] = []
    with VirtualScanner(profile, link=directory / "ttyScanner") as scanner:
        transport = RecordingTransport(SerialTransport(serial_settings(scanner.path, profile)))
        driver = ScannerDriver(transport, profile, on_reject=lambda reject: rejects.append(reject.reason))
        driver.open()
        player = threading.Thread(target=scanner.run, args=(parse_script(session.script),))
        player.start()
        scans: list[Scan] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and (
            len(scans) < len(session.scans) or len(rejects) < len(session.rejects)
        ):
            scans += driver.read(0.1)
        player.join()
        driver.close()
    return scans, rejects, transport.events


def record_all() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, session in SESSIONS.items():
        with tempfile.TemporaryDirectory() as directory:
            scans, rejects, events = run_live(session, Path(directory))
        if outcome(scans, rejects) != (session.scans, session.rejects):
            raise SystemExit(f"{name}: the live session did not give the expected scans: {scans} {rejects}")
        description = (
            f"virtual scanner, profile {session.profile}, script: {' | '.join(_script_lines(session))}"
        )
        save_session(session.fixture(name), events, description)


def _script_lines(session: Session) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in session.script.splitlines())
    return [line for line in lines if line]


if __name__ == "__main__":
    record_all()
