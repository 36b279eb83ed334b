"""`stacks edge …` — run edge agents. For now the self-check kiosk, with simulated patrons."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stacks.cli.output import print_figures

if TYPE_CHECKING:
    from contract.status import DeviceKind
    from edge.settings import EdgeSettings

edge_app = typer.Typer(
    help="Edge agents: the self-check kiosk (simulated patrons for now).", no_args_is_help=True
)


@edge_app.command("kiosk")
def kiosk(
    *,
    simulate: Annotated[
        bool, typer.Option("--simulate", help="Simulated patrons borrow, renew and return seeded books.")
    ] = False,
    device_id: Annotated[str, typer.Option(help="The kiosk's device id (its MQTT user).")] = "kiosk-01",
    manifest: Annotated[
        Path | None, typer.Option(help="Seed manifest (default <data_dir>/seed-manifest.json).")
    ] = None,
    sessions: Annotated[int | None, typer.Option(min=1, help="Stop after this many patron visits.")] = None,
    duration_s: Annotated[float | None, typer.Option(min=0, help="Stop after this many seconds.")] = None,
    think_ms: Annotated[int, typer.Option(min=0, help="Mean pause between a patron's actions.")] = 800,
    seed: Annotated[int | None, typer.Option(help="Random seed, for a repeatable run.")] = None,
    pad: Annotated[
        str,
        typer.Option(
            help="How books are identified: 'scanner' (barcodes), or 'rfid' (tags read and secured through "
            "the FEIG driver on a virtual reader)."
        ),
    ] = "scanner",
    as_json: Annotated[bool, typer.Option("--json", help="Print the final summary as JSON.")] = False,
) -> None:
    """Run a kiosk agent until --sessions/--duration-s or Ctrl-C, then print what it did."""
    from contract.status import DeviceKind
    from edge.host import AgentHost
    from edge.sim.kiosk_agent import pad_kind, simulated_kiosk
    from edge.sim.kiosk_patrons import KioskBehaviour
    from edge.sim.manifest import ManifestError, load_manifest
    from edge.sim.world import SimulatedWorld
    from stacks.local import configure_logging

    if not simulate:
        raise typer.BadParameter(
            "only the simulated kiosk exists so far: add --simulate", param_hint="--simulate"
        )
    try:
        kind = pad_kind(pad)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--pad") from exc
    configure_logging()  # STACKS_LOG_LEVEL, like every stacks process
    settings = _settings(device_id, DeviceKind.KIOSK)
    try:
        world = SimulatedWorld(load_manifest(manifest or settings.data_dir / "seed-manifest.json"))
    except ManifestError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    behaviour = KioskBehaviour(think_s=think_ms / 1000)
    with AgentHost(settings) as host:
        agent = simulated_kiosk(
            host, world, behaviour, pad=kind, seed=seed, sessions=sessions, duration_s=duration_s
        )
        finished = host.run(agent)
    figures: dict[str, Any] = finished.result.as_dict() | {"outbox_pending": finished.status.outbox_pending}
    print_figures(figures, as_json)


def _settings(device_id: str, kind: DeviceKind) -> EdgeSettings:
    """Edge settings from STACKS_*; without STACKS_MQTT_PASSWORD, the credentials this installation
    generated for the device (and the local broker's URL and protocol, unless STACKS_MQTT_URL names one)."""
    from edge.settings import EdgeSettings
    from stacks.broker.registry import RegistryError
    from stacks.local import mqtt_overrides

    settings = EdgeSettings(device_id=device_id, device_kind=kind)
    try:
        overrides = mqtt_overrides(settings.username, settings.model_fields_set)
    except (KeyError, RegistryError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--device-id") from exc
    return EdgeSettings(device_id=device_id, device_kind=kind, **overrides) if overrides else settings


def register(root: typer.Typer) -> None:
    root.add_typer(edge_app, name="edge")
