"""What an import did (or, in a dry run, would do): counts per kind of entry, the rejected entries, and
where the run stands — the one report the CLI prints, the console shows and `import_run` keeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from server.domain.catalogue.shapes import PatronIn, RecordIn, Rejected

BATCH_SIZE = 1000  # entries written and committed together
Entry = tuple[int, RecordIn | PatronIn | Rejected]
"""An entry of a file: its position (from 1: the record's ordinal, the CSV line) and what it holds."""
EntryReader = Callable[[BinaryIO], Iterator[Entry]]


class ImportKind(StrEnum):
    MARC = "marc"  # bibliographic records with their copies (MARC 21: ISO 2709 or MARCXML)
    ITEMS = "items"  # copies, one a CSV row, each finding or creating its record
    PATRONS = "patrons"  # the registrar's roster, one reader a CSV row


class RunStatus(StrEnum):
    RUNNING = "running"  # batches committed so far; a restart of the same file resumes after them
    FINISHED = "finished"
    INTERRUPTED = "interrupted"  # stopped on purpose after a number of batches (the report of that run)


@dataclass(slots=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected


@dataclass(slots=True)
class Progress:
    """Where a running import is: entries read so far (their positions, from 1), of `size` bytes read so
    far of the file's `total_bytes` (a progress bar's measure: the number of entries is known only at the
    end)."""

    position: int
    bytes_read: int
    total_bytes: int
    records: Counts
    copies: Counts
    patrons: Counts


ProgressCallback = Callable[[Progress], None]


@dataclass(slots=True)
class ImportReport:
    kind: ImportKind
    source: Path
    digest: str  # SHA-256 of the file: the same file resumes its own unfinished run
    profile: str | None
    dry_run: bool
    status: RunStatus = RunStatus.RUNNING
    run_id: int | None = None  # the `import_run` row (None in a dry run)
    resumed_after: int = 0  # entries already committed by an earlier, interrupted run of the same file
    position: int = 0  # the last entry read
    batches: int = 0  # batches committed by this run
    records: Counts = field(default_factory=Counts)
    copies: Counts = field(default_factory=Counts)
    patrons: Counts = field(default_factory=Counts)
    rejects: list[Rejected] = field(default_factory=list)  # this run's (the rejects file has them all)
    rejects_path: Path | None = None

    def figures(self) -> dict[str, Any]:
        """The report as plain JSON values (the CLI's --json, the console's page)."""
        return {
            "kind": self.kind.value,
            "source": str(self.source),
            "digest": self.digest,
            "profile": self.profile,
            "dry_run": self.dry_run,
            "status": self.status.value,
            "run_id": self.run_id,
            "resumed_after": self.resumed_after,
            "position": self.position,
            "records": asdict(self.records),
            "copies": asdict(self.copies),
            "patrons": asdict(self.patrons),
            "rejects": len(self.rejects),
            "rejects_path": str(self.rejects_path) if self.rejects_path else None,
        }
