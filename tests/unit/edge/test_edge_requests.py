"""Replies matched to waiting requests; late replies delivered once; repeats and strangers dropped."""

from __future__ import annotations

from uuid import UUID

from contract.common import LocalizedText, new_event_id, utc_now
from contract.replies import CheckoutResult, Decision, ReasonCode, ReplyBase
from edge.requests import Outcome, PendingRequests


def reply(request_id: UUID, correlation_id: UUID, code: ReasonCode = ReasonCode.OK) -> CheckoutResult:
    decision = Decision(ok=code == ReasonCode.OK, code=code, message=LocalizedText(vi="…", en="..."))
    return CheckoutResult(
        request_id=request_id, correlation_id=correlation_id, issued_at=utc_now(), decision=decision
    )


def test_a_reply_resolves_its_waiting_request() -> None:
    pending = PendingRequests()
    request_id, correlation_id = new_event_id(), new_event_id()
    future = pending.register(request_id, correlation_id)
    assert pending.waiting() == 1
    answer = reply(request_id, correlation_id)
    assert pending.resolve(answer) == Outcome.ANSWERED
    assert future.result(0) == answer
    assert pending.waiting() == 0


def test_a_repeated_reply_is_dropped() -> None:
    late: list[ReplyBase] = []
    pending = PendingRequests(late.append)
    request_id, correlation_id = new_event_id(), new_event_id()
    pending.register(request_id, correlation_id)
    pending.resolve(reply(request_id, correlation_id))
    assert pending.resolve(reply(request_id, correlation_id)) == Outcome.DUPLICATE
    assert late == []


def test_a_reply_with_the_wrong_correlation_id_is_not_trusted() -> None:
    pending = PendingRequests()
    request_id, correlation_id = new_event_id(), new_event_id()
    future = pending.register(request_id, correlation_id)
    assert pending.resolve(reply(request_id, new_event_id())) == Outcome.MISMATCHED
    assert not future.done()
    assert pending.resolve(reply(request_id, correlation_id)) == Outcome.ANSWERED


def test_after_the_caller_gave_up_the_reply_goes_to_the_late_handler_once() -> None:
    late: list[ReplyBase] = []
    pending = PendingRequests(late.append)
    request_id, correlation_id = new_event_id(), new_event_id()
    pending.register(request_id, correlation_id)
    assert pending.abandon(request_id)
    answer = reply(request_id, correlation_id, ReasonCode.ON_HOLD_FOR_OTHER)
    assert pending.resolve(answer) == Outcome.LATE
    assert pending.resolve(answer) == Outcome.DUPLICATE
    assert late == [answer]


def test_abandon_after_the_reply_came_tells_the_caller_to_take_it() -> None:
    pending = PendingRequests()
    request_id, correlation_id = new_event_id(), new_event_id()
    future = pending.register(request_id, correlation_id)
    pending.resolve(reply(request_id, correlation_id))
    assert not pending.abandon(request_id)
    assert future.result(0).request_id == request_id


def test_a_reply_nobody_waits_for_is_late_and_a_failing_handler_is_contained() -> None:
    def broken(_reply: ReplyBase) -> None:
        raise RuntimeError("screen unplugged")

    pending = PendingRequests(broken)
    assert pending.resolve(reply(new_event_id(), new_event_id())) == Outcome.LATE


def test_forget_stops_waiting_and_memory_of_answers_is_bounded() -> None:
    pending = PendingRequests(remember=2)
    request_id = new_event_id()
    pending.register(request_id, new_event_id())
    pending.forget(request_id)
    assert pending.waiting() == 0
    first = reply(new_event_id(), new_event_id())
    pending.resolve(first)
    pending.resolve(reply(new_event_id(), new_event_id()))
    pending.resolve(reply(new_event_id(), new_event_id()))
    assert pending.resolve(first) == Outcome.LATE  # forgotten after `remember` newer answers


def test_a_reply_to_a_request_whose_caller_cancelled_goes_to_the_late_handler() -> None:
    late: list[ReplyBase] = []
    pending = PendingRequests(late.append)
    request_id, correlation_id = new_event_id(), new_event_id()
    future = pending.register(request_id, correlation_id)
    assert future.cancel()
    answer = reply(request_id, correlation_id)
    assert pending.resolve(answer) == Outcome.LATE
    assert late == [answer]
    assert pending.waiting() == 0
    assert pending.resolve(answer) == Outcome.DUPLICATE
