"""The dashboard of a working library, as staff see it at opening time: a seeded library on a server of its
own, two simulated kiosks lending and taking back books, the simulated gate at the exit and a week of its
alarms — in both languages, axe-core clean, all Vietnamese, no console error. Its screenshots are the
README's (the other console tests fill their shared server with markup and edge cases)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, expect
from sqlmodel import col

from edge.gate.settings import GateConfig
from edge.host import AgentHost
from server.db.tables import Loan
from tests.integration.edge.factories import settings_on
from tests.support.console import ConsoleServer, serving_console, signed_in_pages
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated
from tests.support.gate_desk import arrange_gate_desk
from tests.support.gates import run_gate
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

KIOSKS = ("kiosk-01", "kiosk-02")
GATE = "gate-01"
# Bounds for agents starting and patrons borrowing on a loaded machine, not expected durations.
START_BOUND_S = 60
BUSY_BOUND_S = 90


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    root = tmp_path_factory.mktemp("console-library")
    with serving_console(root, f"sqlite:///{root / 'stacks.db'}") as server:
        yield server


def _loans_and_returns_today(server: ConsoleServer, since: datetime) -> tuple[int, int]:
    def count(column: Any) -> int:
        return int(session.execute(sa.select(sa.func.count()).where(column >= since)).scalar_one())

    with server.db() as session:
        return count(col(Loan.checked_out_at)), count(col(Loan.returned_at))


def test_the_dashboard_of_a_working_library(browser: Browser, library: ConsoleServer, tmp_path: Path) -> None:
    started = datetime.now(UTC)
    with library.db() as session:
        arrange_gate_desk(session, now=started)
    for device in KIOSKS:
        library.kiosk(device).spawn()
    settings = settings_on(
        library.broker.endpoint(GATE), tmp_path / "gate", GATE, device_kind="gate", stop_drain_s=5
    )
    with AgentHost(settings, handle_signals=False) as host:
        gate = run_gate(host, GateConfig(GATE, footfall_period_s=60))
        try:
            for device in (*KIOSKS, GATE):
                library.wait_for_device(device, "online", timeout=START_BOUND_S)
            wait_until(
                lambda: all(n >= 3 for n in _loans_and_returns_today(library, started)),
                timeout=BUSY_BOUND_S,
                message="the simulated patrons did not borrow and return three books each",
            )
            with signed_in_pages(browser, library) as open_as:
                screen = open_as("librarian")
                page = screen.page
                for lang in ("vi", "en"):
                    if lang != "vi":
                        switch_language(page, lang)
                    page.goto(library.url("/"))
                    for device in (*KIOSKS, GATE):
                        row = page.locator(f"#devices tr[data-device='{device}']")
                        expect(row).to_have_attribute("data-state", "online")
                    # Never weeded: the next round is due now.
                    expect(page.locator(".dashboard__weeding .next-due")).to_contain_text(
                        {"vi": "đã đến hạn", "en": "due now"}[lang]
                    )
                    if lang == "vi":
                        assert untranslated(screen) == []
                    assert_axe_clean(screen)
                    screen.screenshot("console-dashboard", lang)
                assert_clean(screen)
        finally:
            gate.stop()
