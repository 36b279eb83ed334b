"""`stacks edge …` — run edge agents: the self-check kiosk (on its pad with its touch screen, or simulated
patrons), the security gate, the handheld stock-take reader and the tagging station."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stacks.cli.output import print_figures

if TYPE_CHECKING:
    from contract.status import DeviceKind
    from edge.settings import EdgeSettings
    from edge.sim.manifest import ManifestItem

edge_app = typer.Typer(
    help="Edge agents: the self-check kiosk, the security gate, the handheld, the tagging station.",
    no_args_is_help=True,
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
    screen_port: Annotated[
        int | None,
        typer.Option(
            min=0, max=65535, help="Serve its touch screen on this port (0: none; default: the config)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the final summary as JSON.")] = False,
) -> None:
    """Run a kiosk agent until --sessions/--duration-s or Ctrl-C, then print what it did. Without
    --simulate: the kiosk on its pad (config/kiosks.toml) with its touch screen, for readers."""
    from contract.status import DeviceKind
    from edge.host import AgentHost
    from edge.sim.kiosk_agent import pad_kind, simulated_kiosk
    from edge.sim.kiosk_patrons import KioskBehaviour
    from edge.sim.manifest import ManifestError, load_manifest
    from edge.sim.world import SimulatedWorld
    from stacks.local import configure_logging

    if not simulate:
        _hardware_kiosk(device_id, screen_port, duration_s, as_json)
        return
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


def _hardware_kiosk(device_id: str, screen_port: int | None, duration_s: float | None, as_json: bool) -> None:
    from dataclasses import replace

    from contract.status import DeviceKind
    from edge.host import AgentHost
    from edge.kiosk.compose import hardware_kiosk
    from edge.kiosk.settings import KioskConfigError, load_kiosk_config
    from stacks.local import configure_logging

    configure_logging()
    settings = _settings(device_id, DeviceKind.KIOSK)
    try:
        config = load_kiosk_config(device_id)
        if screen_port is not None:
            config = replace(config, screen_port=screen_port)
        with AgentHost(settings) as host:
            agent = hardware_kiosk(host, config)
            if duration_s is not None:
                timer = threading.Timer(duration_s, host.stop)
                timer.daemon = True
                timer.start()
            finished = host.run(agent)
    except KioskConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    print_figures(finished.result.as_dict() | {"outbox_pending": finished.status.outbox_pending}, as_json)


@edge_app.command("gate")
def gate(
    *,
    simulate: Annotated[
        bool,
        typer.Option(
            "--simulate",
            help="A virtual reader and people counter on pseudo-terminals, with people walking through.",
        ),
    ] = False,
    device_id: Annotated[str, typer.Option(help="The gate's device id (its MQTT user).")] = "gate-01",
    scripted: Annotated[
        bool,
        typer.Option(
            "--scripted", help="Play the fixed stream of 16 people of the acceptance tests, then stop."
        ),
    ] = False,
    people: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many people (a random stream).")
    ] = None,
    duration_s: Annotated[float | None, typer.Option(min=0, help="Stop after this many seconds.")] = None,
    gap_ms: Annotated[int, typer.Option(min=50, help="Mean time between two people.")] = 4000,
    seed: Annotated[int | None, typer.Option(help="Random seed, for a repeatable stream.")] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            help="Seed manifest whose books people carry (default <data_dir>/seed-manifest.json, if any)."
        ),
    ] = None,
    footfall_period_s: Annotated[
        int | None, typer.Option(min=1, help="Seconds per gate.footfall event (default: config/gates.toml).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the final summary as JSON.")] = False,
) -> None:
    """Run a security gate agent until the stream ends, --duration-s or Ctrl-C, then print what it did."""
    from dataclasses import replace

    from contract.status import DeviceKind
    from edge.gate.compose import hardware_gate
    from edge.gate.settings import GateConfigError, load_gate_config
    from edge.host import AgentHost
    from edge.sim.gate_agent import simulated_gate
    from edge.sim.gate_stream import random_stream, scripted_stream
    from stacks.local import configure_logging

    configure_logging()
    settings = _settings(device_id, DeviceKind.GATE)
    try:
        config = load_gate_config(device_id, missing_ok=simulate)
    except GateConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    if footfall_period_s is not None:
        config = replace(config, footfall_period_s=float(footfall_period_s))
    gap_s = gap_ms / 1000
    with AgentHost(settings) as host:
        if not simulate:
            agent: Any = hardware_gate(host, config)
        elif scripted:
            agent = simulated_gate(
                host, config, scripted_stream(gap_s=gap_s), items=_items(settings, manifest)
            )
        else:
            stream = random_stream(seed, mean_gap_s=gap_s, people=people)
            people_list = list(stream) if people is not None else stream
            agent = simulated_gate(host, config, people_list, items=_items(settings, manifest))
        if duration_s is not None:
            timer = threading.Timer(duration_s, host.stop)
            timer.daemon = True
            timer.start()
        finished = host.run(agent)
    print_figures(finished.result.as_dict() | {"outbox_pending": finished.status.outbox_pending}, as_json)


@edge_app.command("handheld")
def handheld(
    *,
    session: Annotated[int, typer.Option(min=1, help="The stock-take session to join (its number).")],
    simulate: Annotated[
        bool,
        typer.Option(
            "--simulate",
            help="A virtual wand and scanner on pseudo-terminals, sweeping seeded shelves with known faults.",
        ),
    ] = False,
    device_id: Annotated[str, typer.Option(help="The handheld's device id (its MQTT user).")] = "handheld-01",
    operator: Annotated[str | None, typer.Option(help="Who holds the handheld.")] = None,
    manifest: Annotated[
        Path | None, typer.Option(help="Seed manifest (default <data_dir>/seed-manifest.json).")
    ] = None,
    shelves: Annotated[int, typer.Option(min=1, help="Shelves the simulated librarian sweeps.")] = 3,
    screen_port: Annotated[
        int | None,
        typer.Option(min=0, max=65535, help="Serve its screen on this port (0: none; default: the config)."),
    ] = None,
    stay: Annotated[
        bool, typer.Option("--stay", help="After the simulated sweep, go on running until stopped.")
    ] = False,
    duration_s: Annotated[float | None, typer.Option(min=0, help="Stop after this many seconds.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the final summary as JSON.")] = False,
) -> None:
    """Run a handheld stock-take agent until the simulated sweep ends, --duration-s or Ctrl-C."""
    from dataclasses import replace

    from contract.status import DeviceKind
    from edge.handheld.compose import hardware_handheld
    from edge.handheld.settings import HandheldConfigError, load_handheld_config
    from edge.host import AgentHost
    from edge.sim.handheld_agent import simulated_handheld
    from edge.sim.handheld_world import faulty_world
    from edge.sim.manifest import ManifestError, load_manifest
    from stacks.local import configure_logging

    configure_logging()
    settings = _settings(device_id, DeviceKind.HANDHELD)
    try:
        config = load_handheld_config(device_id, missing_ok=simulate)
        world = (
            faulty_world(
                load_manifest(manifest or settings.data_dir / "seed-manifest.json").items, shelves=shelves
            )
            if simulate
            else None
        )
    except (HandheldConfigError, ManifestError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    if screen_port is not None:
        config = replace(config, screen_port=screen_port)
    with AgentHost(settings) as host:
        if world is None:
            agent: Any = hardware_handheld(host, config, session_id=session, operator=operator)
        else:
            agent = simulated_handheld(
                host, config, world, session_id=session, operator=operator, linger=stay
            )
        if duration_s is not None:
            timer = threading.Timer(duration_s, host.stop)
            timer.daemon = True
            timer.start()
        finished = host.run(agent)
    print_figures(finished.result.as_dict() | {"outbox_pending": finished.status.outbox_pending}, as_json)


@edge_app.command("station")
def station(
    *,
    simulate: Annotated[
        bool,
        typer.Option("--simulate", help="A virtual pad on a pseudo-terminal, a blank tag always on it."),
    ] = False,
    device_id: Annotated[str, typer.Option(help="The station's device id (its MQTT user).")] = "station-01",
    duration_s: Annotated[float | None, typer.Option(min=0, help="Stop after this many seconds.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the final summary as JSON.")] = False,
) -> None:
    """Run a tagging station until --duration-s or Ctrl-C: it writes the tags the console's tagging page
    orders (config/stations.toml names its pad), then prints what it did."""
    from dataclasses import asdict

    from contract.status import DeviceKind
    from edge.host import AgentHost
    from edge.sim.station_pad import simulated_station_pad
    from edge.station.compose import compose_station, hardware_station
    from edge.station.settings import StationConfigError, load_station_config
    from stacks.local import configure_logging

    configure_logging()
    settings = _settings(device_id, DeviceKind.STATION)
    try:
        config = load_station_config(device_id, missing_ok=simulate)
    except StationConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    with AgentHost(settings) as host:
        if simulate:
            pad = host.hold(simulated_station_pad(settings.data_dir / "edge" / device_id))
            agent = compose_station(host, pad.reader, config)
        else:
            agent = hardware_station(host, config)
        if duration_s is not None:
            timer = threading.Timer(duration_s, host.stop)
            timer.daemon = True
            timer.start()
        finished = host.run(agent)
    print_figures(asdict(finished.result) | {"outbox_pending": finished.status.outbox_pending}, as_json)


def _items(settings: EdgeSettings, manifest: Path | None) -> list[ManifestItem]:
    """The seed manifest's items, if there is a manifest: the simulated gate's books are then real ones."""
    from edge.sim.manifest import ManifestError, load_manifest

    path = manifest or settings.data_dir / "seed-manifest.json"
    if manifest is None and not path.exists():
        return []
    try:
        return load_manifest(path).items
    except ManifestError as exc:
        raise typer.BadParameter(str(exc), param_hint="--manifest") from exc


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
