"""The server's periodic work for offline lending: applying what kiosks did offline once arrivals settle
(every second), and keeping the offline list the kiosks lend from fresh (its changed shards every
`offline_list_interval_s`, all of them at start and whenever the server reconnects to the broker)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.ingest.periodic import Periodic, Publish
from server.services.context import CirculationContext
from server.services.offline_apply import apply_pending
from server.services.offline_list import ShardPublisher
from server.settings import ServerSettings

log = logging.getLogger(__name__)

APPLY_EVERY_S = 1.0
# Chunks a turn: about a thousand transactions, a few seconds, and then the ingest has its turn (the kiosks'
# requests wait while the worker applies); the rest is applied at the next turn.
APPLY_CHUNKS = 4


def offline_work(
    settings: ServerSettings,
    engine: Engine,
    context: CirculationContext,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_applied: Callable[[], None] = lambda: None,
) -> list[Periodic]:
    settle = timedelta(seconds=settings.offline_settle_s)

    def apply(_publish: Publish | None) -> None:
        report = apply_pending(engine, context, now=clock(), settle=settle, max_chunks=APPLY_CHUNKS)
        if report.applied:
            log.info(
                "offline: %d transactions applied, %d exceptions, %d left for the next turn",
                report.applied,
                report.exceptions,
                report.waiting,
            )
            on_applied()

    publisher = ShardPublisher()

    def publish_list(publish: Publish | None) -> None:
        if publish is None:
            return  # published when the server connects
        with Session(engine) as session:
            sent = publisher.publish(session, context, publish, now=clock())
        if sent:
            log.info("offline list: %d shards published", sent)

    return [
        Periodic("offline apply", APPLY_EVERY_S, apply),
        Periodic("offline list", settings.offline_list_interval_s, publish_list, on_connect=publisher.forget),
    ]
