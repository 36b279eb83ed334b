"""A kiosk agent as the offline tests drive it: on its runtime, with its pad — the real FEIG driver — on a
virtual reader over a pty; switched on and off like the PC it runs on; a reader signing in with card and PIN
and putting books on the pad, or a book returned without a card; what its screen showed noted."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from devices.rfid import SecuritySettings
from edge.errors import NotRunningError
from edge.host import AgentHost
from edge.kiosk.agent import KioskAgent
from edge.kiosk.compose import compose_kiosk
from edge.kiosk.offline import OfflineRules
from edge.kiosk.settings import KioskConfig
from edge.kiosk.visit import Outcome, SignInStep
from edge.sim.book_tags import SimulatedRfidPad, simulated_rfid_pad
from edge.sim.manifest import ManifestItem
from server.db.tables import Item, Patron
from tests.integration.edge.factories import SettingsFactory
from tests.support.waiting import wait_until

PIN = "2468"  # every reader's
SHARDS = 64  # of the offline list


@dataclass
class Shown:
    """What a kiosk's screen showed: (card, barcode, due date) of each book lent, the barcodes returned."""

    lent: list[tuple[str, str, datetime]] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)


class Kiosk:
    """A kiosk agent on its runtime with its pad on a pty, switched on and off like the PC it runs on."""

    def __init__(self, device: str, settings: SettingsFactory, pads: Path) -> None:
        self.device, self._settings, self._pads = device, settings, pads
        self.shown = Shown()
        self._starts = 0
        self._host: AgentHost | None = None
        self._thread: threading.Thread | None = None

    def switch_on(self) -> None:
        self._starts += 1
        config = KioskConfig(self.device, pad_poll_s=0.1, offline=OfflineRules(lending=True, max_items=3))
        host = AgentHost(self._settings(self.device, request_timeout_s=3), handle_signals=False)
        self._host = host
        self.pad: SimulatedRfidPad = host.hold(
            simulated_rfid_pad(self._pads / f"{self.device}-{self._starts}")
        )
        self.agent: KioskAgent = compose_kiosk(host, self.pad.pad, config)
        self._thread = threading.Thread(target=host.run, args=(self.agent,), daemon=True)
        self._thread.start()

    def switch_off(self) -> None:
        if self._host is not None and self._thread is not None:
            self._host.stop()
            self._thread.join(timeout=30)
            self._host.close()
        self._host = self._thread = None

    @property
    def pending(self) -> int:
        assert self._host is not None
        return self._host.runtime.pending

    def drained(self) -> bool:
        """Everything in the outbox delivered (false until the runtime has started on its thread)."""
        try:
            return self.pending == 0
        except NotRunningError:
            return False

    def holds_whole_list(self) -> bool:
        offline = self.agent.offline
        assert offline is not None
        assert offline.desk.kept is not None
        return offline.desk.kept.shards_kept == SHARDS

    def says_offline(self) -> bool:
        return self.agent.view().offline

    def says_online(self) -> bool:
        return not self.agent.view().offline

    def rows(self) -> dict[str | None, Outcome]:
        return {row.barcode: row.outcome for row in self.agent.view().books}

    def put(self, *items: Item) -> None:
        for item in items:
            self.pad.books.place(ManifestItem(barcode=item.barcode, tag_uid=item.tag_uid, status="available"))

    def lend(self, reader: Patron, *items: Item) -> None:
        """The reader signs in with card and PIN, puts the books on the pad, waits for them, signs out and
        takes them away; what the screen listed is noted."""
        self.agent.cancel()
        self.agent.give_card(reader.card_number)
        self.agent.sign_in(PIN)
        assert self.agent.view().step is SignInStep.SIGNED_IN, self.agent.view().notice
        self.put(*items)
        expected = {item.barcode: Outcome.LENT for item in items}
        wait_until(
            lambda: self.rows() == expected,
            timeout=15,
            message=lambda: f"{self.device}: {self.rows()} != {expected}",
        )
        secured = SecuritySettings.from_toml().afi_secured
        for row in self.agent.view().books:
            assert row.offline
            assert row.barcode is not None
            assert row.due_at is not None
            self.shown.lent.append((reader.card_number, row.barcode, row.due_at))
        for item in items:
            tag = self.pad.books.tag_of(ManifestItem(barcode=item.barcode, tag_uid=item.tag_uid))
            assert tag is not None
            assert tag.afi != secured
        self.agent.sign_out()
        self.take_all_away()

    def take_back(self, item: Item) -> None:
        """A book put on the pad with no card: returned, the screen says to the return bin."""
        self.agent.cancel()
        self.put(item)
        expected = {item.barcode: Outcome.TO_RETURN_BIN}
        wait_until(
            lambda: self.rows() == expected,
            timeout=15,
            message=lambda: f"{self.device}: {self.rows()} != {expected}",
        )
        self.shown.returned.append(item.barcode)
        self.take_all_away()

    def take_all_away(self) -> None:
        """The pad emptied and looked at since: a book put back is a new one, as a person's hands make it."""
        self.pad.books.field.clear()
        polls = self.agent.counters()["pad_polls"]
        wait_until(lambda: self.agent.counters()["pad_polls"] >= polls + 2, timeout=5)
