"""A reader's stack of books on a kiosk's pad, timed through the kiosk agent as a reader meets it.

The kiosk is the real agent (`edge.kiosk.compose`) on its runtime, with its pad the real FEIG driver on the
virtual reader over a pty, answering as slowly as a real reader does (`devices.sim.air_timing.REALISTIC`:
the serial line, anticollision, reads and EEPROM writes), and polled as often as config/kiosks.toml says
by default. The server and broker are the benchmark's.

- `signin`: a card given and its PIN typed → the agent's answer (signed in, with the reader's loans and
  holds): the round trip to the server, its argon2 PIN check included.
- `stack10`: ten tagged books put on the pad at once → every book read, decided by the server, its tag
  unsecured and re-read to check it, and its row on the screen's view as lent: the time from the books
  landing to the last row settled.

Each is measured with the kiosk alone, then with 19 simulated kiosks serving readers at the same time
(`edge.sim.kiosk_patrons`: sign in, borrow, renew, return, with their think time), so that the server
answers 20 kiosks at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devices.sim.air_timing import REALISTIC
from edge.host import AgentHost
from edge.kiosk.agent import KioskAgent
from edge.kiosk.compose import compose_kiosk
from edge.kiosk.settings import KioskConfig
from edge.kiosk.visit import Outcome, SignInStep
from edge.sim.book_tags import SimulatedRfidPad, simulated_rfid_pad
from edge.sim.manifest import ManifestItem, ManifestPatron
from stacks.bench.environment import BenchEnvironment

STACK = 10
STACKS = 12  # per measurement: p95 of twelve stacks is the second slowest
SIGN_INS = 30
DEVICE = "kiosk-s01"
SETTLE_TIMEOUT_S = 60.0


class StackError(RuntimeError):
    """The kiosk did not do what a reader at it would see done: a benchmark that cannot be trusted."""


@dataclass
class PadKiosk:
    agent: KioskAgent
    pad: SimulatedRfidPad

    def sign_in(self, patron: ManifestPatron) -> float:
        """Seconds from the card given to the reader signed in."""
        started = time.perf_counter()
        self.agent.give_card(patron.card_number)
        self.agent.sign_in(patron.pin)
        elapsed = time.perf_counter() - started
        view = self.agent.view()
        if view.step is not SignInStep.SIGNED_IN:
            notice = view.notice.title if view.notice is not None else "no answer"
            raise StackError(f"{patron.card_number} could not sign in: {notice}")
        return elapsed

    def stack_seconds(self, books: list[ManifestItem]) -> float:
        """Seconds from `books` put on the pad together to every one of them shown lent."""
        started = time.perf_counter()
        for book in books:
            self.pad.books.place(book)
        deadline = started + SETTLE_TIMEOUT_S
        while True:
            rows = [row for row in self.agent.view().books if row.borrowing]
            now = time.perf_counter()
            if len(rows) == len(books) and all(row.outcome is not Outcome.CHECKING for row in rows):
                break
            if now > deadline:
                raise StackError(f"{len(rows)} of {len(books)} books settled in {SETTLE_TIMEOUT_S:.0f} s")
            time.sleep(0.002)
        refused = [f"{row.barcode}: {row.outcome}" for row in rows if row.outcome is not Outcome.LENT]
        if refused:
            raise StackError(f"books not lent: {', '.join(refused)}")
        return now - started

    def leave(self) -> None:
        """The reader takes the books and signs out."""
        self.pad.books.field.clear()
        self.agent.sign_out()


@contextmanager
def pad_kiosk(env: BenchEnvironment, directory: Path) -> Iterator[PadKiosk]:
    """The kiosk agent running, its pad on a realistically slow virtual reader, no screen served."""
    settings = env.edge_settings(DEVICE, request_timeout_s=10)
    with AgentHost(settings, handle_signals=False) as host:
        rfid = host.hold(simulated_rfid_pad(directory / "pad", timing=REALISTIC))
        agent = compose_kiosk(host, rfid.pad, KioskConfig(DEVICE, idle_timeout_s=600, idle_warning_s=60))
        running = threading.Thread(target=host.run, args=(agent,), name="kiosk", daemon=True)
        running.start()
        try:
            _wait_until_connected(host)
            yield PadKiosk(agent, rfid)
        finally:
            host.stop()
            running.join(timeout=30)


def _wait_until_connected(host: AgentHost, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not host.runtime.connected:  # the host starts its runtime in the agent's thread
        if time.monotonic() > deadline:
            raise StackError(f"{DEVICE} did not reach the broker in {timeout_s:.0f} s")
        time.sleep(0.05)


def measure(
    kiosk: PadKiosk,
    readers: list[ManifestPatron],
    books: list[ManifestItem],
    *,
    stacks: int = STACKS,
    sign_ins: int = SIGN_INS,
) -> dict[str, list[float]]:
    """Sign-ins and stacks, readers taking turns; `books` holds at least `stacks × STACK` books."""
    if len(books) < stacks * STACK:
        raise StackError(f"{stacks * STACK} books are needed, {len(books)} given")
    signed: list[float] = []
    stacked: list[float] = []
    for n in range(max(sign_ins, stacks)):
        signed.append(kiosk.sign_in(readers[n % len(readers)]))
        if n < stacks:
            stacked.append(kiosk.stack_seconds(books[n * STACK : (n + 1) * STACK]))
        kiosk.leave()
    return {"signin": signed, "stack10": stacked}
