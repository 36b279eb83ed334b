"""The ingest transaction on real databases (SQLite and PostgreSQL): dedupe, replies, dead letters, sequences.

The handlers here only record what they were asked to apply, so each test can count effects exactly; the
real circulation handlers are exercised in test_circulation_ingest.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from contract import topics
from contract.codec import decode_acks, decode_reply, encode_event
from contract.common import LocalizedText
from contract.events import EventEnvelope
from contract.replies import Decision, ReasonCode, ReplyBase
from contract.status import DeviceKind, DeviceState, DeviceStatus
from server.db.tables import DeadLetter, Device, EventLog
from server.ingest.messages import BatchResult, Inbound
from server.ingest.pipeline import apply_batch
from server.ingest.registry import HandlerRegistry, reply_for
from server.services import devices
from tests.support import events as ev


class Recorder:
    """Handlers that record every effect they are asked to apply."""

    def __init__(self) -> None:
        self.applied: list[tuple[str, UUID]] = []

    def request(self, _session: Session, event: EventEnvelope, now: datetime) -> ReplyBase:
        self.applied.append((event.KIND, event.event_id))
        decision = Decision(ok=True, code=ReasonCode.OK, message=LocalizedText(vi="Được", en="Done"))
        return reply_for(event, f"{event.KIND}.result", now, decision=decision)

    def observations(self, _session: Session, events: Sequence[EventEnvelope]) -> None:
        self.applied.extend((e.KIND, e.event_id) for e in events)

    def registry(self) -> HandlerRegistry:
        return HandlerRegistry(
            requests=dict.fromkeys(("circ.checkout", "circ.checkin", "patron.login"), self.request),
            observations={"item.seen": self.observations},
            decide=lambda code: Decision(
                ok=False, code=code, message=LocalizedText(vi=str(code), en=str(code))
            ),
        )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def run(engine: Engine, recorder: Recorder, *messages: Inbound, now: datetime | None = None) -> BatchResult:
    with Session(engine) as session:
        result = apply_batch(session, messages, registry=recorder.registry(), now=now or datetime.now(UTC))
        session.commit()
    return result


def count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(sa.func.count()).select_from(table)).one())


def acks_of(result: BatchResult, device: str) -> tuple[list[UUID], list[UUID]]:
    committed: list[UUID] = []
    rejected: list[UUID] = []
    for out in result.outbound:
        if out.topic == topics.acks(device):
            acks = decode_acks(out.payload)
            committed += acks.committed
            rejected += acks.rejected
    return committed, rejected


def replies_of(result: BatchResult, device: str) -> list[bytes]:
    return [o.payload for o in result.outbound if o.topic == topics.replies(device)]


def test_each_event_applied_once_across_batches_and_within_a_batch(
    engine: Engine, recorder: Recorder
) -> None:
    seen = [ev.sighting(barcode=f"VV{i:06d}") for i in range(1, 6)]
    first = run(engine, recorder, ev.inbound(*seen), ev.inbound(seen[0]))
    again = run(engine, recorder, ev.inbound(*seen[2:]))

    assert [event_id for _k, event_id in recorder.applied] == [e.event_id for e in seen]
    assert count(engine, EventLog) == 5
    assert first.stats.duplicates == 1
    assert again.stats.duplicates == 3
    # Duplicates are acknowledged again: the device must be able to clear its outbox.
    assert acks_of(first, "handheld-01")[0] == [e.event_id for e in seen] + [seen[0].event_id]
    assert acks_of(again, "handheld-01")[0] == [e.event_id for e in seen[2:]]


def test_retried_request_gets_the_same_stored_reply_and_no_second_effect(
    engine: Engine, recorder: Recorder
) -> None:
    request = ev.checkout(session_id=uuid4())
    first = run(engine, recorder, ev.inbound(request))
    retried = run(engine, recorder, ev.inbound(request))

    assert recorder.applied == [("circ.checkout", request.event_id)]
    assert replies_of(first, "kiosk-01") == replies_of(retried, "kiosk-01")
    reply = decode_reply(replies_of(first, "kiosk-01")[0])
    assert reply.request_id == request.event_id
    assert reply.correlation_id == request.correlation_id
    with Session(engine) as session:
        row = session.get(EventLog, request.event_id)
        assert row is not None
        assert row.result_code == "ok"


def test_observations_before_a_request_are_applied_before_it(engine: Engine, recorder: Recorder) -> None:
    a, b = ev.sighting(device="kiosk-01"), ev.sighting(device="kiosk-01")
    request = ev.checkin(device="kiosk-01")
    c = ev.sighting(device="kiosk-01")
    run(engine, recorder, ev.inbound(a, b, request, c))
    assert [i for _k, i in recorder.applied] == [a.event_id, b.event_id, request.event_id, c.event_id]


def test_bad_input_is_dead_lettered_never_raised(engine: Engine, recorder: Recorder) -> None:
    good = ev.sighting(device="kiosk-01")
    login = ev.login(pin="9876")
    wrong_version = orjson.loads(ev.inbound(ev.sighting(device="kiosk-01")).payload) | {"v": 99}
    bad_login = orjson.loads(ev.inbound(login).payload)
    bad_login["payload"]["card_number"] = "not a card!"
    messages = [
        ev.raw("kiosk-01", b"{not json"),
        ev.raw("kiosk-01", b"[]"),
        ev.raw("kiosk-01", b"x" * (64 * 1024 + 1)),
        ev.raw("kiosk-01", orjson.dumps(wrong_version)),
        ev.raw("kiosk-01", orjson.dumps(bad_login)),
        ev.raw("kiosk-01", orjson.dumps({"kind": "gate.teleport", "v": 1})),
        ev.inbound(ev.sighting(device="kiosk-02"), topic=topics.events("kiosk-01")),
        ev.inbound(good),
    ]
    result = run(engine, recorder, *messages)

    assert recorder.applied == [("item.seen", good.event_id)]
    assert result.stats.rejected == {
        "bad_json": 1,
        "not_an_event": 1,
        "too_large": 1,
        "unsupported_version": 1,
        "schema_error": 1,
        "unknown_kind": 1,
        "device_mismatch": 1,
    }
    assert count(engine, DeadLetter) == 7
    committed, rejected = acks_of(result, "kiosk-01")
    assert committed == [good.event_id]
    assert set(rejected) == {UUID(wrong_version["event_id"]), login.event_id, UUID(_id_of(messages[6]))}
    # The unreadable login is answered, so the kiosk does not wait for nothing…
    (answer,) = [decode_reply(p) for p in replies_of(result, "kiosk-01")]
    assert answer.KIND == "request.rejected"
    assert answer.decision.code is ReasonCode.INVALID_REQUEST
    assert answer.request_id == login.event_id
    # …and its PIN is not kept anywhere.
    with Session(engine) as session:
        stored = b"".join(d.raw for d in session.exec(select(DeadLetter)))
    assert b"9876" not in stored
    assert b'"pin":"***"' in stored


def test_a_batch_with_one_bad_element_applies_the_rest_and_dead_letters_that_element_alone(
    engine: Engine, recorder: Recorder
) -> None:
    first, last = ev.sighting(device="kiosk-01"), ev.sighting(device="kiosk-01")
    login = ev.login(pin="9876")
    elements = [orjson.loads(encode_event(e)) for e in (first, login, last)]
    bad = elements[1]
    bad["payload"]["card_number"] = "not a card!"
    batch = ev.raw("kiosk-01", orjson.dumps(elements))
    result = run(engine, recorder, batch)

    assert recorder.applied == [("item.seen", first.event_id), ("item.seen", last.event_id)]
    assert acks_of(result, "kiosk-01") == ([first.event_id, last.event_id], [login.event_id])
    (answer,) = [decode_reply(p) for p in replies_of(result, "kiosk-01")]
    assert (answer.KIND, answer.request_id) == ("request.rejected", login.event_id)
    with Session(engine) as session:
        (dead,) = session.exec(select(DeadLetter)).all()
    assert (dead.reason, dead.event_id, dead.batch_index, dead.batch_size) == (
        "schema_error",
        login.event_id,
        1,
        3,
    )
    assert dead.detail.startswith("payload.card_number")
    # The dead letter holds the refused element only, its PIN scrubbed: not the events applied beside it.
    assert orjson.loads(dead.raw) == bad | {"payload": bad["payload"] | {"pin": "***"}}

    again = run(engine, recorder, batch)  # the same batch once more: nothing applied twice
    assert len(recorder.applied) == 2
    assert again.stats.duplicates == 2
    assert count(engine, EventLog) == 2


def test_whole_messages_are_dead_lettered_whole(engine: Engine, recorder: Recorder) -> None:
    """What cannot be read as a batch has no elements to tell apart: the message is kept as it came."""
    result = run(engine, recorder, ev.raw("kiosk-01", b"[{not json"), ev.raw("kiosk-01", b"[]"))
    assert result.stats.rejected == {"bad_json": 1, "not_an_event": 1}
    with Session(engine) as session:
        dead = session.exec(select(DeadLetter).order_by(DeadLetter.id)).all()  # type: ignore[arg-type]
    assert [(d.raw, d.batch_index, d.batch_size) for d in dead] == [
        (b"[{not json", None, None),
        (b"[]", None, None),
    ]


def _id_of(message: Inbound) -> str:
    document = orjson.loads(message.payload)
    return str(document["event_id"])


def test_pin_never_reaches_the_event_log(engine: Engine, recorder: Recorder) -> None:
    login = ev.login(pin="4321")
    run(engine, recorder, ev.inbound(login))
    with engine.connect() as conn:
        dumped = repr(conn.execute(sa.text("SELECT * FROM event_log")).all())
    assert "4321" not in dumped
    assert "SV2100001" in dumped


def test_sequence_gaps_are_counted_and_late_fills_noticed(engine: Engine, recorder: Recorder) -> None:
    events = {n: ev.sighting(device="gate-01", seq=n) for n in (1, 2, 5, 3, 4, 6)}
    run(engine, recorder, ev.inbound(events[1], events[2], events[5]))
    run(engine, recorder, ev.inbound(events[3], events[4], events[6]))
    with Session(engine) as session:
        device = session.get(Device, "gate-01")
    assert device is not None
    assert (device.high_seq, device.seq_gaps, device.seq_gap_fills, device.events_total) == (6, 2, 2, 6)


def _status(device: str, state: DeviceState, last_seq: int | None) -> Inbound:
    status = DeviceStatus(
        device_id=device, device_kind=DeviceKind.GATE, state=state, at=datetime.now(UTC), last_seq=last_seq
    )
    return Inbound(topics.status(device), status.model_dump_json().encode(), datetime.now(UTC))


def test_a_lost_tail_shows_against_the_devices_own_last_seq(engine: Engine, recorder: Recorder) -> None:
    """No later event reveals the last events a device sent before going quiet: its status does."""
    events = {n: ev.sighting(device="gate-01", seq=n) for n in range(1, 7)}
    run(
        engine,
        recorder,
        ev.inbound(events[1], events[2], events[4]),
        _status("gate-01", DeviceState.ONLINE, 6),
    )
    # The last will is composed at connect and carries no last_seq: what the device said before still holds.
    run(engine, recorder, _status("gate-01", DeviceState.OFFLINE, None))

    def gaps() -> tuple[int, list[tuple[int, int]]]:
        with Session(engine) as session:
            view = devices.get_device(session, [], "gate-01")
            found = devices.sequence_gaps(session, [], "gate-01")
        assert view.open_gaps == sum(g.missing for g in found.gaps)
        return view.missing_tail, [(g.first_missing, g.last_missing) for g in found.gaps]

    assert gaps() == (2, [(3, 3), (5, 6)])
    run(engine, recorder, ev.inbound(events[5], events[6]))  # the tail arrives after all
    assert gaps() == (0, [(3, 3)])
    run(engine, recorder, ev.inbound(events[3]))
    assert gaps() == (0, [])


def test_requests_queued_too_long_have_no_effect_but_returns_still_count(
    engine: Engine, recorder: Recorder
) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    stale_checkout = ev.checkout(session_id=uuid4(), occurred_at=long_ago)
    late_return = ev.checkin(occurred_at=long_ago)
    result = run(engine, recorder, ev.inbound(stale_checkout, late_return))

    assert recorder.applied == [("circ.checkin", late_return.event_id)]
    codes = [decode_reply(p).decision.code for p in replies_of(result, "kiosk-01")]
    assert codes == [ReasonCode.REQUEST_EXPIRED, ReasonCode.OK]


def test_device_status_is_recorded(engine: Engine, recorder: Recorder) -> None:
    status = DeviceStatus(
        device_id="kiosk-02",
        device_kind=DeviceKind.KIOSK,
        state=DeviceState.ONLINE,
        at=datetime.now(UTC),
        outbox_pending=3,
    )
    message = Inbound(topics.status("kiosk-02"), status.model_dump_json().encode(), datetime.now(UTC))
    spoofed = Inbound(topics.status("kiosk-01"), status.model_dump_json().encode(), datetime.now(UTC))
    result = run(
        engine, recorder, message, spoofed, Inbound(topics.status("gate-01"), b"", datetime.now(UTC))
    )
    assert result.stats.statuses == 1
    with Session(engine) as session:
        device = session.get(Device, "kiosk-02")
        assert device is not None
        assert device.state == "online"
        assert device.device_kind == "kiosk"
        assert session.get(Device, "kiosk-01") is None
