"""A simulated handheld in a process of its own, for tests that kill it with -9. Settings come from STACKS_*.

python -m tests.integration.stocktake.handheld_process WORLD.json SESSION [--die-after N] [--resume-at N]
    [--damaged BARCODE ...] [--damage-kinds KIND ...]

Sweeps the world's shelves (from book N of the first with --resume-at), marks the damaged books (with the
kinds of damage given, "other" by default), drains
and exits 0; with --die-after N it SIGKILLs itself right after its N-th book, with no chance to flush.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from contract.stocktake import DamageKind
from edge.handheld.settings import HandheldConfig
from edge.host import AgentHost
from edge.settings import EdgeSettings
from edge.sim.handheld_agent import simulated_handheld
from edge.sim.handheld_world import HandheldWorld


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("world", type=Path)
    parser.add_argument("session", type=int)
    parser.add_argument("--die-after", type=int)
    parser.add_argument("--resume-at", type=int, default=0)
    parser.add_argument("--damaged", nargs="*", default=[])
    parser.add_argument("--damage-kinds", nargs="*", type=DamageKind, default=[DamageKind.OTHER])
    args = parser.parse_args(argv)
    world = HandheldWorld.from_json(args.world.read_text(encoding="utf-8"))
    settings = EdgeSettings()  # device id, broker and password from STACKS_*

    def on_book(books: int) -> None:
        if args.die_after is not None and books >= args.die_after:
            os.kill(os.getpid(), signal.SIGKILL)

    with AgentHost(settings) as host:
        agent = simulated_handheld(
            host,
            HandheldConfig(settings.device_id),
            world,
            session_id=args.session,
            resume_at=args.resume_at,
            damaged=args.damaged,
            damage_kinds=args.damage_kinds,
            on_book=on_book,
        )
        finished = host.run(agent)
    if not agent.swept.is_set() or not finished.drained:
        sys.exit(f"swept: {agent.swept.is_set()}, drained: {finished.drained}")


if __name__ == "__main__":
    main(sys.argv[1:])
