"""A simulated self-check kiosk as an agent for `AgentHost`: the kiosk's session (scanning books, or with
an RFID pad on the virtual FEIG reader) and simulated patrons at it. `stacks edge kiosk --simulate` is

    with AgentHost(settings) as host:
        finished = host.run(simulated_kiosk(host, world, KioskBehaviour(), pad="rfid", sessions=10))
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Literal

from contract.replies import ReplyBase
from edge.host import AgentHost
from edge.kiosk.session import ItemPad, KioskSession
from edge.sim.book_tags import simulated_rfid_pad
from edge.sim.hands import Hands, PadHands
from edge.sim.kiosk_patrons import KioskBehaviour, KioskSimulator
from edge.sim.report import KioskSummary
from edge.sim.world import SimulatedWorld

log = logging.getLogger(__name__)

PadKind = Literal["scanner", "rfid"]
PAD_KINDS: tuple[PadKind, ...] = ("scanner", "rfid")


def pad_kind(name: str) -> PadKind:
    for kind in PAD_KINDS:
        if kind == name:
            return kind
    raise ValueError(f"{name!r}: the pad is {' or '.join(PAD_KINDS)}")


@dataclass
class SimulatedKiosk:
    """Patrons served until `sessions` visits or `duration_s` seconds (or the host is stopped)."""

    patrons: KioskSimulator
    sessions: int | None = None
    duration_s: float | None = None

    def on_late_reply(self, reply: ReplyBase) -> None:
        self.patrons.session.requests.on_late_reply(reply)

    def run(self, stop: threading.Event) -> KioskSummary:
        self.patrons.stop_event = stop
        return self.patrons.run(sessions=self.sessions, duration_s=self.duration_s)


def simulated_kiosk(
    host: AgentHost,
    world: SimulatedWorld,
    behaviour: KioskBehaviour,
    *,
    pad: PadKind = "scanner",
    seed: int | None = None,
    sessions: int | None = None,
    duration_s: float | None = None,
) -> SimulatedKiosk:
    """The kiosk composed on `host`. With `pad="rfid"` the virtual reader is served on a pty at
    `<data_dir>/edge/<device>/reader` for the host's lifetime, and its counters are in the status."""
    kiosk_pad: ItemPad | None = None
    hands: Hands | None = None  # None: the patrons scan their books
    if pad == "rfid":
        link = host.settings.outbox_path.parent / "reader"
        link.parent.mkdir(parents=True, exist_ok=True)  # the runtime makes it too, but starts later
        rfid = host.hold(simulated_rfid_pad(link))
        host.attach("rfid_pad", rfid.pad)
        log.info("%s: RFID pad on the virtual reader at %s", host.settings.device_id, link)
        kiosk_pad, hands = rfid.pad, PadHands(rfid.books)
    session = KioskSession(host.runtime, pad=kiosk_pad)
    patrons = KioskSimulator(session, world, behaviour, seed=seed, stop=host.stop_event, hands=hands)
    return SimulatedKiosk(patrons, sessions, duration_s)
