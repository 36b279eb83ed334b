"""Pure pieces of the API: keyset cursors, access tokens, secret redaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.api.auth.tokens import issue_token, read_token
from server.api.pagination import decode_cursor, encode_cursor
from server.errors import InvalidInputError, UnauthorizedError
from server.privacy import redact_document, secret_fields
from server.privacy import scrub_raw as redact_raw

SECRET = "s" * 48
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("key", [("0190a0b4-7c1e-7000-8000-000000000001",), (42,), ("2026-03-02", 7)])
def test_cursors_round_trip(key: tuple[str | int, ...]) -> None:
    cursor = encode_cursor(*key)
    assert "=" not in cursor
    assert decode_cursor(cursor, *(type(k) for k in key)) == list(key)


@pytest.mark.parametrize(
    ("cursor", "types"),
    [
        ("not base64!", (int,)),
        (encode_cursor("x"), (int,)),  # wrong type
        (encode_cursor(1, 2), (int,)),  # wrong arity
        (encode_cursor(True), (int,)),  # bool is not an int here
        ("eyJhIjoxfQ", (int,)),  # an object, not a list
    ],
)
def test_bad_cursors_are_invalid_input(cursor: str, types: tuple[type[int] | type[str], ...]) -> None:
    with pytest.raises(InvalidInputError):
        decode_cursor(cursor, *types)


def test_tokens_carry_the_account_and_its_version() -> None:
    token = issue_token(secret=SECRET, staff_id=7, token_version=3, now=NOW, lifetime=timedelta(hours=8))
    assert token.expires_at == NOW + timedelta(hours=8)
    claims = read_token(token.token, secret=SECRET, now=NOW + timedelta(hours=7))
    assert (claims.staff_id, claims.token_version) == (7, 3)


@pytest.mark.parametrize(
    ("secret", "at", "why"),
    [
        (SECRET, NOW + timedelta(hours=8), "expired"),
        ("t" * 48, NOW, "not valid"),
    ],
)
def test_expired_or_foreign_tokens_are_refused(secret: str, at: datetime, why: str) -> None:
    token = issue_token(secret=SECRET, staff_id=7, token_version=1, now=NOW, lifetime=timedelta(hours=8))
    with pytest.raises(UnauthorizedError, match=why):
        read_token(token.token, secret=secret, now=at)


def test_secret_members_are_dropped_at_any_depth() -> None:
    document = {"card_number": "SV1", "pin": "1234", "nested": [{"Password": "x", "keep": 1}]}
    assert redact_document(document) == {"card_number": "SV1", "nested": [{"keep": 1}]}
    assert "pin" in secret_fields("patron.login", 1)
    assert secret_fields("no.such.kind", 1) >= {"pin", "password"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"pin":"1234"}', b'{"pin":"***"}'),
        (b'{"pin" : 1234, "a": 1}', b'{"pin" : "***", "a": 1}'),
        (b'{"PIN":"12\\"34"}', b'{"PIN":"***"}'),
        (b'\xff{"pin":"99"', b'\xff{"pin":"***"'),  # not JSON, not UTF-8: scrubbed all the same
        (b'{"spin":"keep"}', b'{"spin":"keep"}'),
    ],
)
def test_secrets_in_raw_bytes_are_overwritten(raw: bytes, expected: bytes) -> None:
    assert redact_raw(raw) == expected
