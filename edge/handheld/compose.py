"""Composing a handheld on an `AgentHost`: the same composition for the real handheld and the simulated one,
which differ only in where the wand and the scanner are plugged in.

    with AgentHost(settings) as host:
        finished = host.run(hardware_handheld(host, load_handheld_config(settings.device_id), session_id=3))
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from devices.barcode.classify import load_rules
from devices.barcode.profiles import load_profile as load_scanner_profile
from devices.barcode.scanner import ScannerDriver, serial_settings
from devices.feig.driver import FeigReader
from devices.feig.profiles import get_profile
from devices.rfid.security import SecuritySettings
from devices.rfid.service import TagService
from devices.tagdata.settings import TagDataSettings
from devices.transport.serial_port import SerialSettings, SerialTransport
from edge.gate.compose import opened
from edge.handheld.agent import HandheldAgent
from edge.handheld.journal import Journal
from edge.handheld.screen import screen_app, serving
from edge.handheld.settings import HandheldConfig, HandheldConfigError
from edge.handheld.shelf_lists import ShelfLists
from edge.host import AgentHost
from edge.settings import EdgeSettings


class ScannerCounters:
    """The scanner's counters as a peripheral's (the driver keeps them as `stats`)."""

    def __init__(self, scanner: ScannerDriver) -> None:
        self._scanner = scanner

    def counters(self) -> dict[str, int | bool]:
        stats = self._scanner.stats
        return {
            "connected": stats.connected,
            "scans": stats.scans,
            "rejects": sum(stats.rejects.values()),
            "link_losses": stats.link_losses,
        }


@contextmanager
def scanner_opened(scanner: ScannerDriver) -> Iterator[ScannerDriver]:
    """The scanner, opened (one not plugged in yet is not an error: reading retries), closed after."""
    scanner.open()
    try:
        yield scanner
    finally:
        scanner.close()


log = logging.getLogger(__name__)


def journal_path(settings: EdgeSettings) -> Path:
    """Next to the outbox: the handheld's read cursor, shelf visit and decided events."""
    return settings.outbox_path.with_name("handheld.db")


def compose_handheld(
    host: AgentHost,
    reader: FeigReader,
    scanner: ScannerDriver | None,
    config: HandheldConfig,
    *,
    session_id: int,
    operator: str | None = None,
) -> HandheldAgent:
    """The handheld agent over these parts; their counters go into the device's status as
    `peripherals.reader`, `peripherals.wand`, `peripherals.scanner` and `peripherals.handheld`."""
    wand = TagService(reader, SecuritySettings.from_toml(), TagDataSettings.from_toml())
    journal = host.hold(closing(Journal(journal_path(host.settings))))
    lists = host.hold(closing(ShelfLists(journal_path(host.settings).with_name("shelf-lists.db"))))
    agent = HandheldAgent(
        host.runtime,
        journal,
        wand,
        session_id=session_id,
        scanner=scanner,
        lists=lists,
        operator=operator,
        shelf_label_prefix=config.shelf_label_prefix,
        scan_rules=load_rules(),
        inventory_pause_s=config.inventory_pause_s,
        flush_s=config.flush_s,
    )
    host.attach("reader", reader)
    host.attach("wand", wand)
    if scanner is not None:
        host.attach("scanner", ScannerCounters(scanner))
    host.attach("handheld", agent)
    if config.screen_port:
        url = host.hold(serving(screen_app(agent), port=config.screen_port))
        log.info("%s: its screen is on %s/", config.device_id, url)
    return agent


def hardware_handheld(
    host: AgentHost, config: HandheldConfig, *, session_id: int, operator: str | None = None
) -> HandheldAgent:
    """The handheld on its real serial ports (config/handhelds.toml)."""
    if not config.reader_port:
        raise HandheldConfigError(f"[handhelds.{config.device_id}] names no reader_port")
    profile = get_profile(config.reader_profile)
    reader = host.hold(opened(FeigReader(SerialTransport(SerialSettings(config.reader_port)), profile)))
    scanner: ScannerDriver | None = None
    if config.scanner_port:
        scanner_profile = load_scanner_profile(config.scanner_profile)
        transport = SerialTransport(serial_settings(config.scanner_port, scanner_profile))
        scanner = host.hold(scanner_opened(ScannerDriver(transport, scanner_profile)))
    return compose_handheld(host, reader, scanner, config, session_id=session_id, operator=operator)
