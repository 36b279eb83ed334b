"""`stacks tags write` against the simulated FEIG reader on a real pseudo-terminal (no mocks).

The command runs in-process (typer's runner) and talks pyserial to the simulator's pty; the tests then
look at the simulated tag itself: its memory, AFI and EAS bit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devices.feig import get_profile
from devices.sim.feig_pty import FeigReaderSimulator
from devices.sim.field import Field, VirtualTag, make_uid
from devices.tagdata import BlockOrder, TagStatus, Usage, decode_tag, encode_tag, reverse_blocks
from stacks.cli import app
from tests.support.readers import ISIL

BARCODE = "30000099999"
UID = make_uid(0x42)


def write_config(path: Path, mechanism: str = "afi") -> Path:
    path.write_text(
        f'[data_model]\nisil = "{ISIL}"\nwrite_block_order = "as_found"\n\n'
        f'[security]\nmechanism = "{mechanism}"\nafi_secured = 0x07\nafi_unsecured = 0xC2\n',
        encoding="utf-8",
    )
    return path


class Pad:
    """A simulated reader pad and the command line pointed at it."""

    def __init__(self, simulator: FeigReaderSimulator, field: Field, config: Path, profile: str) -> None:
        self.simulator = simulator
        self.field = field
        self.config = config
        self.profile = profile

    def write(self, *args: str) -> tuple[int, dict[str, object]]:
        command = ["tags", "write", "--port", self.simulator.path, "--parity", "N", "--json"]
        command += ["--profile", self.profile, "--config", str(self.config), *args]
        result = CliRunner().invoke(app, command)
        return result.exit_code, json.loads(result.stdout)

    def tag(self, uid: bytes = UID) -> VirtualTag:
        tag = self.field.get(uid)
        assert tag is not None
        return tag


def open_pad(tmp_path: Path, profile: str = "cpr", mechanism: str = "afi") -> Iterator[Pad]:
    field = Field()
    config = write_config(tmp_path / "tags.toml", mechanism)
    with FeigReaderSimulator(field, get_profile(profile), link=tmp_path / "ttyFEIG") as simulator:
        yield Pad(simulator, field, config, profile)


@pytest.fixture
def pad(tmp_path: Path) -> Iterator[Pad]:
    yield from open_pad(tmp_path)


def test_blank_tag_is_written_verified_and_secured(pad: Pad) -> None:
    pad.field.add(VirtualTag.blank(UID))
    code, outcome = pad.write("--barcode", BARCODE)
    assert code == 0, outcome
    assert outcome["status"] == "written"
    assert outcome["uid"] == UID.hex().upper()
    assert (outcome["item_id"], outcome["owner_isil"], outcome["afi"]) == (BARCODE, ISIL, 0x07)
    reading = decode_tag(bytes(pad.tag().memory), own_isil=ISIL)
    assert (reading.status, reading.item_id, reading.block_order) == (
        TagStatus.OK,
        BARCODE,
        BlockOrder.MEMORY,
    )
    assert pad.tag().afi == 0x07


def test_no_secure_leaves_the_item_on_loan(pad: Pad) -> None:
    pad.field.add(VirtualTag.blank(UID, afi=0x07))
    code, outcome = pad.write("--barcode", BARCODE, "--no-secure", "--usage", "not_circulating")
    assert code == 0, outcome
    assert pad.tag().afi == 0xC2
    assert decode_tag(bytes(pad.tag().memory)).usage == 2


def test_empty_pad(pad: Pad) -> None:
    code, outcome = pad.write("--barcode", BARCODE)
    assert code == 1
    assert outcome == {"status": "failed", "reason": "no tag on the pad"}


def test_several_tags_on_the_pad(pad: Pad) -> None:
    pad.field.add(VirtualTag.blank(UID), VirtualTag.blank(make_uid(0x43)))
    code, outcome = pad.write("--barcode", BARCODE)
    assert code == 1
    assert "2 tags on the pad" in str(outcome["reason"])
    assert not any(pad.tag().memory)


def test_another_items_tag_is_only_overwritten_with_force(pad: Pad) -> None:
    pad.field.add(VirtualTag.library_item(UID, "30000012345", isil=ISIL))
    code, outcome = pad.write("--barcode", BARCODE)
    assert code == 1
    assert "already holds item 30000012345 of VN-VNULIC" in str(outcome["reason"])
    assert decode_tag(bytes(pad.tag().memory)).item_id == "30000012345"
    code, outcome = pad.write("--barcode", BARCODE, "--force")
    assert code == 0, outcome
    assert decode_tag(bytes(pad.tag().memory)).item_id == BARCODE


def test_another_librarys_tag_is_refused(pad: Pad) -> None:
    pad.field.add(VirtualTag.library_item(UID, BARCODE, isil="NO-02030000"))
    code, outcome = pad.write("--barcode", BARCODE)
    assert code == 1
    assert "NO-02030000" in str(outcome["reason"])


def test_rewriting_the_same_item_keeps_the_block_order_found(pad: Pad) -> None:
    memory = encode_tag(BARCODE, isil=ISIL, usage=Usage.DISCARDED) + bytes(2)
    tag = VirtualTag.blank(UID)
    tag.memory[: len(memory)] = reverse_blocks(memory)
    pad.field.add(tag)
    code, outcome = pad.write("--barcode", BARCODE)
    assert code == 0, outcome
    assert outcome["block_order"] == "reversed"
    reading = decode_tag(bytes(pad.tag().memory))
    assert (reading.block_order, reading.usage, reading.item_id) == (BlockOrder.REVERSED, 1, BARCODE)


def test_a_locked_block_fails_the_write(pad: Pad) -> None:
    tag = VirtualTag.blank(UID)
    tag.locked_blocks.add(2)
    pad.field.add(tag)
    code, outcome = pad.write("--barcode", BARCODE)
    assert code == 1
    assert "writing tag" in str(outcome["reason"])
    assert pad.tag().afi == 0x00  # security is not touched when the data could not be written


def test_bad_barcode_is_refused_before_the_reader_is_used(pad: Pad) -> None:
    pad.field.add(VirtualTag.blank(UID))
    code, outcome = pad.write("--barcode", "Sách 1")
    assert code == 2
    assert outcome["status"] == "unusable_input"
    assert (
        pad.simulator.reader.state.requests == 0 if hasattr(pad.simulator.reader.state, "requests") else True
    )
    assert not any(pad.tag().memory)


def test_unreachable_reader(tmp_path: Path) -> None:
    config = write_config(tmp_path / "tags.toml")
    command = ["tags", "write", "--barcode", BARCODE, "--port", str(tmp_path / "absent"), "--json"]
    result = CliRunner().invoke(app, [*command, "--config", str(config)])
    assert result.exit_code == 3
    assert json.loads(result.stdout)["status"] == "reader_unavailable"


def test_eas_sites_set_the_eas_bit_too(tmp_path: Path) -> None:
    for pad in open_pad(tmp_path, profile="mr101", mechanism="both"):
        pad.field.add(VirtualTag.blank(UID))
        code, outcome = pad.write("--barcode", BARCODE)
        assert code == 0, outcome
        assert (outcome["afi"], outcome["eas"]) == (0x07, True)
        assert pad.tag().eas


def test_eas_site_with_a_reader_without_eas_is_refused_before_writing(tmp_path: Path) -> None:
    for pad in open_pad(tmp_path, profile="cpr", mechanism="eas"):
        pad.field.add(VirtualTag.blank(UID))
        code, outcome = pad.write("--barcode", BARCODE)
        assert code == 1
        assert "no EAS commands" in str(outcome["reason"])
        assert not any(pad.tag().memory)


def test_a_locked_afi_is_reported_after_the_data_was_written(pad: Pad) -> None:
    tag = VirtualTag.blank(UID, afi=0xC2)
    tag.afi_locked = True
    pad.field.add(tag)
    code, outcome = pad.write("--barcode", BARCODE)
    assert code == 1
    assert "written and verified, but securing it failed" in str(outcome["reason"])
    assert decode_tag(bytes(pad.tag().memory)).item_id == BARCODE
    assert pad.tag().afi == 0xC2


def test_bad_parity_is_unusable_input(pad: Pad) -> None:
    command = ["tags", "write", "--barcode", BARCODE, "--port", pad.simulator.path, "--parity", "X"]
    result = CliRunner().invoke(app, [*command, "--config", str(pad.config)])
    assert result.exit_code == 2
    assert "Invalid value" in result.stderr
