"""The staff console: the librarian's desk in the browser, server-rendered with Jinja2, htmx and
Server-Sent Events on the shared `web` package, under `/console`.

- `app` — the console application (`build_console`), mounted by server/app.py
- `access` — each route's kind and permission, checked before it runs; CSRF on every unsafe request
- `session`, `csrf` — the signed-in staff member from the session cookie, their language; CSRF tokens
- `render`, `nav` — pages with the shared header context; the navigation entries pages register
- `actions` — staff actions from console forms, applied once and audited
- `live` — the per-process live feed and the pages' event streams
- `pages` — one module per page (sign-in, dashboard, audit, …)

docs/console.md describes the pages, the roles, and how to add a page.
"""
