"""Buying suggestions (đề xuất bổ sung), weeding's mirror: titles whose hold queues are long for their usable
copies, and classes lent far more per copy than the library as a whole — each ranked, with its reason in
words (server/reports/collection_words.py, the same words the annual report prints), and the list as CSV.

Judging is the domain's (server/domain/weeding/suggestions.py) over today's hold queues and the last
complete year's loans; the thresholds are config/weeding.toml's [plan].
"""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.pages.collection_statistics import key_names, today_of
from server.console.pages.weeding import weeding_settings
from server.console.session import ViewerDep
from server.console.state import DbDep, NowDep, StateDep
from server.reports.collection_words import class_reason, percent, suggestions_csv, title_reason
from server.services.collection_statistics import buying_suggestions
from server.services.permissions import Permission
from web.formatting import number

pages = ConsoleRouter()
PATH = "/collection/suggestions"
SHOWN = 100  # the page shows the first hundred titles; the CSV has them all


@pages.page(PATH, Permission.COLLECTION_STATISTICS)
def show(request: Request, *, state: StateDep, db: DbDep, viewer: ViewerDep, now: NowDep) -> Response:
    lang = viewer.lang
    plan = weeding_settings(state).plan
    titles, classes, demand_year = buying_suggestions(db, plan, today_of(state, now))
    names = key_names(db, state, lang)

    def class_name(key: str) -> str:
        return names("class", key)

    context = {
        "titles": [(t, title_reason(t, lang)) for t in titles[:SHOWN]],
        "title_count": len(titles),
        "classes": [
            (c, {f.name: f.value for f in c.facts}, class_reason(c, demand_year, lang, class_name))
            for c in classes
        ],
        "demand_year": demand_year,
        "plan": plan,
        "percent": lambda share: percent(float(share), lang),
        "ratio": lambda value: number(value, lang) if value is not None else "∞",
        "csv_url": render.console_url(PATH + ".csv"),
    }
    return render.page(
        request, state, viewer, "console/collection/suggestions.html", context, nav="/collection/statistics"
    )


@pages.page(PATH + ".csv", Permission.COLLECTION_STATISTICS)
def suggestions_file(*, state: StateDep, db: DbDep, viewer: ViewerDep, now: NowDep) -> Response:
    today = today_of(state, now)
    titles, classes, demand_year = buying_suggestions(db, weeding_settings(state).plan, today)
    names = key_names(db, state, viewer.lang)
    text = suggestions_csv(titles, classes, demand_year, viewer.lang, lambda key: names("class", key))
    filename = f"buying-suggestions-{today.isoformat()}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
