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

FULL_STRENGTH = PasswordHasher()
_hasher = FULL_STRENGTH
# Verifying against this when the user name is unknown keeps "no such user" as slow as "wrong password",
# so response times do not reveal which staff user names exist. A hash of a random password nobody kept, made
# with FULL_STRENGTH's parameters (a test holds them equal): verifying reads its cost from it, and every
# process that imports this module no longer makes it (50–300 ms).
FULL_STRENGTH_STAND_IN = (
    "$argon2id$v=19$m=65536,t=3,p=4$LPJqQZFZyvea05/s1DIr2w$f18n0LGSpaosngMy9HHx3vLZLd1X9p/aW41cCghdeIE"
)
_DUMMY_HASH = FULL_STRENGTH_STAND_IN


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash and verify with `hasher`'s parameters from now on, in this process. The test suite signs staff in
    thousands of times and uses argon2id's cheapest parameters for it (tests/conftest.py): the same code,
    without the full strength's 50 ms a sign-in. A hash made with other parameters still verifies (they are
    in the hash) and is made again at the next sign-in."""
    global _hasher, _DUMMY_HASH  # noqa: PLW0603  (this process's one hasher, set once)
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("stacks-no-such-staff-user")


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
