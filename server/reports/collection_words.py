"""The buying suggestions' reasons in words, for the console's page and the annual report alike: the numbers
behind each and what buying would change (English msgids, translated for the reader)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from server.domain.weeding.suggestions import BuyingSuggestion
from server.services.collection_statistics import TitleSuggestion
from web import Language, translations
from web.formatting import number


def _facts(suggestion: BuyingSuggestion) -> dict[str, object]:
    return {f.name: f.value for f in suggestion.facts}


def percent(share: float, lang: Language) -> str:
    return f"{number(round(share * 100, 1), lang)} %"


def title_reason(title: TitleSuggestion, lang: Language) -> str:
    """E.g. "5 holds waiting for 1 usable copy — 1 more copy brings it to 2.5 per copy." """
    words = translations(lang)
    f = _facts(title.suggestion)
    holds, copies, buy = int(str(f["holds_waiting"])), int(str(f["copies"])), int(str(f["copies_to_buy"]))
    waiting = words.ngettext("%(num)s hold waiting", "%(num)s holds waiting", holds) % {
        "num": number(holds, lang)
    }
    after = number(round(holds / (copies + buy), 1), lang)
    more = words.ngettext(
        "%(num)s more copy brings it to %(after)s per copy",
        "%(num)s more copies bring it to %(after)s per copy",
        buy,
    ) % {"num": number(buy, lang), "after": after}
    if not copies:
        return words.gettext("%(holds)s and no usable copy — %(more)s.") % {"holds": waiting, "more": more}
    have = words.ngettext("%(num)s usable copy", "%(num)s usable copies", copies) % {
        "num": number(copies, lang)
    }
    return words.gettext("%(holds)s for %(copies)s — %(more)s.") % {
        "holds": waiting,
        "copies": have,
        "more": more,
    }


def class_reason(suggestion: BuyingSuggestion, year: int, lang: Language, name: Callable[[str], str]) -> str:
    """E.g. "Class 600: 31 % of the loans of 2025, 12 % of the holdings — 2.6 loans per copy, 2.6 times the
    library's 1 loan per copy." """
    f = _facts(suggestion)
    values = {
        "cls": name(suggestion.subject),
        "loans": percent(float(str(f["share_of_loans"])), lang),
        "year": year,
        "holdings": percent(float(str(f["share_of_holdings"])), lang),
        "turnover": number(float(str(f["turnover"])), lang),
        "library": number(float(str(f["library_turnover"])), lang),
        "factor": number(float(str(f["factor"])), lang),
    }
    return (
        translations(lang).gettext(
            "Class %(cls)s: %(loans)s of the loans of %(year)s, %(holdings)s of the holdings — %(turnover)s "
            "loans per copy, %(factor)s times the library's %(library)s."
        )
        % values
    )


SUGGESTION_COLUMNS = ("kind", "rank", "subject", "title", "call_number", "score", "reason", "facts")


def suggestions_csv(
    titles: Sequence[TitleSuggestion],
    classes: Sequence[BuyingSuggestion],
    year: int,
    lang: Language,
    name: Callable[[str], str],
) -> str:
    """Both lists as CSV, titles first: each with its rank, its reason in words and every fact as
    name=value (limit)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SUGGESTION_COLUMNS)
    rows = [(t.suggestion, t.title, t.call_number or "", title_reason(t, lang)) for t in titles]
    rows += [(c, "", "", class_reason(c, year, lang, name)) for c in classes]
    ranks: dict[str, int] = {}
    for suggestion, title, call_number, reason in rows:
        ranks[suggestion.kind] = ranks.get(suggestion.kind, 0) + 1
        facts = "; ".join(
            f"{f.name}={f.value}" + (f" ({f.limit})" if f.limit is not None else "") for f in suggestion.facts
        )
        writer.writerow(
            (suggestion.kind.value, ranks[suggestion.kind], suggestion.subject, title, call_number,
             suggestion.score, reason, facts)
        )  # fmt: skip
    return out.getvalue()
