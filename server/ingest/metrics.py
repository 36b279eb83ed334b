"""Prometheus metrics of the ingest (served at /metrics with everything else)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MESSAGES = Counter("stacks_ingest_messages_total", "MQTT messages taken from the broker.")
EVENTS = Counter("stacks_ingest_events_total", "Events by kind and outcome.", ["kind", "outcome"])
DEAD_LETTERS = Counter(
    "stacks_ingest_dead_letters_total", "Events or messages dead-lettered, by reason.", ["reason"]
)
SEQ_GAPS = Counter("stacks_ingest_seq_gaps_total", "Device sequence numbers found missing.")
SEQ_GAP_FILLS = Counter("stacks_ingest_seq_gap_fills_total", "Missing sequence numbers that arrived late.")
BATCH_SIZE = Histogram(
    "stacks_ingest_batch_messages",
    "Messages per committed batch.",
    buckets=(1, 2, 5, 10, 50, 100, 500, 1000, 2000),
)
BATCH_SECONDS = Histogram(
    "stacks_ingest_batch_seconds",
    "Time to apply and commit one batch.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
RETRIES = Counter("stacks_ingest_db_retries_total", "Batches retried because the database was unavailable.")
ISOLATIONS = Counter("stacks_ingest_isolations_total", "Batches re-run message by message after an error.")
QUEUE_DEPTH = Gauge("stacks_ingest_queue_depth", "Messages received and not yet committed.")
CONNECTED = Gauge("stacks_ingest_connected", "1 while the server's MQTT session is connected.")
