"""Imports of the catalogue (MARC 21 records with their copies, an items CSV) and of the registrar's
roster (a patrons CSV): one entry point for the CLI (`stacks import …`) and the console.

    from server.services.imports import ImportKind, run_import

    report = run_import(
        engine,                       # sqlalchemy Engine of the library's database (migrated)
        Path("/tmp/upload.mrc"),      # the file, already on disk
        ImportKind.MARC,              # or "marc" | "items" | "patrons"
        profile="koha",               # MARC: a profile of config/marc_profiles.toml (default "marc21");
                                      # CSV: a column profile of config/import_columns.toml ("default")
        file_format=None,             # MARC only: "iso2709" | "marcxml"; None: told by the first bytes
        dry_run=True,                 # report what would happen; nothing is kept
        rejects_path=Path("/tmp/rejects.csv"),  # optional: CSV position,reason,excerpt
        progress=lambda p: ...,       # optional: called after each batch with a `Progress`
        config_dir=REPO_CONFIG_DIR,   # where the profiles and policies.toml are (the server's config_dir)
    )
    report.figures()                  # JSON-ready summary; report.rejects: list[Rejected]

`run_import` blocks until the file is done (run it in a worker thread from a request). It raises, before
writing anything:

- `ImportFileError` (`NotThatKindOfFileError`: not MARC 21 / not UTF-8 CSV text; `MissingColumnsError`: a
  CSV without a required column) — its message is for the librarian;
- `server.errors.ConfigurationError`: an unknown or invalid profile.

Bad entries do not raise: each is a reject (`report.rejects`, the rejects file) and the import goes on.
Work is committed in batches with the run's position (table `import_run`): a run that stops (a crash, a
restart) is resumed by running the same file again (same content, kind and profile), which skips the
entries already committed. Matching makes a re-import update rather than duplicate: records on control
number then ISBN, copies on barcode, readers on card number. `preview` reads the first entries of a file
without touching the database (the console's preview).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from zoneinfo import ZoneInfo

from server.collection_config.import_columns import column_profile
from server.collection_config.marc_profiles import DEFAULT_PROFILE, marc_profile
from server.domain.catalogue.csv_rows import header_key
from server.domain.catalogue.shapes import PatronIn, RecordIn, Rejected
from server.services.imports.csv_files import csv_entries
from server.services.imports.errors import ImportFileError, MissingColumnsError, NotThatKindOfFileError
from server.services.imports.marc_files import marc_entries
from server.services.imports.reading_worker import WORKER_FROM_BYTES, BatchesFromWorker
from server.services.imports.report import (
    BATCH_SIZE,
    Counts,
    EntryReader,
    ImportKind,
    ImportReport,
    Progress,
    ProgressCallback,
    RunStatus,
)
from server.settings import REPO_CONFIG_DIR

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# The runner (SQLAlchemy, the tables) and the policies are imported by the functions that use them: the
# process that reads a large MARC file (reading_worker) imports this package and needs neither.

__all__ = [
    "Counts",
    "ImportFileError",
    "ImportKind",
    "ImportReport",
    "MissingColumnsError",
    "NotThatKindOfFileError",
    "Progress",
    "RunStatus",
    "preview",
    "run_import",
]

Entry = tuple[int, RecordIn | PatronIn | Rejected]


def _categories(config_dir: Path) -> dict[str, str]:
    """A reader category as a roster may write it (code, Vietnamese or English name), folded → its code."""
    from server.services.policies import load_policies  # noqa: PLC0415  (see the imports above)

    rules = load_policies(config_dir / "policies.toml", ZoneInfo("UTC")).rules
    names: dict[str, str] = {}
    for code, label in rules.categories.items():
        for written in (code, label.vi, label.en):
            names[header_key(written)] = code
    return names


def entry_reader(
    kind: ImportKind, profile: str | None, file_format: str | None, config_dir: Path
) -> tuple[str, EntryReader]:
    """The profile's name as the run records it, and how the file's entries are read."""
    if kind is ImportKind.MARC:
        chosen = marc_profile(config_dir, profile)
        return chosen.name, lambda stream: marc_entries(stream, chosen, file_format)
    columns = column_profile(config_dir, kind.value, profile)
    categories = _categories(config_dir) if kind is ImportKind.PATRONS else None

    def read(stream: BinaryIO) -> Iterator[Entry]:
        return csv_entries(stream, kind.value, columns, categories)

    return columns.name, read


def run_import(
    engine: Engine,
    source: Path,
    kind: ImportKind | str,
    *,
    profile: str | None = None,
    file_format: str | None = None,
    dry_run: bool = False,
    rejects_path: Path | None = None,
    progress: ProgressCallback | None = None,
    config_dir: Path = REPO_CONFIG_DIR,
    batch_size: int = BATCH_SIZE,
    stop_after_batches: int | None = None,
    worker_from_bytes: int = WORKER_FROM_BYTES,
) -> ImportReport:
    """Import `source` (see the module's docstring). `stop_after_batches` stops the run after that many
    committed batches, as a crash would (status INTERRUPTED): the next run of the file resumes. A MARC file
    of `worker_from_bytes` or more is read by a process of its own (imports/reading_worker.py)."""
    from server.services.imports.runner import Runner, file_digest  # noqa: PLC0415  (see the imports above)

    kind = ImportKind(kind)
    if file_format not in (None, "iso2709", "marcxml"):
        raise ImportFileError(f"unknown MARC format {file_format!r} (iso2709 or marcxml)")
    profile_name, entries = entry_reader(kind, profile, file_format, config_dir)
    report = ImportReport(
        kind=kind,
        source=source,
        digest=file_digest(source),
        profile=profile_name,
        dry_run=dry_run,
        rejects_path=rejects_path,
    )
    worker = None
    if kind is ImportKind.MARC and source.stat().st_size >= worker_from_bytes:
        chosen = profile_name

        def worker() -> BatchesFromWorker:
            return BatchesFromWorker(source, chosen, file_format, config_dir, batch_size)

    runner = Runner(
        engine,
        report,
        entries,
        batch_size=batch_size,
        progress=progress,
        stop_after_batches=stop_after_batches,
        worker=worker,
    )
    return runner.run()


def preview(
    source: Path,
    kind: ImportKind | str,
    *,
    profile: str | None = None,
    file_format: str | None = None,
    config_dir: Path = REPO_CONFIG_DIR,
    limit: int = 20,
) -> list[Entry]:
    """The file's first `limit` entries as they would be imported (RecordIn, PatronIn or Rejected),
    without the database; raises like `run_import` on a file that cannot be imported."""
    _name, entries = entry_reader(ImportKind(kind), profile or None, file_format, config_dir)
    with source.open("rb") as stream:
        return list(islice(entries(stream), limit))


DEFAULT_MARC_PROFILE = DEFAULT_PROFILE
