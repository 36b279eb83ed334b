"""`stacks demo` — broker, server, simulated kiosks, a simulated gate and a simulated handheld on a seeded
library."""

from __future__ import annotations

from typing import Annotated

import typer


def demo(
    *,
    items: Annotated[int, typer.Option(help="Items to seed when the library is empty.")] = 3000,
    patrons: Annotated[int, typer.Option(help="Patrons to seed when the library is empty.")] = 800,
    kiosks: Annotated[
        int, typer.Option(min=0, max=2, help="Simulated kiosks (devices kiosk-01, kiosk-02).")
    ] = 2,
    gates: Annotated[int, typer.Option(min=0, max=1, help="Simulated security gates (device gate-01).")] = 1,
    handhelds: Annotated[
        int, typer.Option(min=0, max=1, help="Simulated stock-take handhelds (device handheld-01).")
    ] = 1,
    handheld_screen_port: Annotated[
        int, typer.Option(min=1, max=65535, help="Where the handheld serves its screen.")
    ] = 8765,
    think_ms: Annotated[int, typer.Option(help="Simulated patrons' pause between actions.")] = 1500,
    port: Annotated[int | None, typer.Option(help="HTTP port (default STACKS_HTTP_PORT or 8000).")] = None,
) -> None:
    """Start everything on this machine and print where to look; Ctrl-C stops it all."""
    from rich.console import Console

    from stacks.demo import DemoOptions, run_demo

    options = DemoOptions(
        items=items,
        patrons=patrons,
        kiosks=[f"kiosk-{n:02d}" for n in range(1, kiosks + 1)],
        gates=[f"gate-{n:02d}" for n in range(1, gates + 1)],
        handhelds=[f"handheld-{n:02d}" for n in range(1, handhelds + 1)],
        handheld_screen_port=handheld_screen_port,
        think_ms=think_ms,
        http_port=port,
    )
    raise typer.Exit(run_demo(options, Console()))


def register(root: typer.Typer) -> None:
    root.command("demo")(demo)
