"""Composing a tagging station's agent on an `AgentHost`: the same for the real pad and a simulated one,
which differ only in where the reader is plugged in.

    with AgentHost(settings) as host:
        finished = host.run(hardware_station(host, load_station_config(settings.device_id)))
"""

from __future__ import annotations

from devices.feig.driver import FeigReader
from devices.feig.profiles import get_profile
from devices.rfid.security import SecuritySettings
from devices.rfid.service import TagService
from devices.tagdata.settings import TagDataSettings
from devices.transport.serial_port import SerialSettings, SerialTransport
from edge.gate.compose import opened
from edge.host import AgentHost
from edge.station.agent import StationAgent
from edge.station.settings import StationConfig, StationConfigError


def compose_station(
    host: AgentHost,
    reader: FeigReader,
    config: StationConfig,
    *,
    security: SecuritySettings | None = None,
    tag_data: TagDataSettings | None = None,
) -> StationAgent:
    """The station's agent over its pad, subscribed to its orders; the reader's, the tag service's and
    the station's own counters go into the device's status (`peripherals.reader`, `.tags`, `.station`)."""
    service = TagService(
        reader, security or SecuritySettings.from_toml(), tag_data or TagDataSettings.from_toml()
    )
    agent = StationAgent(host.runtime, service, signals=reader, pad_wait_s=config.pad_wait_s)
    host.runtime.on_command = agent.take_order
    host.attach("reader", reader)
    host.attach("tags", service)
    host.attach("station", agent)
    return agent


def hardware_station(host: AgentHost, config: StationConfig) -> StationAgent:
    """The station on its real pad (config/stations.toml)."""
    if not config.pad_port:
        raise StationConfigError(f"[stations.{config.device_id}] names no pad_port")
    transport = SerialTransport(SerialSettings(config.pad_port))
    reader = host.hold(opened(FeigReader(transport, get_profile(config.pad_profile))))
    return compose_station(host, reader, config)
