"""Recorded driver ↔ simulator conversations, replayed byte for byte.

Each scenario runs the real driver (1) against the simulated reader on a pty, recording every byte, and
(2) against a replay of the recorded file with no simulator at all. The live bytes must equal the file,
and the replay must give the same results, so any change to what the driver sends or how it reads a
reply shows up as a diff of a reviewed fixture.

Re-record after an intended protocol change with:
    .venv/bin/python tests/contract/devices/feig/test_feig_sessions.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.errors import TransportError
from devices.feig import FeigReader, get_profile
from devices.feig.outputs import Output
from devices.sim.feig_pty import FeigReaderSimulator
from devices.sim.field import Field, make_items, make_uid
from devices.tagdata import decode_tag, encode_tag
from devices.transport import (
    ByteTransport,
    RecordingTransport,
    ReplayTransport,
    SerialSettings,
    SerialTransport,
    load_session,
    merge_events,
    save_session,
)
from tests.support.readers import ISIL

SESSIONS = Path(__file__).parents[3] / "fixtures" / "feig" / "sessions"
Summary = dict[str, object]


def kiosk_pad(reader: FeigReader) -> Summary:
    """A self-check pad on a CPR: identify, RF on, inventory with MORE, read one tag, check it out, beep."""
    version = reader.software_version()
    reader.rf_on()
    tags = reader.inventory()
    first = tags[0].uid
    info = reader.system_information(first)
    memory = reader.read_memory(first, 0, info.block_count, block_size=info.block_size)
    reader.write_afi(first, 0xC2)
    afi_after = reader.system_information(first).afi
    reader.beep(200)
    return {
        "model": version.model,
        "uids": [tag.uid_hex for tag in tags],
        "item_id": decode_tag(memory).item_id,
        "afi_after": afi_after,
    }


def staff_station(reader: FeigReader) -> Summary:
    """An MR101 staff station: program a tag, then set and clear its EAS bit."""
    uid = make_uid(1)
    data = encode_tag("8935235012345", isil=ISIL) + bytes(2)
    reader.write_memory(uid, 0, data)
    read_back = decode_tag(reader.read_memory(uid, 0, 9)).item_id
    reader.eas_set(uid)
    armed = reader.eas_alarm(uid)
    field_armed = reader.eas_alarm()
    reader.eas_reset(uid)
    cleared = reader.eas_alarm(uid)
    return {"read_back": read_back, "armed": armed, "field_armed": field_armed, "cleared": cleared}


def newer_reader(reader: FeigReader) -> Summary:
    """An MR102-class reader: advanced frames both ways, a 40-tag inventory in two pages, 0x72 outputs."""
    tags = reader.inventory()
    reader.led(Output.GREEN_LED, 1000)
    reader.signal("error", 500)
    return {"count": len(tags), "last": tags[-1].uid_hex}


SCENARIOS: dict[str, tuple[str, int, Callable[[FeigReader], Summary]]] = {
    "kiosk_pad_cpr": ("cpr", 6, kiosk_pad),
    "staff_station_mr101": ("mr101", 2, staff_station),
    "newer_reader_mr102": ("mr102", 40, newer_reader),
}


def _run_live(name: str, directory: Path) -> tuple[RecordingTransport, Summary]:
    profile_name, tag_count, scenario = SCENARIOS[name]
    profile = get_profile(profile_name)
    field = Field(make_items(tag_count, isil=ISIL))
    with FeigReaderSimulator(field, profile, link=directory / "tty") as simulator:
        recording = RecordingTransport(SerialTransport(SerialSettings(simulator.path, parity="N")))
        with FeigReader(recording, profile) as reader:
            summary = scenario(reader)
    return recording, summary


def _run_replay(name: str, transport: ByteTransport) -> Summary:
    profile_name, _, scenario = SCENARIOS[name]
    with FeigReader(transport, get_profile(profile_name), reply_timeout_s=0.05) as reader:
        return scenario(reader)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_live_conversation_matches_the_recording_byte_for_byte(name: str, tmp_path: Path) -> None:
    recording, summary = _run_live(name, tmp_path)
    fixture = SESSIONS / f"{name}.json"
    assert merge_events(recording.events) == load_session(fixture)
    assert summary == json.loads(fixture.read_text())["results"]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_replaying_the_recording_gives_the_same_results(name: str) -> None:
    fixture = SESSIONS / f"{name}.json"
    replay = ReplayTransport(load_session(fixture))
    assert _run_replay(name, replay) == json.loads(fixture.read_text())["results"]
    assert replay.finished


def test_replay_refuses_a_request_that_differs_from_the_recording() -> None:
    replay = ReplayTransport(load_session(SESSIONS / "staff_station_mr101.json"))
    reader = FeigReader(replay, get_profile("mr101"), retries=0)
    with reader, pytest.raises(TransportError, match="recording expects"):
        reader.eas_set(make_uid(1))  # the recording starts with a write, not Set EAS


def record_all() -> None:  # pragma: no cover - run by hand after an intended protocol change
    SESSIONS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        for name, (_, _, scenario) in sorted(SCENARIOS.items()):
            recording, summary = _run_live(name, Path(directory))
            save_session(
                SESSIONS / f"{name}.json",
                recording.events,
                (scenario.__doc__ or name).strip(),
                extra={"results": summary},
            )
            sys.stdout.write(f"recorded {name}: {len(merge_events(recording.events))} chunks\n")


if __name__ == "__main__":
    record_all()
