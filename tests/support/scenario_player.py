"""Plays a circulation scenario (`tests.support.circulation_scenarios`) against a desk — the real services
or the edge tests' double — and checks every answer and effect the table states."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from contract.replies import ReasonCode, SecurityAction
from tests.support.circulation_scenarios import (
    OK_CODES,
    Borrow,
    ItemAfter,
    Renew,
    Request,
    Return,
    Scenario,
    SignIn,
    SignOut,
)

KIOSK = "kiosk-1"
NO_SESSION = UUID(int=1)  # a session id nobody issued


@dataclass(frozen=True)
class Answer:
    code: ReasonCode
    ok: bool
    security: SecurityAction | None = None
    session_id: UUID | None = None


class Desk(Protocol):
    def ask(self, request: Request, session_id: UUID | None) -> Answer:
        """Answer `request` from kiosk `KIOSK`; `session_id` is the session it names, if any."""
        ...

    def item_after(self, barcode: str) -> ItemAfter: ...


def play(scenario: Scenario, desk: Desk) -> None:
    sessions: dict[str, UUID] = {}
    for number, step in enumerate(scenario.steps, 1):
        request = step.request
        session_id = None
        if isinstance(request, SignOut | Borrow | Renew):
            session_id = sessions.get(request.card, NO_SESSION)
        answer = desk.ask(request, session_id)
        where = f"{scenario.name!r}, step {number}: {request}"
        expected = (step.code, step.code in OK_CODES, step.security)
        assert (answer.code, answer.ok, answer.security) == expected, where
        if isinstance(request, SignIn) and answer.session_id is not None:
            sessions[request.card] = answer.session_id
        if step.item_after is not None:
            barcode = named_item(scenario, request)
            assert barcode is not None, f"{where} names no item of the scenario"
            assert desk.item_after(barcode) == step.item_after, where


def named_item(scenario: Scenario, request: Request) -> str | None:
    if isinstance(request, Borrow | Return):
        return scenario.barcode_of(request.barcode, request.tag_uid)
    if isinstance(request, Renew):
        return request.barcode
    return None
