"""The records of a work's editions or of a multi-volume set, kept together on their way to the domain.

`weeding_evidence` reads the records of one group (a set, else a work) one after the other; what lies
between it and the domain must not split them:

- a class filter keeps or drops whole groups (a group is kept if one of its records is in the class);
- the domain answers a set's volumes only once it has seen them all, at the end of what it is given, so
  each set goes to it on its own: its outcomes then come right after it, in the order of the records,
  which is what keyset pages walk;
- a page that starts inside a group reads the group again from its start; `Earlier` notes the records
  read before the page's first one, whose outcomes the page before has shown.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from datetime import date
from itertools import groupby

from server.domain.callnumbers import ddc_class
from server.domain.weeding.candidates import weeding_candidates
from server.domain.weeding.evidence import Outcome, RecordEvidence
from server.domain.weeding.settings import WeedingSettings


def set_of(record: RecordEvidence) -> int | None:
    """The set the record is a volume of (every copy of a record is in its record's set)."""
    return record.items[0].set_id if record.items else None


def group_of(record: RecordEvidence) -> Hashable:
    in_set = set_of(record)
    if in_set is not None:
        return ("set", in_set)
    if record.work_id is not None:
        return ("work", record.work_id)
    return ("record", record.record_id)


def in_class(record: RecordEvidence, prefix: str) -> bool:
    found = ddc_class(record.call_number) if record.call_number else None
    return found is not None and found.startswith(prefix)


def groups_in_class(records: Iterable[RecordEvidence], prefix: str | None) -> Iterator[RecordEvidence]:
    """The records of every group with a record in the class (all of them without a prefix)."""
    if not prefix:
        yield from records
        return
    for _, group in groupby(records, key=group_of):
        members = list(group)
        if any(in_class(record, prefix) for record in members):
            yield from members


def outcomes_in_order(
    records: Iterable[RecordEvidence], settings: WeedingSettings, today: date
) -> Iterator[Outcome]:
    """The domain's outcomes in the order of the records: each set is judged on its own, the records
    between sets together."""
    for _, run in groupby(records, key=set_of):
        yield from weeding_candidates(run, settings, today)


class Earlier:
    """The records of the group read first that come before `first` in it (a group's records come in id
    order): the page before showed them, and the page re-reads them only to judge the group whole."""

    def __init__(self, first: int | None) -> None:
        self._first = first
        self._done = first is None
        self._group: Hashable | None = None
        self.records: set[int] = set()

    def note(self, records: Iterable[RecordEvidence]) -> Iterator[RecordEvidence]:
        for record in records:
            if not self._done and self._first is not None:
                group = group_of(record)
                if self._group is None:
                    self._group = group
                if group == self._group and record.record_id < self._first:
                    self.records.add(record.record_id)
                else:
                    self._done = True
            yield record
