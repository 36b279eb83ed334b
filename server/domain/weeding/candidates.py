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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from server.domain.callnumbers import ddc_class
from server.domain.weeding.copies import (
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
from server.domain.weeding.rules import Clock, collection_protections, item_findings
from server.domain.weeding.settings import WeedingSettings


def weeding_candidates(
    records: Iterable[RecordEvidence], settings: WeedingSettings, today: date
) -> Iterator[Outcome]:
    clock = Clock(today)
    sets = _Sets()
    for work in _works(records):
        copies = _judge_work(work, settings, clock)
        if copies is None:  # nothing to say about any copy: only the set volumes among them matter
            for record in work:
                for item in record.items:
                    if item.set_id is not None:
                        sets.member(item.set_id, qualifies=False)
            continue
        for judged in copies:
            outcome = _outcome(judged)
            set_id = judged.item.set_id
            if set_id is None:
                if outcome is not None:
                    yield outcome
            elif outcome is None or isinstance(outcome, Spared) or not judged.usable:
                sets.member(set_id, qualifies=isinstance(outcome, Candidate))
                if outcome is not None:
                    yield outcome
            else:
                sets.pending(set_id, outcome)
    yield from sets.finish()


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


def _judge_work(work: list[RecordEvidence], settings: WeedingSettings, clock: Clock) -> list[Judged] | None:
    """Every copy of the work judged, or None when no copy has any reason (the common case, kept cheap)."""
    judged_records: list[tuple[RecordEvidence, list[Judged]]] = []
    any_findings = False
    for record in work:
        rule = settings.ranges.rule_for(ddc_class(record.call_number) if record.call_number else None)
        copies = [Judged(item, record, item_findings(item, record, rule, clock)) for item in record.items]
        mark_surplus(copies, rule.surplus_below_uses_per_copy, clock)
        judged_records.append((record, copies))
        any_findings = any_findings or any(c.findings for c in copies)
    if len(judged_records) > 1:
        mark_superseded(judged_records)
        any_findings = any_findings or any(c.findings for _, copies in judged_records for c in copies)
    if not any_findings:
        return None
    everything = [c for _, copies in judged_records for c in copies]
    for copy in everything:
        if copy.findings:
            copy.protections.extend(collection_protections(copy.item, copy.record, settings.protections))
    for _, copies in judged_records:
        keep_superseded_textbooks(copies, settings.floors)
    learners = max((r.learners for r in work if r.learners is not None), default=None)
    keep_floors(everything, settings.floors, learners)
    return everything


def _outcome(judged: Judged) -> Outcome | None:
    if not judged.findings:
        return None
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
