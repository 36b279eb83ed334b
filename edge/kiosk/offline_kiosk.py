"""Whether the kiosk can reach the library's system, and the visit of a reader signed in without it.

The kiosk is offline when its link to the broker is down, when the server's retained status says offline,
or when a request went unanswered in time and nothing has been answered since; it is online again once the
link is up, the server online and a request answered (a late answer counts, as does the server's status
turning online). The agent looks at every poll of the pad (a quarter of a second), so its screen says so
within a second or two of the network going — the broker's socket closes at once, the server's last will
comes as soon as the broker notices.

A reader who signed in offline stays offline until they sign out (their loans are observations already
queued); one who signed in online stays online (their requests wait in the outbox and say so).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from devices.printer import mask_card
from edge.kiosk.offline import Refusal
from edge.kiosk.offline_desk import OfflineDesk, OfflineVisit

log = logging.getLogger(__name__)


class LinkState(Protocol):
    """What the kiosk hears of the network (`edge.runtime.EdgeRuntime` is one)."""

    @property
    def connected(self) -> bool: ...

    @property
    def server_online(self) -> bool | None: ...


class AnswerState(Protocol):
    """Whether the kiosk's last request went unanswered (`edge.kiosk.session.KioskSession` is one)."""

    unanswered_since_reply: bool


@dataclass(frozen=True, slots=True)
class OfflineReaderView:
    """A reader signed in offline as the screen shows them: a masked card, never a name."""

    card: str
    allowed: int
    lent: int


class OfflineKiosk:
    def __init__(self, desk: OfflineDesk, link: LinkState) -> None:
        self.desk = desk
        self.link = link
        self.online = False  # until the link is up and the server heard: the screen says offline at start
        self.visit: OfflineVisit | None = None
        self.switches = 0  # times the kiosk went offline

    def reachable(self, answers: AnswerState) -> bool:
        link = self.link
        return link.connected and link.server_online is not False and not answers.unanswered_since_reply

    def check(self, answers: AnswerState) -> bool:
        """Look again; True when the kiosk went online or offline since the last look."""
        now = self.reachable(answers)
        if now == self.online:
            return False
        self.online = now
        if now:
            log.info("kiosk: the library's system answers again")
            self.desk.back_online()
        else:
            self.switches += 1
            log.warning("kiosk: the library's system cannot be reached; lending offline where allowed")
        return True

    def lending_refusal(self) -> Refusal | None:
        """Why nobody can borrow offline now (None: a card and PIN may)."""
        return self.desk.list_refusal()

    def reader_view(self) -> OfflineReaderView | None:
        visit = self.visit
        if visit is None:
            return None
        return OfflineReaderView(mask_card(visit.card_number), visit.allowed, len(visit.lent))
