"""The offline list kiosks lend from: every reader with a card, judged by the circulation rules, in shards
republished only when they change — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import orjson
from sqlmodel import Session

from contract.offline import SHARDS, OfflineReaderShard, shard_of
from server.services.context import CirculationContext
from server.services.offline_list import ShardPublisher, offline_readers
from tests.support import factories as make

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_each_reader_as_a_kiosk_needs_them(session: Session, circulation: CirculationContext) -> None:
    plain = make.patron(session, card_number="SV2100001")
    blocked = make.patron(session, card_number="SV2100002")
    make.block(session, blocked)
    owing = make.patron(session, card_number="SV2100003")
    make.fine(session, owing, 60000)  # over the 50,000 limit
    late = make.patron(session, card_number="SV2100004")
    make.loan(session, make.item(session), late, due_at=NOW - timedelta(days=1))
    make.loan(session, make.item(session), late, due_at=NOW + timedelta(days=1))
    locked = make.patron(session, card_number="SV2100005", pin_failures=circulation.pin_max_failures)
    expired = make.patron(session, card_number="SV2100006", expires_on=date(2026, 1, 31), pin=None)
    session.commit()
    readers = {r.card_number: r for r in offline_readers(session, circulation, now=NOW)}
    assert readers[plain.card_number].pin_hash == plain.pin_hash
    assert [readers[p.card_number].blocked for p in (plain, blocked, owing, late, locked, expired)] == [
        False,
        True,
        True,
        True,
        False,
        False,
    ]
    assert (readers[late.card_number].loans, readers[plain.card_number].loans) == (2, 0)
    assert [readers[p.card_number].pin_locked for p in (plain, locked)] == [False, True]
    assert readers[expired.card_number].expires_on == date(2026, 1, 31)
    assert readers[expired.card_number].pin_hash is None
    assert readers[plain.card_number].max_loans == 5  # the undergraduate category's limit
    assert readers[plain.card_number].category == "undergraduate"


def test_every_shard_first_then_only_those_that_changed(
    session: Session, circulation: CirculationContext
) -> None:
    reader = make.patron(session)
    session.commit()
    sent: dict[str, bytes] = {}

    def publish(topic: str, payload: bytes) -> None:
        sent[topic] = payload

    publisher = ShardPublisher()
    assert publisher.publish(session, circulation, publish, now=NOW) == SHARDS
    shard = OfflineReaderShard.model_validate(
        orjson.loads(sent[f"stacks/v1/offline/readers/{shard_of(reader.card_number)}"])
    )
    assert reader.card_number in [r.card_number for r in shard.readers]
    assert all(shard_of(r.card_number) == shard.shard for r in shard.readers)
    sent.clear()
    assert publisher.publish(session, circulation, publish, now=NOW + timedelta(minutes=1)) == 0
    make.block(session, reader)
    session.commit()
    assert publisher.publish(session, circulation, publish, now=NOW + timedelta(minutes=2)) == 1
    (topic,) = sent
    assert topic.endswith(f"/{shard_of(reader.card_number)}")
    changed = OfflineReaderShard.model_validate(orjson.loads(sent[topic]))
    assert next(r for r in changed.readers if r.card_number == reader.card_number).blocked
    publisher.forget()
    assert publisher.publish(session, circulation, publish, now=NOW + timedelta(minutes=3)) == SHARDS
