"""Staff accounts in Chromium against a real server: an administrator creates an account, changes its role,
resets its password (the person's open session ends), unlocks its sign-in after failed attempts, and
deactivates and reactivates it; the last administrator's own demotion is refused in words; a librarian has
no staff page — every string in Vietnamese, axe-core clean, no console error — and the screenshots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from server.services.login_throttle import Throttling, record_failure
from server.settings import ServerSettings
from tests.support.browser import Screen, open_screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import (
    assert_axe_clean,
    assert_clean,
    switch_language,
    untranslated,
)

pytestmark = pytest.mark.slow

USERNAME, FULL_NAME = "tran.thi.hoa", "Trần Thị Hoa"
FIRST_PASSWORD, SECOND_PASSWORD = "mật khẩu ban đầu", "mật khẩu thứ hai"


def _sign_in(page: Page, server: ConsoleServer, password: str) -> None:
    page.goto(server.url("/login"))
    page.fill("#field-username", USERNAME)
    page.fill("#field-password", password)
    page.click("main button[type=submit]")


def _guessed_ten_times(server: ConsoleServer) -> None:
    """Someone guessed the password ten times over the last ten minutes (each failure counted, as the
    waits between them were kept): the name is locked for a quarter of an hour."""
    rules = Throttling.from_settings(ServerSettings(_env_file=None))
    start = datetime.now(UTC) - timedelta(minutes=10)
    with server.db() as session:
        for n in range(10):
            record_failure(session, USERNAME, None, start + timedelta(seconds=61 * n), rules)
        session.commit()


def _done(page: Page, text: str) -> None:
    expect(page.locator("main .alert.tone-success")).to_contain_text(text)


def test_an_account_from_creation_to_deactivation(
    browser: Browser, console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    admin = console_as("admin")
    page = admin.page
    page.goto(console_server.url("/staff"))
    page.fill("#field-username", USERNAME)
    page.fill("#field-full_name", FULL_NAME)
    page.select_option("#field-role", "librarian")
    page.fill("#field-password", FIRST_PASSWORD)
    page.click("#create-account button[type=submit]")
    expect(page).to_have_url(console_server.url(f"/staff/{USERNAME}?done=created"))
    _done(page, "Đã tạo tài khoản.")
    expect(page.locator("[data-field=role]")).to_have_text("Thủ thư")

    page.select_option("#change-role select", "assistant")
    page.click("#change-role button[type=submit]")
    _done(page, "Đã đổi vai trò.")
    expect(page.locator("[data-field=role]")).to_have_text("Trợ lý quầy")

    with open_screen(browser) as person:
        _sign_in(person.page, console_server, FIRST_PASSWORD)
        expect(person.page.locator(".console-user__name")).to_have_text(FULL_NAME)
        page.fill("#field-new_password", SECOND_PASSWORD)
        page.click("#reset-password button[type=submit]")
        _done(page, "Mọi phiên làm việc của tài khoản đã kết thúc.")
        person.page.goto(console_server.url("/"))
        expect(person.page).to_have_url(console_server.url("/login?next=/console/"))  # signed out everywhere

        _guessed_ten_times(console_server)
        _sign_in(person.page, console_server, SECOND_PASSWORD)
        expect(person.page.locator("main [role=alert]")).to_contain_text(
            "Việc đăng nhập bị khóa trong 15 phút"
        )
        page.goto(console_server.url("/staff"))
        held = page.locator(f"#held-back tr[data-username='{USERNAME}']")
        expect(held).to_be_visible()
        screenshots(admin, "console-staff")
        held.locator("button").click()
        _done(page, f"Đã mở khóa đăng nhập cho {USERNAME}.")
        expect(page.locator("#held-back")).to_have_count(0)
        _sign_in(person.page, console_server, SECOND_PASSWORD)  # at once: no waiting
        expect(person.page.locator(".console-user__name")).to_have_text(FULL_NAME)

        page.goto(console_server.url(f"/staff/{USERNAME}"))
        page.click("#change-active button[type=submit]")
        _done(page, "Đã vô hiệu hóa tài khoản")
        expect(page.locator("[data-field=state]")).to_contain_text("Đã vô hiệu hóa")
        person.page.goto(console_server.url("/"))
        expect(person.page).to_have_url(console_server.url("/login?next=/console/"))
        page.click("#change-active button[type=submit]")
        _done(page, "Đã kích hoạt lại tài khoản.")
        screenshots(admin, "console-staff-account")
        assert_clean(person, 429)
    assert_clean(admin)


def screenshots(screen: Screen, name: str) -> None:
    """The page in Vietnamese and in English, checked, then back to Vietnamese."""
    for lang in ("vi", "en"):
        if lang != "vi":
            switch_language(screen.page, lang)
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)
        screen.screenshot(name, lang)
    switch_language(screen.page, "vi")


def test_the_last_administrator_may_not_demote_themselves(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("admin")
    page = screen.page
    page.goto(console_server.url("/staff/quan.tri"))
    expect(page.locator("main .alert.tone-info")).to_contain_text("Đây là tài khoản của chính bạn")
    page.select_option("#change-role select", "librarian")
    page.click("#change-role button[type=submit]")
    expect(page.locator("main .alert.tone-danger")).to_contain_text(
        "Đây là quản trị viên cuối cùng còn hoạt động. Hãy cấp quyền quản trị cho một tài khoản khác trước."
    )
    page.goto(console_server.url("/staff"))
    expect(page.locator("#accounts tr[data-username='quan.tri']")).to_contain_text("Quản trị viên")
    assert_clean(screen, 409)


def test_a_librarian_has_no_staff_page(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("librarian")
    page = screen.page
    assert page.locator("nav.nav a[href='/console/staff']").count() == 0
    answer = page.goto(console_server.url("/staff"))
    assert answer is not None
    assert answer.status == 403
    expect(page.locator("h1")).to_have_text("Không được phép")
    assert_clean(screen, 403)
