"""The console's pages, one module each. A module has `pages`, a `ConsoleRouter` of its routes (each with
its kind and permission: server/console/access.py), and `NAV`, its entry in the header, if it has one.
Adding a page is adding its module here (docs/console.md, "How to add a page")."""

from __future__ import annotations

from types import ModuleType

from server.console.pages import audit, auth, dashboard, holds, patron_actions, patrons

PAGE_MODULES: tuple[ModuleType, ...] = (auth, dashboard, patrons, patron_actions, holds, audit)
