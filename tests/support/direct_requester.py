"""Kiosk requests answered in-process by the circulation double: no broker, no outbox. Requests of chosen
kinds can be made to time out, their answers kept for the test to deliver late — or delivered in the very
moment the caller gives up."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from contract.common import ContractModel
from contract.events import EventEnvelope, make_event
from contract.replies import ReplyBase
from edge.errors import RequestTimeoutError
from tests.support.circulation_double import CirculationDouble


@dataclass
class DirectAnswer:
    """A request the desk has already answered; `result` gives the answer, or times out as told."""

    request_id: uuid.UUID
    kind: str
    reply: ReplyBase
    times_out: bool = False
    # Called with the answer just as the caller gives up: the answer that arrives in that very moment.
    arrives_at_timeout: Callable[[ReplyBase], None] | None = None

    def result(self, timeout: float | None = None) -> ReplyBase:
        if not self.times_out:
            return self.reply
        if self.arrives_at_timeout is not None:
            self.arrives_at_timeout(self.reply)
        raise RequestTimeoutError(self.request_id, self.kind, timeout or 0.0)


class DirectRequester:
    """Requests answered in-process by the circulation double (no broker, no outbox). Kinds listed in
    `time_out` time out once; their answers are kept in `late` for the test to deliver — or, when
    `late_at_timeout` is set, delivered to it in the moment the caller gives up."""

    def __init__(self, desk: CirculationDouble, device_id: str = "kiosk-01") -> None:
        self.desk = desk
        self._device_id = device_id
        self._seq = itertools.count(1)
        self.sent: list[EventEnvelope] = []
        self.time_out: set[str] = set()
        self.late: list[ReplyBase] = []
        self.late_at_timeout: Callable[[ReplyBase], None] | None = None

    @property
    def device_id(self) -> str:
        return self._device_id

    def request_async(self, model: type[EventEnvelope], payload: ContractModel) -> DirectAnswer:
        event = make_event(model, device_id=self._device_id, seq=next(self._seq), payload=payload)
        self.sent.append(event)
        answer = DirectAnswer(event.event_id, model.KIND, self.desk.answer(event))
        if model.KIND in self.time_out:
            self.time_out.discard(model.KIND)
            answer.times_out = True
            if self.late_at_timeout is None:
                self.late.append(answer.reply)
            else:
                answer.arrives_at_timeout = self.late_at_timeout
        return answer

    def request(
        self, model: type[EventEnvelope], payload: ContractModel, timeout: float | None = None
    ) -> ReplyBase:
        return self.request_async(model, payload).result(timeout)
