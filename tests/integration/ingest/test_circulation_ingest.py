"""Kiosk requests through the real ingest handlers and circulation services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from contract import topics
from contract.codec import decode_reply
from contract.events import EventEnvelope
from contract.replies import CheckinResult, CheckoutResult, PatronLoginResult, ReasonCode, ReplyBase
from server.db.tables import Item, Loan
from server.ingest.handlers import build_registry
from server.ingest.messages import BatchResult
from server.ingest.pipeline import apply_batch
from server.services import context
from server.settings import REPO_CONFIG_DIR, ServerSettings
from tests.support import events as ev
from tests.support import factories as make

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # a Monday morning in Hồ Chí Minh City


@pytest.fixture
def settings(tmp_path: Path) -> ServerSettings:
    return ServerSettings(data_dir=tmp_path, config_dir=REPO_CONFIG_DIR, _env_file=None)


@pytest.fixture
def library(engine: Engine) -> dict[str, str]:
    with Session(engine, expire_on_commit=False) as session:
        patron = make.patron(session, category="undergraduate")
        book = make.item(session)
        session.commit()
        return {"card": patron.card_number, "barcode": book.barcode, "tag": book.tag_uid or ""}


def apply(
    engine: Engine, settings: ServerSettings, *events: EventEnvelope, now: datetime = NOW
) -> BatchResult:
    with Session(engine) as session:
        result = apply_batch(
            session,
            [ev.inbound(*events)],
            registry=build_registry(settings, context.build(settings)),
            now=now,
        )
        session.commit()
    return result


def replies(result: BatchResult) -> list[ReplyBase]:
    return [decode_reply(o.payload) for o in result.outbound if o.topic == topics.replies("kiosk-01")]


def test_kiosk_session_checkout_retry_and_return(
    engine: Engine, settings: ServerSettings, library: dict[str, str]
) -> None:
    login = ev.login(card=library["card"], pin=make.DEFAULT_PIN)
    (signed_in,) = replies(apply(engine, settings, _at(login, NOW)))
    assert isinstance(signed_in, PatronLoginResult)
    assert signed_in.decision.code is ReasonCode.OK
    assert signed_in.session_id is not None
    assert signed_in.patron is not None

    checkout = _at(ev.checkout(barcode=library["barcode"], session_id=signed_in.session_id), NOW)
    (first,) = replies(apply(engine, settings, checkout))
    (retried,) = replies(apply(engine, settings, checkout, now=NOW + timedelta(seconds=5)))
    assert isinstance(first, CheckoutResult)
    assert first.decision.code is ReasonCode.OK
    assert first.security == "unsecure"
    assert retried == first  # the same stored answer…
    with Session(engine) as session:  # …and one loan, not two
        assert session.execute(sa.select(sa.func.count()).select_from(Loan)).scalar_one() == 1

    back = ev.checkin(barcode=library["barcode"], occurred_at=NOW + timedelta(days=3))
    (returned,) = replies(apply(engine, settings, back, now=NOW + timedelta(days=3)))
    assert isinstance(returned, CheckinResult)
    assert returned.decision.code is ReasonCode.OK
    assert returned.security == "secure"


def test_wrong_pin_is_a_decision_not_an_error(
    engine: Engine, settings: ServerSettings, library: dict[str, str]
) -> None:
    (answer,) = replies(apply(engine, settings, _at(ev.login(card=library["card"], pin="0000"), NOW)))
    assert answer.decision.code is ReasonCode.WRONG_PIN
    assert answer.decision.message.vi
    assert answer.decision.message.en


def test_sightings_move_last_seen(engine: Engine, settings: ServerSettings, library: dict[str, str]) -> None:
    apply(engine, settings, ev.sighting(barcode=library["barcode"]), ev.sighting(barcode="VV999999"))
    with Session(engine) as session:
        item = session.execute(sa.select(Item).where(col(Item.barcode) == library["barcode"])).scalar_one()
        assert item.last_seen_at is not None


def _at(event: EventEnvelope, when: datetime) -> EventEnvelope:
    return event.model_copy(update={"occurred_at": when})
