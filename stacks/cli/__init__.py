"""The `stacks` command line: one typer application, each area of commands in its own module.

Every area module defines `register(root)`, which adds a command group (`stacks bench …`) or a single
command (`stacks scan IMAGE`) to the root. Heavy imports happen inside the commands so that
`stacks --help` stays fast. Before any command runs, the root warns about `STACKS_*` variables no Stacks
process reads (stacks.environment): every Stacks process is started by a command of this application.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="stacks",
    help="Stacks — RFID/barcode circulation and inventory for the library.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

_AREA_MODULES: tuple[str, ...] = (
    "stacks.cli.bench",
    "stacks.cli.broker",
    "stacks.cli.contract",
    "stacks.cli.demo",
    "stacks.cli.server",
    "stacks.cli.tags",
    "stacks.cli.sim",
    "stacks.cli.scan",
    "stacks.cli.labels",
    "stacks.cli.staff",
    "stacks.cli.edge",
    "stacks.cli.seed",
    "stacks.cli.holds",
    "stacks.cli.offline",
    "stacks.cli.collection",
    "stacks.cli.register",
    "stacks.cli.privacy",
    "stacks.cli.imports",
)


def _register_areas() -> None:
    for module_name in _AREA_MODULES:
        importlib.import_module(module_name).register(app)


@app.callback()
def _root() -> None:
    from stacks.environment import warn_about_unknown_variables

    warn_about_unknown_variables()


_register_areas()


def main() -> None:
    app()
