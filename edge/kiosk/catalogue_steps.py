"""The kiosk's "Find a book": the reader's search asked of the server, its records shown, and a hold placed
on one by the reader signed in. The kiosk keeps no catalogue: without an answer in time (the server or the
network down) it says search is unavailable — borrowing and returning go on. A request that got no answer
stays queued like every request; the server drops a search or a hold that reaches it too late
(`request_expired`), and its late answer changes nothing here.

    steps = CatalogueSteps(session)
    steps.search("tieng viet")        # the records, or unavailable
    steps.place_hold(1207)            # the server's answer shown on that record
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from contract.catalogue import MAX_QUERY_CHARS, CatalogueHit, CatalogueQuery, HoldForSession
from contract.common import LocalizedText
from contract.events import CatalogueSearchRequested, HoldRequested
from contract.replies import CatalogueSearchResult
from edge.kiosk.answers import Asked
from edge.kiosk.session import KioskSession, SessionState


@dataclass(frozen=True, slots=True)
class HoldAnswer:
    """What the server said to a hold (None: no answer in time — it may still be placed)."""

    ok: bool
    message: LocalizedText | None


@dataclass(frozen=True, slots=True)
class CatalogueView:
    """The "Find a book" part: what was searched, what was found, and the holds answered in this visit."""

    query: str = ""
    hits: tuple[CatalogueHit, ...] = ()
    total: int = 0
    total_capped: bool = False
    searched: bool = False  # a search was answered (no hits: the screen says nothing was found)
    unavailable: bool = False  # the last search got no answer: search is unavailable now
    holds: dict[int, HoldAnswer] = field(default_factory=dict)  # record id → the server's answer


class CatalogueSteps:
    def __init__(self, session: KioskSession) -> None:
        self._session = session
        self.view = CatalogueView()
        self._tickets = threading.Lock()
        self._latest = 0

    def typed(self) -> int:
        """A ticket for words the reader has just typed, taken before waiting for the agent: a search
        waiting behind a newer one is not asked at all (`search(…, ticket=…)`)."""
        with self._tickets:  # the screen's threads take tickets at once
            self._latest += 1
            return self._latest

    def search(self, query: str, *, offline: bool, ticket: int | None = None) -> bool:
        """Ask the server (unless the kiosk knows it is offline: then unavailable at once). False: not
        asked, as the reader typed on since `ticket`."""
        if ticket is not None and ticket < self._latest:
            return False
        query = " ".join(query.split())[:MAX_QUERY_CHARS]
        if not query:
            self.view = CatalogueView()
            return True
        if offline:
            self.view = CatalogueView(query=query, unavailable=True)
            return True
        asked = Asked(CatalogueSearchRequested.KIND, self._session.card_number)
        answered = self._session.requests.ask(CatalogueSearchRequested, CatalogueQuery(query=query), asked)
        reply = answered.reply
        if not isinstance(reply, CatalogueSearchResult) or not reply.decision.ok:
            self.view = CatalogueView(query=query, unavailable=True)
            return True
        self.view = CatalogueView(
            query=query,
            hits=tuple(reply.hits),
            total=reply.total,
            total_capped=reply.total_capped,
            searched=True,
            holds=self.view.holds,  # a hold answered stays said on its record for this visit
        )
        return True

    def place_hold(self, record_id: int) -> None:
        """A hold for the reader signed in with the server (never offline: the server decides holds)."""
        session = self._session
        if session.state is not SessionState.SIGNED_IN or session.session_id is None:
            return
        payload = HoldForSession(session_id=session.session_id, record_id=record_id)
        answered = session.requests.ask(
            HoldRequested, payload, Asked(HoldRequested.KIND, session.card_number)
        )
        reply = answered.reply
        answer = (
            HoldAnswer(reply.decision.ok, reply.decision.message)
            if reply is not None
            else HoldAnswer(False, None)
        )
        self.view = replace(self.view, holds={**self.view.holds, record_id: answer})

    def clear(self) -> None:
        """The next reader starts with an empty search."""
        self.view = CatalogueView()
