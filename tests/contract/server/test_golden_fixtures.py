"""The server's side of the golden fixtures: every event kind decodes to its model and encodes back to the
same JSON, every kind has a handler, stored payloads lose their secrets, and every reply the server can send
round-trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from contract.codec import decode_events, decode_reply, encode_event, redacted_payload
from contract.events import EVENT_CLASSES, EventEnvelope
from contract.replies import REPLY_CLASSES
from server.ingest.handlers import build_registry
from server.settings import ServerSettings
from tests.support.context import circulation_context

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EVENT_FILES = sorted((FIXTURES / "events").glob("*.json"))
REPLY_FILES = sorted((FIXTURES / "replies").glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def test_there_is_a_fixture_for_every_event_and_reply_kind() -> None:
    assert {p.name for p in EVENT_FILES} == {f"{c.KIND}.v{c.VERSION}.json" for c in EVENT_CLASSES}
    assert {p.name for p in REPLY_FILES} == {f"{c.KIND}.json" for c in REPLY_CLASSES}


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_event_fixture_round_trips_through_the_server_decoder(path: Path) -> None:
    document = _load(path)
    (event,) = decode_events(path.read_bytes(), topic_device=document["device_id"])
    assert isinstance(event, EventEnvelope), event
    assert (document["kind"], document["v"]) == (event.KIND, event.VERSION)
    assert orjson.loads(encode_event(event)) == document


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_every_kind_has_a_handler_and_stored_payloads_keep_no_secret(path: Path, tmp_path: Path) -> None:
    settings = ServerSettings(data_dir=tmp_path, _env_file=None)
    registry = build_registry(settings, circulation_context(settings))
    (event,) = decode_events(path.read_bytes())
    assert isinstance(event, EventEnvelope)
    assert event.KIND in registry.requests or event.KIND in registry.observations
    stored = redacted_payload(event)
    expected = {k: v for k, v in _load(path)["payload"].items() if k not in event.SENSITIVE}
    assert stored == expected


@pytest.mark.parametrize("path", REPLY_FILES, ids=lambda p: p.stem)
def test_reply_fixture_round_trips(path: Path) -> None:
    reply = decode_reply(path.read_bytes())
    assert _load(path)["kind"] == reply.KIND
    assert reply.model_dump(mode="json") == _load(path)
