"""Every page of the console, read from the console app itself (so a page added later is walked too), opened
in Chromium by an administrator in Vietnamese with real rows behind each address: no English is left on
any of them, and none fails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from playwright.sync_api import Browser
from sqlmodel import col, select
from uuid_utils.compat import uuid7

from server.collection_config import WEEDING_FILE, load_weeding
from server.console.access import ConsoleRoute, RouteKind
from server.console.app import build_console
from server.db.tables import BibRecord, DeadLetter, EventLog, Item, Location, Patron
from server.services import stocktake_close, stocktake_sessions, weeding_round_proposal, weeding_rounds
from server.services.weeding_candidates import WeedingFilters
from server.settings import REPO_CONFIG_DIR, ServerSettings
from tests.support.browser import Screen
from tests.support.console import ACCOUNTS, ConsoleServer, signed_in_pages
from tests.support.console_checks import untranslated
from tests.support.mqtt_device import TestDevice
from tests.support.staff import PASSWORD
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

ARRIVAL_BOUND_S = 60  # a dead letter through the broker on a loaded machine: a bound, not an expectation
_PARAMETER = re.compile(r"\{(\w+)\}")


def console_pages() -> list[str]:
    """The path under /console of every page (not its CSV, PDF and SVG downloads: files, not pages)."""
    app = build_console(ServerSettings(_env_file=None)).app
    paths = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            assert isinstance(route, ConsoleRoute)
            if route.access.kind is RouteKind.PAGE and not (context.path or "").endswith(
                (".csv", ".pdf", ".svg")
            ):
                paths.append(context.path or "")
    return paths


def _desk_checkin(server: ConsoleServer, barcode: str) -> None:
    """A return at the desk through the API: an event in the log and an action in the audit trail."""
    with httpx.Client(base_url=server.base_url, timeout=15) as api:
        login = {"username": ACCOUNTS["librarian"][0], "password": PASSWORD}
        token = api.post("/api/v1/login/access-token", data=login).json()["access_token"]
        answer = api.post(
            "/api/v1/circulation/checkin",
            json={"item": {"barcode": barcode}},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid7())},
        )
        assert answer.status_code == 200, answer.text


def _a_dead_letter(server: ConsoleServer) -> int:
    device = TestDevice(server.broker, "kiosk-02")
    device.publish(b'{"kind": "patron.login", "v": 1, "payload": {"card_number": "SV1')  # cut short
    device.close()

    def letter() -> int | None:
        with server.db() as session:
            return session.exec(select(DeadLetter.id).order_by(col(DeadLetter.id).desc())).first()

    wait_until(lambda: letter() is not None, timeout=ARRIVAL_BOUND_S, message="no dead letter arrived")
    found = letter()
    assert found is not None
    return found


def _a_closed_stock_take(server: ConsoleServer) -> int:
    """A stock-take of the first shelf, opened and closed with nothing read: its report has its counts."""
    now = datetime.now(UTC)
    with server.db() as session:
        shelf = session.exec(
            select(Location).where(Location.kind == "shelf").order_by(col(Location.code))
        ).first()
        assert shelf is not None
        made = stocktake_sessions.create(
            session, name="Kiểm kê kệ đầu", scope={"locations": [shelf.id]}, staff="thu.thu", now=now
        )
        stocktake_sessions.open_session(session, made.id, staff="thu.thu", now=now)
        stocktake_close.close(session, made.id, staff="thu.thu", now=now)
        session.commit()
    return made.id


def _a_weeding_round(server: ConsoleServer) -> int:
    """A round of the seeded library's candidates, under review: its proposed list is made."""
    now = datetime.now(UTC)
    settings = load_weeding(REPO_CONFIG_DIR / WEEDING_FILE)
    with server.db() as session:
        row = weeding_round_proposal.open_round(
            session,
            settings,
            now.date(),
            WeedingFilters(),
            title="Đợt 1",
            reviewers=[],
            at=now,
            staff="thu.thu",
        )
        assert row.id is not None
        weeding_rounds.start_review(session, row.id, at=now, staff="thu.thu")
        session.commit()
        return row.id


def _an_import(server: ConsoleServer) -> str:
    """An upload of a few copies, previewed (its dry run keeps nothing): its page's token."""
    roster = "Mã vạch,Nhan đề,Tác giả\nVV990001,Truyện Kiều,Nguyễn Du\nVV990002,Lão Hạc,Nam Cao\n"
    with server.http("librarian") as client:
        page = client.get("/console/imports")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        answer = client.post(
            "/console/imports",
            data={"csrf_token": token.group(1), "what": "items:default"},
            files={"file": ("ban-sao.csv", roster.encode(), "text/csv")},
        )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"].rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def addresses(console_server: ConsoleServer) -> dict[str, str]:
    """A real value for every path parameter of the console's pages."""
    with console_server.db() as session:
        # A copy of a title in Vietnamese: an English title is the catalogue's, not an untranslated word.
        item, record = next(
            (item, record)
            for item, record in session.exec(
                select(Item, BibRecord).where(col(Item.record_id) == col(BibRecord.id)).order_by(col(Item.id))
            )
            if not record.title.isascii()
        )
        patron = session.exec(select(Patron).order_by(col(Patron.id))).first()
    assert patron is not None
    _desk_checkin(console_server, item.barcode)
    with console_server.db() as session:
        event = session.exec(select(EventLog.event_id).where(EventLog.device_id == "desk")).first()
    assert event is not None
    return {
        "session_id": str(_a_closed_stock_take(console_server)),
        "card_number": patron.card_number,
        "record_id": str(record.id),
        "barcode": item.barcode,
        "device_id": "kiosk-01",
        "event_id": str(event),
        "letter_id": str(_a_dead_letter(console_server)),
        "username": ACCOUNTS["librarian"][0],
        "round_id": str(_a_weeding_round(console_server)),
        "token": _an_import(console_server),
    }


@pytest.fixture(scope="module")
def administrator(browser: Browser, console_server: ConsoleServer) -> Iterator[Screen]:
    """An administrator's page, in Vietnamese as every signed-in page starts."""
    with signed_in_pages(browser, console_server) as open_as:
        yield open_as("admin")


def test_the_walk_sees_every_page() -> None:
    pages = console_pages()
    assert {"/", "/desk", "/gate", "/patrons/{card_number}", "/items/{barcode}", "/staff/{username}"} <= set(
        pages
    )


@pytest.mark.parametrize("path", console_pages())
def test_no_english_is_left_on_the_page(
    path: str, addresses: dict[str, str], administrator: Screen, console_server: ConsoleServer
) -> None:
    address = _PARAMETER.sub(lambda m: addresses[m.group(1)], path)
    answer = administrator.page.goto(console_server.url(address))
    assert answer is not None, address
    assert answer.status < 400, f"{address}: {answer.status}"
    assert untranslated(administrator) == [], address
