"""PIN hashing and verification (argon2id). A PIN is never stored, returned or logged in clear."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from contract.events import is_valid_pin
from server.db.tables import Patron
from server.errors import InvalidInputError


def validate_pin(pin: str) -> None:
    """The contract's rule (`contract.events.is_valid_pin`), as a service error for staff input."""
    if not is_valid_pin(pin):
        raise InvalidInputError("a PIN is 4 to 12 digits")


def verify(hasher: PasswordHasher, patron: Patron, pin: str) -> bool:
    """Whether `pin` is the patron's PIN; upgrades the stored hash when the parameters changed."""
    if patron.pin_hash is None:
        return False
    try:
        hasher.verify(patron.pin_hash, pin)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(patron.pin_hash):
        patron.pin_hash = hasher.hash(pin)
    return True
