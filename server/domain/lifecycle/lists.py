"""The lists staff and handhelds work from: pure selections over traced items, at a given time.

Each item is advanced to `now` first, so a list is right even if the nightly job has not run. Both lists
are in walking order: by home location, then by shelf order of the call number.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from server.domain.callnumbers import sort_key
from server.domain.lifecycle.advance import advance
from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import LossKind, Trace, Whereabouts


@dataclass(frozen=True, slots=True)
class TracedItem:
    item_id: int
    barcode: str
    tag_uid: str | None
    location: str | None  # the home location's code
    call_number: str | None
    trace: Trace
    title: str = ""


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """A missing item whose latest search has fallen due and not been made."""

    item_id: int
    barcode: str
    location: str | None
    call_number: str | None
    search_number: int  # 1 = first search
    search_due_at: datetime
    missing_since: datetime
    title: str = ""


@dataclass(frozen=True, slots=True)
class LostEntry:
    """A lost item: lost from the shelf (its searches ran out) or by the reader who had it on loan."""

    item_id: int
    barcode: str
    title: str
    location: str | None
    call_number: str | None
    loss: LossKind
    since: datetime  # went missing, or was lost by its reader
    lost_at: datetime
    reviewed_at: datetime | None  # last kept on the list
    withdrawal_proposed_at: datetime | None  # nobody acted within the set time: propose withdrawing it


@dataclass(frozen=True, slots=True)
class FindEntry:
    """An item a handheld should alert on: any missing or lost item of the locations swept."""

    item_id: int
    barcode: str
    tag_uid: str | None
    location: str | None
    call_number: str | None
    whereabouts: Whereabouts
    loss: LossKind
    since: datetime


def _walking_order(location: str | None, call_number: str | None, item_id: int) -> tuple[str, str, int]:
    return (location or "", sort_key(call_number) if call_number else "", item_id)


def _at_now(
    items: Iterable[TracedItem], now: datetime, timers: MissingTimers, locations: Collection[str] | None
) -> Iterable[tuple[TracedItem, Trace]]:
    for item in items:
        if item.trace.whereabouts is Whereabouts.PRESENT:
            continue
        if locations is not None and item.location not in locations:
            continue
        yield item, advance(item.trace, now, timers).trace


def search_list(
    items: Iterable[TracedItem],
    now: datetime,
    timers: MissingTimers,
    locations: Collection[str] | None = None,
) -> list[SearchEntry]:
    """Items to search for now, within `locations` (home location codes; None: everywhere)."""
    entries = []
    for item, trace in _at_now(items, now, timers, locations):
        if not trace.search_outstanding:
            continue
        assert trace.since is not None
        entries.append(
            SearchEntry(
                item.item_id,
                item.barcode,
                item.location,
                item.call_number,
                search_number=len(trace.searches),
                search_due_at=trace.searches[-1],
                missing_since=trace.since,
                title=item.title,
            )
        )
    return sorted(entries, key=lambda e: _walking_order(e.location, e.call_number, e.item_id))


def find_list(
    items: Iterable[TracedItem],
    now: datetime,
    timers: MissingTimers,
    locations: Collection[str] | None = None,
) -> list[FindEntry]:
    """Everything missing or lost whose home is in `locations`: a handheld sweeping there alerts on any of
    them (a reader's lost book slipped back onto a shelf is worth finding too)."""
    entries = []
    for item, trace in _at_now(items, now, timers, locations):
        assert trace.loss is not None
        assert trace.since is not None
        entries.append(
            FindEntry(
                item.item_id,
                item.barcode,
                item.tag_uid,
                item.location,
                item.call_number,
                trace.whereabouts,
                trace.loss,
                trace.since,
            )
        )
    return sorted(entries, key=lambda e: _walking_order(e.location, e.call_number, e.item_id))


def lost_list(
    items: Iterable[TracedItem],
    now: datetime,
    timers: MissingTimers,
    locations: Collection[str] | None = None,
    loss: LossKind | None = None,
) -> list[LostEntry]:
    """The lost items within `locations` (of one `loss` kind, or both), in walking order: what selectors
    review, keep on the list, replace or withdraw; each says whether its withdrawal is proposed yet."""
    entries = []
    for item, trace in _at_now(items, now, timers, locations):
        if trace.whereabouts is not Whereabouts.LOST or (loss is not None and trace.loss is not loss):
            continue
        assert trace.loss is not None
        assert trace.since is not None
        assert trace.lost_at is not None
        entries.append(
            LostEntry(
                item.item_id,
                item.barcode,
                item.title,
                item.location,
                item.call_number,
                trace.loss,
                trace.since,
                trace.lost_at,
                trace.reviewed_at,
                trace.withdrawal_proposed_at,
            )
        )
    return sorted(entries, key=lambda e: _walking_order(e.location, e.call_number, e.item_id))
