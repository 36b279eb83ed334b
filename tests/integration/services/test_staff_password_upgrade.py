"""Staff password hashes made with other argon2 parameters than the server's still sign in, and are made
again with the server's at that sign-in. The suite's own processes hash with argon2id's cheapest parameters
(tests/conftest.py), so a hash at full strength is, here, one made with other parameters."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import extract_parameters
from sqlmodel import Session

from server.services import passwords
from server.services.staff import authenticate
from tests.support.staff import CHEAP_HASHER, PASSWORD, staff


def test_the_server_hashes_at_full_strength_rfc_9106s_low_memory_profile() -> None:
    hasher = passwords.FULL_STRENGTH
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (64 * 1024, 3, 4)


def test_an_unknown_user_name_is_checked_at_full_strength_too() -> None:
    """The stand-in hash verified for an unknown user name costs what a real one does."""
    made = extract_parameters(passwords.FULL_STRENGTH.hash(PASSWORD))
    assert extract_parameters(passwords.FULL_STRENGTH_STAND_IN) == made


def test_a_hash_with_other_parameters_signs_in_and_is_made_again(session: Session) -> None:
    row = staff(session, "lan.pham", "librarian")
    row.password_hash = passwords.FULL_STRENGTH.hash(PASSWORD)
    session.commit()

    signed_in = authenticate(session, "lan.pham", PASSWORD, now=datetime.now(UTC))

    assert signed_in is not None
    assert "$m=8,t=1,p=1$" in signed_in.password_hash
    assert CHEAP_HASHER.verify(signed_in.password_hash, PASSWORD)
    assert authenticate(session, "lan.pham", "not the password", now=datetime.now(UTC)) is None
