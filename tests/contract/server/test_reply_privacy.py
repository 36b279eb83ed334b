"""Replies say where, never for whom: no reply and no message a kiosk or the desk shows names a patron, except
the welcome a patron gets for signing in with their own card and PIN. And every golden reply says exactly
what the server renders, so a device implementer reading the fixtures sees the real texts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from contract.common import LocalizedText
from contract.replies import ReasonCode
from server.i18n import Action, decision, note
from server.i18n.catalog import MESSAGES, NOTES, PARAMETERS, SUCCESS, Template
from server.i18n.formatting import DEFAULT_TIMEZONE
from server.i18n.render import placeholders, render
from server.services.context import CirculationContext, build
from server.settings import REPO_CONFIG_DIR, ServerSettings
from tests.unit.i18n.test_messages import SAMPLE

REPLIES = Path(__file__).resolve().parents[2] / "fixtures" / "replies"
REPLY_FILES = sorted(REPLIES.glob("*.json"))
# Template parameters that carry a person, and the one message allowed to name its reader: the welcome.
PERSON_PARAMETERS = {"name"}
WELCOME = SUCCESS[Action.LOGIN]
# What names a patron in a reply: their own summary, which only the signed-in patron's login reply has.
PATRON_MEMBERS = {"patron", "display_name", "full_name", "card_number", "patron_id", "email"}
# A library identifier (card number, barcode) as printed: letters, then digits. No message carries one.
IDENTIFIER = re.compile(r"\b[A-Za-z]{1,4}[0-9]{4,}\b")
PATRON = {"name": "Nguyễn Thị Mai", "card": "SV2100456"}


@pytest.fixture(scope="module")
def circulation() -> CirculationContext:
    return build(ServerSettings(config_dir=REPO_CONFIG_DIR, _env_file=None))


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _members(document: Any, path: str = "$") -> Iterator[tuple[str, str, Any]]:
    """Every member of a JSON document, with its path and name."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield f"{path}.{key}", key, value
            yield from _members(value, f"{path}.{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _members(value, f"{path}[{index}]")


def _messages(document: dict[str, Any]) -> list[tuple[str, str]]:
    """Every people-facing text of a reply (each `message`, in both languages)."""
    return [
        (f"{path}.{lang}", value[lang])
        for path, key, value in _members(document)
        if key == "message"
        for lang in ("vi", "en")
    ]


@pytest.mark.parametrize("path", REPLY_FILES, ids=lambda p: p.stem)
def test_no_reply_fixture_names_a_patron(path: Path) -> None:
    reply = _load(path)
    own_summary = reply["kind"] == "patron.login.result"
    named = [p for p, key, _ in _members(reply) if key in PATRON_MEMBERS]
    if own_summary:
        assert all(p.startswith("$.patron") for p in named), named
        name = reply["patron"]["display_name"]
        elsewhere = [p for p, _k, v in _members(reply) if isinstance(v, str) and name in v]
        assert elsewhere == ["$.decision.message.vi", "$.decision.message.en", "$.patron.display_name"]
    else:
        assert named == []
    for where, text in _messages(reply):
        assert IDENTIFIER.search(text) is None, f"{path.name} {where}: {text!r}"


def test_the_checkin_fixture_says_where_the_item_goes_never_for_whom() -> None:
    hold = _load(REPLIES / "circ.checkin.result.json")["hold"]
    assert set(hold) == {"pickup_location", "message"}
    for text in hold["message"].values():
        assert "patron" not in text.lower()
        assert "bạn đọc" not in text.lower()


ALL_TEMPLATES: list[tuple[str, Template]] = [
    *((f"code:{c}", t) for c, t in MESSAGES.items()),
    *((f"success:{a}", t) for a, t in SUCCESS.items()),
    *((f"note:{n}", t) for n, t in NOTES.items()),
]


def test_every_text_parameter_is_known_to_carry_a_person_or_not() -> None:
    """A new free-text parameter must be classified here before any message may use it."""
    text_parameters = {name for name, kind in PARAMETERS.items() if kind == "text"}
    assert text_parameters == PERSON_PARAMETERS | {"pickup"}


@pytest.mark.parametrize(("key", "template"), ALL_TEMPLATES, ids=[k for k, _ in ALL_TEMPLATES])
def test_no_message_names_a_patron_but_the_welcome(key: str, template: Template) -> None:
    people = (placeholders(template.vi) | placeholders(template.en)) & PERSON_PARAMETERS
    assert people == (PERSON_PARAMETERS if template is WELCOME else set()), key
    # A value of every parameter a template may name; the person is our sample patron.
    values = {**SAMPLE, "name": PATRON["name"]}
    rendered = render(template, values, DEFAULT_TIMEZONE)
    for text in (rendered.vi, rendered.en):
        assert IDENTIFIER.search(text) is None, (key, text)
        assert PATRON["card"] not in text
        assert (PATRON["name"] in text) is (template is WELCOME), (key, text)


def _rendered(reply: dict[str, Any], circulation: CirculationContext) -> dict[str, LocalizedText]:
    """What the server says for this reply: its decision's message (with its notes) and its hold notice."""
    tz = circulation.timezone
    code = ReasonCode(reply["decision"]["code"])
    action = {
        "patron.login.result": Action.LOGIN,
        "patron.logout.result": Action.LOGOUT,
        "circ.checkout.result": Action.CHECKOUT,
        "circ.renew.result": Action.RENEW,
        "circ.checkin.result": Action.CHECKIN,
    }.get(reply["kind"])
    values: dict[str, object] = {}
    if reply.get("due_at"):
        values["due"] = datetime.fromisoformat(reply["due_at"])
    if reply.get("renewals_left") is not None:
        values["renewals_left"] = reply["renewals_left"]
    if reply.get("patron"):
        values["name"] = reply["patron"]["display_name"]
    notes = (
        (note("fine_charged", timezone=tz, fine=reply["fine_charged"]),) if reply.get("fine_charged") else ()
    )
    texts = {"decision": decision(code, action=action, notes=notes, timezone=tz, values=values).message}
    if reply.get("hold"):
        # The golden return came back on Monday 2 March 2026: three open days on the hold shelf.
        texts["hold"] = note(
            "hold_shelf", timezone=tz, pickup=circulation.policies.pickup_name, deadline=date(2026, 3, 5)
        )
    return texts


@pytest.mark.parametrize("path", REPLY_FILES, ids=lambda p: p.stem)
def test_reply_fixtures_say_what_the_server_says(path: Path, circulation: CirculationContext) -> None:
    reply = _load(path)
    texts = _rendered(reply, circulation)
    assert reply["decision"]["message"] == texts["decision"].model_dump()
    if reply.get("hold"):
        assert reply["hold"] == {
            "pickup_location": circulation.policies.pickup_location,
            "message": texts["hold"].model_dump(),
        }
