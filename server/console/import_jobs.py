"""Imports started from the console: each upload is a job with a directory of its own under
`<data_dir>/imports/<token>/` (the file as uploaded under its name, the rejects files) and, in this
process's memory, its stage, progress and reports. The work is server.services.imports' (the same runner
as `stacks import`), run in a worker thread so the request answers at once and the page follows the
progress:

    upload ─ checked (size, kind: `accept`) ─▶ PREVIEWING (the dry run) ─▶ PREVIEWED ─ run ─▶ RUNNING ─▶ DONE
                                                                  └──────────── FAILED ◀──────┘

A file refused by the checks leaves nothing behind (its directory is removed). The dry run writes nothing
that stays. The import commits batch by batch (server/services/imports/runner.py): if the server stops in
the middle, the batches committed stay, and uploading the same file again resumes after them. A restart
forgets the jobs themselves — the database's history of imports (`import_run`) stays, and the import page
shows it — and their directories go with the next upload once untouched for `KEPT_DAYS`.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import Engine

from server.domain.catalogue.shapes import PatronIn, RecordIn, Rejected
from server.errors import ConfigurationError, InvalidInputError
from server.services.imports import ImportFileError, ImportKind, ImportReport, Progress, preview, run_import

log = logging.getLogger(__name__)

COPY_CHUNK = 1 << 20
SAMPLE_SIZE = 10  # mapped entries shown on the preview
KEPT_DAYS = 30  # a job's directory (upload, rejects) outlives its job by this long after its last change


class Stage(StrEnum):
    PREVIEWING = "previewing"
    PREVIEWED = "previewed"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class UploadTooLarge(InvalidInputError):  # noqa: N818 - said to the librarian as it is
    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than {limit} bytes")
        self.limit = limit


@dataclass
class ImportJob:
    token: str
    kind: ImportKind
    profile: str
    filename: str
    size: int
    directory: Path
    started_by: str
    created_at: datetime
    sample: list[RecordIn | PatronIn | Rejected]
    stage: Stage = Stage.PREVIEWING
    progress: Progress | None = None
    preview_report: ImportReport | None = None
    report: ImportReport | None = None
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)  # the current step ended

    @property
    def upload(self) -> Path:
        """The file as uploaded, under its own name: the import's history (`import_run`) names it so."""
        return _upload_path(self.directory, self.filename)

    @property
    def rejects(self) -> Path:
        return self.directory / "rejects.csv"

    @property
    def preview_rejects(self) -> Path:
        return self.directory / "preview-rejects.csv"

    @property
    def working(self) -> bool:
        return self.stage in (Stage.PREVIEWING, Stage.RUNNING)


class ImportJobs:
    """The console's import jobs of one data directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> ImportJob | None:
        with self._lock:
            return self._jobs.get(token)

    def recent(self, limit: int = 10) -> list[ImportJob]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created_at, reverse=True)[:limit]

    def accept(
        self,
        stream: BinaryIO,
        filename: str,
        kind: ImportKind,
        profile: str,
        *,
        limit: int,
        config_dir: Path,
        started_by: str,
        now: datetime,
    ) -> ImportJob:
        """Keep the upload if it is at most `limit` bytes and reads as `kind` with `profile`; else raise
        (UploadTooLarge, ImportFileError, ConfigurationError) with nothing kept."""
        self._sweep()
        token = secrets.token_urlsafe(12)
        directory = self.root / token
        name = _file_name(filename)
        upload = _upload_path(directory, name)
        upload.parent.mkdir(parents=True)
        try:
            size = _copy(stream, upload, limit)
            sample = preview(upload, kind, profile=profile, config_dir=config_dir)
        except (InvalidInputError, ConfigurationError, UnicodeDecodeError):
            shutil.rmtree(directory, ignore_errors=True)
            raise
        job = ImportJob(
            token=token,
            kind=kind,
            profile=profile,
            filename=name,
            size=size,
            directory=directory,
            started_by=started_by,
            created_at=now,
            sample=[entry for _, entry in sample[:SAMPLE_SIZE]],
        )
        with self._lock:
            self._jobs[token] = job
        return job

    def _sweep(self) -> None:
        """Job directories nobody has touched for `KEPT_DAYS` go: a restart forgot their jobs, and their
        uploads and rejects files would pile up. A job of this process is never swept."""
        if not self.root.is_dir():
            return
        cutoff = time.time() - KEPT_DAYS * 86_400
        with self._lock:
            live = set(self._jobs)
        for directory in self.root.iterdir():
            if directory.is_dir() and directory.name not in live and _last_change(directory) < cutoff:
                shutil.rmtree(directory, ignore_errors=True)

    def start_preview(self, job: ImportJob, engine: Engine, config_dir: Path) -> None:
        """The dry run, in a worker thread: the preview's figures and rejects."""

        def done(report: ImportReport) -> None:
            with self._lock:
                job.preview_report, job.stage = report, Stage.PREVIEWED

        self._start(
            job, Stage.PREVIEWING, engine, config_dir, dry_run=True, rejects=job.preview_rejects, done=done
        )

    def start_run(self, job: ImportJob, engine: Engine, config_dir: Path) -> bool:
        """The import itself, in a worker thread; False when the job is not ready for it (already run)."""
        with self._lock:
            if job.stage is not Stage.PREVIEWED:
                return False
            job.stage = Stage.RUNNING

        def done(report: ImportReport) -> None:
            with self._lock:
                job.report, job.stage = report, Stage.DONE

        self._start(job, Stage.RUNNING, engine, config_dir, dry_run=False, rejects=job.rejects, done=done)
        return True

    def _start(
        self,
        job: ImportJob,
        stage: Stage,
        engine: Engine,
        config_dir: Path,
        *,
        dry_run: bool,
        rejects: Path,
        done: Callable[[ImportReport], None],
    ) -> None:
        job.stage, job.progress = stage, None
        job.finished.clear()

        def work() -> None:
            try:
                report = run_import(
                    engine,
                    job.upload,
                    job.kind,
                    profile=job.profile,
                    dry_run=dry_run,
                    rejects_path=rejects,
                    progress=lambda p: setattr(job, "progress", p),
                    config_dir=config_dir,
                )
                done(report)
            except (ImportFileError, ConfigurationError) as exc:
                self._failed(job, str(exc))
            except Exception as exc:  # a worker thread has no caller to raise to: the page says it failed
                log.exception("import %s of %s failed", job.token, job.filename)
                self._failed(job, f"{type(exc).__name__}: {exc}")
            finally:
                job.finished.set()

        threading.Thread(target=work, name=f"import-{job.token}", daemon=True).start()

    def _failed(self, job: ImportJob, error: str) -> None:
        with self._lock:
            job.error, job.stage = error, Stage.FAILED

    def snapshot(self, token: str) -> ImportJob | None:
        """A copy of the job as it stands, its stage and reports read together (a worker changes them)."""
        with self._lock:
            job = self._jobs.get(token)
            return replace(job) if job is not None else None


def _upload_path(directory: Path, name: str) -> Path:
    return directory / "file" / name


def _last_change(directory: Path) -> float:
    return max((path.stat().st_mtime for path in directory.rglob("*")), default=directory.stat().st_mtime)


def _file_name(filename: str) -> str:
    """The uploaded file's name as one safe path component (a browser may send a path, or nothing)."""
    name = Path(filename.replace("\\", "/")).name[:200]
    return name if name not in ("", ".", "..") else "upload"


def _copy(stream: BinaryIO, target: Path, limit: int) -> int:
    """Copy the upload, refusing it as soon as it passes `limit` bytes."""
    size = 0
    with target.open("wb") as out:
        while chunk := stream.read(COPY_CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge(limit)
            out.write(chunk)
    return size


_REGISTRIES: dict[Path, ImportJobs] = {}
_REGISTRIES_LOCK = threading.Lock()


def jobs_in(data_dir: Path) -> ImportJobs:
    """The import jobs of the server whose data directory is `data_dir` (one registry per directory)."""
    root = (data_dir / "imports").resolve()
    with _REGISTRIES_LOCK:
        return _REGISTRIES.setdefault(root, ImportJobs(root))
