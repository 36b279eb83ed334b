"""The kiosk's barcode scanner: what a scanned value is to the kiosk (pure), and the loop that reads it
on a thread of the agent.

A card signs in; a book's barcode label names a book (an untagged one, or one whose tag cannot be read);
a value that could be either is a book while a reader is signed in, else a card; anything else (an ISBN,
a label of another library) is neither.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Protocol

from devices.barcode.classify import ScanKind, ScanRules, classify
from devices.barcode.scanner import Scan

log = logging.getLogger(__name__)

SCANNER_POLL_S = 0.1  # the scanner thread's longest wait for bytes: how soon it notices a stop


class Scanner(Protocol):
    """The barcode scanner (`devices.barcode.scanner.ScannerDriver` is one)."""

    def scans(self, stop: threading.Event, poll_s: float = ...) -> Iterator[Scan]: ...


class Scanned(StrEnum):
    CARD = "card"
    BOOK = "book"
    OTHER = "other"


def what_was_scanned(value: str, rules: ScanRules, *, signed_in: bool) -> tuple[Scanned, str]:
    """What the value is to the kiosk, and the value as the rest of the system uses it."""
    classified = classify(value, rules)
    kind = classified.kind
    if kind is ScanKind.AMBIGUOUS:
        kind = ScanKind.ITEM if signed_in else ScanKind.PATRON
    scanned = {ScanKind.PATRON: Scanned.CARD, ScanKind.ITEM: Scanned.BOOK}.get(kind, Scanned.OTHER)
    return scanned, classified.value


def read_scanner(scanner: Scanner, stop: threading.Event, take: Callable[[str], None]) -> None:
    """Every scan to `take` until `stop` is set; a scan that could not be taken is logged, not fatal."""
    for scan in scanner.scans(stop, SCANNER_POLL_S):
        try:
            take(scan.value)
        except Exception:
            log.exception("kiosk: scan %r could not be taken", scan.value)
