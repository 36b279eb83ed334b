"""What goes on a label: the values only, independent of sheet and drawing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class ItemLabel:
    """A spine or inside-cover label: the item barcode, its call number and a short title."""

    barcode: str
    call_number: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class PatronCard:
    """A patron card label: the card number as a symbol and in print, and the holder's name."""

    card_number: str
    name: str = ""


class CardSymbols(StrEnum):
    """Which symbols carry the card number: Code 128 for laser scanners, QR for phone cameras, or both."""

    CODE128 = "code128"
    QR = "qr"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the page in millimetres, PDF-style: (x, y) is the bottom-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width
