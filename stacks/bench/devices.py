"""`stacks bench devices`: FEIG framing, tag-data decoding and inventory cycles, each with a baseline.

- frames_per_s: build a 4-tag inventory reply frame and parse it back, CRC both ways. Baseline: the CRC
  alone over the same bytes, twice (the floor any framing pays).
- tag_decodes_per_s: decode a 34-byte ISO 28560-3 basic block with the site's settings. Baseline: the
  data model's CRC alone over the same block.
- inventory_cycles_per_s: a full inventory of `tags` tags (with 0x94 MORE pages) by the real driver over a
  real pty to the simulated reader, with the profile's PSST gap (what real hardware needs) and without it
  (the software's own cost). Baseline: a raw pyserial round trip of the same requests and the same reply
  byte counts to an endpoint that answers with canned bytes (no parsing, no simulation).
"""

from __future__ import annotations

import sys
import tempfile
import time
from binascii import crc_hqx
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import serial

from devices.feig.crc import crc16_mcrf4xx
from devices.feig.driver import FeigReader
from devices.feig.frames import Direction, encode_reply
from devices.feig.iso15693 import TR_TYPE_ISO15693
from devices.feig.parser import FrameParser
from devices.feig.profiles import ReaderProfile, get_profile
from devices.sim.feig_pty import FeigReaderSimulator
from devices.sim.field import Field, make_items
from devices.sim.pty import PtyEndpoint
from devices.tagdata import encode_tag
from devices.tagdata.settings import TagDataSettings
from devices.transport.recording import RecordingTransport, merge_events
from devices.transport.serial_port import SerialSettings, SerialTransport

TARGET_FRAMES_PER_S = 50_000
TARGET_DECODES_PER_S = 100_000
ISIL = "VN-VNULIC"


def _rate(work: Callable[[], object], seconds: float, batch: int = 200) -> float:
    """Calls per second of `work`, measured for about `seconds`."""
    work()  # warm up caches and imports
    calls = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(batch):
            work()
        calls += batch
        now = time.perf_counter()
        if now >= deadline:
            return calls / (now - start)


def _frames(seconds: float) -> dict[str, float]:
    records = b"".join(bytes((TR_TYPE_ISO15693, 0x00, 0xE0, 0x04, 0, 0, 0, 0, 0, n)) for n in range(4))
    data = bytes((4,)) + records
    parser = FrameParser(Direction.REPLY)
    wire = encode_reply(0x00, 0xB0, 0x94, data)

    def build_and_parse() -> object:
        return parser.feed(encode_reply(0x00, 0xB0, 0x94, data))

    def crc_floor() -> object:
        return crc16_mcrf4xx(wire[:-2]) ^ crc16_mcrf4xx(wire[:-2])

    frames = _rate(build_and_parse, seconds)
    floor = _rate(crc_floor, seconds)
    return {
        "frames_per_s": frames,
        "frames_baseline_crc_only_per_s": floor,
        "frames_vs_baseline": frames / floor,
    }


def _decodes(seconds: float) -> dict[str, float]:
    settings = TagDataSettings.from_mapping({"isil": ISIL})
    block = encode_tag("8935235012345", isil=ISIL)
    crc_input = block[:19] + block[21:]
    decodes = _rate(lambda: settings.decode(block), seconds)
    floor = _rate(lambda: crc_hqx(crc_input, 0xFFFF), seconds)
    return {
        "tag_decodes_per_s": decodes,
        "tag_decodes_baseline_crc_only_per_s": floor,
        "tag_decodes_vs_baseline": decodes / floor,
    }


def _cycles(reader: FeigReader, expected: int, seconds: float) -> float:
    def cycle() -> object:
        found = reader.inventory()
        if len(found) != expected:
            raise RuntimeError(f"inventory found {len(found)} of {expected} tags")
        return found

    return _rate(cycle, seconds, batch=1)


def _inventory(seconds: float, tags: int, profile: ReaderProfile, directory: Path) -> dict[str, object]:
    field = Field(make_items(tags, isil=ISIL))
    no_gap = replace(profile, psst_s=0.0)
    with FeigReaderSimulator(field, profile, link=directory / "ttyFEIG") as simulator:
        settings = SerialSettings(simulator.path, parity="N")
        recording = RecordingTransport(SerialTransport(settings))
        with FeigReader(recording, profile) as reader:
            reader.inventory()
            conversation = merge_events(recording.events)
            with_gap = _cycles(reader, tags, seconds)
        with FeigReader(SerialTransport(settings), no_gap) as reader:
            without_gap = _cycles(reader, tags, seconds)
    exchanges = [(conversation[i].data, conversation[i + 1].data) for i in range(0, len(conversation) - 1, 2)]
    raw = _raw_round_trips(exchanges, seconds, directory)
    return {
        "inventory_profile": profile.name,
        "inventory_tags": tags,
        "inventory_pages_per_cycle": len(exchanges),
        "inventory_psst_ms": profile.psst_s * 1000,
        "inventory_cycles_per_s": with_gap,
        "inventory_cycles_per_s_without_psst": without_gap,
        "inventory_baseline_raw_pty_cycles_per_s": raw,
        "inventory_vs_baseline": without_gap / raw,
    }


def _raw_round_trips(exchanges: list[tuple[bytes, bytes]], seconds: float, directory: Path) -> float:
    """The same request bytes and reply byte counts through a pty, with canned replies and no parsing."""
    pending = bytearray()
    turn = [0]

    def answer(chunk: bytes) -> bytes | None:
        pending.extend(chunk)
        request, reply = exchanges[turn[0]]
        if len(pending) < len(request):
            return None
        pending.clear()
        turn[0] = (turn[0] + 1) % len(exchanges)
        return reply

    with PtyEndpoint(answer, link=directory / "ttyRAW") as endpoint:
        port = serial.serial_for_url(endpoint.path, baudrate=38400, timeout=1.0)
        try:

            def cycle() -> object:
                for request, reply in exchanges:
                    port.write(request)
                    if len(port.read(len(reply))) != len(reply):
                        raise RuntimeError("raw pty round trip lost bytes")
                return None

            return _rate(cycle, seconds, batch=1)
        finally:
            port.close()


def run(seconds: float, tags: int, show_progress: bool) -> dict[str, object]:
    def progress(text: str) -> None:
        if show_progress:
            sys.stderr.write(f"… {text}\n")
            sys.stderr.flush()

    figures: dict[str, object] = {}
    progress("frame build + parse")
    figures.update(_frames(seconds))
    progress("tag-data decodes")
    figures.update(_decodes(seconds))
    progress(f"inventory cycles with {tags} tags over a pty")
    with tempfile.TemporaryDirectory(prefix="stacks-bench-") as directory:
        figures.update(_inventory(seconds, tags, get_profile("cpr"), Path(directory)))
    figures["targets"] = {"frames_per_s": TARGET_FRAMES_PER_S, "tag_decodes_per_s": TARGET_DECODES_PER_S}
    figures["meets_targets"] = bool(
        float(str(figures["frames_per_s"])) >= TARGET_FRAMES_PER_S
        and float(str(figures["tag_decodes_per_s"])) >= TARGET_DECODES_PER_S
    )
    return {key: round(value, 3) if isinstance(value, float) else value for key, value in figures.items()}
