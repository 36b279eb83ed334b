"""The kiosk agent's sign-in: a card given (typed or scanned), then its PIN, asked of the server — or
checked against the offline list while the library's system cannot be reached (`edge.kiosk.offline_steps`).
Where each step leaves the screen is `ShownVisit.signing_in`, the same rule online and offline; what the
server's answer means for the reader is `edge.kiosk.visit.sign_in_answer`. Every step runs under the agent's
lock.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from contract.common import CARD_NUMBER_PATTERN
from contract.replies import ReasonCode
from edge.kiosk.feed import Part
from edge.kiosk.offline_steps import OfflineSteps
from edge.kiosk.session import KioskSession
from edge.kiosk.shown import ShownVisit
from edge.kiosk.visit import (
    CARD_NEXT,
    PIN_NEXT,
    SIGN_IN_TITLES,
    Notice,
    SignInStep,
    loan_rows,
    sign_in_answer,
)


class SignInSteps:
    def __init__(self, session: KioskSession, shown: ShownVisit, offline: OfflineSteps) -> None:
        self._session = session
        self._shown = shown
        self._offline = offline
        self._cards_on_pad: tuple[str, ...] = ()

    def cards_on_pad(self, cards: tuple[str, ...]) -> None:
        """A reader's RFID card laid on the pad is given as a scanned one is — once while it lies there:
        a card left on the pad after signing out does not sign its reader in again, and a card laid while
        someone is signed in (or typing a PIN) is not theirs to act on."""
        laid = [card for card in cards if card not in self._cards_on_pad]
        self._cards_on_pad = cards
        if laid and self._shown.step is SignInStep.CARD:
            self.card_given(laid[0])

    def card_given(self, card: str) -> None:
        """Its PIN is asked next (offline, the list may refuse the card at once, or lend on it alone). A
        value that cannot be a card number (a scanner sending garbage, an ISBN) is refused at once."""
        shown = self._shown
        shown.activity()
        if shown.step is SignInStep.SIGNED_IN:
            return
        if not _looks_like_card(card):
            title = SIGN_IN_TITLES[ReasonCode.UNKNOWN_PATRON]
            shown.back_to_card(Notice(title, "danger", next_step=CARD_NEXT))
        elif self._offline.is_offline():
            self._offline.card_given(card)
        else:
            shown.step, shown.card, shown.notice = SignInStep.PIN, card, None
        shown.feed.changed(Part.SIGN_IN, Part.BOOKS, Part.ACCOUNT)

    def pin_given(self, pin: str) -> None:
        """The PIN for the card given: signed in, asked again (a wrong one), or back to the card."""
        shown = self._shown
        shown.activity()
        card = shown.card
        if shown.step is not SignInStep.PIN or card is None:
            return
        if self._offline.is_offline():
            self._offline.pin_given(card, pin)
            shown.feed.changed(Part.SIGN_IN, Part.BOOKS, Part.ACCOUNT)
            return
        try:
            answered = self._session.sign_in(card, pin)
        except ValidationError:  # not 4 to 12 digits: no server could accept it
            shown.notice = Notice(SIGN_IN_TITLES[ReasonCode.WRONG_PIN], "warning", next_step=PIN_NEXT)
            shown.feed.changed(Part.SIGN_IN)
            return
        shown.signing_in(card, *sign_in_answer(answered), loans=loan_rows(self._session.patron))
        shown.feed.changed(Part.SIGN_IN, Part.BOOKS, Part.ACCOUNT)

    def cancel(self) -> None:
        """Back to the idle screen from the PIN keypad."""
        if self._shown.step is SignInStep.PIN:
            self._shown.back_to_card()
            self._shown.feed.changed(Part.SIGN_IN, Part.WARNING)


def _looks_like_card(value: str) -> bool:
    return re.fullmatch(CARD_NUMBER_PATTERN, value) is not None
