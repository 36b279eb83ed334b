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
from typing import Any, Protocol

from contract.common import ItemRef
from devices.printer import mask_card
from edge.kiosk.offline import Refusal
from edge.kiosk.offline_desk import OfflineDesk, OfflineVisit, SecurityPad
from edge.kiosk.offline_words import refusal_notice
from edge.kiosk.visit import BookRow, Notice, Outcome, SignInStep

log = logging.getLogger(__name__)


class LinkState(Protocol):
    """What the kiosk hears of the network (`edge.runtime.EdgeRuntime` is one)."""

    @property
    def connected(self) -> bool: ...

    @property
    def server_online(self) -> bool | None: ...


class AnswerState(Protocol):
    """Whether the kiosk's last request went unanswered (`edge.kiosk.outstanding.OutstandingRequests` is
    one)."""

    unanswered_since_reply: bool


@dataclass
class OfflineCounters:
    """What the kiosk did offline, for its status (`peripherals.kiosk`, next to the agent's counters)."""

    offline_switches: int = 0  # times the kiosk found the library's system out of reach
    offline_sign_ins: int = 0
    offline_sign_in_refusals: int = 0
    offline_loans: int = 0
    offline_returns: int = 0


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
        self.counts = OfflineCounters()

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
            self.counts.offline_switches += 1
            log.warning("kiosk: the library's system cannot be reached; lending offline where allowed")
        return True

    def lending_refusal(self) -> Refusal | None:
        """Why nobody can borrow offline now (None: a card and PIN may)."""
        return self.desk.list_refusal()

    def view(self) -> dict[str, Any]:
        """What the screen's view says of it (`KioskView`'s offline fields); nothing while all is normal."""
        if self.online and self.visit is None:
            return {}
        visit, reader = self.visit, None
        if visit is not None:
            reader = OfflineReaderView(mask_card(visit.card_number), visit.allowed, len(visit.lent))
        return {
            "offline": not self.online,
            "offline_lending": self.lending_refusal() is None,
            "card_only": self.desk.rules.card_only,
            "offline_reader": reader,
        }

    # ---- the reader's steps offline: where each leaves the sign-in, and what it tells them -------------

    def card_given(self, card: str) -> tuple[SignInStep, Notice | None]:
        """A card given offline: refused at once when nobody can borrow now, signed in when the library
        lends on the card alone, else its PIN is asked."""
        refusal = self.lending_refusal()
        if refusal is not None:
            self.counts.offline_sign_in_refusals += 1
            return SignInStep.CARD, refusal_notice(refusal)
        if self.desk.rules.card_only:
            return self.pin_given(card, None)
        return SignInStep.PIN, None

    def pin_given(self, card: str, pin: str | None) -> tuple[SignInStep, Notice | None]:
        """The PIN checked against the list: signed in (the visit begins), or refused — a wrong PIN is
        typed again, every other refusal goes back to the card."""
        signed = self.desk.sign_in(card, pin)
        if isinstance(signed, Refusal):
            self.counts.offline_sign_in_refusals += 1
            step = SignInStep.PIN if signed is Refusal.WRONG_PIN else SignInStep.CARD
            return step, refusal_notice(signed)
        self.counts.offline_sign_ins += 1
        self.visit = signed
        return SignInStep.SIGNED_IN, None

    def carry_on(self, card: str, lent_online: int) -> bool:
        """A reader signed in online (their PIN checked by the server) when the network went: their visit
        goes on offline if the list allows them to borrow, `lent_online` books lent in it already."""
        carried = self.desk.carry_on(card, lent_online)
        if isinstance(carried, Refusal):
            log.info("kiosk: %s cannot borrow offline (%s); their requests wait", mask_card(card), carried)
            return False
        self.visit = carried
        return True

    def book(self, ref: ItemRef, pad: SecurityPad | None) -> BookRow:
        """A book put on the pad (or scanned): lent to the reader signed in offline, else returned."""
        if self.visit is not None:
            row = self.desk.lend(self.visit, ref, pad)
            self.counts.offline_loans += row.outcome is Outcome.LENT
        else:
            row = self.desk.take_return(ref, pad)
            self.counts.offline_returns += row.outcome is Outcome.TO_RETURN_BIN
        return row

    def signed_out(self) -> None:
        self.visit = None  # nothing to tell the server: the loans are queued already
