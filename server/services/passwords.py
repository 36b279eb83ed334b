"""Staff password hashing with argon2id (argon2-cffi's defaults, the RFC 9106 low-memory profile).

Staff passwords guard every patron's borrowing history, so they get the full-strength parameters; a staff
login is rare enough that ~50 ms of hashing does not matter.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.errors import InvalidInputError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher()
# Verifying against this when the user name is unknown keeps "no such user" as slow as "wrong password",
# so response times do not reveal which staff user names exist.
_DUMMY_HASH = _hasher.hash("stacks-no-such-staff-user")


class PasswordPolicyError(InvalidInputError):
    """A staff password shorter than `MIN_PASSWORD_LENGTH` or longer than `MAX_PASSWORD_LENGTH`."""


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"a staff password has at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"a staff password has at most {MAX_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    check_password_policy(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash costs the same time as a wrong password."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters and should be replaced at the next login."""
    return _hasher.check_needs_rehash(password_hash)
