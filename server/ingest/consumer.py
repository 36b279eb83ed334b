"""The server's MQTT session and the worker that commits batches.

paho's network thread only queues messages. One worker thread takes whatever has arrived (up to
`ingest_batch_max`), applies it in one transaction, commits, and only then acknowledges each message to the
broker (manual PUBACK) and publishes replies and end-to-end acks. If the server dies before the commit, the
broker still holds the messages in the persistent session (clean_start=False) and redelivers them; the event
log's primary key makes the redelivery harmless.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import sqlalchemy.exc
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract import topics
from contract.codec import RejectReason
from contract.mqtt import Connection, MqttEndpoint, Will
from contract.status import DeviceKind, DeviceState, DeviceStatus
from server.ingest import metrics
from server.ingest.messages import BatchResult, Inbound, batch_parts
from server.ingest.periodic import Periodic
from server.ingest.pipeline import apply_batch, reject_message
from server.ingest.registry import HandlerRegistry
from server.settings import ServerSettings

log = logging.getLogger(__name__)

# Errors that mean "the database is not reachable right now": keep the batch unacknowledged and retry.
_UNAVAILABLE = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)
_MAX_RETRY_DELAY_S = 30.0


@dataclass(frozen=True, slots=True)
class _AckHandle:
    mid: int
    qos: int
    generation: int  # which connection delivered it: message ids restart with every connection


class IngestConsumer:
    def __init__(
        self,
        settings: ServerSettings,
        engine: Engine,
        registry: HandlerRegistry,
        on_commit: Callable[[], None] | None = None,
        periodic: Sequence[Periodic] = (),
    ) -> None:
        """`on_commit` is called after each commit, on the worker thread (the console's live feed).
        `periodic`: the server's own work every few seconds (offline lending), on the worker thread between
        batches, so it never runs alongside a batch's transaction."""
        self._settings = settings
        self._engine = engine
        self._registry = registry
        self._on_commit = on_commit
        self._periodic = tuple(periodic)
        self._queue: queue.SimpleQueue[Inbound] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._ack_lock = threading.Lock()
        self._generation = 0
        self._connected = threading.Event()
        self._worker: threading.Thread | None = None
        self.started_at = datetime.now(UTC)
        self.last_commit_at: datetime | None = None
        password = settings.mqtt_password.get_secret_value() if settings.mqtt_password else None
        endpoint = MqttEndpoint.from_url(
            settings.mqtt_url, settings.mqtt_username, password, settings.mqtt_protocol
        )
        self._conn = Connection(
            endpoint,
            client_id=settings.mqtt_client_id,
            session_expiry_s=settings.mqtt_session_expiry_s,
            manual_ack=True,
            receive_maximum=settings.ingest_receive_max,
            will=Will(topics.SERVER_STATUS, self._status(DeviceState.OFFLINE)),
        )
        client = self._conn.client
        client.on_connect = self._on_connect
        client.on_subscribe = self._on_subscribe
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message

    # ---- lifecycle --------------------------------------------------------------------------------------

    def start(self) -> None:
        self._worker = threading.Thread(target=self._work, name="ingest-worker", daemon=True)
        self._worker.start()
        self._conn.connect_async()
        self._conn.client.loop_start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._worker is not None:
            self._worker.join(timeout)
        client = self._conn.client
        if self._connected.is_set():
            info = client.publish(topics.SERVER_STATUS, self._status(DeviceState.OFFLINE), qos=1, retain=True)
            info.wait_for_publish(2)
        client.disconnect()
        self._conn.stop_loop()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def send_command(self, device_id: str, payload: bytes) -> bool:
        """Publish a command on the device's commands topic (QoS 1, not retained: a command is for now).
        False when the broker cannot be reached: the caller says so rather than wait."""
        if not self._connected.is_set():
            return False
        info = self._conn.client.publish(topics.commands(device_id), payload, qos=1)
        return info.rc == mqtt.MQTT_ERR_SUCCESS

    # ---- paho callbacks (network thread) -----------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.error("broker refused the server's connection: %s", reason)
            return
        with self._ack_lock:
            self._generation += 1
        client.subscribe([(topics.ALL_DEVICE_EVENTS, 1), (topics.ALL_DEVICE_STATUS, 1)])

    def _on_subscribe(self, client: mqtt.Client, _u: Any, _mid: int, reasons: Any, _p: Any) -> None:
        # Connected means subscribed: with a new session the broker drops what devices publish before the
        # subscription is granted, so nothing may be told "ready" before the SUBACK.
        if any(reason.is_failure for reason in reasons):
            log.error("broker refused the server's subscription: %s", reasons)
            return
        client.publish(topics.SERVER_STATUS, self._status(DeviceState.ONLINE), qos=1, retain=True)
        for work in self._periodic:
            work.reconnected()
        self._connected.set()
        metrics.CONNECTED.set(1)
        log.info("ingest connected to %s:%d", self._conn.endpoint.host, self._conn.endpoint.port)

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self._connected.clear()
        metrics.CONNECTED.set(0)
        if not self._stopping.is_set():
            log.warning("ingest disconnected from the broker (%s); reconnecting", reason)

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        handle = _AckHandle(message.mid, message.qos, self._generation)
        self._queue.put(Inbound(message.topic, bytes(message.payload), datetime.now(UTC), handle))

    # ---- worker thread -----------------------------------------------------------------------------------

    def _work(self) -> None:
        while not self._stopping.is_set():
            self._run_periodic()
            try:
                first = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = [first]
            size = len(first.payload)
            settings = self._settings
            while len(batch) < settings.ingest_batch_max and size < settings.ingest_batch_max_bytes:
                try:
                    message = self._queue.get_nowait()
                except queue.Empty:
                    break
                batch.append(message)
                size += len(message.payload)
            metrics.QUEUE_DEPTH.set(self._queue.qsize())
            self._commit_with_retry(batch)

    def _run_periodic(self) -> None:
        for work in self._periodic:
            if work.due(time.monotonic()):
                work.run(self._publish_retained if self._connected.is_set() else None)

    def _publish_retained(self, topic: str, payload: bytes) -> None:
        self._conn.client.publish(topic, payload, qos=1, retain=True)

    def _commit_with_retry(self, batch: list[Inbound]) -> None:
        delay = 0.5
        while True:
            try:
                started = time.perf_counter()
                result = self._commit(batch)
                metrics.BATCH_SECONDS.observe(time.perf_counter() - started)
                metrics.BATCH_SIZE.observe(len(batch))
                self._acknowledge(batch, result)
                return
            except _UNAVAILABLE as exc:
                if self._stopping.is_set():
                    return  # unacknowledged: the broker redelivers them to the next server
                metrics.RETRIES.inc()
                log.warning(
                    "database unavailable (%s); retrying %d messages in %.1f s", exc, len(batch), delay
                )
                self._stopping.wait(delay)  # a stop does not wait out the backoff
                delay = min(delay * 2, _MAX_RETRY_DELAY_S)
            except Exception:
                log.exception("batch of %d messages failed; applying them one by one", len(batch))
                metrics.ISOLATIONS.inc()
                self._isolate(batch)
                return

    def _commit(self, batch: Sequence[Inbound]) -> BatchResult:
        return self._transaction(
            lambda session: apply_batch(session, batch, registry=self._registry, now=datetime.now(UTC))
        )

    def _transaction(self, work: Callable[[Session], BatchResult]) -> BatchResult:
        with Session(self._engine) as session:
            result = work(session)
            session.commit()
        self.last_commit_at = datetime.now(UTC)
        if self._on_commit is not None:
            self._on_commit()
        return result

    def _isolate(self, batch: list[Inbound]) -> None:
        """One transaction per message, so one poisonous message cannot hold back the others."""
        for message in batch:
            self._apply_alone(message)

    def _apply_alone(self, message: Inbound) -> None:
        try:
            self._acknowledge([message], self._commit([message]))
            return
        except _UNAVAILABLE:
            self._commit_with_retry([message])
            return
        except Exception as exc:
            failure = exc
        parts = batch_parts(message) or [message]
        if len(parts) > 1:
            # One event at a time: a bad event must not take the rest of its batch down with it.
            for part in parts:
                self._apply_alone(part)
            self._acknowledge([message], BatchResult())
            return
        # The message text stays out of the log: it may hold a PIN. The database layer hides parameters.
        log.error("%s: an event cannot be applied; dead-lettered", message.topic, exc_info=failure)
        detail = f"could not be applied: {type(failure).__name__}"
        result = self._transaction(
            lambda session: reject_message(
                session,
                message,
                registry=self._registry,
                now=datetime.now(UTC),
                reason=RejectReason.APPLY_ERROR,
                detail=detail,
            )
        )
        self._acknowledge([message], result)

    def _acknowledge(self, batch: Sequence[Inbound], result: BatchResult) -> None:
        """After the commit: PUBACK every message, then answer and confirm to the devices."""
        client = self._conn.client
        with self._ack_lock:
            for message in batch:
                handle = message.ack_handle
                if (
                    isinstance(handle, _AckHandle)
                    and handle.qos > 0
                    and handle.generation == self._generation
                ):
                    client.ack(handle.mid, handle.qos)
        for out in result.outbound:
            client.publish(out.topic, out.payload, qos=1, retain=out.retain)
        self._count(result)

    @staticmethod
    def _count(result: BatchResult) -> None:
        stats = result.stats
        metrics.MESSAGES.inc(stats.messages)
        for kind, n in stats.applied.items():
            metrics.EVENTS.labels(kind, "applied").inc(n)
        if stats.duplicates:
            metrics.EVENTS.labels("any", "duplicate").inc(stats.duplicates)
        for reason, n in stats.rejected.items():
            metrics.DEAD_LETTERS.labels(reason).inc(n)
        if stats.seq_gaps:
            metrics.SEQ_GAPS.inc(stats.seq_gaps)
        if stats.seq_gap_fills:
            metrics.SEQ_GAP_FILLS.inc(stats.seq_gap_fills)

    def _status(self, state: DeviceState) -> bytes:
        status = DeviceStatus(
            device_id="server",
            device_kind=DeviceKind.SERVER,
            state=state,
            at=datetime.now(UTC),
            started_at=self.started_at,
        )
        return status.model_dump_json().encode()
