"""The kiosk agent's offline part: what it shows while the library's system cannot be reached. The
decisions are `edge.kiosk.offline_kiosk`'s (and its desk's); these steps put them on the screen
(`edge.kiosk.shown`) and keep the session's pad in step.

A kiosk given no `OfflineKiosk` never lends offline and never says it is offline: every step here then
answers "online", so the agent asks the server for everything.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from contract.common import ItemRef
from edge.kiosk.feed import Part
from edge.kiosk.offline_desk import OfflineVisit
from edge.kiosk.offline_kiosk import OfflineKiosk
from edge.kiosk.session import KioskSession, SessionState
from edge.kiosk.shown import ShownVisit
from edge.kiosk.visit import Outcome


class OfflineSteps:
    def __init__(self, offline: OfflineKiosk | None, session: KioskSession, shown: ShownVisit) -> None:
        self.kiosk = offline
        self._session = session
        self._shown = shown

    @property
    def visit(self) -> OfflineVisit | None:
        """The reader signed in offline, if any."""
        return self.kiosk.visit if self.kiosk is not None else None

    def look_at_network(self) -> None:
        """Whether the library's system answers, looked at again; the screen told when that changed."""
        if self.kiosk is not None and self.kiosk.check(self._session.requests):
            self._shown.feed.changed(Part.NETWORK, Part.SIGN_IN)

    def is_offline(self) -> bool:
        """Whether what the reader asks now is decided by the kiosk alone (looked at again first)."""
        if self.kiosk is None:
            return False
        self.look_at_network()
        return not self.kiosk.online

    def decides_books(self) -> bool:
        """Books on the pad decided offline: for a reader signed in offline, or returns while offline."""
        if self.kiosk is None:
            return False
        if self.kiosk.visit is not None:
            return True
        if not self.is_offline():
            return False
        if self._session.state is SessionState.IDLE:
            return True
        # Signed in online when the network went: carrying on offline, if the list allows it.
        rows = self._shown.rows.values()
        lent_online = sum(1 for row in rows if row.outcome is Outcome.LENT and not row.offline)
        card = self._session.card_number
        if card is None or not self.kiosk.carry_on(card, lent_online):
            return False
        self._shown.feed.changed(Part.SIGN_IN, Part.ACCOUNT)
        return True

    def card_given(self, card: str) -> None:
        assert self.kiosk is not None
        self._shown.signing_in(card, *self.kiosk.card_given(card), loans=())

    def pin_given(self, card: str, pin: str) -> None:
        assert self.kiosk is not None
        self._shown.signing_in(card, *self.kiosk.pin_given(card, pin), loans=())

    def pad(self) -> None:
        """One look at the pad: each new book on it decided offline."""
        new = self._session.new_on_pad()
        if new:
            self._shown.found(new)
        for ref in new:
            self._session.handled(ref)
            self.book(ref)

    def book(self, ref: ItemRef) -> None:
        """A book put on the pad (or scanned), lent or taken back offline."""
        assert self.kiosk is not None
        row = self.kiosk.book(ref, self._session.pad)
        self._shown.decided(row, Part.SIGN_IN, Part.ACCOUNT)

    def signed_out(self) -> None:
        if self.kiosk is not None:
            self.kiosk.signed_out()

    def view(self) -> dict[str, Any]:
        """`KioskView`'s offline fields; none while all is normal."""
        return self.kiosk.view() if self.kiosk is not None else {}

    def counters(self) -> dict[str, Any]:
        return asdict(self.kiosk.counts) if self.kiosk is not None else {}
