"""Rendering console pages and fragments: the context every page shares, added once.

    return render.page(request, state, viewer, "console/patrons.html", {"patrons": found}, nav="/patrons")

A page gets, besides its own variables: `viewer` (the staff member; None before signing in), `nav_items`
(the header's entries this staff member may open) and `current_nav`, `csrf_token` (for `csrf_field()`),
`role_label` and `next_path` (this page, for the language switch to come back to). Every template, and
every macro it imports, also has the globals `console_url(path)` and `library_name`. `fragment` renders a
template on its own (an htmx answer, a live fragment) with the same variables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from starlette.responses import HTMLResponse

from server.console.nav import entries_for
from server.console.session import Viewer
from server.console.state import ConsoleState
from web import N_, Language, translate

PREFIX = "/console"

ROLE_LABELS = {
    "assistant": N_("Desk assistant"),
    "librarian": N_("Librarian"),
    "admin": N_("Administrator"),
}


def console_url(path: str = "/") -> str:
    return PREFIX + (path if path.startswith("/") else "/" + path)


def _shared(state: ConsoleState, viewer: Viewer | None, lang: Language) -> dict[str, Any]:
    role = viewer.staff.role if viewer is not None else None
    return {
        "viewer": viewer,
        "nav_items": [(console_url(e.path), translate(lang, e.label)) for e in entries_for(state.nav, role)]
        if role
        else [],
        "csrf_token": viewer.csrf_token if viewer is not None else "",
        "role_label": translate(lang, ROLE_LABELS.get(role, role)) if role else "",
    }


def page(
    request: Request,
    state: ConsoleState,
    viewer: Viewer | None,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    nav: str | None = None,
    lang: Language | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A whole page; `nav` is the path of its header entry (marked as the current page)."""
    language = lang or (viewer.lang if viewer is not None else "vi")
    values = _shared(state, viewer, language) | {
        "current_nav": console_url(nav) if nav is not None else None,
        "next_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }
    return state.templates.response(template, language, values | dict(context or {}), status_code=status_code)


def fragment(state: ConsoleState, viewer: Viewer, template: str, **context: Any) -> str:
    """Part of a page, for htmx or a live stream."""
    return state.templates.render(template, viewer.lang, **(_shared(state, viewer, viewer.lang) | context))
