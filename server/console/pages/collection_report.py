"""The annual report on the collection (báo cáo năm) as PDF, for a year (`?year=`) in the language asked for
(`?lang=vi|en`, else the viewer's): the statistics page's figures and the buying suggestions, laid out by
server/reports/collection_report_pdf.py."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session
from starlette.responses import Response

from server.console.access import ConsoleRouter
from server.console.pages.collection_statistics import PATH, YearQuery, key_names, statistics_of
from server.console.session import ViewerDep
from server.console.state import DbDep, NowDep, StateDep
from server.reports import collection_report_pdf
from server.reports.collection_report_pdf import CollectionReport
from server.services.columns import LOCATION
from server.services.permissions import Permission
from web import LANGUAGES, Language

pages = ConsoleRouter()


def library_name(db: Session, setting: str | None) -> str:
    """The `library_name` setting, else the name of the first root location, as the inventory report."""
    if setting:
        return setting
    roots = sa.select(LOCATION.c.name).where(LOCATION.c.parent_id.is_(None)).order_by(LOCATION.c.id).limit(1)
    return db.execute(roots).scalar_one_or_none() or ""


@pages.page(PATH + "/report.pdf", Permission.COLLECTION_STATISTICS)
def report_pdf(
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    year: YearQuery = None,
    lang: str | None = None,
) -> Response:
    chosen: Language = next((known for known in LANGUAGES if known == lang), viewer.lang)
    statistics = statistics_of(db, state, now, year)
    report = CollectionReport(
        library_name(db, state.settings.library_name), statistics, key_names(db, state, chosen)
    )
    document = collection_report_pdf.render(report, chosen)
    disposition = f'inline; filename="{collection_report_pdf.filename(statistics.year, chosen)}"'
    return Response(document, media_type="application/pdf", headers={"Content-Disposition": disposition})
