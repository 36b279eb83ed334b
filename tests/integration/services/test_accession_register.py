"""The accession register (server/services/accession_register.py) on SQLite and PostgreSQL: copies in the
order of their accession numbers with every number compared as a number, keyset pages that add up to the
whole register, the filters (year entered, source, a range of numbers), each withdrawal with its round
and reasons or its note, and the totals."""

from __future__ import annotations

from sqlmodel import Session

from server.domain.enums import AcquisitionSource
from server.services.accession_register import (
    RegisterFilters,
    register_lines,
    register_page,
    register_totals,
)
from tests.support.accession_library import DONOR, NUMBERS, ORDER, WITHDRAWN_AT, accession_library


def test_the_register_in_its_order_in_pages_with_filters_and_totals(session: Session) -> None:
    made = accession_library(session)
    whole = [line.accession_number for line in register_lines(session, RegisterFilters())]
    assert whole == ORDER

    paged, after = [], None
    while True:
        page = register_page(session, RegisterFilters(), after=after, limit=3)
        paged += [line.accession_number for line in page.items]
        if page.next_after is None:
            break
        after = int(page.next_after)
    assert paged == ORDER

    def numbers(**filters: object) -> list[str]:
        chosen = RegisterFilters(**filters)  # type: ignore[arg-type]
        return [line.accession_number for line in register_lines(session, chosen)]

    assert numbers(year=2025) == ["dkcb 1", "VV.99", "VV.000123"]
    assert numbers(source=AcquisitionSource.DONATION) == ["VV.99", "VV.000123"]
    assert numbers(first="đkcb 2", last="DKCB 10") == ["ĐKCB 2", "ĐKCB 2a", "ĐKCB 10"]
    assert numbers(first="VV.100") == ["VV.000123"]
    assert numbers(year=2024, source=AcquisitionSource.PURCHASE, last="ĐKCB 9") == ["ĐKCB 2", "ĐKCB 2a"]

    lines = {line.accession_number: line for line in register_lines(session, RegisterFilters())}
    weeded, by_hand, kept = lines["ĐKCB 10"].withdrawal, lines["VV.99"].withdrawal, lines["ĐKCB 2"]
    assert weeded is not None
    assert (weeded.at, weeded.round_number, weeded.reasons) == (
        WITHDRAWN_AT,
        3,
        ("age",),
    )
    assert by_hand is not None
    assert (by_hand.round_number, by_hand.note) == (None, "withdrawn by hand")
    assert kept.withdrawal is None
    assert kept.title == "Truyện Kiều"
    assert kept.call_number == "895.9221 NG-D"
    assert lines["VV.99"].donor == DONOR
    assert lines["VV.99"].source is AcquisitionSource.DONATION

    totals = register_totals(session, RegisterFilters())
    prices = [made[n].price for n in NUMBERS if made[n].price is not None]
    assert (totals.copies, totals.value, totals.unpriced) == (7, sum(p for p in prices if p), 1)
    assert (totals.withdrawn, totals.withdrawn_value) == (2, made["ĐKCB 10"].price + made["VV.99"].price)  # type: ignore[operator]
    assert totals.unregistered == 1
    assert register_totals(session, RegisterFilters(year=2030)).copies == 0
