"""`stacks sim …` — simulated devices on pseudo-terminals, for developing and demonstrating without hardware.

`stacks sim reader --pty` starts a virtual FEIG reader and prints the serial device path; point a real
driver (or `stacks tags write --port …`) at it. It serves until Ctrl-C. `stacks sim scanner` and
`stacks sim printer` do the same for a barcode scanner and an ESC/POS receipt printer.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import typer

sim_app = typer.Typer(
    help="Simulated devices on pseudo-terminals, speaking the same bytes as the real ones.",
    no_args_is_help=True,
)

Rate = Annotated[float, typer.Option(min=0.0, max=1.0)]


@sim_app.command("reader")
def sim_reader(  # every option is keyword-only: typer reads them by name
    *,
    pty: Annotated[
        bool, typer.Option("--pty/--no-pty", help="Serve on a pseudo-terminal (the only mode).")
    ] = True,
    tags: Annotated[int, typer.Option(min=0, help="Library items in the field from the start.")] = 30,
    profile: Annotated[str | None, typer.Option(help="Reader profile from config/readers.toml.")] = None,
    script: Annotated[
        Path | None, typer.Option(help="Field script (JSON or TOML): tags and timed steps.")
    ] = None,
    link: Annotated[Path | None, typer.Option(help="Also publish the device at this stable path.")] = None,
    address: Annotated[int, typer.Option(min=0, max=254, help="The reader's bus address (COM-ADR).")] = 0,
    isil: Annotated[
        str | None, typer.Option(help="Owner ISIL on the tags (default: config/tags.toml).")
    ] = None,
    secured: Annotated[bool, typer.Option("--secured/--on-loan", help="AFI of the generated items.")] = True,
    seed: Annotated[int, typer.Option(help="Seed for the fault draws (reproducible runs).")] = 0,
    rf_error: Rate = 0.0,
    corrupt: Rate = 0.0,
    truncate: Rate = 0.0,
    silence: Rate = 0.0,
    garbage: Rate = 0.0,
    slow: Rate = 0.0,
    duration: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the device as one JSON line.")] = False,
) -> None:
    """A virtual FEIG ISO-Host reader with a scriptable field of ISO 28560-3 tagged items."""
    from devices.feig.profiles import ProfileError, get_profile
    from devices.rfid.security import SecuritySettings, SecuritySettingsError
    from devices.sim.feig_pty import FeigReaderSimulator
    from devices.sim.field import FaultPlan, Field, make_items
    from devices.sim.field_script import FieldScript, FieldScriptError, ScriptRunner
    from devices.tagdata.errors import TagDataSettingsError
    from devices.tagdata.settings import TagDataSettings

    if not pty:
        raise typer.BadParameter("only --pty is supported", param_hint="--pty")
    try:
        reader_profile = get_profile(profile)
        owner = isil or str(TagDataSettings.from_toml().isil)
        security = SecuritySettings.from_toml()
        plan = FaultPlan(rf_error, corrupt, truncate, silence, garbage, slow, seed=seed)
        afi = security.afi_secured if secured else security.afi_unsecured
        field = Field(make_items(tags, isil=owner, afi=afi), faults=plan)
        field_script = FieldScript.load(script, default_isil=owner) if script else None
    except (ProfileError, SecuritySettingsError, TagDataSettingsError, FieldScriptError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FeigReaderSimulator(field, reader_profile, address=address, link=link) as simulator:
        runner = ScriptRunner(field_script, field, simulator.unplug).start() if field_script else None
        info = {
            "path": simulator.path,
            "device": simulator.device_path,
            "profile": reader_profile.name,
            "address": address,
            "tags": len(field),
            "serial": {"baudrate": 38400, "parity": "N"},
        }
        if as_json:
            sys.stdout.write(json.dumps(info) + "\n")
        else:
            sys.stdout.write(
                f"FEIG {reader_profile.name} simulator ({reader_profile.description})\n"
                f"  device: {simulator.path}\n"
                f"  field:  {len(field)} tags, owner {owner}\n"
                f"  open it with 38400 baud, parity N (a pty keeps no parity); Ctrl-C stops\n"
            )
        sys.stdout.flush()
        deadline = time.monotonic() + duration if duration is not None else None
        try:
            while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                stop.wait(0.2 if deadline is None else min(0.2, max(0.0, deadline - time.monotonic())))
        except KeyboardInterrupt:
            pass
        finally:
            if runner is not None:
                runner.stop()
        state = simulator.reader.state
        sys.stderr.write(
            f"served {state.requests} requests, damaged {simulator.replies_damaged} replies on purpose\n"
        )


@sim_app.command("scanner")
def sim_scanner(
    *,
    profile: Annotated[str, typer.Option(help="Scanner profile from config/scanners.toml.")] = "generic-cr",
    script: Annotated[
        Path | None, typer.Option(help="Scanner script (scan, split, garbage, pause, unplug, replug).")
    ] = None,
    link: Annotated[Path | None, typer.Option(help="Also publish the device at this stable path.")] = None,
) -> None:
    """A virtual serial barcode scanner: runs a script, or scans each line typed on standard input."""
    from devices.barcode.profiles import ProfileError, load_profile
    from devices.sim.scanner import ScriptError, VirtualScanner, parse_script

    try:
        scanner_profile = load_profile(profile)
        steps = parse_script(script.read_text(encoding="utf-8")) if script else None
    except (ProfileError, ScriptError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    with VirtualScanner(scanner_profile, link=link) as scanner:
        sys.stdout.write(f"scanner ({scanner_profile.name}) on {scanner.path}\n")
        sys.stdout.flush()
        if steps is not None:
            scanner.run(steps)
            return
        sys.stderr.write("type a barcode and Enter to scan it; Ctrl-D stops\n")
        for line in sys.stdin:
            value = line.strip()
            if value:
                scanner.scan(value)


@sim_app.command("printer")
def sim_printer(
    *,
    profile: Annotated[str | None, typer.Option(help="Printer profile from config/printers.toml.")] = None,
    link: Annotated[Path | None, typer.Option(help="Also publish the device at this stable path.")] = None,
    paper_mm: Annotated[
        float | None, typer.Option(min=0.0, help="Paper left on the roll (it runs out); default: endless.")
    ] = None,
    png: Annotated[
        Path | None, typer.Option(help="Save what was printed as a PNG picture of the paper when stopping.")
    ] = None,
    duration: Annotated[float | None, typer.Option(help="Stop after this many seconds.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the device as one JSON line.")] = False,
) -> None:
    """A virtual ESC/POS receipt printer: prints what it is sent, answers status, keeps the paper."""
    from devices.printer.errors import PrinterProfileError
    from devices.printer.profiles import get_printer_profile
    from devices.sim.receipt_printer import VirtualReceiptPrinter

    try:
        printer_profile = get_printer_profile(profile)
    except PrinterProfileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with VirtualReceiptPrinter(printer_profile, link=link, paper_mm=paper_mm) as printer:
        info = {"path": printer.path, "profile": printer_profile.name, "baudrate": printer_profile.baudrate}
        if as_json:
            sys.stdout.write(json.dumps(info) + "\n")
        else:
            sys.stdout.write(
                f"receipt printer {printer_profile.name} ({printer_profile.description})\n"
                f"  device: {printer.path}\n"
                f"  open it with {printer_profile.baudrate} baud, parity N; Ctrl-C stops\n"
            )
        sys.stdout.flush()
        deadline = time.monotonic() + duration if duration is not None else None
        try:
            while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                stop.wait(0.2 if deadline is None else min(0.2, max(0.0, deadline - time.monotonic())))
        except KeyboardInterrupt:
            pass
        if png is not None:
            printer.save_png(png)
        sys.stderr.write(f"printed {len(printer.receipts())} slip(s), {len(printer.lines())} text lines\n")


def register(root: typer.Typer) -> None:
    """Adds the `sim` commands to the root application."""
    root.add_typer(sim_app, name="sim")
