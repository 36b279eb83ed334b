"""`stacks broker …` — generate the broker's credentials, ACL and config, and run it."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

broker_app = typer.Typer(help="The local MQTT broker (mosquitto, or embedded amqtt as a fallback).")


@broker_app.command("run")
def run() -> None:
    """Generate the config for config/devices.toml and run the broker in the foreground."""
    from stacks.broker.process import prepare_broker
    from stacks.broker.settings import BrokerSettings

    plan = prepare_broker(BrokerSettings())
    Console(stderr=True).print(
        f"[bold]{plan.implementation}[/bold] on {plan.url} (MQTT {plan.protocol}); config in {plan.directory}"
    )
    os.execv(plan.argv[0], plan.argv)  # noqa: S606  (our own broker binary and generated config)


@broker_app.command("config")
def config() -> None:
    """Generate credentials, password file, ACL and config without starting anything."""
    from stacks.broker.process import prepare_broker
    from stacks.broker.settings import BrokerSettings

    plan = prepare_broker(BrokerSettings())
    console = Console()
    console.print(f"broker: {plan.implementation} on {plan.url} (MQTT {plan.protocol})")
    console.print(f"files:  {plan.directory}")
    console.print(f"users:  {', '.join(sorted(plan.credentials.passwords))}")


@broker_app.command("password")
def password(user: Annotated[str, typer.Argument(help="Device id, 'server' or 'bench'.")]) -> None:
    """Print the broker password of a device (to configure a real device or an agent on another host)."""
    from stacks.broker.process import broker_plan
    from stacks.broker.settings import BrokerSettings

    plan = broker_plan(BrokerSettings())
    try:
        print(plan.credentials.password(user))
    except KeyError as exc:
        raise typer.BadParameter(str(exc)) from exc


def register(root: typer.Typer) -> None:
    root.add_typer(broker_app, name="broker")
