"""The staff member behind a console request, from the session cookie, and the language they read.

The cookie holds the session's random token only (server/services/staff_sessions.py keeps the rest): it is
HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it) and Secure when the console
is served over TLS (`https` requests, or `STACKS_CONSOLE_SECURE_COOKIE=true` behind a TLS proxy). Its path
is `/console`.

The language is the staff member's own choice (`staff_user.locale`, set by the language switch); before
signing in, the `stacks_lang` cookie the switch leaves, then the browser's Accept-Language, then Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Response

from server.console.state import DbDep, NowDep, StateDep
from server.db.tables.staff import StaffUser
from server.services import staff_sessions
from server.services.staff_sessions import SignedIn
from server.settings import ServerSettings
from web import Language, pick_locale

SESSION_COOKIE = "stacks_session"
LANGUAGE_COOKIE = "stacks_lang"
COOKIE_PATH = "/console"


@dataclass(frozen=True)
class Viewer:
    """A signed-in staff member, their session and their language."""

    staff: StaffUser
    session: SignedIn
    lang: Language

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token


def language(request: Request, staff: StaffUser | None = None) -> Language:
    return pick_locale(
        staff.locale if staff is not None else None,
        request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )


def find_viewer(request: Request, state: StateDep, db: DbDep, now: NowDep) -> Viewer | None:
    """The signed-in staff member, or None. A request moves the session's last-seen time (at most once a
    minute); an expired or revoked session is removed."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    signed_in = staff_sessions.resume(db, token, now, state.sessions)
    db.commit()
    if signed_in is None:
        return None
    return Viewer(signed_in.staff, signed_in, language(request, signed_in.staff))


MaybeViewer = Annotated[Viewer | None, Depends(find_viewer)]


def signed_in(viewer: MaybeViewer) -> Viewer:
    """For endpoints behind a guard that already let only signed-in staff through."""
    if viewer is None:  # pragma: no cover - the route's guard answered before
        raise RuntimeError("no staff member signed in")
    return viewer


ViewerDep = Annotated[Viewer, Depends(signed_in)]


def secure(request: Request, settings: ServerSettings) -> bool:
    if settings.console_secure_cookie is not None:
        return settings.console_secure_cookie
    return request.url.scheme == "https"


def set_cookie(
    response: Response,
    request: Request,
    settings: ServerSettings,
    name: str,
    value: str,
    *,
    expires: datetime | None = None,
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name,
        value,
        expires=expires,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=secure(request, settings),
        httponly=True,
        samesite="strict",
    )


def clear_cookie(response: Response, request: Request, settings: ServerSettings, name: str) -> None:
    response.delete_cookie(
        name, path=COOKIE_PATH, secure=secure(request, settings), httponly=True, samesite="strict"
    )
