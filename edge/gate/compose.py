"""Composing a gate agent on an `AgentHost`: the same composition for the real gate and the simulated one,
which differ only in where the reader and the counter are plugged in.

    with AgentHost(settings) as host:
        finished = host.run(hardware_gate(host, load_gate_config(settings.device_id)))
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from devices.counter.driver import PeopleCounter
from devices.counter.profiles import get_counter_profile
from devices.errors import TransportError
from devices.feig.driver import FeigReader
from devices.feig.profiles import get_profile
from devices.rfid.gate import GateMonitor
from devices.rfid.gate_rule import AlarmPolicy
from devices.rfid.security import SecuritySettings
from devices.tagdata.settings import TagDataSettings
from devices.transport.serial_port import SerialSettings, SerialTransport, line_settings
from edge.gate.agent import GateAgent
from edge.gate.settings import GateConfig, GateConfigError, read_our_uids
from edge.gate.tally import GateTally
from edge.host import AgentHost

log = logging.getLogger(__name__)


def compose_gate(
    host: AgentHost,
    reader: FeigReader,
    counter: PeopleCounter | None,
    config: GateConfig,
    *,
    security: SecuritySettings | None = None,
    tag_data: TagDataSettings | None = None,
) -> GateAgent:
    """The gate agent over these parts; their counters (and the gate's own) go into the device's status as
    `peripherals.reader`, `peripherals.counter` and `peripherals.gate`."""
    security = security or SecuritySettings.from_toml()
    tag_data = tag_data or TagDataSettings.from_toml()
    our_uids = read_our_uids(config.our_uids_file) if config.our_uids_file else frozenset()
    monitor = GateMonitor(
        reader, AlarmPolicy(security, our_uids), tag_data, read_budget_s=config.read_budget_s
    )
    lanes, modulus = (counter.profile.lanes, counter.profile.modulus) if counter is not None else (0, 1)
    tally = GateTally(lanes=lanes, modulus=modulus, reversed_lanes=config.reversed_lanes)
    agent = GateAgent(
        host.runtime,
        monitor,
        tally,
        counter=counter,
        footfall_period_s=config.footfall_period_s,
        reader_lane=config.reader_lane,
    )
    host.attach("reader", reader)
    if counter is not None:
        host.attach("counter", counter)
    host.attach("gate", agent)
    return agent


@contextmanager
def opened(reader: FeigReader) -> Iterator[FeigReader]:
    """The reader, opened if it can be: one not plugged in yet is not an error (the transport keeps trying,
    and the status says it is not connected)."""
    try:
        reader.open()
    except TransportError as exc:
        log.warning("reader %s not available yet: %s", reader.transport.description, exc)
    try:
        yield reader
    finally:
        reader.close()


def hardware_gate(host: AgentHost, config: GateConfig) -> GateAgent:
    """The gate on its real serial ports (config/gates.toml)."""
    if not config.reader_port:
        raise GateConfigError(f"[gates.{config.device_id}] names no reader_port")
    profile = get_profile(config.reader_profile)
    reader = host.hold(opened(FeigReader(SerialTransport(SerialSettings(config.reader_port)), profile)))
    counter: PeopleCounter | None = None
    if config.counter_port:
        counter_profile = get_counter_profile(config.counter_profile)
        transport = SerialTransport(line_settings(config.counter_port, counter_profile))
        counter = host.hold(PeopleCounter(transport, counter_profile))
    return compose_gate(host, reader, counter, config)
