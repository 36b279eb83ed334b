"""ISIL (ISO 15511) owner identifiers as the data model stores them: country code + library, no hyphen.

An ISIL is at most 16 characters of A-Z, a-z, 0-9, '/', '-' and ':', a prefix and a unit identifier
joined by a hyphen, and unique without regard to case (biblstandard.dk/isil/structure.htm). The basic
block holds the prefix in its 2-byte country field, so only ISO 3166-1 country prefixes (two letters) fit;
the WG11 rules for 1-, 3- and 4-character prefixes are not known well enough to implement.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.tagdata.errors import TagEncodeError
from devices.tagdata.layout import COUNTRY_LENGTH, LIBRARY_LENGTH

ISIL_MAX_LENGTH = 16
_UNIT_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/-:")


@dataclass(frozen=True, slots=True)
class Isil:
    """An owner library: `country` is the ISO 3166-1 alpha-2 prefix, `library` the unit identifier."""

    country: str
    library: str

    def __str__(self) -> str:
        return f"{self.country}-{self.library}"

    @classmethod
    def parse(cls, text: str) -> Isil:
        """Parses "VN-VNULIC"; raises `TagEncodeError` for anything the basic block cannot hold."""
        if not isinstance(text, str):
            raise TagEncodeError(f"ISIL must be text, got {type(text).__name__}")
        if len(text) > ISIL_MAX_LENGTH:
            raise TagEncodeError(f"ISIL {text!r} is longer than {ISIL_MAX_LENGTH} characters")
        prefix, hyphen, unit = text.partition("-")
        if not hyphen or not unit:
            raise TagEncodeError(f"ISIL {text!r} needs a prefix, a hyphen and a library identifier")
        if len(prefix) != COUNTRY_LENGTH or not (prefix.isascii() and prefix.isalpha()):
            raise TagEncodeError(
                f"ISIL {text!r}: only two-letter country prefixes (ISO 3166-1) fit the tag's country field"
            )
        if not set(unit) <= _UNIT_CHARACTERS:
            raise TagEncodeError(f"ISIL {text!r}: the library identifier may use only A-Z, a-z, 0-9, / - :")
        if len(unit) > LIBRARY_LENGTH:
            raise TagEncodeError(
                f"ISIL {text!r}: the library identifier has {len(unit)} characters,"
                f" the tag holds {LIBRARY_LENGTH}"
            )
        return cls(country=prefix.upper(), library=unit)

    def owns(self, country: str | None, library: str | None, library_length: int = LIBRARY_LENGTH) -> bool:
        """Whether a tag's owner fields name this library, comparing without regard to case.

        `library_length` is the length of the tag's library field (9 on a truncated tag, which holds only
        the first 9 characters). A field the tag leaves empty does not count against the match.
        """
        if country and country.casefold() != self.country.casefold():
            return False
        return not library or library.casefold() == self.library[:library_length].casefold()
