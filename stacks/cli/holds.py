"""`stacks holds expire` — ready holds past their pickup deadline expire, and their items pass on.

Run it each night after closing (a cron entry or a systemd timer). Circulation lapses such a hold itself
whenever it comes across one (a checkout or return of the item, a hold list, a renewal it stands in the way
of), so no answer waits on this job; the job lapses the rest, so that the hold shelf list, the patrons'
counts and the next patrons in the queues are up to date every morning. The database must be migrated
(`stacks server migrate`).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from stacks.cli.database import AtOption, DatabaseOption, as_of, circulation_context, migrated_session

holds_app = typer.Typer(help="Holds: the nightly housekeeping of the hold shelf.", no_args_is_help=True)


@holds_app.command("expire")
def expire(
    database_url: DatabaseOption = None,
    at: AtOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Expire ready holds past their pickup deadline; their items pass to the next hold or their shelf."""
    from server.services import holds

    now = as_of(at)
    circulation = circulation_context()  # the policy sets the next holds' pickup deadlines
    with migrated_session(database_url) as session:
        expired = holds.expire_holds(session, circulation, now=now)
        session.commit()
    if as_json:
        typer.echo(json.dumps({"expired": expired, "at": now.isoformat()}))
    else:
        typer.echo(f"{expired} hold(s) expired as of {now.isoformat()}")


def register(root: typer.Typer) -> None:
    root.add_typer(holds_app, name="holds")
