"""Gate footfall as it arrives: one period row per `gate.footfall` (with its tag passages by class) and one
row per lane with the people counted in and out. Reports sum them by hour and day
(`server.services.gate_reports`). Called by the ingest inside its one transaction; never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from contract.gate import GateFootfall as ReportedFootfall
from server.db.tables import GateFootfall, GatePeriod
from server.services.columns import table_of

GATE_PERIOD = table_of(GatePeriod)
GATE_FOOTFALL = table_of(GateFootfall)


@dataclass(frozen=True, slots=True)
class FootfallReport:
    """One `gate.footfall` as it came from a gate."""

    event_id: uuid.UUID
    device_id: str
    footfall: ReportedFootfall


def record_footfall(session: Session, reports: Sequence[FootfallReport]) -> None:
    lanes = []
    for report in reports:
        footfall = report.footfall
        tags = footfall.tags
        period_id = session.execute(
            sa.insert(GATE_PERIOD)
            .values(
                event_id=report.event_id,
                device_id=report.device_id,
                period_start=footfall.period_start,
                period_end=footfall.period_end,
                counter_connected=footfall.counter_connected,
                alarmed=tags.alarmed,
                ours_unsecured=tags.ours_unsecured,
                foreign=tags.foreign,
                blank=tags.blank,
                unreadable=tags.unreadable,
            )
            .returning(GATE_PERIOD.c.id)
        ).scalar_one()
        lanes += [
            {
                "period_id": period_id,
                "device_id": report.device_id,
                "lane": lane.lane,
                "period_start": footfall.period_start,
                "people_in": lane.in_delta,
                "people_out": lane.out_delta,
                "in_total": lane.in_total,
                "out_total": lane.out_total,
                "reports": lane.reports,
            }
            for lane in footfall.lanes
        ]
    if lanes:  # a period or two a minute per gate: a plain insert (COPY is for the event log and sightings)
        session.execute(sa.insert(GATE_FOOTFALL), lanes)
