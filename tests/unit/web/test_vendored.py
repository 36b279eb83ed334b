"""Vendored files are exactly the ones their VENDORED.md records: the name, the sha256 and a licence."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from web.assets import WEB_STATIC

ROOT = Path(__file__).resolve().parents[3]
RECORDS = [WEB_STATIC / "vendor" / "VENDORED.md", ROOT / "tests" / "support" / "axe" / "VENDORED.md"]
ROW = re.compile(
    r"^\| `(?P<file>[^`]+)` \|.*\| `(?P<sha256>[0-9a-f]{64})` \| (?P<licence>[^|]+) \|$", re.MULTILINE
)


def _rows(record: Path) -> list[re.Match[str]]:
    return list(ROW.finditer(record.read_text(encoding="utf-8")))


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_vendored_file_matches_its_record(record: Path) -> None:
    rows = _rows(record)
    assert rows
    for row in rows:
        path = record.parent / row["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"], row["file"]
        licence_file = re.search(r"`([^`]+)`", row["licence"])
        assert licence_file is not None
        assert (record.parent / licence_file[1]).is_file()


def test_every_script_in_the_vendor_directory_is_recorded() -> None:
    recorded = {row["file"] for row in _rows(RECORDS[0])}
    assert {p.name for p in (WEB_STATIC / "vendor").glob("*.js")} == recorded
