"""Signing in and out, and the language switch.

Signing in goes through the same throttled sign-in as the REST API's token route
(server/services/login_throttle.py): a wrong name or password says so without telling which, and after
repeated failures the page says how long to wait. A successful sign-in always starts a new session (the
old cookie's session, if any, is ended) and remembers the page's language as the staff member's if they
had none. Logging out ends the session. The language switch remembers the choice: on the staff member's
account when signed in, and in a cookie for the log-in page.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Form, Query, Request
from starlette.responses import RedirectResponse, Response

from server.console import csrf, render
from server.console.access import ConsoleRouter
from server.console.session import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    MaybeViewer,
    ViewerDep,
    clear_cookie,
    language,
    set_cookie,
)
from server.console.state import DbDep, NowDep, StateDep
from server.services import login_throttle, staff_sessions
from server.services.login_throttle import Refusal
from server.services.staff import set_locale
from web import Language, translations
from web.locales import is_language

pages = ConsoleRouter()
LANGUAGE_COOKIE_DAYS = 365
HOME = render.console_url("/")


def safe_next(value: str | None) -> str:
    """Where to go after signing in or switching language: a console address of this site, else home."""
    if value and value.startswith(render.PREFIX) and not value.startswith("//") and "\\" not in value:
        return value
    return HOME


def wait_text(lang: Language, seconds: int) -> str:
    ngettext = translations(lang).ngettext
    if seconds < 60:
        return ngettext("%(num)d second", "%(num)d seconds", seconds) % {"num": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes) % {"num": minutes}


def _login_page(
    request: Request,
    state: StateDep,
    lang: Language,
    *,
    error: str | None = None,
    username: str = "",
    next_path: str = HOME,
    status_code: int = 200,
) -> Response:
    token, new = csrf.presession_token(request)
    response = render.page(
        request,
        state,
        None,
        "console/login.html",
        {"error": error, "username": username, "next": next_path, "csrf_token": token},
        lang=lang,
        status_code=status_code,
    )
    if new:
        set_cookie(response, request, state.settings, csrf.PRESESSION_COOKIE, token)
    return response


@pages.public_page("/login")
def login_form(
    request: Request,
    state: StateDep,
    viewer: MaybeViewer,
    next_path: Annotated[str | None, Query(alias="next", max_length=500)] = None,
) -> Response:
    if viewer is not None:
        return RedirectResponse(safe_next(next_path), status_code=303)
    return _login_page(request, state, language(request), next_path=safe_next(next_path))


def _refusal_text(lang: Language, refused: Refusal, seconds: int) -> str:
    _ = translations(lang).gettext
    wait = wait_text(lang, seconds)
    if refused.locked:
        return _("Too many failed sign-ins. Signing in is locked for %(wait)s.") % {"wait": wait}
    return _("Too many failed sign-ins. Wait %(wait)s, then try again.") % {"wait": wait}


@pages.public_action("/login")
def login(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    now: NowDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=500)] = HOME,
) -> Response:
    lang = language(request)
    address = request.client.host if request.client is not None else None
    attempt = login_throttle.sign_in(
        db, username, password, address=address, now=now, throttling=state.throttling
    )
    db.commit()  # a failure stays counted
    staff = attempt.staff
    if staff is None:
        _ = translations(lang).gettext
        if attempt.refused is not None:
            error = _refusal_text(lang, attempt.refused, attempt.refused.seconds_left(now))
            status_code = 429
        else:
            error = _("The user name or the password is not correct.")
            status_code = 200
        return _login_page(
            request,
            state,
            lang,
            error=error,
            username=username,
            next_path=safe_next(next_path),
            status_code=status_code,
        )
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        staff_sessions.end(db, old)  # a session planted before signing in is not carried over
    if staff.locale is None:
        set_locale(db, staff, lang)
    started = staff_sessions.start(db, staff, now, state.sessions)
    db.commit()
    response = RedirectResponse(safe_next(next_path), status_code=303)
    set_cookie(response, request, state.settings, SESSION_COOKIE, started.token, expires=started.expires_at)
    clear_cookie(response, request, state.settings, csrf.PRESESSION_COOKIE)
    return response


@pages.action("/logout", None)
def logout(request: Request, state: StateDep, db: DbDep, _viewer: ViewerDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        staff_sessions.end(db, token)
        db.commit()
    response = RedirectResponse(render.console_url("/login"), status_code=303)
    clear_cookie(response, request, state.settings, SESSION_COOKIE)
    return response


@pages.public_action("/language")
def switch_language(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: MaybeViewer,
    lang: Annotated[str, Form(max_length=8)],
    next_path: Annotated[str, Form(alias="next", max_length=500)] = HOME,
) -> Response:
    response = RedirectResponse(safe_next(next_path), status_code=303)
    if not is_language(lang):
        return response
    if viewer is not None:
        set_locale(db, viewer.staff, lang)
        db.commit()
    max_age = LANGUAGE_COOKIE_DAYS * 24 * 3600
    set_cookie(response, request, state.settings, LANGUAGE_COOKIE, lang, max_age=max_age)
    return response
