"""Request/response through the real broker: the reply is matched to its request; a timed-out request stays
queued, is applied once, and its reply still arrives — once — at the late-reply handler."""

from __future__ import annotations

import threading

import pytest

from contract.common import ItemRef, LocalizedText, new_event_id, utc_now
from contract.events import CheckinRequested, CheckoutRequested, EventEnvelope, ItemForSession, ItemOnly
from contract.replies import CheckoutResult, Decision, ReasonCode, ReplyBase
from edge.errors import RequestTimeoutError
from tests.integration.edge.factories import RuntimeFactory
from tests.integration.edge.server_double import ServerDouble, ok_reply
from tests.support.waiting import wait_until


def on_hold(event: EventEnvelope) -> ReplyBase:
    if event.KIND != "circ.checkout":
        return ok_reply(event)
    assert event.correlation_id is not None
    message = LocalizedText(vi="Tài liệu đang được giữ cho bạn đọc khác.", en="On hold for another patron.")
    return CheckoutResult(
        request_id=event.event_id,
        correlation_id=event.correlation_id,
        issued_at=utc_now(),
        decision=Decision(ok=False, code=ReasonCode.ON_HOLD_FOR_OTHER, message=message),
    )


def test_a_request_gets_its_own_reply(server: ServerDouble, start_runtime: RuntimeFactory) -> None:
    server.responder = on_hold
    runtime = start_runtime("kiosk-01")
    payload = ItemForSession(session_id=new_event_id(), item=ItemRef(barcode="VV000042"))
    handle = runtime.request_async(CheckoutRequested, payload)
    reply = handle.result(10)
    assert isinstance(reply, CheckoutResult)
    assert reply.request_id == handle.event.event_id
    assert reply.correlation_id == handle.event.correlation_id
    assert reply.decision.code == ReasonCode.ON_HOLD_FOR_OTHER
    checkin = runtime.request(CheckinRequested, ItemOnly(item=ItemRef(barcode="VV000042")), timeout=10)
    assert checkin.decision.ok
    assert runtime.wait_drained(10)
    assert runtime.counters()["replies_answered"] == 2


@pytest.mark.usefixtures("server")
def test_concurrent_requests_each_get_theirs(start_runtime: RuntimeFactory) -> None:
    runtime = start_runtime("kiosk-01")
    handles = [
        runtime.request_async(CheckinRequested, ItemOnly(item=ItemRef(barcode=f"VV{n:06d}")))
        for n in range(20)
    ]
    for handle in handles:
        assert handle.result(10).request_id == handle.request_id
    assert runtime.wait_drained(10)


def test_a_timed_out_request_is_applied_once_and_its_reply_arrives_late(
    server: ServerDouble, start_runtime: RuntimeFactory
) -> None:
    server.paused = True
    late: list[ReplyBase] = []
    arrived = threading.Event()

    def on_late(reply: ReplyBase) -> None:
        late.append(reply)
        arrived.set()

    runtime = start_runtime("kiosk-01", resend_after_s=0.2, resend_max_s=0.4)
    runtime.set_late_reply_handler(on_late)
    payload = ItemForSession(session_id=new_event_id(), item=ItemRef(barcode="VV000007"))
    with pytest.raises(RequestTimeoutError) as timed_out:
        runtime.request(CheckoutRequested, payload, timeout=0.3)
    request_id = timed_out.value.request_id
    assert runtime.pending == 1  # still queued, and being re-sent with the same event id
    wait_until(lambda: server.held() >= 2)
    server.resume()
    assert arrived.wait(10)
    assert runtime.wait_drained(10)
    assert [r.request_id for r in late] == [request_id]
    assert list(server.applied) == [request_id]  # re-sent copies were duplicates: one effect
    wait_until(lambda: runtime.counters().get("replies_duplicate", 0) >= 1)
    assert len(late) == 1
    assert runtime.counters()["requests_timed_out"] == 1
