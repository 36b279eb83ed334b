"""Is a scanned value an item barcode, a patron card or something else? A pure function of settings.

The patterns are site settings (`[classification]` in `config/scanners.toml`): libraries number their items
and cards in their own ways, and change schemes when they migrate. A value both patterns accept is
ambiguous and reported as such, never guessed. A book's own EAN-13 (an ISBN, 978/979…) is recognised so a
kiosk can say "scan the library barcode, not the ISBN" instead of "unknown item".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import model_validator

from contract.config_files import ConfigModel
from devices.barcode.profiles import SECTIONS, ProfileError, config_path
from devices.config import load_section

# The library's numbering (and the seed data): two letters and six digits for items (VV000123, NV000045),
# SV/HV/CB and seven digits for patron cards (SV2100123 students, HV2300045 postgraduates, CB0001234 staff).
DEFAULT_ITEM_PATTERN = r"[A-Z]{2}[0-9]{6}"
DEFAULT_PATRON_PATTERN = r"(SV|HV|CB)[0-9]{7}"
MAX_VALUE_LENGTH = 16


class ScanKind(StrEnum):
    ITEM = "item"
    PATRON = "patron"
    ISBN = "isbn"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ScanRules:
    """Full-match patterns for item barcodes and patron card numbers (ASCII alphanumerics, ≤ 16 chars)."""

    item_pattern: str = DEFAULT_ITEM_PATTERN
    patron_pattern: str = DEFAULT_PATRON_PATTERN
    # Scanners can be set to send lower case; labels print upper case. Fold before matching.
    fold_case: bool = True
    recognise_isbn: bool = True

    def __post_init__(self) -> None:
        for name in ("item_pattern", "patron_pattern"):
            try:
                re.compile(getattr(self, name))
            except re.error as exc:
                raise ProfileError(f"{name} is not a valid regular expression: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Classified:
    kind: ScanKind
    # The value as the rest of the system should use it: trimmed and, if folding, upper case.
    value: str


def classify(value: str, rules: ScanRules = ScanRules()) -> Classified:
    """Classifies one scanned value."""
    candidate = value.strip()
    if rules.fold_case:
        candidate = candidate.upper()
    if not (0 < len(candidate) <= MAX_VALUE_LENGTH and candidate.isascii() and candidate.isalnum()):
        return Classified(ScanKind.UNKNOWN, candidate)
    is_item = re.fullmatch(rules.item_pattern, candidate) is not None
    is_patron = re.fullmatch(rules.patron_pattern, candidate) is not None
    if is_item and is_patron:
        return Classified(ScanKind.AMBIGUOUS, candidate)
    if is_item:
        return Classified(ScanKind.ITEM, candidate)
    if is_patron:
        return Classified(ScanKind.PATRON, candidate)
    if rules.recognise_isbn and _is_isbn(candidate):
        return Classified(ScanKind.ISBN, candidate)
    return Classified(ScanKind.UNKNOWN, candidate)


def _is_isbn(value: str) -> bool:
    """An EAN-13 in the Bookland ranges (978, 979) with a correct check digit."""
    if len(value) != 13 or not value.isdigit() or not value.startswith(("978", "979")):
        return False
    weighted = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(value[:12]))
    return (10 - weighted % 10) % 10 == int(value[12])


def load_rules(path: Path | None = None) -> ScanRules:
    """The `[classification]` table of the scanners file; defaults for anything it leaves out."""
    table = load_section(
        path or config_path(), "classification", _RulesTable, ProfileError, sections=SECTIONS, required=False
    )
    return table.rules()


_DEFAULT = ScanRules()


class _RulesTable(ConfigModel):
    item_pattern: str = _DEFAULT.item_pattern
    patron_pattern: str = _DEFAULT.patron_pattern
    fold_case: bool = _DEFAULT.fold_case
    recognise_isbn: bool = _DEFAULT.recognise_isbn

    @model_validator(mode="after")
    def _patterns_compile(self) -> _RulesTable:
        try:
            self.rules()
        except ProfileError as exc:
            raise ValueError(str(exc)) from exc
        return self

    def rules(self) -> ScanRules:
        return ScanRules(**self.model_dump())
