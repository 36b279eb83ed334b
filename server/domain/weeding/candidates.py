"""Weeding candidates: a stream of records (with their copies) in, a stream of outcomes out.

For each work — a record, or the adjacent records of one work's editions — every copy is judged on its
own evidence (`rules`), then with its fellow copies (`copies`), then held back by protections. A copy with
reasons comes out as a `Candidate`, or as `Spared` with the protections that held it back; a copy without
reasons does not come out at all.

Multi-volume sets are weeded whole: a usable volume with reasons waits until every volume of its set has
been seen, and is proposed only if every volume qualifies (otherwise it is spared as `incomplete_set`).
Only the volumes of sets are held in memory; everything else streams, so a million copies cost the
memory of one work at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from server.domain.callnumbers import ddc_class
from server.domain.weeding.copies import (
    Findings,
    Judged,
    keep_floors,
    keep_superseded_textbooks,
    mark_superseded,
    mark_surplus,
)
from server.domain.weeding.evidence import (
    Candidate,
    Fact,
    Outcome,
    Protection,
    ProtectionKind,
    RecordEvidence,
    Spared,
)
from server.domain.weeding.rules import Clock, CopyRules, collection_protections
from server.domain.weeding.settings import WeedingSettings


def weeding_candidates(
    records: Iterable[RecordEvidence], settings: WeedingSettings, today: date
) -> Iterator[Outcome]:
    rules = CopyRules(Clock(today))
    sets = _Sets()
    for work in _works(records):
        judged = _judge_work(work, settings, rules)
        for copy in judged:
            outcome = _outcome(copy)
            set_id = copy.item.set_id
            if set_id is None:
                yield outcome
            elif isinstance(outcome, Spared) or not copy.usable:
                sets.member(set_id, qualifies=isinstance(outcome, Candidate))
                yield outcome
            else:
                sets.pending(set_id, outcome)
        for set_id in _volumes_without_reasons(work, judged):
            sets.member(set_id, qualifies=False)
    yield from sets.finish()


def _volumes_without_reasons(work: list[RecordEvidence], judged: Sequence[Judged]) -> list[int]:
    """The sets of the work's volumes that have no reason to go: each holds its set back."""
    volumes = [item for record in work for item in record.items if item.set_id is not None]
    if not volumes:
        return []
    with_reasons = {copy.item.item_id for copy in judged}
    return [item.set_id for item in volumes if item.set_id is not None and item.item_id not in with_reasons]


def _works(records: Iterable[RecordEvidence]) -> Iterator[list[RecordEvidence]]:
    """Adjacent records sharing a work id, as one group; a record without one is a group of its own."""
    done: set[int] = set()
    group: list[RecordEvidence] = []
    for record in records:
        if group and (record.work_id is None or record.work_id != group[0].work_id):
            yield group
            group = []
        if record.work_id is not None and not group:
            if record.work_id in done:
                raise ValueError(f"the records of work {record.work_id} must come together")
            done.add(record.work_id)
        group.append(record)
    if group:
        yield group


def _judge_work(work: list[RecordEvidence], settings: WeedingSettings, rules: CopyRules) -> Sequence[Judged]:
    """The copies of the work that have reasons, with the protections that hold them back."""
    judged_records: list[tuple[RecordEvidence, Findings]] = []
    found_any = False
    for record in work:
        rule = settings.ranges.rule_for(ddc_class(record.call_number) if record.call_number else None)
        findings = rules.findings(record, rule)
        if len(record.items) > 1:
            mark_surplus(record.items, findings, rule.surplus_below_uses_per_copy, rules.clock)
        judged_records.append((record, findings))
        found_any = found_any or bool(findings)
    if len(work) > 1:
        mark_superseded(judged_records)
        found_any = any(findings for _, findings in judged_records)
    if not found_any:  # the common case: nothing to say about any copy of the work
        return ()
    everything: list[Judged] = []
    for record, findings in judged_records:
        if not findings:
            continue
        copies = []
        for index, found in findings.items():
            item = record.items[index]
            protections = collection_protections(item, record, settings.protections)
            copies.append(Judged(item, record, found, not item.gone, protections))
        if len(work) > 1:  # only an edition of a work can be superseded
            keep_superseded_textbooks(record, copies, settings.floors)
        everything.extend(copies)
    floors = settings.floors
    if any(c.item.item_type in floors.with_floor for c in everything):
        learners = max((r.learners for r in work if r.learners is not None), default=None)
        keep_floors(work, everything, floors, learners)
    return everything


def _outcome(judged: Judged) -> Candidate | Spared:
    item_id, record_id, findings = judged.item.item_id, judged.record.record_id, tuple(judged.findings)
    if judged.protections:
        return Spared(item_id, record_id, findings, tuple(judged.protections))
    return Candidate(item_id, record_id, findings)


@dataclass(slots=True)
class _Set:
    volumes: int = 0
    qualifying: int = 0
    waiting: list[Candidate] = field(default_factory=list)


class _Sets:
    def __init__(self) -> None:
        self._sets: dict[int, _Set] = {}

    def member(self, set_id: int, *, qualifies: bool) -> None:
        entry = self._sets.setdefault(set_id, _Set())
        entry.volumes += 1
        entry.qualifying += qualifies

    def pending(self, set_id: int, candidate: Candidate) -> None:
        self.member(set_id, qualifies=True)
        self._sets[set_id].waiting.append(candidate)

    def finish(self) -> Iterator[Outcome]:
        for set_id, entry in sorted(self._sets.items()):
            if entry.qualifying == entry.volumes:
                yield from entry.waiting
                continue
            facts = (
                Fact("set", set_id),
                Fact("volumes", entry.volumes),
                Fact("qualifying", entry.qualifying),
            )
            protection = Protection(ProtectionKind.INCOMPLETE_SET, facts)
            for c in entry.waiting:
                yield Spared(c.item_id, c.record_id, c.findings, (protection,))
