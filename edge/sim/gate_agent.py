"""A simulated security gate as an agent for `AgentHost`: the production gate agent (`compose_gate`) on a
virtual FEIG reader and a virtual people counter, each on its own pseudo-terminal and read through the
real drivers, with people walking through. `stacks edge gate --simulate` is

    with AgentHost(settings) as host:
        finished = host.run(simulated_gate(host, config, scripted_stream()))

The reader is served at `<data_dir>/edge/<device>/reader` and the counter at `…/counter` for the host's
lifetime, so they can be unplugged and plugged back in (`gate.parts.reader_sim.unplug(for_s)`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract.replies import ReplyBase
from devices.counter.driver import PeopleCounter
from devices.counter.profiles import get_counter_profile
from devices.feig.driver import FeigReader
from devices.feig.profiles import get_profile
from devices.sim.feig_pty import FeigReaderSimulator, simulated_reader
from devices.sim.field import Field
from devices.sim.people_counter import VirtualPeopleCounter, simulated_counter
from edge.gate.agent import GateAgent, GateSummary
from edge.gate.compose import compose_gate
from edge.gate.settings import GateConfig
from edge.host import AgentHost
from edge.sim.gate_stream import Expected, Person, expected
from edge.sim.gate_walkers import DWELL_S, GateBooks, GateWalkers
from edge.sim.manifest import ManifestItem

SETTLE_S = 5.0  # after the last person, the longest wait for the gate to have seen everything
# A counter is not new when the gate agent starts: its totals are wherever years of people left them.
_INSTALLED_LONG_AGO = {lane: (15_000 * lane, 14_990 * lane) for lane in range(1, 65)}


@dataclass
class SimulatedGateParts:
    field: Field  # the reader's field: tags in it are seen
    reader_sim: FeigReaderSimulator
    counter_sim: VirtualPeopleCounter
    reader: FeigReader  # the real drivers, connected to them
    counter: PeopleCounter


@contextmanager
def simulated_gate_parts(
    directory: Path,
    *,
    reader_profile: str = "lr2500",
    counter_profile: str = "radar",
    report_every_s: float | None = None,
    start_totals: dict[int, tuple[int, int]] | None = None,
) -> Iterator[SimulatedGateParts]:
    """A virtual reader at `directory/reader` and a virtual counter at `directory/counter`, with the real
    drivers connected to them."""
    directory.mkdir(parents=True, exist_ok=True)
    field = Field()
    with ExitStack() as parts:
        reader_sim, reader = parts.enter_context(
            simulated_reader(
                field, get_profile(reader_profile), link=directory / "reader", reconnect_wait_s=0.5
            )
        )
        counter_sim, counter = parts.enter_context(
            simulated_counter(
                get_counter_profile(counter_profile),
                directory / "counter",
                interval_s=report_every_s,
                start_totals=start_totals,
            )
        )
        yield SimulatedGateParts(field, reader_sim, counter_sim, reader, counter)


@dataclass(frozen=True)
class SimulatedGateSummary:
    gate: GateSummary
    people_walked: int
    expected: Expected | None  # None for an endless stream

    def as_dict(self) -> dict[str, Any]:
        figures: dict[str, Any] = self.gate.as_dict() | {"people_walked": self.people_walked}
        if self.expected is not None:
            figures["expected"] = self.expected.as_dict()
        return figures


class SimulatedGate:
    """The gate agent, and the people walking through it on a thread of their own."""

    def __init__(
        self, agent: GateAgent, parts: SimulatedGateParts, walkers: GateWalkers, people: Iterable[Person]
    ) -> None:
        self.agent = agent
        self.parts = parts
        self.walkers = walkers
        self.people = people
        self.expected = expected(people) if isinstance(people, list) else None

    def on_late_reply(self, reply: ReplyBase) -> None:
        self.agent.on_late_reply(reply)

    def run(self, stop: threading.Event) -> SimulatedGateSummary:
        finished = threading.Event()  # the stream is over and the gate has seen it all, or `stop`
        walking = threading.Thread(target=self._walk, args=(stop, finished), name="gate-walkers", daemon=True)
        walking.start()
        try:
            summary = self.agent.run(finished)
        finally:
            finished.set()
            walking.join(timeout=SETTLE_S + 5.0)
        return SimulatedGateSummary(summary, self.walkers.people, self.expected)

    def _walk(self, stop: threading.Event, finished: threading.Event) -> None:
        try:
            self._counted_once_more(stop)  # the counter's first report is the gate's baseline
            self.walkers.play(self.people, stop)
            if not stop.is_set() and self.expected is not None:
                polls = self.agent.monitor.counters().polls
                self._counted_once_more(stop)
                _wait(lambda: self.agent.monitor.counters().polls >= polls + 2, stop)
        finally:
            finished.set()

    def _counted_once_more(self, stop: threading.Event) -> None:
        """The counter reports every lane now; returns once the gate has counted those reports."""
        before = self.agent.tally.reports()
        self.parts.counter_sim.report()
        lanes = self.parts.counter_sim.profile.lanes
        _wait(lambda: self.agent.tally.reports() >= before + lanes, stop)


def _wait(condition: Callable[[], bool], stop: threading.Event, timeout: float = SETTLE_S) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline or stop.wait(0.01):
            return False
    return True


def simulated_gate(
    host: AgentHost,
    config: GateConfig,
    people: Iterable[Person],
    *,
    items: Iterable[ManifestItem] = (),
    report_every_s: float | None = None,
    dwell_s: float = DWELL_S,
) -> SimulatedGate:
    """The gate composed on `host` over simulated devices, with `people` walking through. A list of people
    is a finite stream: the agent stops once they have all passed and been counted. `items` (from the seed
    manifest) give the books of ours their real UIDs and barcodes."""
    directory = host.settings.outbox_path.parent
    parts = host.hold(
        simulated_gate_parts(
            directory,
            reader_profile=config.reader_profile,
            counter_profile=config.counter_profile,
            report_every_s=report_every_s,
            start_totals=_INSTALLED_LONG_AGO,
        )
    )
    agent = compose_gate(host, parts.reader, parts.counter, config)
    books = GateBooks(agent.monitor.policy.security, str(agent.monitor.tag_data.isil), items)
    walkers = GateWalkers(parts.field, parts.counter_sim, books, dwell_s=dwell_s)
    return SimulatedGate(agent, parts, walkers, people)
