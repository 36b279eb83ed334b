"""Offline lending against the running server, end to end: a kiosk that lent and took back books while it
could not reach the server sends what it did through the broker; the server stores it, applies it once
arrivals settle, and lists what the rules would not have allowed. In Chromium, worked from the keyboard, a
librarian finds the count on the dashboard, opens the queue from the header and settles an exception with
a note; an assistant sees the queue but cannot settle. Both languages: all Vietnamese, axe-core clean, no
console error — and the screenshots. And a kiosk gets the offline list from the running server, retained."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from contract import topics
from contract.mqtt import Connection
from contract.offline import SHARDS, OfflineReaderShard, shard_of
from server.db.tables.offline import OfflineException
from tests.support import events as ev
from tests.support import factories as make
from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated
from tests.support.mqtt_device import TestDevice
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

LANGS = ("vi", "en")
KIOSK = "kiosk-02"


def _look(screen: Screen, name: str) -> None:
    page = screen.page
    for lang in LANGS:
        switch_language(page, lang)
        if lang == "vi":
            assert untranslated(screen) == [], name
        assert_axe_clean(screen)
        screen.screenshot(name, lang)
    switch_language(page, "vi")


def _open_exceptions(server: ConsoleServer) -> int:
    with server.db() as session:
        query = sa.select(sa.func.count()).select_from(OfflineException).where(sa.text("settled_at IS NULL"))
        return int(session.execute(query).scalar_one())


@pytest.fixture(scope="module")
def offline_morning(console_server: ConsoleServer) -> dict[str, str]:
    """This morning kiosk-02 could not reach the server: it lent a book to a reader blocked meanwhile,
    lent one that was still on loan to another reader, lent one to a card nobody has, and took one back."""
    now = datetime.now(UTC)
    with console_server.db() as session:
        blocked, other, returning = make.patron(session), make.patron(session), make.patron(session)
        make.block(session, blocked)
        record = make.record(session, title="Số đỏ")
        make.item(session, record, barcode="OFL-000001")
        second = make.item(session, record, barcode="OFL-000002")
        back = make.item(session, make.record(session, title="Vang bóng một thời"), barcode="OFL-000003")
        make.loan(
            session, second, other, due_at=now - timedelta(days=2), checked_out_at=now - timedelta(days=16)
        )
        make.loan(
            session, back, returning, due_at=now + timedelta(days=5), checked_out_at=now - timedelta(days=9)
        )
        session.commit()
        cards = {"blocked": blocked.card_number, "other": other.card_number}
    before = _open_exceptions(console_server)
    early = now - timedelta(hours=2)
    events = [
        ev.offline_checkout(KIOSK, cards["blocked"], "OFL-000001", occurred_at=early),
        ev.offline_checkout(KIOSK, cards["blocked"], "OFL-000002", occurred_at=early + timedelta(minutes=1)),
        ev.offline_checkout(KIOSK, "SV2199999", "OFL-000001", occurred_at=early + timedelta(minutes=2)),
        ev.offline_checkin(KIOSK, "OFL-000003", occurred_at=early + timedelta(minutes=3)),
    ]
    device = TestDevice(console_server.broker, KIOSK)
    try:
        device.publish(ev.inbound(*events).payload)
        stored = {str(event.event_id) for event in events}
        wait_until(lambda: stored <= set(device.acked), timeout=20, message="the server did not store them")
    finally:
        device.close()
    # Applied once the newest arrival has waited `offline_settle_s` (3 s): blocked ×2, returned unrecorded,
    # unknown card.
    wait_until(lambda: _open_exceptions(console_server) == before + 4, timeout=30, message="not applied")
    return cards


@pytest.mark.usefixtures("offline_morning")
def test_the_queue_from_the_dashboard_and_settling_from_the_keyboard(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/"))
    figure = page.locator('[data-figure="offline-exceptions"]')
    expect(figure).to_contain_text("Mở danh sách")
    page.get_by_role("link", name="Ngoại tuyến", exact=True).click()
    expect(page.locator("h1")).to_have_text("Mượn trả ngoại tuyến")
    rows = page.locator("#offline-exceptions tbody tr")
    expect(rows.first).to_be_visible()
    reasons = rows.evaluate_all("rows => rows.map(r => r.dataset.reason)")
    assert {"reader_blocked", "returned_unrecorded", "unknown_card"} <= set(reasons)
    expect(page.locator('#offline-exceptions tr[data-reason="unknown_card"]').first).to_contain_text(
        "Thẻ không phải thẻ bạn đọc"
    )
    _look(screen, "console-offline")

    row = page.locator('#offline-exceptions tr[data-reason="returned_unrecorded"]').first
    row.locator("input[name=note]").focus()
    page.keyboard.type("Đã gọi bạn đọc trước, sách đã trả từ hôm qua")
    row.locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".alert")).to_contain_text("Ngoại lệ đã được xử lý xong.")
    expect(page.locator('#offline-exceptions tr[data-reason="returned_unrecorded"]')).to_have_count(0)

    page.get_by_role("link", name="Đã xử lý").click()
    settled = page.locator('#offline-exceptions tr[data-reason="returned_unrecorded"]')
    expect(settled).to_contain_text("Đã gọi bạn đọc trước")
    _look(screen, "console-offline-settled")
    assert_clean(screen)


@pytest.mark.usefixtures("offline_morning")
def test_an_assistant_sees_the_queue_but_a_librarian_settles(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("assistant")
    page = screen.page
    page.goto(console_server.url("/offline"))
    expect(page.locator("#offline-exceptions tbody tr").first).to_contain_text("Thủ thư sẽ xử lý.")
    expect(page.locator("form.offline-settle")).to_have_count(0)
    assert_clean(screen)


def test_a_kiosk_gets_the_offline_list_from_the_running_server(console_server: ConsoleServer) -> None:
    """Every shard, retained: a kiosk that connects now gets them all at once, with the seeded readers (what
    each reader's entry says is tested in tests/integration/services/test_offline_list.py)."""
    shards: dict[int, OfflineReaderShard] = {}
    arrived = threading.Condition()
    conn = Connection(
        console_server.broker.endpoint("kiosk-01"), client_id="kiosk-01-list", session_expiry_s=0
    )

    def on_connect(client: mqtt.Client, *_: Any) -> None:
        client.subscribe(topics.ALL_OFFLINE_READERS, qos=1)

    def on_message(_c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        shard = OfflineReaderShard.model_validate(orjson.loads(message.payload))
        with arrived:
            shards[shard.shard] = shard
            arrived.notify_all()

    conn.client.on_connect, conn.client.on_message = on_connect, on_message
    conn.connect_async()
    conn.client.loop_start()
    try:
        with arrived:
            assert arrived.wait_for(lambda: len(shards) == SHARDS, 20), f"{len(shards)} shards"
    finally:
        conn.client.disconnect()
        conn.stop_loop()
    readers = [(shard.shard, reader) for shard in shards.values() for reader in shard.readers]
    assert len(readers) >= 20  # `stacks seed --patrons 20`, and those tests added
    assert all(shard_of(reader.card_number) == at for at, reader in readers)
    assert all((reader.pin_hash or "$argon2id$").startswith("$argon2id$") for _, reader in readers)
