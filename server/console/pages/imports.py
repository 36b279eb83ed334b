"""Imports in the console: upload a file (MARC 21 records with their copies as ISO 2709 or MARCXML, an items
CSV or the registrar's patrons CSV) with its profile; the preview is the dry run's report (what would be
created, updated, left unchanged and rejected, the first rejects, a sample of the entries as mapped); run
it, follow its progress (htmx polling), and read the report with the rejects file to download. Below the
jobs of this server, the history the database keeps of every import (`import_history`): finished, or
stopped part-way and waiting for the same file to go on.

Refused with the reason, nothing imported and nothing kept: a file over `import_max_upload_mib`, one that
is not what it says (not MARC 21, not CSV text), a CSV without a column every row needs, an unknown
profile. Importing is cataloguing (`catalogue.edit`); a patrons roster also needs `patrons.edit`. The work
is server/services/imports (the runner `stacks import` uses); the jobs are server/console/import_jobs.py.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response

from server.collection_config.import_columns import IMPORT_COLUMNS_FILE, ImportColumnsFile
from server.collection_config.marc_profiles import MARC_PROFILES_FILE, load_marc_profiles
from server.collection_config.reading import read_file
from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.import_jobs import ImportJob, ImportJobs, Stage, UploadTooLarge, jobs_in
from server.console.nav import IMPORTS, NavEntry
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.errors import ConfigurationError, NotFoundError
from server.services.imports import ImportFileError, ImportKind, MissingColumnsError
from server.services.imports.history import PastRun, import_history
from server.services.permissions import Permission, allows
from web import N_, translate
from web.formatting import number

pages = ConsoleRouter()
PATH = "/imports"
NAV = NavEntry(IMPORTS, PATH, N_("Imports"), Permission.CATALOGUE_EDIT)
MIB = 1 << 20
REJECTS_SHOWN = 10

KIND_LABELS: dict[str, str] = {
    ImportKind.MARC: N_("MARC 21 records with their copies (ISO 2709 or MARCXML)"),
    ImportKind.ITEMS: N_("Copies (items CSV)"),
    ImportKind.PATRONS: N_("Readers (the registrar's patrons CSV)"),
}
STAGE_LABELS: dict[str, str] = {
    Stage.PREVIEWING: N_("Dry run under way"),
    Stage.PREVIEWED: N_("Ready to import"),
    Stage.RUNNING: N_("Importing"),
    Stage.DONE: N_("Imported"),
    Stage.FAILED: N_("Failed"),
}
TOO_LARGE = N_("The file is larger than {limit} MiB, the most an import accepts. Nothing was imported.")
NOT_THAT_KIND = N_("The file is not what was chosen: {reason}. Nothing was imported.")
MISSING_COLUMNS = N_("The CSV file lacks a column every row needs: {reason}. Nothing was imported.")
NO_FILE = N_("Choose a file to import.")


def _jobs(state: ConsoleState) -> ImportJobs:
    return jobs_in(state.settings.data_dir)


def _limit(state: ConsoleState) -> int:
    return int(state.settings.import_max_upload_mib * MIB)


def _choices(state: ConsoleState, viewer: Viewer) -> list[tuple[str, str]]:
    """What to import and how, as one choice: "kind:profile" for every profile of the configuration."""
    lang, config = viewer.lang, state.settings.config_dir
    marc = sorted(load_marc_profiles(config / MARC_PROFILES_FILE))
    columns = read_file(config / IMPORT_COLUMNS_FILE, ImportColumnsFile)
    found = [(ImportKind.MARC, name) for name in marc]
    found += [(ImportKind.ITEMS, name) for name in sorted(columns.items)]
    if allows(viewer.staff.role, Permission.PATRONS_EDIT):
        found += [(ImportKind.PATRONS, name) for name in sorted(columns.patrons)]
    profile = translate(lang, N_("profile"))
    return [
        (f"{kind.value}:{name}", f"{translate(lang, KIND_LABELS[kind])} — {profile} {name}")
        for kind, name in found
    ]


def _start_page(
    request: Request, state: ConsoleState, viewer: Viewer, *, problem: str | None = None, chosen: str = ""
) -> Response:
    context = {
        "choices": _choices(state, viewer),
        "chosen": chosen,
        "problem": problem,
        "limit_mib": number(state.settings.import_max_upload_mib, viewer.lang),
        "jobs": _jobs(state).recent(),
        "history": _history(state),
        "stage_labels": STAGE_LABELS,
        "kind_labels": KIND_LABELS,
    }
    status = 422 if problem else 200
    return render.page(
        request, state, viewer, "console/imports/start.html", context, nav=PATH, status_code=status
    )


def _history(state: ConsoleState) -> list[PastRun]:
    with Session(state.database()) as db:
        return import_history(db)


@pages.page(PATH, Permission.CATALOGUE_EDIT)
def start(request: Request, *, state: StateDep, viewer: ViewerDep) -> Response:
    return _start_page(request, state, viewer)


class _Refused(Exception):  # noqa: N818 - the upload is refused; the page says `text`
    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message)
        self.message, self.values = message, values


@pages.action(PATH, Permission.CATALOGUE_EDIT)
async def upload(request: Request, *, state: StateDep, viewer: ViewerDep, now: NowDep) -> Response:
    """Keep the file if it may be imported, start its dry run and show its page; else say why."""
    form = await request.form()  # already read by the guard, for the CSRF token
    chosen = str(form.get("what") or "")
    file = form.get("file")
    try:
        job = _accepted(state, viewer, chosen, file, length=_length(request), now=now)
    except _Refused as refused:
        text = translate(viewer.lang, refused.message).format(**refused.values)
        return _start_page(request, state, viewer, problem=text, chosen=chosen)
    finally:
        if isinstance(file, UploadFile):
            await file.close()
    _jobs(state).start_preview(job, state.database(), state.settings.config_dir)
    return RedirectResponse(render.console_url(f"{PATH}/{job.token}"), status_code=303)


def _length(request: Request) -> int:
    text = request.headers.get("content-length") or "0"
    return int(text) if text.isdigit() else 0


def _accepted(
    state: ConsoleState, viewer: Viewer, chosen: str, file: object, *, length: int, now: datetime
) -> ImportJob:
    """The upload kept as a job, or `_Refused` with why (nothing kept)."""
    kind_text, _, profile = chosen.partition(":")
    if kind_text not in KIND_LABELS or not profile:
        raise _Refused(N_("Choose what the file holds."))
    kind = ImportKind(kind_text)
    if kind is ImportKind.PATRONS and not allows(viewer.staff.role, Permission.PATRONS_EDIT):
        raise _Refused(N_("Importing readers is not yours to do."))
    if not isinstance(file, UploadFile) or not file.filename:
        raise _Refused(NO_FILE)
    limit, mib = _limit(state), number(state.settings.import_max_upload_mib, viewer.lang)
    if length > limit + MIB or (file.size or 0) > limit:  # the form's other fields take far less than a MiB
        raise _Refused(TOO_LARGE, limit=mib)
    try:
        return _jobs(state).accept(
            file.file,
            file.filename,
            kind,
            profile,
            limit=limit,
            config_dir=state.settings.config_dir,
            started_by=viewer.staff.username,
            now=now,
        )
    except UploadTooLarge as exc:
        raise _Refused(TOO_LARGE, limit=mib) from exc
    except MissingColumnsError as exc:
        raise _Refused(MISSING_COLUMNS, reason=str(exc)) from exc
    except (ImportFileError, ConfigurationError, UnicodeDecodeError) as exc:
        raise _Refused(NOT_THAT_KIND, reason=str(exc)) from exc


def _job(state: ConsoleState, token: str) -> ImportJob:
    """The job as it stands, to show (a snapshot: its worker may be changing it)."""
    job = _jobs(state).snapshot(token)
    if job is None:
        raise NotFoundError(f"no import {token!r}")
    return job


def _job_context(job: ImportJob) -> dict[str, Any]:
    shown = job.report or job.preview_report
    return {
        "job": job,
        "report": shown,
        "rejects": (shown.rejects[:REJECTS_SHOWN] if shown else []),
        "stage_labels": STAGE_LABELS,
        "kind_labels": KIND_LABELS,
        "progress_url": render.console_url(f"{PATH}/{job.token}/progress"),
        "run_url": render.console_url(f"{PATH}/{job.token}/run"),
        "rejects_url": render.console_url(f"{PATH}/{job.token}/rejects.csv"),
        "action_key": actions.new_key(),
    }


@pages.page(PATH + "/{token}", Permission.CATALOGUE_EDIT)
def job_page(request: Request, token: str, *, state: StateDep, viewer: ViewerDep) -> Response:
    job = _job(state, token)
    return render.page(request, state, viewer, "console/imports/job.html", _job_context(job), nav=PATH)


@pages.fragment(PATH + "/{token}/progress", Permission.CATALOGUE_EDIT)
def progress(token: str, *, state: StateDep, viewer: ViewerDep) -> Response:
    """The progress bar while the job works; once it has finished, the page is loaded again."""
    job = _job(state, token)
    if not job.working:
        return Response("", headers={"HX-Refresh": "true"})
    html = render.fragment(state, viewer, "console/imports/progress.html", **_job_context(job))
    return Response(html, media_type="text/html; charset=utf-8")


@pages.action(PATH + "/{token}/run", Permission.CATALOGUE_EDIT)
async def run(
    request: Request, token: str, *, state: StateDep, db: DbDep, viewer: ViewerDep, now: NowDep
) -> Response:
    """Import the previewed file for good: an audited staff action (who started which file, as what)."""
    jobs = _jobs(state)
    job = jobs.get(token)  # the job itself, not a snapshot: its worker is started on it
    if job is None:
        raise NotFoundError(f"no import {token!r}")
    form = await request.form()

    def apply() -> dict[str, Any]:
        started = jobs.start_run(job, state.database(), state.settings.config_dir)
        return {"started": started, "job": job.token}

    request_facts = {"file": job.filename, "kind": job.kind.value, "profile": job.profile, "bytes": job.size}
    actions.perform(
        db, viewer, now, "catalogue.import", request_facts, apply=apply, key=form.get(actions.KEY_FIELD)
    )
    return RedirectResponse(render.console_url(f"{PATH}/{job.token}"), status_code=303)


@pages.page(PATH + "/{token}/rejects.csv", Permission.CATALOGUE_EDIT)
def rejects(token: str, *, state: StateDep) -> Response:
    """The rejects file of the import (of the dry run before it): position, reason, excerpt."""
    job = _job(state, token)
    path: Path = job.rejects if job.report is not None else job.preview_rejects
    if not path.exists():
        raise NotFoundError("no rejects file yet")
    name = f"rejects-{Path(job.filename).stem}.csv"
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=name)
