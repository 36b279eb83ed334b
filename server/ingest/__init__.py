"""MQTT ingest: every device event applied exactly once, in batches, acknowledged only after commit.

`pipeline.apply_batch` is the transaction (decode, dedupe by event id, apply, log, dead-letter); `consumer`
owns the MQTT session and the worker thread that commits batches, then acknowledges and answers.
"""
