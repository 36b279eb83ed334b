"""`stacks contract …` — the event contract's published artefacts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

contract_app = typer.Typer(help="The event contract: JSON Schemas.", no_args_is_help=True)

DOCS_SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


@contract_app.command("schemas")
def schemas(
    directory: Annotated[Path, typer.Option(help="Where to write them.")] = DOCS_SCHEMAS,
    check: Annotated[bool, typer.Option(help="Only check they are up to date (exit 1 if not).")] = False,
) -> None:
    """Write the JSON Schema of every event, reply, status and ack message."""
    from contract.schemas import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(directory)
        for name in stale:
            print(f"stale: {name}")
        raise typer.Exit(1 if stale else 0)
    for path in write_schemas(directory):
        print(path)


def register(root: typer.Typer) -> None:
    root.add_typer(contract_app, name="contract")
