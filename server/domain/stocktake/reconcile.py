"""Reconciliation: a session's facts in; every item's class, the issues, the shelf orders and coverage out.

Cost grows as n log n in the reads and items, never as their product: one pass over the reads in time
order (`sightings.gather`), one sort of each judged sweep's books, one pass over the items. The common
cases (found in place with nothing else to say; not swept; missing with no change during the session) are
only counted, in the loop itself; the rest go through the full rules of `classify`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from server.domain.enums import ItemStatus
from server.domain.stocktake.classify import judge_unseen, status_issue
from server.domain.stocktake.facts import (
    ChangeCause,
    DamageMark,
    ItemFacts,
    Seen,
    Shelf,
    StatusChange,
    StocktakeFacts,
    Sweep,
    duration,
)
from server.domain.stocktake.results import (
    CountKey,
    Issue,
    ItemClass,
    ItemResult,
    Reconciliation,
    ShelfCoverage,
)
from server.domain.stocktake.settings import StocktakeSettings
from server.domain.stocktake.shelf_order import ShelfOrderCheck, check_shelf, first_read_order
from server.domain.stocktake.sightings import Sightings, first_since, gather, sweep_reads
from server.domain.stocktake.tags import TagVerdict
from server.domain.stocktake.timeline import changed_after, group_changes, last_change_by, loan_at, status_at

_ISSUE_ORDER = {issue: rank for rank, issue in enumerate(Issue)}
_ONLY_COUNTED = frozenset({ItemClass.FOUND, ItemClass.NOT_SWEPT, ItemClass.NOT_EXPECTED})
_SETTINGS = StocktakeSettings()


def reconcile(facts: StocktakeFacts, settings: StocktakeSettings = _SETTINGS) -> Reconciliation:
    changes = group_changes(facts.changes)
    last_sweeps = last_sweep_per_shelf(facts.sweeps)
    sightings = gather(facts, changes.keys())
    orders = tuple(
        _judge_order(facts, sightings, last_sweeps[shelf], settings) for shelf in sorted(last_sweeps)
    )
    issues = _issues(facts, changes, sightings, orders)
    judge = _Judge(
        facts, settings, changes=changes, last_sweeps=last_sweeps, sightings=sightings, issues=issues
    )
    results, class_counts, issue_counts = judge.scope()
    outside, outside_counts, _ = judge.outside()
    return Reconciliation(
        results=tuple(sorted(results + outside, key=lambda r: r.item_id)),
        class_counts=class_counts,
        issue_counts=issue_counts,
        outside_counts=outside_counts,
        orders=orders,
        coverage=coverage(facts.sweeps, facts.scope_shelves),
        tags=tuple(sorted(facts.tag_events, key=lambda e: (e.at, e.device, e.seq))),
    )


def last_sweep_per_shelf(sweeps: Iterable[Sweep]) -> dict[int, Sweep]:
    last: dict[int, Sweep] = {}
    for sweep in sweeps:
        known = last.get(sweep.shelf_id)
        if known is None or sweep.ended_at > known.ended_at:
            last[sweep.shelf_id] = sweep
    return last


def coverage(sweeps: Iterable[Sweep], scope_shelves: frozenset[int]) -> tuple[ShelfCoverage, ...]:
    """Every in-scope shelf, swept or not, and every other shelf that was swept, by shelf id."""
    swept: dict[int, list[Sweep]] = {}
    for sweep in sweeps:
        swept.setdefault(sweep.shelf_id, []).append(sweep)
    for found in swept.values():
        found.sort(key=lambda s: (s.started_at, s.ended_at))
    return tuple(
        ShelfCoverage(shelf, shelf in scope_shelves, tuple(swept.get(shelf, ())))
        for shelf in sorted(scope_shelves | swept.keys())
    )


def _judge_order(
    facts: StocktakeFacts, sightings: Sightings, sweep: Sweep, settings: StocktakeSettings
) -> ShelfOrderCheck:
    items = facts.reads.item
    standing = first_read_order(items[i] for i in sweep_reads(facts.reads, sightings.lanes, sweep))
    shelf = facts.shelves.get(sweep.shelf_id) or Shelf(sweep.shelf_id, str(sweep.shelf_id))
    return check_shelf(shelf, sweep, standing, facts.item, settings.order_tolerance)


def _issues(
    facts: StocktakeFacts,
    changes: dict[int, tuple[StatusChange, ...]],
    sightings: Sightings,
    orders: Sequence[ShelfOrderCheck],
) -> dict[int, tuple[Issue, ...]]:
    """Issues known before classifying: order, security, damage and tag repairs (rare, so kept per item)."""
    found: dict[int, set[Issue]] = {}
    for check in orders:
        for move in check.moves:
            found.setdefault(move.item_id, set()).add(Issue.OUT_OF_ORDER)
    for item_id, index in sightings.unarmed.items():
        # Lent after the read, it went out unarmed as it should: re-arming it would alarm its borrower.
        read_at = facts.reads.at[index]
        lent_since = any(c.at > read_at and c.cause is ChangeCause.CHECKOUT for c in changes.get(item_id, ()))
        if not lent_since:
            found.setdefault(item_id, set()).add(Issue.NOT_ARMED)
    for mark in facts.damage:
        found.setdefault(mark.item_id, set()).add(Issue.DAMAGED)
    for event in facts.tag_events:
        if event.verdict.repair and event.item_id is not None:
            found.setdefault(event.item_id, set()).add(Issue.TAG_REPAIR)
    return {item: tuple(sorted(issues, key=_ISSUE_ORDER.__getitem__)) for item, issues in found.items()}


def _count(counts: dict[CountKey, int], key: CountKey) -> None:
    counts[key] = counts.get(key, 0) + 1


class _Judge:
    def __init__(
        self,
        facts: StocktakeFacts,
        settings: StocktakeSettings,
        *,
        changes: dict[int, tuple[StatusChange, ...]],
        last_sweeps: dict[int, Sweep],
        sightings: Sightings,
        issues: dict[int, tuple[Issue, ...]],
    ) -> None:
        self.facts = facts
        self.grace = duration(settings.reshelving_grace)
        self.changes = changes
        self.last_sweeps = last_sweeps
        self.sightings = sightings
        self.issues = issues
        self.marks: dict[int, DamageMark] = {m.item_id: m for m in sorted(facts.damage, key=lambda m: m.at)}
        self.disputed = {
            item
            for event in facts.tag_events
            if event.verdict is TagVerdict.DISAGREES
            for item in (event.item_id, event.other_item_id)
            if item is not None
        }

    def scope(self) -> tuple[list[ItemResult], dict[CountKey, int], dict[CountKey, int]]:
        results: list[ItemResult] = []
        counts: dict[CountKey, int] = {}
        issue_counts: dict[CountKey, int] = {}
        expected = self.facts.expected_statuses
        best, last_sweeps, changes, issues = self.sightings.best, self.last_sweeps, self.changes, self.issues
        special = changes.keys() | issues.keys() | self.disputed | self.marks.keys()
        # The common cases are tallied per (home, item type), one tally a class, in the loop itself.
        found: dict[tuple[int | None, str], int] = {}
        missing: dict[tuple[int | None, str], int] = {}
        not_swept: dict[tuple[int | None, str], int] = {}
        not_expected: dict[tuple[int | None, str], int] = {}
        for item_id, item in self.facts.scope_items.items():
            index = best.get(item_id)
            if item_id in special or (index is not None and (index < 0 or item.status not in expected)):
                result = self.judge(item, index, changes.get(item_id, ()), issues.get(item_id, ()))
                self._tally(result, item, counts, issue_counts, results)
                continue
            place = (item.home_id, item.item_type)
            if index is not None:
                found[place] = found.get(place, 0) + 1
            elif item.status not in expected:
                not_expected[place] = not_expected.get(place, 0) + 1
            else:
                home = item.home_id
                sweep = last_sweeps.get(home) if home is not None else None
                if sweep is None:
                    not_swept[place] = not_swept.get(place, 0) + 1
                else:
                    status = item.status
                    missed = ItemResult(item_id, ItemClass.MISSING, (), status, status, home, sweep=sweep)
                    results.append(missed)
                    missing[place] = missing.get(place, 0) + 1
        for cls, tally in (
            (ItemClass.FOUND, found),
            (ItemClass.MISSING, missing),
            (ItemClass.NOT_SWEPT, not_swept),
            (ItemClass.NOT_EXPECTED, not_expected),
        ):
            for (home, item_type), count in tally.items():
                key = (home, item_type, cls)
                counts[key] = counts.get(key, 0) + count
        return results, counts, issue_counts

    def outside(self) -> tuple[list[ItemResult], dict[CountKey, int], dict[CountKey, int]]:
        """Items from outside the scope that were seen: counted apart, never missing."""
        results: list[ItemResult] = []
        counts: dict[CountKey, int] = {}
        issue_counts: dict[CountKey, int] = {}
        scope = self.facts.scope_items
        strays = {item for item in self.sightings.best if item not in scope}
        strays.update(item for item in self.marks if item not in scope)
        for item_id in sorted(strays):
            item = self.facts.item(item_id)
            index = self.sightings.best.get(item_id)
            found = self.judge(item, index, self.changes.get(item_id, ()), self.issues.get(item_id, ()))
            self._tally(found._replace(in_scope=False), item, counts, issue_counts, results)
        return results, counts, issue_counts

    def _tally(
        self,
        result: ItemResult,
        item: ItemFacts,
        counts: dict[CountKey, int],
        issue_counts: dict[CountKey, int],
        results: list[ItemResult],
    ) -> None:
        _count(counts, (item.home_id, item.item_type, result.cls))
        for issue in result.issues:
            _count(issue_counts, (item.home_id, item.item_type, issue))
        if result.issues or result.cls not in _ONLY_COUNTED:
            results.append(result)

    def judge(
        self, item: ItemFacts, index: int | None, changes: Sequence[StatusChange], issues: tuple[Issue, ...]
    ) -> ItemResult:
        """The full rules for one item."""
        facts = self.facts
        now = status_at(item.status, changes, facts.closed_at)
        seen, in_place = self._sighting(item, index)
        if seen is None:
            if item.item_id in self.disputed:
                return ItemResult(item.item_id, ItemClass.TAG_UNRESOLVED, issues, now, now, item.home_id)
            sweep = self.last_sweeps.get(item.home_id) if item.home_id is not None else None
            verdict = judge_unseen(item.status, changes, sweep, facts.expected_statuses, self.grace)
            moment = verdict.sweep.ended_at if verdict.sweep is not None else facts.closed_at
            return ItemResult(
                item.item_id,
                verdict.cls,
                issues,
                verdict.status,
                now,
                item.home_id,
                sweep=verdict.sweep,
                change=verdict.change,
                loan_id=loan_at(item.loan_id, changes, moment),
                changed_since=changed_after(changes, moment),
            )
        status = status_at(item.status, changes, seen.at)
        issue = status_issue(status, facts.expected_statuses)
        if issue is not None:
            issues = tuple(sorted((*issues, issue), key=_ISSUE_ORDER.__getitem__))
        return ItemResult(
            item.item_id,
            ItemClass.FOUND if in_place else ItemClass.WRONG_PLACE,
            issues,
            status,
            now,
            item.home_id,
            seen=seen,
            loan_id=loan_at(item.loan_id, changes, seen.at),
            loan_ends=self._loan_ends(item, changes, seen) if status is ItemStatus.ON_LOAN else None,
            changed_since=changed_after(changes, seen.at),
        )

    def _sighting(self, item: ItemFacts, index: int | None) -> tuple[Seen | None, bool]:
        """The deciding sighting: the latest read where it belongs, else the latest read anywhere; a damage
        mark (made with the book in hand) when nothing read it."""
        if index is not None:
            return self.facts.reads.seen(index if index >= 0 else ~index), index >= 0
        mark = self.marks.get(item.item_id)
        if mark is None:
            return None, False
        shelf = self.facts.shelves.get(mark.shelf_id) if mark.shelf_id is not None else None
        in_place = mark.shelf_id == item.home_id or (shelf is not None and shelf.holds(item))
        return Seen(mark.shelf_id, mark.at, mark.device, -1), in_place

    def _loan_ends(self, item: ItemFacts, changes: Sequence[StatusChange], seen: Seen) -> Seen:
        """The first sighting since the loan began (a read, or a damage mark): a loan found on the shelf
        ends then."""
        began = last_change_by(changes, seen.at)
        since = began.at if began is not None else -(2**63)
        index = first_since(self.facts.reads, self.sightings.watched.get(item.item_id, ()), since)
        first = seen if index is None else self.facts.reads.seen(index)
        mark = self.marks.get(item.item_id)
        if mark is not None and since <= mark.at < first.at:
            return Seen(mark.shelf_id, mark.at, mark.device, -1)
        return first
