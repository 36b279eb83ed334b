"""The Stacks server: owns loans, reconciles stock-takes, flags items for weeding.

Layers: `domain` (pure rules) ← `services` (one transaction per request or message) ← `api` (REST) and
`ingest` (MQTT). Persistence lives in `db`.
"""
