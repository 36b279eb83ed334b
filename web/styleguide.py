"""The style guide: every shared component on one page, with sample data, in either language and mode.

A developer building a screen opens it to see what exists; the browser tests check it for accessibility,
console errors and Content-Security-Policy violations, and take the screenshots in docs/screenshots/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from web.catalogs import N_, translations
from web.components import Flash, Tone
from web.locales import Language, language_urls
from web.templating import Templates

TEMPLATE = "web/styleguide.html"
# Page modes, by the classes they put on <html>: the desk, a touch screen (kiosk, handheld), and the
# kiosk's high-contrast, large-text mode.
MODES = {"desk": "", "touch": "touch", "kiosk": "touch high-contrast"}


@dataclass(frozen=True, slots=True)
class SampleLoan:
    title: str
    barcode: str
    due: datetime
    status: str  # an English msgid, translated where it is shown
    tone: Tone
    fine: int


SAMPLE_LOANS = (
    SampleLoan(
        "Lập trình Python nâng cao",
        "VV004217",
        datetime(2026, 12, 9, 16, 59, 59, tzinfo=UTC),
        N_("On loan"),
        "info",
        0,
    ),
    SampleLoan(
        "Giải tích 1",
        "VV001988",
        datetime(2026, 11, 20, 16, 59, 59, tzinfo=UTC),
        N_("Overdue"),
        "warning",
        12000,
    ),
    SampleLoan(
        "Introduction to Algorithms",
        "VV010442",
        datetime(2026, 10, 2, 16, 59, 59, tzinfo=UTC),
        N_("Lost"),
        "danger",
        450000,
    ),
)


def render(
    templates: Templates, lang: Language, *, events_url: str, page_url: str, mode: str = "desk"
) -> str:
    """The style guide page. `page_url` is its own address (without query), `events_url` an SSE stream
    sending `scan` events whose data is an HTML fragment."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    _ = translations(lang).gettext
    links = {m: f"{page_url}?mode={m}" for m in MODES}
    return templates.render(
        TEMPLATE,
        lang,
        mode=mode,
        html_class=MODES[mode],
        mode_links={m: language_urls(link)[lang] for m, link in links.items()},
        language_links=language_urls(links[mode]),
        events_url=events_url,
        patron_name="Nguyễn Thị Mai",
        loans=SAMPLE_LOANS,
        branches=[("central", "Thư viện Trung tâm"), ("science", "Thư viện Khoa học Tự nhiên")],
        sample_moment=datetime(2026, 12, 9, 9, 30, tzinfo=UTC),
        flashes=[Flash("success", _("The loan was renewed."))],
        flashes_demo=[
            Flash("info", _("The library closes at 17:00 on Saturdays.")),
            Flash("success", _("The book was returned."), title=_("Returned")),
            Flash("danger", _("The RFID reader at the desk does not answer."), title=_("Reader offline")),
            Flash(
                "warning",
                _("The loan period is shorter before the end of term."),
                title=_("Short loans this week"),
            ),
        ],
    )
