"""`stacks bench gate`: how long a security gate takes to sound for a secured book, tag to buzzer.

The production gate agent (`compose_gate`: `GateMonitor` polling the real FEIG driver, the alarm rule, the
outputs, the gate.alarm events into a durable outbox) runs against the virtual reader and people counter
on pseudo-terminals, with no broker at all — the gate must not need one. One by one, `--passages` books of
ours that were not borrowed enter the reader's field; each passage is timed from the moment its tag is put
into the field to the moment the reader receives the alarm output command, then the book leaves and the
next comes after a random pause of up to one poll, so that tags enter at every point of the poll cycle.

The second part (stacks/bench/gate_console.py) times the same kind of alarm from the gate to a console's
alarm desk, through the broker and the server: `console_alarm_p95_ms`, against the broker's own round trip.

Baseline, same run: the raw round trip of the pty itself — the same inventory request and reply bytes
written and read with pyserial to an endpoint answering with canned bytes, no driver, no parsing. The
alarm path takes four exchanges (inventory, system information, the basic block, the output command),
each after the reader's 5 ms silent gap (PSST), plus on average half a poll of waiting for the next
inventory.
"""

from __future__ import annotations

import logging
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import serial

from contract.status import DeviceKind
from devices.feig.frames import encode_reply, encode_request
from devices.feig.iso15693 import TR_TYPE_ISO15693
from devices.sim.gate_tags import Carried
from devices.sim.pty import PtyEndpoint
from edge.gate.agent import GateSummary
from edge.gate.compose import compose_gate
from edge.gate.settings import GateConfig
from edge.host import AgentHost, Finished
from edge.sim.gate_agent import simulated_gate_parts
from edge.sim.gate_walkers import GateBooks
from stacks.bench import gate_console
from stacks.bench.offline import ms, unreachable_broker

TARGET_P99_MS = 50.0
OUTPUT_WAIT_S = 2.0  # a passage with no output command by then counts as missed


def _passages(count: int, directory: Path, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    logging.getLogger("edge.gate.agent").setLevel(logging.ERROR)  # not a line per alarm on stderr
    latencies: list[float] = []
    missed = 0
    with AgentHost(
        unreachable_broker(directory, "gate-01", DeviceKind.GATE), connect_wait_s=0, handle_signals=False
    ) as host:
        parts = host.hold(simulated_gate_parts(directory / "devices", report_every_s=1.0))
        agent = compose_gate(host, parts.reader, parts.counter, GateConfig("gate-01", footfall_period_s=60))
        books = GateBooks(agent.monitor.policy.security, str(agent.monitor.tag_data.isil))
        outputs = parts.reader_sim.reader.state.outputs
        finished: list[Finished[GateSummary]] = []
        running = threading.Thread(target=lambda: finished.append(host.run(agent)), daemon=True)
        running.start()
        for _ in range(count):
            tag = books.tag(Carried.NOT_BORROWED)
            assert tag is not None
            heard = len(outputs)
            entered = time.monotonic()
            parts.field.add(tag)
            deadline = entered + OUTPUT_WAIT_S
            while len(outputs) == heard and time.monotonic() < deadline:
                time.sleep(0.0005)
            if len(outputs) > heard:
                latencies.append(outputs[heard].at - entered)
            else:
                missed += 1
            parts.field.remove(tag.uid)
            time.sleep(rng.uniform(0.0, 0.008))  # up to about one poll: tags enter anywhere in the cycle
        host.stop()
        running.join(timeout=30)
        gate = agent.counters()
    return {
        "passages": count,
        "missed": missed,
        "alarm_p50_ms": ms(latencies, 0.50),
        "alarm_p95_ms": ms(latencies, 0.95),
        "alarm_p99_ms": ms(latencies, 0.99),
        "alarm_max_ms": round(max(latencies) * 1000, 2) if latencies else None,
        "alarms": gate.alarms,
        "alarm_events_stored": gate.alarms - gate.emit_failures,
        "polls": gate.polls,
        # With no broker, every event the gate stored is still in its outbox, waiting to be delivered.
        "outbox_pending": finished[0].status.outbox_pending if finished else None,
        "reader_profile": parts.reader.profile.name,
        "psst_ms": parts.reader.profile.psst_s * 1000,
    }


def _pty_baseline(count: int, directory: Path) -> dict[str, Any]:
    """Raw pyserial round trips through a pty: an inventory request out, a one-tag reply back."""
    request = encode_request(0xFF, 0xB0, bytes((0x01, 0x00)))
    reply = encode_reply(
        0x00, 0xB0, 0x00, bytes((1, TR_TYPE_ISO15693, 0)) + bytes.fromhex("E004015000000001")
    )
    pending = bytearray()

    def answer(chunk: bytes) -> bytes | None:
        pending.extend(chunk)
        if len(pending) < len(request):
            return None
        pending.clear()
        return reply

    trips: list[float] = []
    with PtyEndpoint(answer, link=directory / "ttyRAW") as endpoint:
        port = serial.serial_for_url(endpoint.path, baudrate=38400, timeout=1.0)
        try:
            for _ in range(count):
                started = time.monotonic()
                port.write(request)
                if len(port.read(len(reply))) != len(reply):
                    raise RuntimeError("raw pty round trip lost bytes")
                trips.append(time.monotonic() - started)
        finally:
            port.close()
    return {
        "pty_baseline_p50_ms": ms(trips, 0.50),
        "pty_baseline_p95_ms": ms(trips, 0.95),
        "pty_baseline_p99_ms": ms(trips, 0.99),
    }


def run(
    passages: int = 1000, seed: int = 1, show_progress: bool = False, console_passages: int = 200
) -> dict[str, Any]:
    def progress(text: str) -> None:
        if show_progress:
            sys.stderr.write(f"… {text}\n")
            sys.stderr.flush()

    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="stacks-bench-gate-") as directory:
        progress("raw pty round trips (baseline)")
        figures.update(_pty_baseline(max(passages, 1000), Path(directory)))
        progress(f"{passages} passages of secured books through the gate")
        figures.update(_passages(passages, Path(directory), seed))
    if console_passages:
        progress(f"{console_passages} alarms from the gate to a console's alarm desk (broker, server)")
        figures.update(gate_console.run(console_passages))
    figures["target_p99_ms"] = TARGET_P99_MS
    p99 = figures["alarm_p99_ms"]
    figures["meets_target"] = bool(p99 is not None and p99 <= TARGET_P99_MS and figures["missed"] == 0)
    return figures
