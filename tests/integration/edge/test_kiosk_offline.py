"""A kiosk carrying on without its network: the agent on its runtime and the real mosquitto, its pad — the
real FEIG driver — on the virtual reader over a pty. The offline list is published as the server would;
the broker is killed; the kiosk says it is offline within 5 s, signs a reader in with the list, lends two
books (their tags unsecured), refuses what it must, takes a return without a card; the events wait in the
outbox with the times they happened; the broker comes back and they reach the server's user, and the
screen is back to normal. And the server stopping while the broker stays is noticed too."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from contract.common import utc_now
from contract.events import OfflineCheckin, OfflineCheckout
from contract.status import DeviceState
from devices.rfid import SecuritySettings
from edge.host import AgentHost
from edge.kiosk.agent import KioskAgent
from edge.kiosk.compose import compose_kiosk
from edge.kiosk.offline import OfflineRules, Refusal
from edge.kiosk.offline_words import REFUSAL_TITLES
from edge.kiosk.settings import KioskConfig
from edge.kiosk.visit import Outcome, SignInStep
from edge.sim.book_tags import SimulatedRfidPad, simulated_rfid_pad
from edge.sim.manifest import ManifestItem
from edge.sim.offline_list import publish_list, simulated_reader, split_list
from tests.integration.edge.factories import settings_on
from tests.integration.edge.server_double import ServerDouble
from tests.support.broker import RunningBroker
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

KIOSK = "kiosk-01"
PIN = "2468"
SWITCH_S = 5.0  # the target: offline on screen within 5 s of the network going
BOOKS = [ManifestItem(barcode=f"VV{n:06d}", tag_uid=f"E0040150000{n:05d}") for n in range(1, 6)]
READERS = [
    simulated_reader("SV0001", pin=PIN),
    simulated_reader("SV0002", pin=PIN, blocked=True),
]


@dataclass
class Running:
    agent: KioskAgent
    host: AgentHost
    pad: SimulatedRfidPad
    server: ServerDouble

    def rows(self) -> dict[str | None, Outcome]:
        return {row.barcode: row.outcome for row in self.agent.view().books}

    def secured(self, item: ManifestItem) -> bool:
        tag = self.pad.books.tag_of(item)
        assert tag is not None
        return tag.afi == SecuritySettings.from_toml().afi_secured


@pytest.fixture
def kiosk(broker: RunningBroker, tmp_path: Path) -> Iterator[Running]:
    server = ServerDouble(broker.endpoint("server")).start()
    settings = settings_on(broker.endpoint(KIOSK), tmp_path / "agent", KIOSK, request_timeout_s=2)
    config = KioskConfig(KIOSK, pad_poll_s=0.1, offline=OfflineRules(lending=True, max_items=3))
    with AgentHost(settings, handle_signals=False) as host:
        rfid = host.hold(simulated_rfid_pad(tmp_path / "pad"))
        agent = compose_kiosk(host, rfid.pad, config)
        running = threading.Thread(target=host.run, args=(agent,), daemon=True)
        running.start()
        try:
            yield Running(agent, host, rfid, server)
        finally:
            host.stop()
            running.join(timeout=30)
            server.stop()


def offline_after(agent: KioskAgent, started: float) -> float:
    wait_until(lambda: agent.view().offline, timeout=15, message="the kiosk never said it was offline")
    return time.monotonic() - started


def test_broker_killed_the_kiosk_lends_and_takes_returns_then_delivers(
    kiosk: Running, broker: RunningBroker
) -> None:
    agent, runtime = kiosk.agent, kiosk.host.runtime
    wait_until(lambda: runtime.connected, timeout=15, message="the kiosk never connected")
    publish_list(broker.endpoint("server"), split_list(READERS, generated_at=utc_now()))
    desk = agent.offline.desk if agent.offline is not None else None
    assert desk is not None
    assert desk.kept is not None
    wait_until(lambda: desk.kept is not None and desk.kept.generated_at() is not None, timeout=15)
    wait_until(lambda: not agent.view().offline, timeout=15)

    killed = time.monotonic()
    broker.process.kill()
    assert offline_after(agent, killed) <= SWITCH_S
    view = agent.view()
    assert view.offline_lending
    began = datetime.now(UTC)

    # Refused: a blocked card, an unknown one, a wrong PIN — each in the kiosk's words.
    for card, pin, refusal in [
        ("SV0002", PIN, Refusal.BLOCKED),
        ("SV0404", PIN, Refusal.UNKNOWN_CARD),
        ("SV0001", "1111", Refusal.WRONG_PIN),
    ]:
        agent.cancel()
        agent.give_card(card)
        agent.sign_in(pin)
        notice = agent.view().notice
        assert notice is not None
        assert notice.title == REFUSAL_TITLES[refusal]
    agent.sign_in(PIN)  # the PIN again, right this time
    assert agent.view().step is SignInStep.SIGNED_IN

    for book in BOOKS[:2]:
        kiosk.pad.books.place(book)
    lent = {BOOKS[0].barcode: Outcome.LENT, BOOKS[1].barcode: Outcome.LENT}
    wait_until(lambda: kiosk.rows() == lent, timeout=10, message=lambda: f"rows: {kiosk.rows()}")
    assert not kiosk.secured(BOOKS[0])
    assert not kiosk.secured(BOOKS[1])
    agent.sign_out()
    kiosk.pad.books.field.clear()

    kiosk.pad.books.place(BOOKS[2])  # a return, no card
    wait_until(lambda: kiosk.rows() == {BOOKS[2].barcode: Outcome.TO_RETURN_BIN}, timeout=10)
    assert kiosk.secured(BOOKS[2])
    ended = datetime.now(UTC)
    assert runtime.pending == 3  # two loans and a return, waiting in the outbox

    broker.process.start()
    assert kiosk.server.wait_connected(20)
    wait_until(lambda: runtime.pending == 0, timeout=30, message="the outbox never drained")
    wait_until(lambda: not agent.view().offline, timeout=15, message="the kiosk stayed offline")
    applied = list(kiosk.server.applied.values())
    loans = [e for e in applied if isinstance(e, OfflineCheckout)]
    returns = [e for e in applied if isinstance(e, OfflineCheckin)]
    assert [e.payload.item.barcode for e in loans] == [b.barcode for b in BOOKS[:2]]
    assert [e.payload.item.barcode for e in returns] == [BOOKS[2].barcode]
    assert all(e.payload.card_number == "SV0001" and e.payload.pin_checked for e in loans)
    # Their real times: when they happened offline, in the order they happened.
    moments = [e.occurred_at for e in [*loans, *returns]]
    assert moments == sorted(moments)
    assert all(began - timedelta(seconds=1) <= m <= ended for m in moments)


def test_the_server_stopping_while_the_broker_stays_is_noticed(kiosk: Running) -> None:
    agent = kiosk.agent
    wait_until(lambda: not agent.view().offline, timeout=15)
    stopped = time.monotonic()
    kiosk.server.publish_status(DeviceState.OFFLINE)  # the server's goodbye, as it stops
    assert offline_after(agent, stopped) <= SWITCH_S
    kiosk.server.publish_status(DeviceState.ONLINE, new_start=True)
    wait_until(lambda: not agent.view().offline, timeout=15, message="the kiosk stayed offline")
