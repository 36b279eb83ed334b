"""The Stacks event contract, imported by both edge agents and the server (which never import each other).

- `contract.common` — shared value types (device ids, UTC timestamps, item references, bilingual text)
- `contract.events` — the event envelope and every event kind, versioned
- `contract.gate` — what a security gate reports: alarms and footfall
- `contract.replies` — what the server answers to request events, with reason codes
- `contract.status` — retained device status (birth, heartbeat, last will) and end-to-end acknowledgements
- `contract.topics` — the MQTT topic map
- `contract.codec` — bytes ⇄ models, size limits, classification of bad input, redaction of secrets
- `contract.config_files` — configuration files (TOML) into strict models, problems named by file and key
"""

CONTRACT_VERSION = 1
