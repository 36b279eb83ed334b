"""The staff accounts pages in-process: creating an account (and the refusals, in words), changing a role,
deactivating and reactivating, resetting a password — which ends the person's sessions — and unlocking a
sign-in held back by throttling; the last active administrator cannot demote or deactivate themselves;
every change is audited; librarians and assistants get no staff page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from server.db.tables import EventLog
from server.db.tables.staff import StaffUser
from server.domain.enums import StaffRole
from tests.support.console_app import USERNAMES, form_token, sign_in
from tests.support.console_checks import XSS_STRINGS
from tests.support.staff import PASSWORD

NEW_PASSWORD = "một mật khẩu mới dài"


def _submit(client: TestClient, page_path: str, form_id: str, **fields: str) -> Response:
    """Fill the form `form_id` of the page as a browser would: its hidden fields, then `fields`."""
    page = client.get(page_path).text
    form = re.search(rf'<form[^>]*action="([^"]+)"[^>]*id="{form_id}".*?</form>', page, re.S)
    assert form is not None, form_id
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))
    return client.post(form.group(1), data=hidden | fields, follow_redirects=False)


def _account(engine: Engine, username: str) -> StaffUser | None:
    with Session(engine) as session:
        return session.exec(select(StaffUser).where(StaffUser.username == username)).first()


def test_an_administrator_creates_an_account_that_signs_in(
    signed_in: Callable[[str], TestClient], new_client: Callable[[], TestClient], console_engine: Engine
) -> None:
    admin = signed_in("admin")
    made = _submit(
        admin, "/console/staff", "create-account",
        username="Hoa.Tran", full_name=XSS_STRINGS[1], role="librarian", password=PASSWORD,
    )  # fmt: skip
    assert made.status_code == 303
    assert made.headers["location"] == "/console/staff/hoa.tran?done=created"
    page = admin.get(made.headers["location"]).text
    assert "Đã tạo tài khoản." in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert XSS_STRINGS[1] not in page
    account = _account(console_engine, "hoa.tran")
    assert account is not None
    assert account.role == StaffRole.LIBRARIAN
    sign_in(new_client(), "hoa.tran")
    with Session(console_engine) as session:
        logged = session.exec(select(EventLog).where(EventLog.kind == "desk.staff.create")).one()
    assert PASSWORD not in str(logged.payload) + str(logged.reply) + str(logged.changes)
    assert logged.payload["username"] == "hoa.tran"


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (
            {"username": "quan.tri", "full_name": "Ai đó", "password": PASSWORD},
            "Đã có tài khoản mang tên đăng nhập",
        ),
        ({"username": "có dấu", "full_name": "Ai đó", "password": PASSWORD}, "Tên đăng nhập gồm 2 đến 64"),
        ({"username": "me", "full_name": "Ai đó", "password": PASSWORD}, "được dành riêng"),
        ({"username": "ai.do", "full_name": "  ", "password": PASSWORD}, "Hãy nhập họ và tên"),
        (
            {"username": "ai.do", "full_name": "Ai đó", "password": "ngắn"},
            "Mật khẩu phải có từ 10 đến 256 ký tự.",
        ),
    ],
)
def test_a_refused_account_is_said_in_words_and_the_form_kept(
    signed_in: Callable[[str], TestClient], fields: dict[str, str], said: str
) -> None:
    answer = _submit(signed_in("admin"), "/console/staff", "create-account", role="assistant", **fields)
    assert answer.status_code == 409
    assert said in answer.text
    assert f'value="{fields["full_name"]}"' in answer.text
    assert fields["password"] not in answer.text


def test_role_deactivation_and_reactivation(
    signed_in: Callable[[str], TestClient], console_engine: Engine
) -> None:
    admin = signed_in("admin")
    librarian = signed_in("librarian")
    page = f"/console/staff/{USERNAMES['librarian']}"
    assert _submit(admin, page, "change-role", role="assistant").status_code == 303
    assert "Đã đổi vai trò." in admin.get(f"{page}?done=role").text
    account = _account(console_engine, USERNAMES["librarian"])
    assert account is not None
    assert account.role == StaffRole.ASSISTANT
    assert librarian.get("/console/events").status_code == 403  # the new role counts at once
    assert _submit(admin, page, "change-active").status_code == 303
    assert "Đã vô hiệu hóa" in admin.get(page).text
    gone = librarian.get("/console/", follow_redirects=False)
    assert (gone.status_code, gone.headers["location"]) == (303, "/console/login?next=/console/")
    assert _submit(admin, page, "change-active").status_code == 303
    reactivated = _account(console_engine, USERNAMES["librarian"])
    assert reactivated is not None
    assert reactivated.is_active
    with Session(console_engine) as session:
        kinds = [e.kind for e in session.exec(select(EventLog).order_by(col(EventLog.event_id)))]
    assert kinds == ["desk.staff.update"] * 3


def test_the_last_administrator_cannot_demote_or_deactivate_themselves(
    signed_in: Callable[[str], TestClient], console_engine: Engine
) -> None:
    admin = signed_in("admin")
    own = f"/console/staff/{USERNAMES['admin']}"
    assert "Đây là tài khoản của chính bạn" in admin.get(own).text
    for form, fields in (("change-role", {"role": "librarian"}), ("change-active", {})):
        answer = _submit(admin, own, form, **fields)
        assert answer.status_code == 409
        assert "Đây là quản trị viên cuối cùng còn hoạt động." in answer.text
    account = _account(console_engine, USERNAMES["admin"])
    assert account is not None
    assert (account.role, account.is_active) == (StaffRole.ADMIN, True)
    assert admin.get("/console/staff").status_code == 200  # still signed in, still an administrator
    with Session(console_engine) as session:
        assert session.exec(select(EventLog)).all() == []  # refused: nothing logged


def test_a_password_reset_ends_the_persons_sessions_everywhere(
    signed_in: Callable[[str], TestClient], new_client: Callable[[], TestClient]
) -> None:
    admin = signed_in("admin")
    desk, other_desk = signed_in("assistant"), signed_in("assistant")
    page = f"/console/staff/{USERNAMES['assistant']}"
    short = _submit(admin, page, "reset-password", new_password="ngắn")
    assert short.status_code == 409
    assert desk.get("/console/").status_code == 200
    assert _submit(admin, page, "reset-password", new_password=NEW_PASSWORD).status_code == 303
    assert "Mọi phiên làm việc của tài khoản đã kết thúc." in admin.get(f"{page}?done=password").text
    for client in (desk, other_desk):
        assert client.get("/console/", follow_redirects=False).status_code == 303
    sign_in(new_client(), USERNAMES["assistant"], NEW_PASSWORD)


def _fail_sign_ins(client: TestClient, username: str, times: int) -> None:
    for _ in range(times):
        token = form_token(client.get("/console/login").text)
        client.post("/console/login", data={"username": username, "password": "sai", "csrf_token": token})


@pytest.mark.usefixtures("console_clock")  # stopped: the wait after the failures lasts until the unlock
def test_a_sign_in_held_back_is_unlocked(
    signed_in: Callable[[str], TestClient], new_client: Callable[[], TestClient]
) -> None:
    _fail_sign_ins(new_client(), USERNAMES["librarian"], 4)
    admin = signed_in("admin")
    listing = admin.get("/console/staff").text
    held = re.search(r'id="held-back">(.*?)</table>', listing, re.S)
    assert held is not None
    assert USERNAMES["librarian"] in held.group(1)
    account = f"/console/staff/{USERNAMES['librarian']}"
    assert "Phải chờ đến" in admin.get(account).text
    unlocked = _submit(admin, account, "unlock")
    assert unlocked.headers["location"] == f"{account}?done=unlocked"
    assert 'id="held-back"' not in admin.get("/console/staff").text
    sign_in(new_client(), USERNAMES["librarian"])  # at once, no waiting


@pytest.mark.parametrize("role", ["assistant", "librarian"])
def test_only_administrators_have_a_staff_page(signed_in: Callable[[str], TestClient], role: str) -> None:
    client = signed_in(role)
    assert 'href="/console/staff"' not in client.get("/console/").text
    assert client.get("/console/staff").status_code == 403
    assert client.get(f"/console/staff/{USERNAMES['admin']}").status_code == 403
