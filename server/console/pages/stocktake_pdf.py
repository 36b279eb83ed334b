"""The annual inventory report (biên bản kiểm kê) of a closed stock-take as PDF, in the language asked for
(`?lang=vi|en`, else the viewer's): the same document as the REST API's
`/stocktake/sessions/{id}/report.pdf` (server/reports/stocktake_pdf.py)."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.session import ViewerDep
from server.console.state import DbDep, StateDep
from server.reports import stocktake_pdf
from server.services import stocktake_minutes
from server.services.permissions import Permission
from server.services.stocktake_sessions import StocktakeRefusedError
from web import LANGUAGES, N_, Language, translate

pages = ConsoleRouter()


@pages.page("/stocktake/{session_id}/report.pdf", Permission.STOCKTAKE_VIEW)
def report_pdf(
    request: Request,
    session_id: int,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    lang: str | None = None,
) -> Response:
    chosen: Language = next((known for known in LANGUAGES if known == lang), viewer.lang)
    try:
        minutes = stocktake_minutes.gather(
            db,
            session_id,
            state.circulation_context().shelf_orders,
            library_name=state.settings.library_name,
        )
    except StocktakeRefusedError:  # not closed yet: there is nothing to report
        context = {
            "title": translate(viewer.lang, N_("No report yet")),
            "text": translate(viewer.lang, N_("The report is made when the stock-take is closed.")),
        }
        return render.page(request, state, viewer, "console/problem.html", context, status_code=409)
    document = stocktake_pdf.render(minutes, chosen, state.timezone)
    disposition = f'inline; filename="{stocktake_pdf.filename(session_id, chosen)}"'
    return Response(document, media_type="application/pdf", headers={"Content-Disposition": disposition})
