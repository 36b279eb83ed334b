"""Signing in to the console and out of it, in-process: the session cookie, a new session at each sign-in,
the end of a session by logging out, idling, age or a password change, sign-in throttling as staff read it,
and the language that sticks to each staff member."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.tables.staff import StaffUser
from server.services.staff import find_staff, set_password, update_staff
from tests.support.clock import Clock
from tests.support.console_app import USERNAMES, form_token, page_token, sign_in

LOGIN = "/console/login"


def _on_login_page(client: TestClient, path: str = "/console/") -> bool:
    response = client.get(path, follow_redirects=False)
    return response.status_code == 303 and response.headers["location"].startswith(LOGIN)


def test_signing_in_sets_a_strict_http_only_cookie_and_goes_where_asked(
    new_client: Callable[[], TestClient],
) -> None:
    client = new_client()
    first = client.get("/console/audit", follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (303, f"{LOGIN}?next=/console/audit")
    token = form_token(client.get(first.headers["location"]).text)
    answer = client.post(
        LOGIN,
        data={
            "username": "QUAN.TRI",
            "password": "correct horse battery",
            "csrf_token": token,
            "next": "/console/audit",
        },
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/console/audit")
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("stacks_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http here; https requests or the setting make it Secure
    assert client.get("/console/audit").status_code == 200


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(
    new_client: Callable[[], TestClient],
) -> None:
    client = new_client()
    token = form_token(client.get(LOGIN).text)
    answers = [
        client.post(LOGIN, data={"username": name, "password": "not it", "csrf_token": token})
        for name in ("thu.thu", "nobody.here")
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in answer.text
    assert _on_login_page(client)


def test_after_repeated_failures_staff_are_told_how_long_to_wait(
    new_client: Callable[[], TestClient], console_clock: Clock
) -> None:
    client = new_client()
    token = form_token(client.get(LOGIN).text)

    def attempt(password: str) -> str:
        response = client.post(LOGIN, data={"username": "thu.thu", "password": password, "csrf_token": token})
        return f"{response.status_code} {response.text}"

    for _ in range(3):
        assert attempt("wrong").startswith("200")
    fourth = attempt("wrong")
    assert fourth.startswith("429")
    assert "Đăng nhập sai quá nhiều lần. Hãy chờ 2 giây rồi thử lại." in fourth
    assert attempt("correct horse battery").startswith("429")  # not even the right one, yet
    console_clock.advance(timedelta(seconds=2))
    assert not _on_login_page(sign_in(client, USERNAMES["librarian"]))


def test_a_locked_name_says_for_how_many_minutes(
    new_client: Callable[[], TestClient], console_clock: Clock
) -> None:
    client = new_client()
    token = form_token(client.get(LOGIN).text)
    text = ""
    for _ in range(10):
        response = client.post(LOGIN, data={"username": "ghost", "password": "x", "csrf_token": token})
        text = response.text
        console_clock.advance(timedelta(minutes=2))  # past every slow-down, so each attempt counts
    assert "Việc đăng nhập bị khóa trong 15 phút." in text


def test_signing_in_starts_a_new_session_and_ends_a_planted_one(
    signed_in: Callable[[str], TestClient], new_client: Callable[[], TestClient]
) -> None:
    victim = signed_in("librarian")
    planted = victim.cookies["stacks_session"]
    other = new_client()
    other.cookies.set("stacks_session", planted, domain="testserver.local", path="/console")
    sign_in(other, USERNAMES["admin"])
    assert other.cookies["stacks_session"] != planted
    assert _on_login_page(victim)  # the planted session was ended, not carried over


def test_logging_out_needs_the_token_and_ends_the_session(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("assistant")
    old = client.cookies["stacks_session"]
    refused = client.post("/console/logout", follow_redirects=False)
    assert refused.status_code == 403
    assert "Không gửi được biểu mẫu" in refused.text
    token = page_token(client.get("/console/").text)
    out = client.post("/console/logout", data={"csrf_token": token}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, LOGIN)
    assert _on_login_page(client)
    client.cookies.set("stacks_session", old, domain="testserver.local", path="/console")  # worth nothing now
    assert _on_login_page(client)


def test_a_password_change_or_a_deactivation_signs_out_everywhere(
    signed_in: Callable[[str], TestClient], console_engine: Engine
) -> None:
    desk, office = signed_in("librarian"), signed_in("librarian")
    assert not _on_login_page(desk)
    with Session(console_engine) as session:
        member = find_staff(session, USERNAMES["librarian"])
        assert member is not None
        set_password(session, member, "another long password")
        session.commit()
    assert _on_login_page(desk)
    assert _on_login_page(office)
    assistant = signed_in("assistant")
    with Session(console_engine) as session:
        member = find_staff(session, USERNAMES["assistant"])
        assert member is not None
        update_staff(session, member, is_active=False)
        session.commit()
    assert _on_login_page(assistant)


def test_a_session_ends_when_idle_and_at_its_absolute_limit(
    signed_in: Callable[[str], TestClient], console_clock: Clock
) -> None:
    idle = signed_in("assistant")
    console_clock.advance(timedelta(minutes=29))
    assert not _on_login_page(idle)
    console_clock.advance(timedelta(minutes=31))
    assert _on_login_page(idle)
    busy = signed_in("librarian")
    for _ in range(36):  # every 20 minutes, 12 hours in all
        assert not _on_login_page(busy)
        console_clock.advance(timedelta(minutes=20))
    assert _on_login_page(busy)


def test_the_language_sticks_to_the_staff_member(
    signed_in: Callable[[str], TestClient], new_client: Callable[[], TestClient], console_engine: Engine
) -> None:
    client = signed_in("librarian")
    page = client.get("/console/")
    assert '<html lang="vi"' in page.text
    switched = client.post(
        "/console/language", data={"lang": "en", "next": "/console/", "csrf_token": page_token(page.text)}
    )
    assert '<html lang="en"' in switched.text
    assert "Dashboard" in switched.text
    with Session(console_engine) as session:
        member = session.get(StaffUser, find_staff(session, USERNAMES["librarian"]).id)  # type: ignore[union-attr]
        assert member is not None
        assert member.locale == "en"
    elsewhere = sign_in(new_client(), USERNAMES["librarian"])  # another browser: still English
    assert '<html lang="en"' in elsewhere.get("/console/").text


def test_before_signing_in_the_language_comes_from_the_switch_or_the_browser(
    new_client: Callable[[], TestClient],
) -> None:
    client = new_client()
    assert '<html lang="vi"' in client.get(LOGIN).text
    assert '<html lang="en"' in client.get(LOGIN, headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    page = client.get(LOGIN)
    client.post("/console/language", data={"lang": "en", "next": LOGIN, "csrf_token": form_token(page.text)})
    english = client.get(LOGIN)
    assert '<html lang="en"' in english.text
    assert "Sign in to the staff console" in english.text
    # Signing in then remembers it for the account, which had no language yet.
    sign_in(client, USERNAMES["assistant"])
    assert '<html lang="en"' in client.get("/console/").text
