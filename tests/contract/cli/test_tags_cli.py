"""`stacks tags decode|encode` through the real command line (typer's runner), exit codes included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devices.tagdata import reverse_blocks
from devices.tagdata.settings import CONFIG_ENV
from stacks.cli import app

DEICHMAN_HEX = (
    "11 02 02 30 33 30 31 30 30 33 34 38 31 35 30 30 "
    "33 00 00 38 02 4E 4F 30 32 30 33 30 30 30 30 00 00 00 00 00"
)
LIBDANRFID_HEX = (
    "11:01:01:31:31:32:32:33:33:34:34:00:00:00:00:00:00:00:00:51:3e:44:45:37:30:35:00:00:00:00:00:00"
)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    settings = tmp_path / "tags.toml"
    settings.write_text('[data_model]\nisil = "VN-VNULIC"\n', encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(settings))
    return CliRunner()


def run_json(runner: CliRunner, *args: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["tags", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_decode_real_tag_as_json(runner: CliRunner) -> None:
    code, fields = run_json(runner, "decode", DEICHMAN_HEX, "--isil", "NO-02030000")
    assert code == 0
    assert fields["status"] == "ok"
    assert fields["item_id"] == "03010034815003"
    assert fields["owner_isil"] == "NO-02030000"
    assert (fields["parts_in_item"], fields["part_number"]) == (2, 2)
    assert fields["bytes"] == 36


def test_decode_uses_the_settings_isil(runner: CliRunner) -> None:
    code, fields = run_json(runner, "decode", LIBDANRFID_HEX)
    assert code == 0
    assert fields["status"] == "foreign_owner"
    assert fields["basic_block_size"] == 32


def test_decode_text_output(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tags", "decode", DEICHMAN_HEX, "--isil", "NO-02030000"])
    assert result.exit_code == 0
    assert "item id: 03010034815003" in result.stdout
    assert "cho mượn" in result.stdout
    assert "owner isil: NO-02030000" in result.stdout


@pytest.mark.parametrize(
    ("memory_hex", "status"),
    [
        ("00" * 36, "blank"),
        ("1102", "too_short"),
        (DEICHMAN_HEX.replace("38 02", "39 02"), "bad_crc"),
        ("04" + "21" * 35, "unknown_format"),
    ],
)
def test_decode_classifies_what_it_cannot_decode(runner: CliRunner, memory_hex: str, status: str) -> None:
    code, fields = run_json(runner, "decode", memory_hex)
    assert code == 1
    assert fields["status"] == status
    assert fields["reason"]


def test_decode_text_output_gives_the_reason(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tags", "decode", "00" * 36])
    assert result.exit_code == 1
    assert "status: blank" in result.stdout
    assert "reason: blank tag" in result.stdout


@pytest.mark.parametrize("memory_hex", ["zz", "123", "", "   ", "0x"])
def test_decode_refuses_input_that_is_not_hex(runner: CliRunner, memory_hex: str) -> None:
    result = runner.invoke(app, ["tags", "decode", memory_hex])
    assert result.exit_code == 2
    assert "not a hex memory dump" in result.stderr
    code, fields = run_json(runner, "decode", memory_hex)
    assert code == 2
    assert fields["status"] == "unusable_input"


def test_decode_accepts_a_0x_prefix_and_dashes(runner: CliRunner) -> None:
    code, fields = run_json(runner, "decode", "0x" + DEICHMAN_HEX.replace(" ", "-"))
    assert (code, fields["item_id"]) == (0, "03010034815003")


def test_unreadable_settings_are_unusable_input(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[data_model]\nisil = 'VN-X'\ncolour = 'red'\n", encoding="utf-8")
    result = runner.invoke(app, ["tags", "decode", DEICHMAN_HEX, "--config", str(bad)])
    assert result.exit_code == 2
    assert "unknown setting" in result.stderr


def test_encode_prints_memory_hex_that_decodes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tags", "encode", "--barcode", "30000012345"])
    assert result.exit_code == 0
    memory_hex = result.stdout.strip()
    assert memory_hex.startswith("110101" + b"30000012345".hex())
    code, fields = run_json(runner, "decode", memory_hex)
    assert (code, fields["status"], fields["item_id"], fields["owner_isil"]) == (
        0,
        "ok",
        "30000012345",
        "VN-VNULIC",
    )


def test_encode_matches_the_real_tag(runner: CliRunner) -> None:
    args = ["--barcode", "03010034815003", "--isil", "NO-02030000", "--parts", "2", "--part", "2"]
    code, fields = run_json(runner, "encode", *args)
    assert code == 0
    assert fields["hex"] == DEICHMAN_HEX.replace(" ", "").lower()[:68]


def test_encode_reversed_order_and_usage(runner: CliRunner) -> None:
    code, fields = run_json(
        runner, "encode", "--barcode", "42", "--order", "reversed", "--usage", "discarded"
    )
    assert code == 0
    memory = reverse_blocks(bytes.fromhex(str(fields["hex"])))
    assert memory[0] == 0x17
    code, decoded = run_json(runner, "decode", str(fields["hex"]))
    assert (code, decoded["block_order"], decoded["usage"]) == (0, "reversed", "discarded")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--barcode", "Sách"], "printable ASCII"),
        (["--barcode", "1", "--usage", "lost"], "unknown type of usage"),
        (["--barcode", "1", "--order", "sideways"], "Invalid value"),
        (["--barcode", "1", "--isil", "ZDB-1"], "two-letter"),
        (["--barcode", "1", "--parts", "2", "--part", "3"], "part number"),
    ],
)
def test_encode_refusals(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["tags", "encode", *args])
    assert result.exit_code == 2
    assert message in result.stderr
