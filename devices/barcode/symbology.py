"""Normalised symbology names, shared by image decoding, scanner framing and labels.

Decoders name symbologies their own way (zbar says `CODE128`, `QRCODE`, `I25`; scanners send AIM identifiers
such as `]C1`). Everything above the device layer sees one lower-case vocabulary instead.
"""

from __future__ import annotations

from enum import StrEnum


class Symbology(StrEnum):
    """A barcode symbology, named the same way wherever the value came from."""

    CODE128 = "code128"
    GS1_128 = "gs1-128"
    CODE39 = "code39"
    CODE93 = "code93"
    CODABAR = "codabar"
    ITF = "itf"
    EAN13 = "ean13"
    EAN8 = "ean8"
    UPCA = "upca"
    UPCE = "upce"
    ISBN10 = "isbn10"
    EAN_ADDON = "ean-addon"
    DATABAR = "databar"
    DATABAR_EXPANDED = "databar-expanded"
    QR = "qr"
    DATAMATRIX = "datamatrix"
    PDF417 = "pdf417"
    AZTEC = "aztec"
    UNKNOWN = "unknown"


# zbar reports ISBN-13 and UPC-A as separate types only when asked to; whichever it reports, the bars are EAN.
_ZBAR_NAMES: dict[str, Symbology] = {
    "CODE128": Symbology.CODE128,
    "CODE39": Symbology.CODE39,
    "CODE93": Symbology.CODE93,
    "CODABAR": Symbology.CODABAR,
    "I25": Symbology.ITF,
    "EAN13": Symbology.EAN13,
    "ISBN13": Symbology.EAN13,
    "EAN8": Symbology.EAN8,
    "UPCA": Symbology.UPCA,
    "UPCE": Symbology.UPCE,
    "ISBN10": Symbology.ISBN10,
    "EAN2": Symbology.EAN_ADDON,
    "EAN5": Symbology.EAN_ADDON,
    "DATABAR": Symbology.DATABAR,
    "DATABAR_EXP": Symbology.DATABAR_EXPANDED,
    "QRCODE": Symbology.QR,
    "PDF417": Symbology.PDF417,
}


def from_zbar(type_name: str) -> Symbology:
    """Maps a zbar/pyzbar type name (`CODE128`, `QRCODE`, …) to its normalised symbology."""
    return _ZBAR_NAMES.get(type_name.upper(), Symbology.UNKNOWN)
