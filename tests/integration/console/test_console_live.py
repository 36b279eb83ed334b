"""The dashboard lives: a real kiosk agent killed with -9 turns "offline" (in words, and red) on an open
dashboard within a second, without a reload, and "online" again when it restarts — on SQLite and on
PostgreSQL; a loan made through another server process on the same database shows too; and a server with
open streams still stops promptly, exit code 0, on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import threading
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect
from uuid_utils.compat import uuid7

from stacks.server_process import ServerProcess
from tests.support import factories as f
from tests.support.browser import open_screen
from tests.support.console import ACCOUNTS, ConsoleServer, sign_in
from tests.support.ports import free_port
from tests.support.staff import PASSWORD
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

BOUND_MS = 1000  # the promise: an open dashboard shows a kiosk gone within a second
START_BOUND_MS = 60_000  # an agent starting on a loaded machine: a bound, not an expectation


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest) -> ConsoleServer:
    name = "console_server" if request.param == "sqlite" else "console_server_pg"
    found: ConsoleServer = request.getfixturevalue(name)
    return found


def _row(device: str) -> str:
    return f"#devices tr[data-device='{device}']"


def test_a_kiosk_killed_turns_offline_within_a_second_and_back_online(
    browser: Browser, server: ConsoleServer
) -> None:
    kiosk = server.kiosk("kiosk-02")
    with open_screen(browser) as screen:
        page = sign_in(screen, server, "librarian").page
        page.evaluate("() => { window.__notReloaded = true; }")
        row = page.locator(_row("kiosk-02"))
        kiosk.spawn()
        expect(row).to_have_attribute("data-state", "online", timeout=START_BOUND_MS)
        expect(row).to_contain_text("Trực tuyến")
        server.wait_for_device("kiosk-02", "online")

        kiosk.kill()  # -9: no goodbye; the broker publishes the kiosk's last will
        expect(row).to_have_attribute("data-state", "offline", timeout=BOUND_MS)
        expect(row).to_contain_text("Ngoại tuyến")  # in words, not by colour alone
        assert row.locator(".badge.tone-danger").count() == 1

        kiosk.spawn()
        expect(row).to_have_attribute("data-state", "online", timeout=START_BOUND_MS)
        assert page.evaluate("() => window.__notReloaded") is True  # all through the live stream
        assert screen.console_errors == []
        assert screen.csp_violations() == []
    kiosk.stop()


def _api_token(base_url: str) -> str:
    answer = httpx.post(
        f"{base_url}/api/v1/login/access-token",
        data={"username": ACCOUNTS["librarian"][0], "password": PASSWORD},
        timeout=15,
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def _another_server(console_server: ConsoleServer, name: str) -> ServerProcess:
    """Another `stacks server` on the same database, without the ingest (one process reads MQTT)."""
    env = {
        "STACKS_DATA_DIR": str(console_server.root / "var"),
        "STACKS_DATABASE_URL": console_server.database_url,
        "STACKS_INGEST_ENABLED": "false",
    }
    process = ServerProcess(env, port=free_port(), log_path=console_server.root / f"{name}.log")
    process.start(need_mqtt=False, timeout=90)
    return process


@pytest.fixture
def second_server(console_server: ConsoleServer) -> Iterator[ServerProcess]:
    process = _another_server(console_server, "second")
    yield process
    process.stop()


def test_a_loan_made_through_another_server_process_shows_at_once(
    browser: Browser, console_server: ConsoleServer, second_server: ServerProcess
) -> None:
    with console_server.db() as session:
        f.patron(session, card_number="SV2177001")
        f.item(session, barcode="VV770001")
        session.commit()
    with open_screen(browser) as screen:
        page = sign_in(screen, console_server, "assistant").page
        loans = page.locator("[data-figure=checkouts]")
        before = int(loans.inner_text().replace(".", ""))
        answer = httpx.post(
            f"{second_server.base_url}/api/v1/circulation/checkout",
            json={"card_number": "SV2177001", "item": {"barcode": "VV770001"}},
            headers={
                "Authorization": f"Bearer {_api_token(second_server.base_url)}",
                "Idempotency-Key": str(uuid7()),
            },
            timeout=15,
        )
        assert answer.json()["decision"]["ok"], answer.text
        # The other process committed; this one's feed follows the database, not its own requests.
        expect(loans).to_have_text(str(before + 1), timeout=BOUND_MS * 5)


def test_a_server_with_open_streams_stops_promptly_with_exit_0(console_server: ConsoleServer) -> None:
    process = _another_server(console_server, "stopping")
    opened = threading.Event()
    ended: list[str] = []

    def listen() -> None:
        with httpx.Client(base_url=process.base_url, timeout=30) as client:
            page = client.get("/console/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token is not None
            client.post(
                "/console/login",
                data={"username": ACCOUNTS["admin"][0], "password": PASSWORD, "csrf_token": token.group(1)},
            )
            try:
                with client.stream("GET", "/console/live/dashboard") as stream:
                    opened.set()
                    for _line in stream.iter_lines():
                        pass
                ended.append("closed")
            except httpx.HTTPError as exc:
                ended.append(type(exc).__name__)

    listener = threading.Thread(target=listen)
    listener.start()
    assert opened.wait(60)
    pid = process._child.pid
    assert pid is not None
    os.kill(pid, signal.SIGTERM)
    wait_until(lambda: not process.running, timeout=20, message="the server did not stop", interval=0.05)
    listener.join(20)
    assert process.returncode == 0
    assert ended == ["closed"]
