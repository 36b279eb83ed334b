"""The console in Chromium against a real server: signing in and out, a wrong password, the throttling
message, a forged form refused, markup in data shown as text on the dashboard and the audit pages, every
string in Vietnamese (and in English after the switch), no console error, no CSP violation, axe-core clean,
a 768 px tablet — and the screenshots of the log-in, dashboard and audit pages in both languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import select

from server.db.tables import Patron
from tests.support import factories as f
from tests.support.browser import Screen, open_screen
from tests.support.console import ACCOUNTS, ConsoleServer
from tests.support.console_checks import (
    COUNT_DIALOGS,
    XSS_STRINGS,
    assert_axe_clean,
    assert_clean,
    assert_shown_as_text,
    switch_language,
    untranslated,
)
from tests.support.staff import PASSWORD

pytestmark = pytest.mark.slow

LANGS = ("vi", "en")


def test_signing_in_a_wrong_password_and_logging_out(browser: Browser, console_server: ConsoleServer) -> None:
    with open_screen(browser) as screen:
        page = screen.page
        page.goto(console_server.url("/"))
        expect(page).to_have_url(console_server.url("/login?next=/console/"))
        page.fill("#field-username", ACCOUNTS["librarian"][0])
        page.fill("#field-password", "not the password")
        page.click("main button[type=submit]")
        expect(page.locator("main [role=alert]")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
        page.fill("#field-password", PASSWORD)
        page.click("main button[type=submit]")
        expect(page).to_have_url(console_server.url("/"))
        expect(page.locator(".console-user__name")).to_have_text(ACCOUNTS["librarian"][1])
        page.click(".console-logout__button")
        expect(page).to_have_url(console_server.url("/login"))
        page.goto(console_server.url("/"))
        expect(page).to_have_url(console_server.url("/login?next=/console/"))
        assert_clean(screen)


def test_repeated_failures_are_told_how_long_to_wait(browser: Browser, console_server: ConsoleServer) -> None:
    with open_screen(browser) as screen:
        page = screen.page
        page.goto(console_server.url("/login"))
        for _ in range(4):
            page.fill("#field-username", "thu.khong.co")
            page.fill("#field-password", "guessing")
            page.click("main button[type=submit]")
            expect(page.locator("main [role=alert]")).to_be_visible()
        expect(page.locator("main [role=alert]")).to_contain_text(
            "Đăng nhập sai quá nhiều lần. Hãy chờ 2 giây"
        )
        assert_clean(screen, 429)


def test_a_form_without_its_token_is_refused(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("assistant")
    page = screen.page
    page.eval_on_selector(
        "form.console-logout input[name=csrf_token]", "input => { input.value = 'forged'; }"
    )
    page.click(".console-logout__button")
    expect(page.locator("h1")).to_have_text("Không gửi được biểu mẫu")
    expect(page.locator("main")).to_contain_text("Hãy tải lại trang rồi thử lại.")
    refused = page.request.post(console_server.url("/language"), form={"lang": "en"})
    assert refused.status == 403
    page.goto(console_server.url("/"))
    expect(page.locator(".console-user__name")).to_be_visible()  # still signed in: nothing was done
    assert_clean(screen, 403)


def test_the_log_in_page_in_both_languages(browser: Browser, console_server: ConsoleServer) -> None:
    with open_screen(browser) as screen:
        page = screen.page
        page.goto(console_server.url("/login"))
        for lang in LANGS:
            if lang != "vi":
                switch_language(page, lang)
            expect(page.locator("h1")).to_be_visible()
            if lang == "vi":
                assert untranslated(screen) == []
            assert_axe_clean(screen)
            screen.screenshot("console-login", lang)
        assert_clean(screen)


def _arrange_markup(server: ConsoleServer) -> str:
    """A hold on the shelf for a patron named in markup, of a record titled in markup; the patron renamed
    through the API by the librarian, so the audit trail shows the markup before and after."""
    now = datetime.now(UTC)
    with server.db() as session:
        record = f.record(session, title=XSS_STRINGS[0])
        reader = f.patron(session, full_name=XSS_STRINGS[1], card_number="SV2199001")
        copy = f.item(session, record, barcode="VV990001")
        f.ready_hold(session, record, reader, copy, ready_at=now, expires_at=now + timedelta(days=1))
        session.commit()
    with httpx.Client(base_url=server.base_url) as api:
        token = api.post(
            "/api/v1/login/access-token", data={"username": ACCOUNTS["librarian"][0], "password": PASSWORD}
        ).json()["access_token"]
        renamed = api.patch(
            "/api/v1/patrons/SV2199001",
            json={"full_name": XSS_STRINGS[0]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert renamed.status_code == 200, renamed.text
    with server.db() as session:
        patron = session.exec(select(Patron).where(Patron.card_number == "SV2199001")).one()
        return str(patron.full_name)


def test_the_dashboard_and_the_audit_pages(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    assert _arrange_markup(console_server) == XSS_STRINGS[0]
    screen = console_as("admin")
    page = screen.page
    for lang in LANGS:
        if lang != "vi":
            switch_language(page, lang)
        page.goto(console_server.url("/"))
        expect(page.locator("#devices")).to_be_visible()
        assert_shown_as_text(screen, XSS_STRINGS[0], "#ready-holds")
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)  # its screenshot: test_dashboard_of_a_working_library.py

        page.goto(console_server.url("/audit"))
        expect(page.locator("#audit")).to_be_visible()
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)
        screen.screenshot("console-audit", lang)

        page.goto(console_server.url("/audit?kind=patron.update"))
        page.locator("#audit a").first.click()
        expect(page.locator("#changes")).to_be_visible()
        for text in XSS_STRINGS:
            assert_shown_as_text(screen, text, "#changes")
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)
        screen.screenshot("console-audit-action", lang)
    switch_language(page, "vi")
    assert_clean(screen)


@pytest.mark.parametrize("role", ["assistant", "admin"])
def test_the_pages_fit_a_tablet(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, role: str
) -> None:
    screen = console_as(role)
    page = screen.page
    page.set_viewport_size({"width": 768, "height": 1024})
    for path in ["/"] + (["/audit"] if role == "admin" else []):
        page.goto(console_server.url(path))
        assert page.evaluate("document.documentElement.scrollWidth") <= 768, path


FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return [e.textContent.trim().slice(0, 30), e.matches(":focus-visible") && ring];
}"""


def test_the_keyboard_reaches_the_header_with_a_visible_focus(console_as: Callable[[str], Screen]) -> None:
    page = console_as("admin").page
    seen: list[tuple[str, bool]] = []
    while len(seen) < 30 and (not seen or seen[-1][0] != "Đăng xuất"):  # every header entry, then log out
        page.keyboard.press("Tab")
        seen.append(tuple(page.evaluate(FOCUSED)))
    assert all(visible for _, visible in seen), seen
    names = [name for name, _ in seen]
    assert names[0] == "Chuyển đến nội dung chính"
    assert "Nhật ký thao tác" in names
    assert "Đăng xuất" in names


def test_dialogs_are_counted_not_shown(console_as: Callable[[str], Screen]) -> None:
    """The XSS check can fail: a dialog opened by a script is counted."""
    page = console_as("librarian").page
    assert COUNT_DIALOGS
    page.evaluate("() => window.alert('x')")
    assert page.evaluate("() => window.__xssDialogs") == 1
