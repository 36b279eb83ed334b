"""The edge runtime and the agents composed from it.

- `edge.settings` — `EdgeSettings`, one per agent process (`STACKS_*` environment variables)
- `edge.outbox` — the durable SQLite outbox: every event is on disk before `emit` returns
- `edge.window` — pure flow control: in-flight window, per-event re-send backoff, batching, server births
- `edge.sender` — the worker that moves events from the outbox to the broker and clears them on server acks
- `edge.handoff` — what other threads hand the sender, taken together and put back if a step fails
- `edge.link` — the MQTT connection: subscriptions, status (birth, heartbeat, last will), message dispatch
- `edge.requests` — request/response: replies matched to waiting requests, late replies delivered once
- `edge.runtime` — `EdgeRuntime`, the composition every agent is built on
- `edge.peripherals` — the device's readers and scanners, whose counters go into the status
- `edge.host` — `AgentHost`: start and stop, signals, the first connection, draining, status — for any agent
- `edge.kiosk` — the self-check kiosk: its session machine and its RFID pad
- `edge.gate` — the security gate: its agent, its tally of footfall and tag passages, its settings
- `edge.sim` — simulated patrons and the simulated library they borrow from; people walking through a gate
"""
