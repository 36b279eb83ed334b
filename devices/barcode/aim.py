"""AIM symbology identifiers (ISO/IEC 15424): the `]Cm` prefix a scanner can put before the data.

`]` is the flag character, `C` names the symbology (case matters: `d` is Data Matrix, `D` is Telepen) and `m`
is a modifier, for example `]C1` (Code 128 with FNC1 in first position, i.e. GS1-128) or `]E4` (EAN-8).
Scanners send them only when told to; with them the driver knows the symbology without guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.barcode.symbology import Symbology

FLAG = "]"

_BY_CODE: dict[str, Symbology] = {
    "A": Symbology.CODE39,
    "C": Symbology.CODE128,
    "E": Symbology.EAN13,
    "F": Symbology.CODABAR,
    "G": Symbology.CODE93,
    "I": Symbology.ITF,
    "L": Symbology.PDF417,
    "Q": Symbology.QR,
    "d": Symbology.DATAMATRIX,
    "e": Symbology.DATABAR,
    "z": Symbology.AZTEC,
}

# Modifiers that change which symbology the bars are, rather than how the data was processed.
_BY_CODE_AND_MODIFIER: dict[str, Symbology] = {
    "C1": Symbology.GS1_128,
    "E4": Symbology.EAN8,
    "E1": Symbology.EAN_ADDON,
    "E2": Symbology.EAN_ADDON,
}

# The modifier a scanner sends for an ordinary symbol where `0` is not it: QR Code model 2 and ECC 200.
_USUAL_MODIFIER: dict[str, str] = {"Q": "1", "d": "1"}


@dataclass(frozen=True, slots=True)
class AimIdentifier:
    """A parsed identifier: the three characters as sent and the symbology they name."""

    text: str
    symbology: Symbology


def split_aim(body: str) -> tuple[AimIdentifier | None, str]:
    """Splits `]C1VV000123` into (`]C1` → code128 family, `VV000123`).

    Returns `(None, body)` unchanged when the body does not start with a well-formed identifier; the caller
    decides whether that is acceptable.
    """
    if len(body) < 3 or body[0] != FLAG:
        return None, body
    code, modifier = body[1], body[2]
    if not (code.isascii() and code.isalpha() and modifier.isascii() and modifier.isalnum()):
        return None, body
    symbology = _BY_CODE_AND_MODIFIER.get(code + modifier) or _BY_CODE.get(code, Symbology.UNKNOWN)
    return AimIdentifier(text=body[:3], symbology=symbology), body[3:]


def aim_prefix(symbology: Symbology) -> str:
    """The identifier a scanner would send for `symbology` (used by the simulator); `]X0` when none fits."""
    for code_and_modifier, candidate in _BY_CODE_AND_MODIFIER.items():
        if candidate is symbology:
            return FLAG + code_and_modifier
    for code, candidate in _BY_CODE.items():
        if candidate is symbology:
            return f"{FLAG}{code}{_USUAL_MODIFIER.get(code, '0')}"
    return f"{FLAG}X0"
