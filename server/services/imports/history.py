"""The imports the catalogue remembers: every run that committed a batch, from the table `import_run`,
whichever process ran it (the console, `stacks import`, another server) and across restarts. A run still
`running` there is under way somewhere or was stopped part-way; the same file imported again goes on after
its `position`.

    runs = import_history(session, limit=20)   # newest first
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from server.db.tables.imports import ImportRun
from server.services.imports.report import Counts, ImportKind, RunStatus

HISTORY_SHOWN = 20


@dataclass(frozen=True, slots=True)
class PastRun:
    source_name: str
    kind: ImportKind
    profile: str
    finished: bool
    position: int  # the last entry committed
    records: Counts
    copies: Counts
    patrons: Counts
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @property
    def entries(self) -> Counts:
        """What the run did with the file's main entries: records for MARC, copies for items, readers."""
        return {ImportKind.MARC: self.records, ImportKind.ITEMS: self.copies}.get(self.kind, self.patrons)


def import_history(session: Session, *, limit: int = HISTORY_SHOWN) -> list[PastRun]:
    newest = col(ImportRun.started_at).desc(), col(ImportRun.id).desc()
    return [_past(run) for run in session.exec(select(ImportRun).order_by(*newest).limit(limit))]


def _past(run: ImportRun) -> PastRun:
    counts = run.counts or {}
    return PastRun(
        source_name=run.source_name,
        kind=ImportKind(run.kind),
        profile=run.profile,
        finished=run.status == RunStatus.FINISHED.value,
        position=run.position,
        records=Counts(**counts.get("records", {})),
        copies=Counts(**counts.get("copies", {})),
        patrons=Counts(**counts.get("patrons", {})),
        started_at=run.started_at,
        updated_at=run.updated_at,
        finished_at=run.finished_at,
    )
