"""The kiosk's screen offline, in Chromium: a kiosk whose broker is not there at all, its offline list kept
from an earlier run, its pad — the real FEIG driver — on the virtual reader over a pty and its receipt
printer on a virtual one. The banner says what still works; a blocked card is refused in words; a reader
signs in with card and PIN and borrows three books, the fourth refused by the offline limit; the receipt is
marked as made offline; a book comes back without a card. Every screen axe-core clean, no console error,
in Vietnamese and English, screenshotted (docs/screenshots/kiosk-offline-*.png)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from contract.common import utc_now
from contract.status import DeviceKind
from devices.printer import get_printer_profile
from devices.sim.receipt_printer import VirtualReceiptPrinter, simulated_printer
from edge.host import AgentHost
from edge.kiosk.compose import compose_kiosk
from edge.kiosk.offline import OfflineRules
from edge.kiosk.offline_list import OfflineList
from edge.kiosk.settings import KioskConfig
from edge.sim.book_tags import SimulatedRfidPad, simulated_rfid_pad
from edge.sim.manifest import ManifestItem
from edge.sim.offline_list import simulated_reader, split_list
from stacks.bench.offline import unreachable_broker
from tests.support import console_checks as checks
from tests.support.browser import Screen
from tests.support.ports import free_port

pytestmark = pytest.mark.slow

KIOSK = "kiosk-01"
PIN = "2468"
BOOKS = [ManifestItem(barcode=f"VV{n:06d}", tag_uid=f"E0040150000{n:05d}") for n in range(1, 7)]
SLOW = 10_000  # ms


@dataclass
class Kiosk:
    base: str
    pad: SimulatedRfidPad
    printer: VirtualReceiptPrinter


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    settings = unreachable_broker(tmp_path / "agent", KIOSK, DeviceKind.KIOSK)
    readers = [simulated_reader("SV0001", pin=PIN), simulated_reader("SV0002", pin=PIN, blocked=True)]
    with OfflineList(settings.outbox_path.with_name("offline-list.db")) as kept:
        for shard in split_list(readers, generated_at=utc_now()):  # kept by an earlier run
            kept.keep(shard)
    config = KioskConfig(
        KIOSK, pad_poll_s=0.1, screen_port=free_port(), offline=OfflineRules(lending=True, max_items=3)
    )
    with AgentHost(settings, connect_wait_s=0, handle_signals=False) as host:
        rfid = host.hold(simulated_rfid_pad(tmp_path / "pad"))
        printer, driver = host.hold(simulated_printer(get_printer_profile("tm-t88"), tmp_path / "printer"))
        agent = compose_kiosk(host, rfid.pad, config, driver)
        running = threading.Thread(target=host.run, args=(agent,), daemon=True)
        running.start()
        try:
            yield Kiosk(f"http://127.0.0.1:{config.screen_port}", rfid, printer)
        finally:
            host.stop()
            running.join(timeout=30)


def shown_in_both_languages(screen: Screen, name: str) -> None:
    checks.shown_in_both_languages(screen, f"kiosk-offline-{name}", marked="[data-offline]")


def sign_in(page: Page, card: str, pin: str) -> None:
    page.fill("#card", card)
    page.keyboard.press("Enter")
    expect(page.locator("[data-step=pin]")).to_be_visible()
    page.fill("#pin", pin)
    page.keyboard.press("Enter")


def test_offline_the_kiosk_lends_with_the_list_and_takes_returns(kiosk: Kiosk, screen: Screen) -> None:
    page = screen.page
    page.goto(f"{kiosk.base}/")
    banner = page.locator("[data-offline]")
    expect(banner).to_contain_text("Không kết nối được", timeout=SLOW)
    expect(banner).to_contain_text("mã PIN")
    shown_in_both_languages(screen, "idle")

    sign_in(page, "SV0002", PIN)  # blocked: refused, never named
    expect(page.locator("[data-notice]")).to_contain_text("Tài khoản của bạn")
    expect(page.locator("[data-step=card]")).to_be_visible()
    shown_in_both_languages(screen, "refused")

    sign_in(page, "SV0001", PIN)
    expect(page.locator("[data-offline-reader]")).to_contain_text("SV*001")
    expect(page.locator("[data-account-offline]")).to_be_visible()
    for book in BOOKS[:4]:
        kiosk.pad.books.place(book)
    expect(page.locator("[data-outcome]")).to_have_count(4, timeout=SLOW)
    expect(page.locator("[data-outcome=lent]")).to_have_count(3, timeout=SLOW)
    expect(page.locator("[data-outcome=not_lent]")).to_contain_text("ngoại tuyến")
    expect(page.locator("[data-due]")).to_have_count(3)
    expect(page.locator("[data-loans]")).to_contain_text("3")
    shown_in_both_languages(screen, "lent")

    page.click("[data-receipt]")
    expect(page.locator("[data-notice]")).to_contain_text("Biên lai đã được in", timeout=SLOW)
    printed = "\n".join(kiosk.printer.lines())
    assert all(book.barcode in printed for book in BOOKS[:3])
    assert BOOKS[3].barcode not in printed
    assert "ngoại tuyến" in printed.lower()

    page.click("[data-sign-out]")
    expect(page.locator("[data-step=card]")).to_be_visible()
    kiosk.pad.books.field.clear()
    page.wait_for_timeout(500)
    kiosk.pad.books.place(BOOKS[4])
    expect(page.locator("[data-outcome=to_return_bin]")).to_have_count(1, timeout=SLOW)
    expect(page.locator("[data-outcome=to_return_bin]")).to_contain_text("thùng trả sách")
    shown_in_both_languages(screen, "returns")
