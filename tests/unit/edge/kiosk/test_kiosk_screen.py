"""The kiosk's screen as an app, without a browser: every part renders in both languages, a tap answers
with its part (htmx) or sends the page again (no script), and the reader's name is never another's."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from contract.common import ItemRef
from edge.kiosk.agent import KioskAgent
from edge.kiosk.feed import Part
from edge.kiosk.screen import FRAGMENTS, OUTCOME_TEXT, screen_app
from edge.kiosk.session import KioskSession
from edge.kiosk.visit import Outcome
from tests.support.direct_requester import DirectRequester
from tests.support.kiosk_library import library
from tests.unit.edge.test_kiosk_session import ListPad

HTMX = {"hx-request": "true"}


@pytest.fixture
def kiosk() -> tuple[KioskAgent, ListPad, TestClient]:
    manifest, desk = library(patrons=2, items=6)
    desk.loans["VV000005"] = "SV2100000"
    pad = ListPad()
    pad.books = [ItemRef(barcode=i.barcode, tag_uid=i.tag_uid) for i in manifest.items[:2]]
    agent = KioskAgent(KioskSession(DirectRequester(desk), pad=pad))
    return agent, pad, TestClient(screen_app(agent))


def test_every_part_and_outcome_has_its_words() -> None:
    assert set(FRAGMENTS) == set(Part)
    assert set(OUTCOME_TEXT) == set(Outcome)


def test_a_reader_signs_in_by_taps_and_sees_their_own_books(
    kiosk: tuple[KioskAgent, ListPad, TestClient],
) -> None:
    agent, _, client = kiosk
    idle = client.get("/")
    assert idle.headers["content-language"] == "vi"
    assert 'data-step="card"' in idle.text
    assert 'sse-swap="account"' in idle.text
    pin = client.post("/card?lang=en", data={"card": "SV2100000"}, headers=HTMX)
    assert 'data-step="pin"' in pin.text
    assert "<html" not in pin.text  # the part alone
    signed_in = client.post("/pin?lang=en", data={"pin": "1000"}, headers=HTMX)
    assert "Hello, Bạn đọc SV2100000" in signed_in.text
    assert "SV2100001" not in signed_in.text
    agent.poll_pad()
    for lang in ("vi", "en"):
        page = client.get(f"/?lang={lang}").text
        assert page.count('data-outcome="lent"') == 2
        assert 'data-loan="VV000005"' in page
    renewed = client.post("/renew?lang=en", data={"barcode": "VV000005"}, headers=HTMX)
    assert 'data-loan="VV000005"' in renewed.text
    plain = client.post("/sign-out", follow_redirects=False)
    assert (plain.status_code, plain.headers["location"]) == (303, "/?lang=vi")
    assert 'data-step="card"' in client.get("/").text


def test_the_warning_shows_once_warned_and_goes_when_the_reader_answers() -> None:
    _, desk = library(patrons=1, items=1)
    now = [0.0]
    agent = KioskAgent(
        KioskSession(DirectRequester(desk)), idle_timeout_s=30, idle_warning_s=10, clock=lambda: now[0]
    )
    client = TestClient(screen_app(agent))
    agent.give_card("SV2100000")
    assert "data-idle-warning" not in client.get("/").text
    now[0] = 21.0
    agent.tick()
    warned = client.get("/?lang=en").text
    assert 'data-seconds="9"' in warned
    assert "Are you still there?" in warned
    assert "data-idle-warning" not in client.post("/still-here", headers=HTMX).text
