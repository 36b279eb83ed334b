"""The security gate's agent: alarms decided and sounded at the gate, footfall counted, both reported.

- `edge.gate.settings` — config/gates.toml (how each gate is wired) and the optional list of our UIDs
- `edge.gate.tally` — people in and out per lane, and tag passages by class, between footfall events
- `edge.gate.reports` — an alarm in the contract's words (`gate.alarm`)
- `edge.gate.agent` — `GateAgent`: the poll loop, the counter's thread, the events
- `edge.gate.compose` — the agent on an `AgentHost`, on real ports or on any reader and counter
"""
