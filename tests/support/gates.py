"""A gate agent running on a thread of its own over simulated parts, for tests that drive the devices
(unplug the reader, flood the field, make the counter talk nonsense) while it runs."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from devices.sim.field import VirtualTag
from devices.sim.gate_tags import Carried
from edge.gate.agent import GateAgent
from edge.gate.compose import compose_gate
from edge.gate.settings import GateConfig
from edge.host import AgentHost
from edge.sim.gate_agent import SimulatedGateParts, simulated_gate_parts
from edge.sim.gate_walkers import GateBooks


@dataclass
class RunningGate:
    host: AgentHost
    parts: SimulatedGateParts
    agent: GateAgent
    books: GateBooks
    thread: threading.Thread | None = None
    result: list[Any] = field(default_factory=list)

    def carry(self, *carried: Carried) -> list[VirtualTag]:
        """Books put into the reader's field (they stay until the test takes them away)."""
        tags = [tag for tag in (self.books.tag(kind) for kind in carried) if tag is not None]
        self.parts.field.add(*tags)
        return tags

    def stop(self) -> None:
        self.host.stop()
        if self.thread is not None:
            self.thread.join(timeout=60)
            assert not self.thread.is_alive(), "the gate did not stop"


def run_gate(host: AgentHost, config: GateConfig, *, report_every_s: float = 0.1) -> RunningGate:
    """The gate agent composed on `host` over simulated parts, running `host.run` on a thread."""
    parts = host.hold(simulated_gate_parts(host.settings.outbox_path.parent, report_every_s=report_every_s))
    agent = compose_gate(host, parts.reader, parts.counter, config)
    books = GateBooks(agent.monitor.policy.security, str(agent.monitor.tag_data.isil))
    gate = RunningGate(host, parts, agent, books)
    gate.thread = threading.Thread(target=lambda: gate.result.append(host.run(agent)), daemon=True)
    gate.thread.start()
    return gate
