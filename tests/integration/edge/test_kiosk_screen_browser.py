"""The kiosk's touch screen in Chromium, the way a reader uses it: the real server (SQLite) and broker, the
kiosk agent on its runtime, its pad — the real FEIG driver — on the virtual reader over a pty with books put
on it and taken away, and its receipt printer — the real ESC/POS driver — on a virtual one. A locked PIN,
a wrong PIN, then signing in on the keypad; a stack of eight books, six lent with due dates and two
refused — one held for another reader, one past the reader's limit — their tags left secured; a loan
renewed and a receipt printed, then shown as a QR code that zbar reads off the screen; signing out;
returns without a card, one to the hold tray; the large-text mode; the idle warning's countdown, then the
sign-out it warned of. Every screen axe-core clean, no console error or CSP violation, in Vietnamese and
English, screenshotted."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, select

from devices.barcode.image import decode_image
from devices.printer import get_printer_profile
from devices.rfid import SecuritySettings
from devices.sim.field import VirtualTag, make_uid
from devices.sim.gate_tags import FOREIGN_ISIL
from devices.sim.receipt_printer import VirtualReceiptPrinter, simulated_printer
from edge.host import AgentHost
from edge.kiosk.compose import compose_kiosk
from edge.kiosk.settings import KioskConfig
from edge.sim.book_tags import SimulatedRfidPad, simulated_rfid_pad
from edge.sim.manifest import ManifestItem
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import Item, Loan
from tests.integration.edge.factories import SettingsFactory
from tests.support import console_checks as checks
from tests.support import factories as make
from tests.support.broker import RunningBroker
from tests.support.browser import SCREENSHOTS, Screen
from tests.support.console_checks import assert_axe_clean, assert_clean
from tests.support.ports import free_port
from tests.support.server import running_server

pytestmark = pytest.mark.slow

KIOSK = "kiosk-01"
# A reader idle this long is warned, then signed out: the idle test's own timings. Every other test takes
# its time between taps (two languages, axe-core, screenshots on a loaded machine) and must not be warned.
IDLE_TIMEOUT_S, IDLE_WARNING_S = 14.0, 8.0
PATIENT = (600.0, 60.0)
SLOW = 15_000  # ms: a stack of books goes through the server one by one
PIN_MAX_FAILURES = 5  # the server's default (STACKS_PIN_MAX_FAILURES)


@dataclass
class Library:
    card: str  # a postgraduate's (10 loans at most), with 4 loans when the tests begin
    name: str
    locked_card: str  # another reader, whose PIN is locked
    to_lend: list[Item]  # available: seven, so that a stack of them and the held copy meets the limit
    held: Item  # on the hold shelf for another reader
    lent_out: Item  # on loan to someone else; another reader waits for its title
    had: Item  # on loan to the reader already, due in two days: renewable


def _library(database_url: str) -> Library:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            title = make.record(db, title="Số đỏ", call_number="895.9223 VU-P")
            wanted = make.record(db, title="Nỗi buồn chiến tranh", call_number="895.9223 BA-N")
            reader = make.patron(db, category="postgraduate")
            other = make.patron(db, full_name="Lê Văn Tám")
            locked = make.patron(db, full_name="Phạm Thị Hoa", pin_failures=PIN_MAX_FAILURES)
            now = datetime.now(UTC)
            to_lend = [make.item(db, title) for _ in range(7)]
            earlier = make.record(db, title="Tắt đèn", call_number="895.9223 NG-T")
            for _ in range(3):
                make.loan(db, make.item(db, earlier), reader, due_at=now + timedelta(days=20))
            kept = make.record(db, title="Dế Mèn phiêu lưu ký", call_number="895.9223 TO-H")
            held = make.item(db, kept)
            make.ready_hold(db, kept, other, held, ready_at=now, expires_at=now + timedelta(days=3))
            lent_out = make.item(db, wanted)
            make.loan(db, lent_out, other, due_at=now + timedelta(days=7))
            make.hold(db, wanted, make.patron(db), placed_at=now - timedelta(days=1))
            had = make.item(db, make.record(db, title="Truyện Kiều", call_number="895.9221 NG-D"))
            make.loan(db, had, reader, due_at=now + timedelta(days=2), checkout_by="device:kiosk-01")
            library = Library(
                reader.card_number, reader.full_name, locked.card_number, to_lend, held, lent_out, had
            )
            db.commit()
    finally:
        engine.dispose()
    return library


@dataclass
class Kiosk:
    base: str
    pad: SimulatedRfidPad
    printer: VirtualReceiptPrinter
    library: Library

    def put(self, *items: Item) -> None:
        for item in items:
            self.pad.books.place(ManifestItem(barcode=item.barcode, tag_uid=item.tag_uid, status="available"))

    def take_all(self) -> None:
        self.pad.books.field.clear()

    def secured(self, item: Item) -> bool:
        tag = self.pad.books.tag_of(ManifestItem(barcode=item.barcode, tag_uid=item.tag_uid))
        assert tag is not None
        return tag.afi == SecuritySettings.from_toml().afi_secured


@pytest.fixture
def idle(request: pytest.FixtureRequest) -> tuple[float, float]:
    """The kiosk's idle timeout and warning, in seconds (a test sets them with indirect parametrize)."""
    given: tuple[float, float] = getattr(request, "param", PATIENT)
    return given


@pytest.fixture
def kiosk(
    sqlite_url: str,
    broker: RunningBroker,
    edge_settings: SettingsFactory,
    tmp_path: Path,
    idle: tuple[float, float],
) -> Iterator[Kiosk]:
    library = _library(sqlite_url)
    config = KioskConfig(
        KIOSK,
        pad_poll_s=0.1,
        idle_timeout_s=idle[0],
        idle_warning_s=idle[1],
        screen_port=free_port(),
    )
    with running_server(tmp_path, sqlite_url, broker):
        settings = edge_settings(KIOSK, device_kind="kiosk", request_timeout_s=10)
        with AgentHost(settings, handle_signals=False) as host:
            rfid = host.hold(simulated_rfid_pad(tmp_path / "pad"))
            printer, driver = host.hold(
                simulated_printer(get_printer_profile("tm-t88"), tmp_path / "printer")
            )
            agent = compose_kiosk(host, rfid.pad, config, driver)
            running = threading.Thread(target=host.run, args=(agent,), daemon=True)
            running.start()
            try:
                yield Kiosk(f"http://127.0.0.1:{config.screen_port}", rfid, printer, library)
            finally:
                host.stop()
                running.join(timeout=30)


def shown_in_both_languages(screen: Screen, name: str) -> None:
    checks.shown_in_both_languages(screen, f"kiosk-{name}")


def outcomes(page: Page) -> list[str]:
    found: list[str] = page.locator("[data-outcome]").evaluate_all(
        "(rows) => rows.map((row) => row.dataset.outcome)"
    )
    return found


def screenshot_of(element: Locator, attempts: int = 3) -> bytes:
    """The element's picture. The screen's live feed may swap its part in again (the same content) between
    finding the element and taking the picture: then the picture is taken of the new one."""
    for _ in range(attempts - 1):
        try:
            return element.screenshot()
        except PlaywrightError as error:
            if "not attached" not in str(error):
                raise
    return element.screenshot()


def test_a_reader_borrows_a_stack_signs_out_and_books_come_back(kiosk: Kiosk, screen: Screen) -> None:
    page, library = screen.page, kiosk.library
    page.goto(f"{kiosk.base}/")
    expect(page.locator("[data-step=card]")).to_be_visible()
    expect(page.locator("#card")).to_be_focused()  # a scanner types into it at once
    shown_in_both_languages(screen, "idle")

    # A locked PIN: not even checked; back to the card, told what to do.
    page.fill("#card", library.locked_card)
    page.keyboard.press("Enter")
    page.fill("#pin", make.DEFAULT_PIN)
    page.keyboard.press("Enter")
    expect(page.locator("[data-notice]")).to_contain_text("Mã PIN bị khóa")
    expect(page.locator("[data-step=card]")).to_be_visible()
    shown_in_both_languages(screen, "locked-pin")

    # A wrong PIN on the keypad: told so, with the attempts left, and asked again.
    page.fill("#card", library.card)
    page.keyboard.press("Enter")
    expect(page.locator("[data-step=pin]")).to_be_visible()
    for key in ("9", "9", "9", "9"):
        page.click(f"[data-key='{key}']")
    expect(page.locator("#pin")).to_have_value("9999")
    page.click("[data-key=ok]")
    expect(page.locator("[data-notice]")).to_contain_text("Sai mã PIN")
    expect(page.locator("[data-step=pin]")).to_be_visible()
    shown_in_both_languages(screen, "wrong-pin")

    # The right PIN from the keyboard: the reader's own name, nobody else's.
    page.fill("#pin", make.DEFAULT_PIN)
    page.keyboard.press("Enter")
    expect(page.locator("[data-reader]")).to_contain_text(library.name)
    expect(page.locator("[data-loans]")).to_contain_text("4")
    expect(page.locator(f"[data-loan='{library.had.barcode}']")).to_contain_text("Truyện Kiều")
    shown_in_both_languages(screen, "signed-in")

    # A stack of eight: six lent with their due dates, two refused — the copy held for another reader,
    # and the book past the reader's limit of ten.
    kiosk.put(*library.to_lend, library.held)
    expect(page.locator("[data-outcome]")).to_have_count(8, timeout=SLOW)
    expect(page.locator("[data-outcome=checking]")).to_have_count(0, timeout=SLOW)
    assert sorted(outcomes(page)) == ["lent"] * 6 + ["not_lent"] * 2
    expect(page.locator("[data-due]")).to_have_count(6)
    expect(page.locator(f"[data-book='{library.held.barcode}']")).to_contain_text("bạn đọc khác")
    expect(page.locator("[data-loans]")).to_contain_text("10")
    lent = [item for item in library.to_lend if not kiosk.secured(item)]
    assert len(lent) == 6  # the one past the limit, not lent, keeps its tag secured
    assert kiosk.secured(library.held)  # not lent: its tag stays secured
    shown_in_both_languages(screen, "stack")

    # The loan the reader already had, renewed: a later due date.
    had = page.locator(f"[data-loan='{library.had.barcode}']")
    due_before = had.locator("[data-loan-due]").inner_text()
    had.locator("[data-renew]").click()
    expect(had).to_contain_text("Đã gia hạn", timeout=SLOW)
    assert had.locator("[data-loan-due]").inner_text() != due_before
    shown_in_both_languages(screen, "renewed")

    # The receipt: the books lent and the loan renewed, the card masked, the reader not named.
    page.click("[data-receipt]")
    expect(page.locator("[data-notice]")).to_contain_text("Biên lai đã được in", timeout=SLOW)
    printed = "\n".join(kiosk.printer.lines())
    assert all(item.barcode in printed for item in [*lent, library.had])
    assert library.held.barcode not in printed
    assert library.card not in printed
    assert library.name not in printed
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    kiosk.printer.save_png(SCREENSHOTS / "kiosk-receipt-paper.vi.png")
    shown_in_both_languages(screen, "receipt")

    # The same receipt as a QR code on the screen: what a phone's camera reads off the screen is it.
    page.click("[data-receipt-qr-show]")
    code = page.locator("[data-receipt-qr] svg")
    expect(code).to_be_visible()
    (symbol,) = decode_image(screenshot_of(code)).symbols
    assert all(item.barcode in symbol.value for item in [*lent, library.had])
    assert library.card not in symbol.value
    assert library.name not in symbol.value
    shown_in_both_languages(screen, "receipt-qr")
    page.click("[data-receipt-qr-hide]")
    expect(page.locator("[data-receipt-qr]")).to_have_count(0)

    page.click("[data-sign-out]")
    expect(page.locator("[data-step=card]")).to_be_visible()
    expect(page.locator("[data-notice]")).to_contain_text("đăng xuất")
    expect(page.locator("[data-outcome]")).to_have_count(0)

    # Returns, no card: one book to the return bin, one wanted by another reader to the hold tray.
    kiosk.take_all()
    page.wait_for_timeout(500)  # the pad seen empty: the same books put down again are new ones
    kiosk.put(lent[0], library.lent_out)
    expect(page.locator("[data-outcome=to_return_bin]")).to_have_count(1, timeout=SLOW)
    expect(page.locator("[data-outcome=to_hold_tray]")).to_have_count(1, timeout=SLOW)
    expect(page.locator("[data-outcome=to_hold_tray]")).to_contain_text("khay sách đặt trước")
    assert kiosk.secured(lent[0])
    assert kiosk.secured(library.lent_out)
    shown_in_both_languages(screen, "returns")

    # Large text: high contrast and larger type, kept as the page is reloaded.
    page.click("[data-large-text]")
    expect(page.locator("html")).to_have_class("touch kiosk high-contrast")
    expect(page.locator("[data-large-text]")).to_have_attribute("aria-pressed", "true")
    shown_in_both_languages(screen, "large-text")
    expect(page.locator("html")).to_have_class("touch kiosk high-contrast")
    page.click("[data-large-text]")
    expect(page.locator("html")).to_have_class("touch kiosk")


@pytest.mark.parametrize("idle", [(IDLE_TIMEOUT_S, IDLE_WARNING_S)], indirect=True, ids=["14s"])
def test_an_idle_reader_is_warned_with_a_countdown_then_signed_out(kiosk: Kiosk, screen: Screen) -> None:
    page, library = screen.page, kiosk.library
    page.goto(f"{kiosk.base}/?lang=en")
    page.fill("#card", library.card)
    page.keyboard.press("Enter")
    page.fill("#pin", make.DEFAULT_PIN)
    page.keyboard.press("Enter")
    expect(page.locator("[data-reader]")).to_contain_text(library.name)

    dialog = page.locator("dialog[data-idle-warning]")
    expect(dialog).to_be_visible(timeout=SLOW)
    expect(dialog).to_contain_text("Are you still there?")
    first = int(page.locator("[data-countdown]").inner_text())
    page.wait_for_timeout(1500)
    assert int(page.locator("[data-countdown]").inner_text()) < first  # it counts down
    assert_axe_clean(screen)
    screen.screenshot("kiosk-timeout", "en")
    page.click("[data-still-here]")
    expect(dialog).to_have_count(0)
    expect(page.locator("[data-reader]")).to_be_visible()

    expect(dialog).to_be_visible(timeout=SLOW)  # nothing more happens: warned again…
    page.goto(f"{kiosk.base}/?lang=vi")
    expect(page.locator("dialog[data-idle-warning]")).to_be_visible()
    expect(page.locator("dialog[data-idle-warning]")).to_contain_text("Bạn vẫn còn ở đây chứ?")
    screen.screenshot("kiosk-timeout", "vi")
    # …then signed out, and told why.
    expect(page.locator("[data-step=card]")).to_be_visible(timeout=SLOW)
    expect(page.locator("[data-notice]")).to_contain_text("không có thao tác")
    expect(page.locator("dialog[data-idle-warning]")).to_have_count(0)
    assert_clean(screen)


def test_books_the_kiosk_cannot_lend_are_told_and_no_loan_is_left_open(
    kiosk: Kiosk, screen: Screen, sqlite_url: str
) -> None:
    """A book whose tag will not unsecure (its AFI locked), another library's book and a tag nobody wrote:
    each told in words, the first one's loan taken back at once — the count of loans does not move."""
    page, library = screen.page, kiosk.library
    page.goto(f"{kiosk.base}/")
    page.fill("#card", library.card)
    page.keyboard.press("Enter")
    page.fill("#pin", make.DEFAULT_PIN)
    page.keyboard.press("Enter")
    expect(page.locator("[data-loans]")).to_contain_text("4")

    stuck = library.to_lend[0]
    tag = kiosk.pad.books.tag_of(ManifestItem(barcode=stuck.barcode, tag_uid=stuck.tag_uid))
    assert tag is not None
    tag.afi_locked = True
    kiosk.put(stuck)
    kiosk.pad.books.field.add(VirtualTag.library_item(make_uid(0xF00D), "F0000001", isil=FOREIGN_ISIL))
    stranger = VirtualTag.blank(make_uid(0xBAD))
    stranger.memory[:8] = b"\xde\xad\xbe\xef" * 2
    kiosk.pad.books.field.add(stranger)
    expect(page.locator("[data-outcome]")).to_have_count(3, timeout=SLOW)
    expect(page.locator("[data-outcome=checking]")).to_have_count(0, timeout=SLOW)
    assert sorted(outcomes(page)) == ["not_unsecured", "other_library", "unreadable"]
    expect(page.locator(f"[data-book='{stuck.barcode}']")).to_contain_text("quầy thủ thư")
    expect(page.locator("[data-loans]")).to_contain_text("4")
    assert kiosk.secured(stuck)
    engine = make_engine(sqlite_url)
    try:
        with Session(engine) as db:
            lent = db.exec(select(Loan).where(Loan.item_id == stuck.id)).all()
            assert [loan.returned_at is not None for loan in lent] == [True]  # lent, and taken back
            assert db.get(Item, stuck.id).status == "available"  # type: ignore[union-attr]
    finally:
        engine.dispose()
    shown_in_both_languages(screen, "not-lendable")
