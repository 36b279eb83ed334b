"""The kiosk's requests to the server: each one sent, waited for a while, and remembered until answered,
so that an answer coming late — even just as the kiosk stops waiting — is matched to what was asked.

    requests = OutstandingRequests(runtime, on_late_answer=agent.late)
    answered = requests.ask(CheckinRequested, ItemOnly(item=ref), asked)    # an `Answered`
    sent = requests.send(...); ...; answered = requests.wait(sent)          # asked now, waited for later
    runtime.set_late_reply_handler(requests.on_late_reply)

A request that times out is never asked again: it stays queued in the outbox, and its answer, whenever it
comes, is logged and handed to `on_late_answer`. Until some answer comes the server counts as out of reach
(`unanswered_since_reply`, which `edge.kiosk.offline_kiosk` looks at).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from contract.common import ContractModel
from contract.events import EventEnvelope
from contract.replies import ReplyBase
from edge.errors import RequestTimeoutError
from edge.kiosk.answers import ODD, Answered, Asked, TagProblem

log = logging.getLogger(__name__)


class Answer(Protocol):
    """A request on its way (`edge.runtime.RequestHandle` is one)."""

    @property
    def request_id(self) -> UUID: ...

    def result(self, timeout: float | None = None) -> ReplyBase: ...


class Requester(Protocol):
    """What the kiosk needs of the runtime (`EdgeRuntime` is one)."""

    @property
    def device_id(self) -> str: ...

    def request_async(self, model: type[EventEnvelope], payload: ContractModel) -> Answer: ...


@dataclass(frozen=True)
class Sent:
    """A request on its way, and what was asked."""

    model: type[EventEnvelope]
    asked: Asked
    answer: Answer
    started: float  # perf_counter() when it was sent
    tag_problem: TagProblem | None = None


LateAnswerHandler = Callable[[Answered], None]


class OutstandingRequests:
    def __init__(
        self,
        requester: Requester,
        *,
        timeout_s: float | None = None,
        on_late_answer: LateAnswerHandler | None = None,
    ) -> None:
        self.requester = requester
        self.device_id = requester.device_id
        self.timeout_s = timeout_s  # None: the runtime's request_timeout_s
        self.on_late_answer = on_late_answer
        # Every request asked and not yet answered, by request id: an answer that comes late — even just as
        # the kiosk stops waiting — is matched to what was asked.
        self._asked: dict[UUID, Asked] = {}
        self._lock = threading.Lock()
        # A request went unanswered in time and no answer has come since: the server is out of reach.
        self.unanswered_since_reply = False

    @property
    def unanswered(self) -> int:
        """Requests asked whose answer has not come yet (timed out and still queued, or being asked)."""
        with self._lock:
            return len(self._asked)

    def ask(
        self,
        model: type[EventEnvelope],
        payload: ContractModel,
        asked: Asked,
        *,
        timeout_s: float | None = None,
    ) -> Answered:
        """Send a request and wait for its answer (`timeout_s`, None: the kiosk's own)."""
        return self.wait(self.send(model, payload, asked), timeout_s=timeout_s)

    def send(self, model: type[EventEnvelope], payload: ContractModel, asked: Asked) -> Sent:
        started = time.perf_counter()
        answer = self.requester.request_async(model, payload)
        with self._lock:
            self._asked[answer.request_id] = asked
        return Sent(model, asked, answer, started)

    def wait(self, sent: Sent, *, timeout_s: float | None = None) -> Answered:
        model, asked, answer = sent.model, sent.asked, sent.answer
        try:
            reply = answer.result(self.timeout_s if timeout_s is None else timeout_s)
        except RequestTimeoutError:
            # Its answer goes to on_late_reply (perhaps already has): it finds what was asked above.
            log.warning("%s %s %s: no answer yet; it stays queued", self.device_id, model.KIND, asked.subject)
            self.unanswered_since_reply = True
            return Answered(asked, None, time.perf_counter() - sent.started)
        seconds = time.perf_counter() - sent.started
        self.unanswered_since_reply = False
        with self._lock:
            self._asked.pop(answer.request_id, None)
        self._log(model.KIND, asked.subject, reply, late=False)
        return Answered(asked, reply, seconds)

    def on_late_reply(self, reply: ReplyBase) -> None:
        """Give to `EdgeRuntime.set_late_reply_handler`: answers to requests that timed out."""
        self.unanswered_since_reply = False
        with self._lock:
            asked = self._asked.pop(reply.request_id, None)
        if asked is None:
            self._log(reply.KIND, "(earlier run)", reply, late=True)
            return
        self._log(asked.kind, asked.subject, reply, late=True)
        if self.on_late_answer is not None:
            self.on_late_answer(Answered(asked, reply, 0.0, late=True))

    def _log(self, kind: str, subject: str, reply: ReplyBase, *, late: bool) -> None:
        decision = reply.decision
        level = logging.WARNING if decision.code in ODD else logging.INFO
        log.log(
            level,
            "%s %s%s %s → %s: %s",
            self.device_id,
            "late answer to " if late else "",
            kind,
            subject,
            decision.code,
            decision.message.en,
        )
