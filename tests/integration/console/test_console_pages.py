"""Console pages in-process: the security policy on every page and none of what it forbids in them, the
navigation each role is shown, markup in data shown as text, the audit trail of an action made in the
console's own way, and the pages of what went wrong."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from server.app import create_app
from server.console import actions
from server.console.session import Viewer
from server.db.tables import Patron
from server.services import staff_sessions
from server.services.staff_actions import Applied, row_subject
from server.settings import ServerSettings
from tests.support import factories as f
from tests.support.console_app import USERNAMES, console_state, form_token, page_token
from tests.support.console_checks import XSS_STRINGS
from tests.support.staff import PASSWORD
from web.security import CONTENT_SECURITY_POLICY

NAV = {
    "assistant": [
        "/console/",
        "/console/desk",
        "/console/offline",
        "/console/gate",
        "/console/patrons",
        "/console/items",
        "/console/catalogue",
        "/console/collection/register",
        "/console/tagging",
        "/console/holds",
        "/console/stocktake",
        "/console/losses",
        "/console/repairs",
        "/console/devices",
    ],
    "librarian": [
        "/console/",
        "/console/desk",
        "/console/offline",
        "/console/gate",
        "/console/patrons",
        "/console/items",
        "/console/catalogue",
        "/console/imports",
        "/console/collection/register",
        "/console/tagging",
        "/console/holds",
        "/console/stocktake",
        "/console/losses",
        "/console/weeding",
        "/console/repairs",
        "/console/collection/statistics",
        "/console/devices",
        "/console/events",
    ],
    "admin": [
        "/console/",
        "/console/desk",
        "/console/offline",
        "/console/gate",
        "/console/patrons",
        "/console/items",
        "/console/catalogue",
        "/console/imports",
        "/console/collection/register",
        "/console/tagging",
        "/console/holds",
        "/console/stocktake",
        "/console/losses",
        "/console/weeding",
        "/console/repairs",
        "/console/collection/statistics",
        "/console/devices",
        "/console/events",
        "/console/staff",
        "/console/audit",
    ],
}


class Inline(HTMLParser):
    """Inline scripts, event handlers and styles: what the Content-Security-Policy would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [
            f"{tag}[{n}]" for n in names if n.startswith("on") or n == "style" or n.startswith("hx-on")
        ]


def _inline(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.found


def _nav(html: str) -> list[str]:
    block = re.search(r'<nav class="nav".*?</nav>', html, re.S)
    return re.findall(r'class="nav__link" href="([^"]+)"', block.group(0)) if block else []


@pytest.mark.parametrize("role", ["assistant", "librarian", "admin"])
def test_every_page_keeps_to_the_security_policy_and_shows_the_role_its_entries(
    signed_in: Callable[[str], TestClient], role: str
) -> None:
    client = signed_in(role)
    pages = ["/console/login", *NAV[role]]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert _inline(response.text) == [], path
    dashboard = client.get("/console/").text
    assert _nav(dashboard) == NAV[role]
    assert f"{role.title()} Nguyễn" in dashboard  # who is signed in
    assert {"assistant": "Trợ lý quầy", "librarian": "Thủ thư", "admin": "Quản trị viên"}[role] in dashboard


def test_the_console_is_the_home_page_and_the_api_docs_keep_their_own_policy(
    new_client: Callable[[], TestClient],
) -> None:
    client = new_client()
    home = client.get("/", follow_redirects=False)
    assert (home.status_code, home.headers["location"]) == (307, "/console/")
    assert "content-security-policy" not in client.get("/docs").headers  # Swagger UI needs its inline script
    login = client.get("/console/login").text
    for asset in re.findall(r'(?:src|href)="(/console/static/[^"]+)"', login):
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert "immutable" in served.headers["cache-control"]


def test_markup_in_a_title_or_a_name_is_shown_as_text(
    signed_in: Callable[[str], TestClient], console_engine: Engine
) -> None:
    now = datetime.now(UTC)
    with Session(console_engine) as session:
        for n, text in enumerate(XSS_STRINGS):
            record = f.record(session, title=text)
            reader = f.patron(session, full_name=text, card_number=f"SV99000{n}")
            copy = f.item(session, record)
            f.ready_hold(session, record, reader, copy, ready_at=now, expires_at=now + timedelta(days=2))
        session.commit()
    html = signed_in("librarian").get("/console/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    for text in XSS_STRINGS:
        assert text not in html


def test_an_action_from_a_console_form_is_applied_once_and_audited(
    console_app: FastAPI, signed_in: Callable[[str], TestClient], console_engine: Engine
) -> None:
    """The mechanism the desk, patron and item pages use (server/console/actions.py): a form's key makes a
    double submit one action, and the audit page shows it with its before and after."""
    with Session(console_engine) as session:
        f.patron(session, card_number="SV2100777", full_name=XSS_STRINGS[1])
        session.commit()
    admin = signed_in("admin")
    state = console_state(console_app)
    key = actions.new_key()
    with Session(console_engine) as session:
        resumed = staff_sessions.resume(
            session, admin.cookies["stacks_session"], state.clock(), state.sessions
        )
        assert resumed is not None
        viewer = Viewer(resumed.staff, resumed, "vi")

        def rename() -> dict[str, object]:
            patron = session.exec(select(Patron).where(Patron.card_number == "SV2100777")).one()
            patron.full_name = "Lê Thị Hồng"
            return {"ok": True}

        def submit() -> Applied:
            subject = row_subject(session, "patron:SV2100777", Patron, card_number="SV2100777")
            request = {"card_number": "SV2100777"}
            return actions.perform(
                session,
                viewer,
                state.clock(),
                "patron.update",
                request,
                apply=rename,
                subject=subject,
                key=key,
            )

        first, again = submit(), submit()
    assert (first.replayed, again.replayed) == (False, True)
    assert again.body == first.body
    listing = admin.get("/console/audit").text
    (link,) = re.findall(r'href="(/console/audit/[0-9a-f-]{36})"', listing)
    assert link.endswith(key)
    detail = admin.get(link).text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in detail  # before
    assert "Lê Thị Hồng" in detail  # after
    assert "Đã thay đổi" in detail  # the changed field, said in words
    assert _inline(detail) == []


def test_what_went_wrong_is_a_page_in_the_staff_members_language(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("librarian")
    missing = client.get("/console/no-such-page")
    assert missing.status_code == 404
    assert "Không tìm thấy" in missing.text
    forbidden = client.get("/console/audit")
    assert forbidden.status_code == 403
    assert "Vai trò của bạn không được làm việc này." in forbidden.text
    fragment = client.get("/console/audit", headers={"HX-Request": "true"})
    assert (fragment.status_code, fragment.headers["content-type"]) == (403, "text/plain; charset=utf-8")
    no_token = client.post("/console/language", data={"lang": "en"})
    assert no_token.status_code == 403
    assert "Biểu mẫu đã cũ hoặc không đến từ bảng điều khiển này." in no_token.text
    with_header = client.post(
        "/console/language",
        data={"lang": "vi"},
        headers={"X-CSRF-Token": page_token(client.get("/console/").text)},
        follow_redirects=False,
    )
    assert with_header.status_code == 303


@pytest.mark.usefixtures("console_engine")
def test_a_secure_cookie_when_the_setting_says_so(console_settings: ServerSettings) -> None:
    app = create_app(console_settings.model_copy(update={"console_secure_cookie": True}))
    with TestClient(app, base_url="https://testserver") as client:
        token = form_token(client.get("/console/login").text)
        answer = client.post(
            "/console/login",
            data={"username": USERNAMES["admin"], "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("stacks_session="))
    assert "Secure" in cookie
