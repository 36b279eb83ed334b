"""The kiosk agent's books: each new one on the pad (or scanned) decided — by the server, or by the kiosk
alone while it is offline (`edge.kiosk.offline_steps`) — its row shown as its answer comes, and the
answers that came after the kiosk stopped waiting settled (`edge.kiosk.late`).

Late answers are delivered on the runtime's thread, which must not wait for another answer (a loan taken
back asks the server again): they are queued here and settled in the agent's loop, under its lock, as
every step here is.
"""

from __future__ import annotations

import logging
import queue

from contract.common import ItemRef
from contract.events import CheckinRequested
from edge.errors import EdgeError
from edge.kiosk.answers import Answered
from edge.kiosk.feed import Part
from edge.kiosk.late import settle_late_loan, settle_late_return
from edge.kiosk.offline_steps import OfflineSteps
from edge.kiosk.session import KioskSession
from edge.kiosk.shown import ShownVisit
from edge.kiosk.visit import Outcome, decided, row_key

log = logging.getLogger(__name__)


class BookSteps:
    def __init__(self, session: KioskSession, shown: ShownVisit, offline: OfflineSteps) -> None:
        self._session = session
        self._shown = shown
        self._offline = offline
        self._late: queue.SimpleQueue[Answered] = queue.SimpleQueue()
        session.requests.on_late_answer = self._late.put

    def poll_pad(self) -> list[Answered]:
        """One look at the pad: each new book on it decided, its row shown as it goes. A pad whose reader
        does not answer is shown once (and logged), until it answers again."""
        shown = self._shown
        shown.counts.pad_polls += 1
        try:
            if self._offline.decides_books():
                self._offline.pad()
                answers = []
            else:
                answers = self._session.place_item(on_found=shown.found, on_answer=self._answered)
        except EdgeError as exc:  # the pad's reader did not answer
            shown.counts.pad_failures += 1
            if not shown.pad_fault:
                log.warning("kiosk: the pad does not answer: %s", exc)
                shown.pad_fault = True
                shown.feed.changed(Part.BOOKS)
            return []
        if shown.pad_fault:
            shown.pad_fault = False
            shown.feed.changed(Part.BOOKS)
        return answers

    def scanned(self, ref: ItemRef) -> None:
        """A book's label scanned: decided like one read from the pad."""
        self._shown.found([ref])
        if self._offline.decides_books():
            self._offline.book(ref)
        else:
            self._answered(self._session.item_identified(ref))

    def next_late(self) -> Answered | None:
        """An answer that came late and is not settled yet, if any."""
        try:
            return self._late.get_nowait()
        except queue.Empty:
            return None

    def settle(self, answered: Answered) -> None:
        """A late answer: a loan made shown lent or taken back, a book still listed as awaiting its answer
        shown decided."""
        item = answered.asked.item
        if answered.asked.taking_back or item is None:
            return  # a loan taken back: the reader was told already
        if answered.made_loan:
            answered = settle_late_loan(self._session, answered)
            if answered.taken_back:
                self._shown.counts.loans_taken_back += 1
        elif answered.asked.kind == CheckinRequested.KIND and answered.ok:
            answered = settle_late_return(self._session, answered)
        row = self._shown.rows.get(row_key(item))
        if row is not None and row.outcome is Outcome.NO_ANSWER:
            self._answered(answered)

    def _answered(self, answered: Answered) -> None:
        on_pad = True
        if answered.security_applied is False and answered.asked.item is not None:
            on_pad = self._still_on_pad(answered.asked.item)
        row = decided(answered, on_pad=on_pad)
        if answered.reply is None:
            self._offline.look_at_network()  # unanswered in time: the kiosk says it is offline at once
        if answered.taken_back and not answered.late:
            self._shown.counts.loans_taken_back += 1
        # The signed-in reader's count of loans goes up with each book lent.
        self._shown.decided(row, *((Part.SIGN_IN,) if row.borrowing else ()))

    def _still_on_pad(self, ref: ItemRef) -> bool:
        pad = self._session.pad
        if pad is None:
            return False
        try:
            return any(found.tag_uid == ref.tag_uid for found in pad.read())
        except Exception:
            return True  # the reader failed: say the tag would not set, not that the book was taken
