"""`stacks sim reader --pty` as a developer uses it: a separate process, a real driver pointed at its path."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from devices.feig import FeigReader, get_profile
from devices.sim.field import Field, make_uid
from devices.sim.field_script import FieldScript, FieldScriptError, ScriptRunner
from devices.tagdata import decode_tag
from devices.transport import SerialSettings, SerialTransport
from tests.support.waiting import wait_until

STACKS = Path(sys.executable).with_name("stacks")


@contextmanager
def running_simulator(*args: str) -> Iterator[dict[str, object]]:
    with subprocess.Popen(  # leaving the block closes the pipes
        [str(STACKS), "sim", "reader", "--pty", "--json", "--duration", "60", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "no output"
            yield json.loads(line)
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0


def _reader(path: str, profile: str = "cpr") -> FeigReader:
    return FeigReader(SerialTransport(SerialSettings(path, parity="N")), get_profile(profile))


def test_prints_the_device_and_serves_a_real_driver() -> None:
    with running_simulator("--tags", "12", "--profile", "mr101") as info:
        assert info["profile"] == "mr101"
        path = str(info["path"])
        assert os.path.exists(path)
        with _reader(path, "mr101") as reader:
            tags = reader.inventory()
            assert len(tags) == 12
            memory = reader.read_memory(tags[0].uid, 0, 9)
            assert decode_tag(memory).item_id == "300000000001"


def test_a_script_moves_tags_in_and_out(tmp_path: Path) -> None:
    script = tmp_path / "field.toml"
    script.write_text(
        '[[tags]]\nitem_id = "VV000001"\n'
        '[[steps]]\nat = 2.0\nenter = [{ item_id = "VV000002", afi = 0xC2 }]\n'
        '[[steps]]\nat = 2.3\nleave = ["VV000001"]\n'
    )
    with (
        running_simulator("--tags", "0", "--script", str(script)) as info,
        _reader(str(info["path"])) as reader,
    ):
        [first] = reader.inventory()

        def only_another_tag() -> bool:  # both steps are due 2.0 s and 2.3 s after the simulator started
            uids = [tag.uid for tag in reader.inventory()]
            return len(uids) == 1 and uids[0] != first.uid

        wait_until(only_another_tag, timeout=30, message="the script's steps never changed the field")
        [remaining] = reader.inventory()
        assert decode_tag(reader.read_memory(remaining.uid, 0, 9)).item_id == "VV000002"
        assert reader.system_information(remaining.uid).afi == 0xC2


def test_a_bad_profile_exits_with_a_message() -> None:
    result = subprocess.run(
        [str(STACKS), "sim", "reader", "--profile", "nope", "--duration", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "no reader profile" in result.stderr


def test_field_script_json_and_errors(tmp_path: Path) -> None:
    script = tmp_path / "field.json"
    script.write_text(
        json.dumps(
            {
                "tags": [{"item_id": "A1", "uid": "E004000000ABCDEF", "eas": True}],
                "steps": [{"at": 0, "leave": ["all"], "fault": "silence"}, {"at": 0, "unplug_s": 0.5}],
            }
        )
    )
    loaded = FieldScript.load(script, default_isil="VN-VNULIC")
    assert loaded.tags[0].uid == bytes.fromhex("E004000000ABCDEF")
    assert loaded.tags[0].eas
    field = Field()
    unplugged: list[float] = []
    runner = ScriptRunner(loaded, field, unplugged.append)
    field.add(*loaded.tags)
    for step in loaded.steps:
        runner.apply(step)
    assert len(field) == 0
    assert unplugged == [0.5]
    assert field.take_reply_fault() is not None
    assert loaded.uids_for(("E004000000000001",), []) == [make_uid(1)]
    with pytest.raises(FieldScriptError):
        loaded.uids_for(("not-a-tag",), [])
    bad = tmp_path / "bad.toml"
    bad.write_text('[[steps]]\nfault = "lightning"\n')
    with pytest.raises(FieldScriptError):
        FieldScript.load(bad, default_isil="VN-VNULIC")
    bad.write_text("[[tags]]\nafi = 7\n")
    with pytest.raises(FieldScriptError):
        FieldScript.load(bad, default_isil="VN-VNULIC")
