"""`stacks privacy purge` — readers are detached from what they borrowed, held and did at the kiosks once
the retention period (`STACKS_LOAN_HISTORY_DAYS`) has passed (docs/privacy.md).

Run it each night (a cron entry or a systemd timer, after `stacks holds expire`). It works in batches, each
committed on its own, so a first run on years of history never holds the database for long; it is
idempotent, so a run that stops half-way is finished by the next. The database must be migrated
(`stacks server migrate`).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from stacks.cli.database import AtOption, DatabaseOption, as_of, migrated_session

privacy_app = typer.Typer(
    help="Reader privacy: the nightly purge of old reading records.", no_args_is_help=True
)


@privacy_app.command("purge")
def purge(
    database_url: DatabaseOption = None,
    at: AtOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Detach readers from returned loans, closed holds, settled fines, kiosk sessions and events older than
    the retention period, unless a reader chose to keep a loan history."""
    from server.services import reader_privacy
    from server.settings import ServerSettings

    now = as_of(at)
    days = ServerSettings().loan_history_days
    done = reader_privacy.PurgeReport()
    with migrated_session(database_url) as session:
        while True:
            batch = reader_privacy.purge_batch(session, now=now, retention_days=days)
            session.commit()
            done += batch
            if not batch.changed:
                break
    figures = {**asdict(done), "retention_days": days, "before": reader_privacy.cutoff(now, days).isoformat()}
    if as_json:
        typer.echo(json.dumps(figures))
    else:
        typer.echo(
            f"{done.loans_detached} loan(s), {done.holds_detached} hold(s) and {done.fines_detached} fine(s) "
            f"detached, {done.kiosk_sessions_deleted} kiosk session(s) deleted, {done.events_scrubbed} "
            f"event(s) scrubbed: what ended before {figures['before']} ({days} days)"
        )


def register(root: typer.Typer) -> None:
    root.add_typer(privacy_app, name="privacy")
