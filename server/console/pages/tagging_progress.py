"""The RFID conversion's progress: copies tagged per day over the last two weeks (a chart with its table),
how many are tagged and left, and the copies left to tag per floor and range — where to send the tagging
trolley next. Every figure is read from an index (server/services/tagging_progress.py)."""

from __future__ import annotations

from babel.dates import format_date
from fastapi import Request
from starlette.responses import Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.charts import bar_chart
from server.console.session import ViewerDep
from server.console.state import DbDep, NowDep, StateDep
from server.services import tagging_progress
from server.services.permissions import Permission
from web.locales import BABEL_LOCALES, Language

pages = ConsoleRouter()
SHORT_DAY: dict[Language, str] = {"vi": "dd/MM", "en": "d MMM"}


@pages.page("/tagging/progress", Permission.TAGGING)
def show(request: Request, *, state: StateDep, db: DbDep, viewer: ViewerDep, now: NowDep) -> Response:
    today = now.astimezone(state.timezone).date()
    progress = tagging_progress.progress(db, today=today, timezone=state.timezone)
    labels = [
        format_date(d.day, SHORT_DAY[viewer.lang], locale=BABEL_LOCALES[viewer.lang]) for d in progress.days
    ]
    context = {
        "progress": progress,
        "chart": bar_chart(labels, [[d.count for d in progress.days]]),
        "percent": round(progress.share_done * 100, 1),
    }
    return render.page(request, state, viewer, "console/tagging/progress.html", context, nav="/tagging")
