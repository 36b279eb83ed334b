"""CSRF tokens: every unsafe console request proves it comes from a console page.

Signed in, the token is the session's (kept with it on the server): forms carry it as the hidden field
`csrf_token` (`csrf_field()` in templates), htmx requests as the `X-CSRF-Token` header, which
server/console/static/js/console.js adds from `<meta name="csrf-token">`. Before signing in (the log-in
form, the language switch) there is no session: the page sets a random token in a cookie and in the form,
and the two must agree (double submit) — another site can make a browser send the cookie but cannot read
it to put in the form.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from server.console.session import Viewer

FIELD = "csrf_token"
HEADER = "x-csrf-token"
PRESESSION_COOKIE = "stacks_login_csrf"


async def sent_token(request: Request) -> str | None:
    header = request.headers.get(HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(FIELD)  # Starlette keeps the parsed form for the endpoint
        return value if isinstance(value, str) else None
    return None


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and secrets.compare_digest(str(a), str(b))


async def accepted(request: Request, viewer: Viewer | None, *, public: bool) -> bool:
    """Whether an unsafe request carries the token of its session — or, on the routes open before signing
    in (`public`), the token of the page's double-submit cookie."""
    sent = await sent_token(request)
    if viewer is not None and _same(sent, viewer.csrf_token):
        return True
    return public and _same(sent, request.cookies.get(PRESESSION_COOKIE))


def presession_token(request: Request) -> tuple[str, bool]:
    """The pre-session token for a form, and whether it is new (to be set as a cookie)."""
    existing = request.cookies.get(PRESESSION_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing, False
    return secrets.token_urlsafe(32), True
