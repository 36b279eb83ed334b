"""`stacks scan IMAGE` through the real command line (typer's runner), exit codes included."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from stacks.cli import app
from tests.contract.devices.barcode.barcode_pictures import encoded, linear, on_canvas, qr


def test_json_lists_every_symbol_with_its_position(runner: CliRunner, tmp_path: Path) -> None:
    picture = on_canvas([(linear("code128", "VV000123"), (20, 20)), (qr("SV2100123"), (40, 420))], (600, 700))
    path = tmp_path / "desk.png"
    path.write_bytes(encoded(picture))
    result = runner.invoke(app, ["scan", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "found"
    assert (report["width"], report["height"]) == (600, 700)
    assert [(s["value"], s["symbology"]) for s in report["symbols"]] == [
        ("VV000123", "code128"),
        ("SV2100123", "qr"),
    ]
    rect = report["symbols"][1]["rect"]
    assert rect["top"] >= 420
    assert set(rect) == {"left", "top", "width", "height"}


def test_text_output_for_a_jpeg_phone_photo(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(encoded(linear("ean13", "978604123456"), "JPEG", quality=60))
    result = runner.invoke(app, ["scan", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("ean13\t9786041234567\tat ")


def test_nothing_found_exits_1_and_says_so(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    path.write_bytes(encoded(on_canvas([], (300, 200))))
    result = runner.invoke(app, ["scan", str(path), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["status"] == "nothing_found"
    assert report["symbols"] == []
    assert "no barcode found" in report["detail"]
    text = runner.invoke(app, ["scan", str(path)])
    assert text.exit_code == 1
    assert "no barcode found" in text.stderr


def test_not_an_image_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("VV000123\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", str(path), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["status"] == "not_an_image"


def test_missing_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(tmp_path / "gone.png")])
    assert result.exit_code == 2
    assert "No such file" in result.stderr


def test_standard_input(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scan", "-", "--json"], input=encoded(qr("HV2300045")))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["symbols"][0]["value"] == "HV2300045"
