"""How long the handheld takes to alert: a tag put into the wand's field → the alert in the agent's alert
stream (`HandheldAgent.alerts`, what the handheld's screen reads), with the network down.

The production handheld (`compose_handheld`: the real FEIG driver in continuous inventory, the tag service,
the journal, the outbox) runs against the virtual reader and scanner on pseudo-terminals, its broker a port
nothing listens on — a basement has no Wi-Fi, and the alert must not need one. One by one, `tags` tags that
raise an alert on their own (another library's, blank, ours with its security off, in turn) enter the field;
each is timed from the moment it is put into the field to the moment the alert is in the stream, then it
leaves and the next comes after a random pause of up to one inventory, so tags enter at every point of the
inventory cycle. The path: the inventory that finds it, reading its system information, memory and security
state, the decoder, the journal's transaction (an fsync), the judgement.

`stacks bench stocktake` calls `measure_handheld_alerts` and prints its figures with its own.
"""

from __future__ import annotations

import logging
import random
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from contract.status import DeviceKind
from devices.feig.iso15693 import uid_from_hex
from devices.sim.field import VirtualTag
from edge.handheld.compose import compose_handheld
from edge.handheld.settings import HandheldConfig
from edge.host import AgentHost
from edge.sim.handheld_agent import BookTagMaker, simulated_handheld_parts
from edge.sim.handheld_world import ShelfBook, TagKind
from stacks.bench.offline import ms, unreachable_broker

TARGET_P95_MS = 200.0
ALERT_WAIT_S = 5.0  # a tag with no alert by then counts as missed
_KINDS = (TagKind.FOREIGN, TagKind.BLANK, TagKind.DISARMED)


def _book(number: int) -> ShelfBook:
    kind = _KINDS[number % len(_KINDS)]
    uid = f"E0FE{number:012X}"
    return ShelfBook(f"VV{number:06d}" if kind is TagKind.DISARMED else None, uid, kind)


def measure_handheld_alerts(
    tags: int = 200, *, directory: Path | None = None, seed: int = 1
) -> dict[str, Any]:
    """Put `tags` alerting tags into the simulated wand's field one by one, with the network down, and
    return the latency from tag in the field to alert in the stream: `handheld_alert_p50_ms`,
    `handheld_alert_p95_ms`, `handheld_alert_max_ms`, `handheld_alerts` (timed), `handheld_alerts_missed`,
    `handheld_alert_target_p95_ms`. `directory` holds the devices' ptys, the journal and the outbox (a
    temporary one by default)."""
    if directory is None:
        with tempfile.TemporaryDirectory(prefix="stacks-bench-handheld-") as scratch:
            return measure_handheld_alerts(tags, directory=Path(scratch), seed=seed)
    rng = random.Random(seed)
    logging.getLogger("edge.host").setLevel(logging.ERROR)  # the broker is away on purpose
    latencies: list[float] = []
    missed = 0
    with AgentHost(
        unreachable_broker(directory, "handheld-01", DeviceKind.HANDHELD),
        connect_wait_s=0,
        handle_signals=False,
    ) as host:
        parts = host.hold(simulated_handheld_parts(directory / "devices"))
        config = HandheldConfig("handheld-01")
        agent = compose_handheld(host, parts.reader, parts.scanner, config, session_id=1)
        maker = BookTagMaker.from_settings()
        running = threading.Thread(target=host.run, args=(agent,), name="bench-handheld", daemon=True)
        running.start()
        try:
            position = agent.alerts.last
            for number in range(1, tags + 1):
                tag: VirtualTag | None = maker.tag_of(_book(number))
                assert tag is not None
                put_at = time.monotonic()
                parts.field.add(tag)
                alerts, position = agent.alerts.after(position, timeout=ALERT_WAIT_S)
                if alerts:
                    latencies.append(alerts[0].noticed - put_at)
                else:
                    missed += 1
                parts.field.remove(uid_from_hex(tag.uid_hex))
                time.sleep(rng.uniform(0.0, 0.02))  # not a wait: the next tag enters anywhere in the cycle
        finally:
            host.stop()
            running.join(timeout=30)
    return {
        "handheld_alert_p50_ms": ms(latencies, 0.50),
        "handheld_alert_p95_ms": ms(latencies, 0.95),
        "handheld_alert_max_ms": ms(latencies, 1.0),
        "handheld_alerts": len(latencies),
        "handheld_alerts_missed": missed,
        "handheld_alert_target_p95_ms": TARGET_P95_MS,
    }
