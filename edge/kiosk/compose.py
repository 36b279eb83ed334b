"""Composing a self-check kiosk on an `AgentHost`: the same composition for the kiosk on its real pad and
for one on the virtual reader (tests, demonstrations), which differ only in where the pad is plugged in.

    with AgentHost(settings) as host:
        finished = host.run(hardware_kiosk(host, load_kiosk_config(settings.device_id)))
"""

from __future__ import annotations

import logging

from devices.barcode.classify import load_rules
from devices.barcode.profiles import load_profile as load_scanner_profile
from devices.barcode.scanner import ScannerDriver, serial_settings
from devices.feig.driver import FeigReader
from devices.feig.profiles import get_profile
from devices.printer import EscPosPrinter, ReceiptPrinter, get_printer_profile
from devices.rfid.security import SecuritySettings
from devices.rfid.service import TagService
from devices.tagdata.settings import TagDataSettings
from devices.transport.serial_port import SerialSettings, SerialTransport, line_settings
from edge.gate.compose import opened
from edge.handheld.compose import ScannerCounters, scanner_opened
from edge.host import AgentHost
from edge.kiosk.agent import KioskAgent
from edge.kiosk.offline import LibraryDay
from edge.kiosk.offline_desk import OfflineDesk
from edge.kiosk.offline_kiosk import OfflineKiosk
from edge.kiosk.offline_list import OfflineList
from edge.kiosk.pad import RfidPad
from edge.kiosk.screen import screen_app, serving
from edge.kiosk.session import KioskSession
from edge.kiosk.settings import KioskConfig, KioskConfigError, load_library_day

log = logging.getLogger(__name__)


def compose_kiosk(
    host: AgentHost,
    pad: RfidPad,
    config: KioskConfig,
    printer: ReceiptPrinter | None = None,
    scanner: ScannerDriver | None = None,
    *,
    library_day: LibraryDay | None = None,
) -> KioskAgent:
    """The kiosk agent over this pad (and receipt printer, and barcode scanner); their counters go into the
    device's status as `peripherals.rfid_pad` (`peripherals.printer`, `peripherals.scanner`), the
    agent's as `peripherals.kiosk`; its screen is served when the config names a port. A kiosk that lends
    offline keeps the offline list the server publishes (`edge.kiosk.offline_list`); every kiosk takes
    returns offline."""
    session = KioskSession(host.runtime, pad=pad)
    offline = offline_kiosk(host, config, library_day or load_library_day())
    agent = KioskAgent(
        session,
        poll_s=config.pad_poll_s,
        idle_timeout_s=config.idle_timeout_s,
        idle_warning_s=config.idle_warning_s,
        printer=printer,
        scanner=scanner,
        scan_rules=load_rules(),
        library_name=config.library_name,
        offline=offline,
    )
    host.attach("rfid_pad", pad)
    if printer is not None:
        host.attach("printer", printer)
    if scanner is not None:
        host.attach("scanner", ScannerCounters(scanner))
    host.attach("kiosk", agent)
    if config.screen_port:
        url = host.hold(serving(screen_app(agent), port=config.screen_port))
        log.info("%s: its screen is on %s/", config.device_id, url)
    return agent


def offline_kiosk(host: AgentHost, config: KioskConfig, library_day: LibraryDay) -> OfflineKiosk:
    """What the kiosk needs to work offline. Only a kiosk that lends offline keeps the list (readers' PIN
    hashes stay off a kiosk that has no use for them)."""
    kept: OfflineList | None = None
    if config.offline.lending:
        kept = host.hold(OfflineList(host.settings.outbox_path.with_name("offline-list.db")))
        host.runtime.on_offline_shard = kept.keep
    desk = OfflineDesk(kept, config.offline, library_day, host.runtime)
    return OfflineKiosk(desk, host.runtime)


def hardware_kiosk(host: AgentHost, config: KioskConfig) -> KioskAgent:
    """The kiosk on its real pad, receipt printer and barcode scanner (config/kiosks.toml)."""
    if not config.pad_port:
        raise KioskConfigError(f"[kiosks.{config.device_id}] names no pad_port")
    profile = get_profile(config.pad_profile)
    reader = host.hold(opened(FeigReader(SerialTransport(SerialSettings(config.pad_port)), profile)))
    tags = TagService(reader, SecuritySettings.from_toml(), TagDataSettings.from_toml())
    printer: EscPosPrinter | None = None
    if config.printer_port:
        printer_profile = get_printer_profile(config.printer_profile)
        line = SerialTransport(line_settings(config.printer_port, printer_profile))
        printer = host.hold(EscPosPrinter(line, printer_profile))
    scanner: ScannerDriver | None = None
    if config.scanner_port:
        scanner_profile = load_scanner_profile(config.scanner_profile)
        transport = SerialTransport(serial_settings(config.scanner_port, scanner_profile))
        scanner = host.hold(scanner_opened(ScannerDriver(transport, scanner_profile)))
    return compose_kiosk(host, RfidPad(tags), config, printer, scanner)
