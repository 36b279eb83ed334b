"""One import of one file, whatever its kind: the file read entry by entry, the entries written in
batches, each batch committed with the run's position and counts (`import_run`), the rejects written as
they come, progress reported after each batch.

A dry run writes each batch in a transaction that is rolled back: the same statements and checks as a
real run, so the same figures, and the database is never held longer than a batch. (Only a file that
lists one record, copy or reader in two different batches counts it twice as created in a dry run: the
first one was rolled back.)
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.tables.imports import ImportRun
from server.domain.catalogue.shapes import PatronIn, RecordIn, Rejected
from server.services.imports.batch_rows import BatchOutcome
from server.services.imports.catalogue_store import CatalogueWriter
from server.services.imports.collector import fewer_collections
from server.services.imports.patron_store import PatronWriter
from server.services.imports.reading_worker import BatchesFromWorker
from server.services.imports.report import (
    BATCH_SIZE,
    Counts,
    Entry,
    EntryReader,
    ImportKind,
    ImportReport,
    Progress,
    ProgressCallback,
    RunStatus,
)

CsvWriter = Any  # csv's writer type is private (_csv._writer)
REJECTS_HEADER = ("position", "reason", "excerpt")


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _batches(entries: Iterator[Entry], size: int) -> Iterator[list[Entry]]:
    batch: list[Entry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _unfinished_run(session: Session, report: ImportReport) -> ImportRun | None:
    table = ImportRun.__table__  # type: ignore[attr-defined]
    row = session.execute(
        sa.select(table.c.id)
        .where(
            table.c.digest == report.digest,
            table.c.kind == report.kind.value,
            table.c.profile == (report.profile or ""),
            table.c.status == RunStatus.RUNNING.value,
        )
        .order_by(table.c.id.desc())
        .limit(1)
    ).first()
    return session.get(ImportRun, row[0]) if row else None


def _counts_of(stored: dict[str, dict[str, int]], name: str) -> Counts:
    return Counts(**stored.get(name, {}))


class Runner:
    """The loop of one run; `run_import` (server/services/imports/__init__.py) builds it."""

    def __init__(
        self,
        engine: Engine,
        report: ImportReport,
        entries: EntryReader,
        *,
        batch_size: int = BATCH_SIZE,
        progress: ProgressCallback | None = None,
        stop_after_batches: int | None = None,
        worker: Callable[[], BatchesFromWorker] | None = None,
    ) -> None:
        self.worker = worker
        self.engine = engine
        self.report = report
        self.entries = entries
        self.batch_size = batch_size
        self.progress = progress
        self.stop_after_batches = stop_after_batches

    def _resume(self, session: Session, now: datetime) -> ImportRun | None:
        if self.report.dry_run:
            return None
        run = _unfinished_run(session, self.report)
        if run is None:
            run = ImportRun(
                digest=self.report.digest,
                kind=self.report.kind.value,
                profile=self.report.profile or "",
                source_name=self.report.source.name[:300],
                position=0,
                counts={},
                status=RunStatus.RUNNING.value,
                started_at=now,
                updated_at=now,
            )
            session.add(run)
            session.commit()
        else:
            self.report.resumed_after = run.position
            self.report.records = _counts_of(run.counts, "records")
            self.report.copies = _counts_of(run.counts, "copies")
            self.report.patrons = _counts_of(run.counts, "patrons")
        self.report.run_id = run.id
        return run

    def _write(self, session: Session, batch: list[Entry], now: datetime) -> BatchOutcome:
        good = [(position, value) for position, value in batch if not isinstance(value, Rejected)]
        if self.report.kind is ImportKind.PATRONS:
            outcome = PatronWriter(session, now=now).write(
                [(p, v) for p, v in good if isinstance(v, PatronIn)]
            )
        else:
            writer = CatalogueWriter(
                session,
                now=now,
                update_records=self.report.kind is ImportKind.MARC,
                by_title=self.report.kind is ImportKind.ITEMS,
            )
            outcome = writer.write([(p, v) for p, v in good if isinstance(v, RecordIn)])
        rejected = [value for _, value in batch if isinstance(value, Rejected)]
        entries = outcome.patrons if self.report.kind is ImportKind.PATRONS else outcome.records
        entries.rejected += len(rejected)
        outcome.rejects[:0] = rejected
        return outcome

    def _record(self, outcome: BatchOutcome, rejects: CsvWriter | None) -> None:
        self.report.records.add(outcome.records)
        self.report.copies.add(outcome.copies)
        self.report.patrons.add(outcome.patrons)
        self.report.rejects.extend(outcome.rejects)
        if rejects is not None:
            rejects.writerows((reject.position, reject.reason, reject.excerpt) for reject in outcome.rejects)

    def _commit(self, session: Session, run: ImportRun | None, position: int, now: datetime) -> None:
        if run is None:
            session.rollback()
            return
        run.position = position
        run.counts = {
            "records": asdict(self.report.records),
            "copies": asdict(self.report.copies),
            "patrons": asdict(self.report.patrons),
        }
        run.updated_at = now
        session.add(run)
        session.commit()

    def _rejects_file(self, stack: ExitStack) -> CsvWriter | None:
        path = self.report.rejects_path
        if path is None:
            return None
        appending = self.report.resumed_after > 0 and path.exists()
        stream: IO[str] = stack.enter_context(
            path.open("a" if appending else "w", encoding="utf-8", newline="")
        )
        writer = csv.writer(stream)
        if not appending:
            writer.writerow(REJECTS_HEADER)
        return writer

    def _batches(self, stream: BinaryIO, stack: ExitStack) -> Iterator[tuple[list[Entry], int]]:
        """The file's entries a batch at a time with the bytes read so far: read here, or by a worker
        process when the run was given one (`worker`)."""
        entries = self.entries(stream)  # a file that is not what it says raises here, before any write
        if self.worker is not None:
            return iter(stack.enter_context(self.worker()))
        return ((batch, stream.tell()) for batch in _batches(entries, self.batch_size))

    def run(self) -> ImportReport:
        report = self.report
        total_bytes = report.source.stat().st_size
        with ExitStack() as stack:
            stack.enter_context(fewer_collections())
            stream = stack.enter_context(report.source.open("rb"))
            batches = self._batches(stream, stack)
            session = stack.enter_context(Session(self.engine, expire_on_commit=False))
            run = self._resume(session, datetime.now(UTC))
            rejects = self._rejects_file(stack)
            for batch, bytes_read in batches:
                report.position = batch[-1][0]
                if report.position <= report.resumed_after:
                    continue
                now = datetime.now(UTC)
                todo = [entry for entry in batch if entry[0] > report.resumed_after]
                outcome = self._write(session, todo, now)
                self._record(outcome, rejects)
                self._commit(session, run, report.position, now)
                report.batches += 1
                if self.progress is not None:
                    counts = (report.records, report.copies, report.patrons)
                    self.progress(Progress(report.position, bytes_read, total_bytes, *counts))
                if self.stop_after_batches is not None and report.batches >= self.stop_after_batches:
                    report.status = RunStatus.INTERRUPTED
                    return report
            report.status = RunStatus.FINISHED
            if run is not None:
                run.status = RunStatus.FINISHED.value
                run.finished_at = datetime.now(UTC)
                self._commit(session, run, report.position, run.finished_at)
        return report
