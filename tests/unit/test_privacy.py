"""Secrets never survive in stored or shown bytes: PINs and passwords are scrubbed, whatever the JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contract.codec import Rejected, RejectReason
from server.ingest.dead_letters import dead_letter_row
from server.privacy import redact_document, scrub_raw


@pytest.mark.parametrize(
    ("raw", "scrubbed"),
    [
        (b'{"pin": "1234"}', b'{"pin": "***"}'),
        (b'{"pin":1234}', b'{"pin":"***"}'),
        (b'{"PIN" : "98765", "card_number": "SV1"}', b'{"PIN" : "***", "card_number": "SV1"}'),
        (b'[{"payload": {"pin": "12\\"34"}}]', b'[{"payload": {"pin": "***"}}]'),
        (b'{"password": "s3cret", "new_pin": "5555"}', b'{"password": "***", "new_pin": "***"}'),
        (
            b'{"kind": "patron.login", "payload": {"pin": "12',
            b'{"kind": "patron.login", "payload": {"pin": "***"',
        ),
        (b"not json at all pin 1234", b"not json at all pin 1234"),
        (b'{"spin": "1234"}', b'{"spin": "1234"}'),
    ],
)
def test_secrets_are_scrubbed_from_raw_bytes(raw: bytes, scrubbed: bytes) -> None:
    assert scrub_raw(raw) == scrubbed


def test_documents_lose_secret_members_at_any_depth() -> None:
    document = {"card_number": "SV1", "pin": "1234", "nested": [{"Password": "x", "ok": 1}]}
    assert redact_document(document) == {"card_number": "SV1", "nested": [{"ok": 1}]}


@pytest.mark.parametrize("offset", range(4080, 4100))
def test_an_oversized_dead_letter_is_cut_after_scrubbing(offset: int) -> None:
    # Wherever the 4 KiB cut falls, no digit of the PIN is kept.
    raw = b" " * offset + b'{"pin": "246813579"}' + b" " * (70 * 1024)
    rejected = Rejected(RejectReason.TOO_LARGE, "too large")
    row = dead_letter_row(
        topic="t", device_id=None, rejected=rejected, raw=raw, received_at=datetime.now(UTC)
    )
    assert b"2468" not in row["raw"]
