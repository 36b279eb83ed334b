"""`stacks labels items|patrons|layouts` through the real command line, read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from devices.labels.layout import load_layout, preset
from stacks.cli import app
from tests.contract.devices.labels.label_raster import read_sheets, text_of


def test_items_from_a_sequence(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / "labels.pdf"
    result = runner.invoke(
        app,
        [
            *("labels", "items", "--from-barcode", "VV000998", "--count", "4", "-o", str(output)),
            *("--call-number", "895.922 NG-T", "--title", "Truyện Kiều"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "wrote 4 labels on 1 a4-3x8 sheet" in result.stdout
    cells = read_sheets(output.read_bytes(), preset("a4-3x8"), 300)
    values = ["VV000998", "VV000999", "VV001000", "VV001001"]
    assert cells[:4] == [[("CODE128", value)] for value in values]
    assert "Truyện Kiều" in text_of(output.read_bytes())


def test_items_from_csv_on_a_custom_layout_with_skip(runner: CliRunner, tmp_path: Path) -> None:
    csv_file = tmp_path / "items.csv"
    csv_file.write_bytes(
        "\ufeffbarcode;call_number;title\nNV000045;QA76.73;Lập trình Python\nNV000046;;\n".encode()
    )
    layout_file = tmp_path / "sheet.toml"
    layout_file.write_text(
        '[layout]\nname = "2x7"\nrows = 7\ncolumns = 2\nlabel_width = 99.1\nlabel_height = 38.1\n'
        "margin_top = 15.15\nmargin_left = 4.65\ngap_x = 2.5\n",
        encoding="utf-8",
    )
    output = tmp_path / "labels.pdf"
    result = runner.invoke(
        app,
        [
            *("labels", "items", "--from-csv", str(csv_file), "--layout-file", str(layout_file)),
            *("--skip", "3", "--outline", "-o", str(output)),
        ],
    )
    assert result.exit_code == 0, result.output
    cells = read_sheets(output.read_bytes(), load_layout(layout_file), 300)
    assert cells[:5] == [[], [], [], [("CODE128", "NV000045")], [("CODE128", "NV000046")]]


def test_patrons_from_csv_with_both_symbols(runner: CliRunner, tmp_path: Path) -> None:
    csv_file = tmp_path / "patrons.csv"
    csv_file.write_text("so_the,ho_ten\nSV2100123,Nguyễn Văn An\nCB0001234,Trần Thị Bình\n", encoding="utf-8")
    output = tmp_path / "cards.pdf"
    result = runner.invoke(
        app, ["labels", "patrons", "--from-csv", str(csv_file), "--heading", "Thư viện", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    cells = read_sheets(output.read_bytes(), preset("a4-3x8"), 300)
    assert cells[:2] == [
        [("CODE128", "SV2100123"), ("QRCODE", "SV2100123")],
        [("CODE128", "CB0001234"), ("QRCODE", "CB0001234")],
    ]
    text = text_of(output.read_bytes())
    assert "Nguyễn Văn An" in text
    assert "Trần Thị Bình" in text


def test_patrons_from_a_card_sequence_as_qr_on_card_stock(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / "cards.pdf"
    result = runner.invoke(
        app,
        [
            *("labels", "patrons", "--from-card", "HV2300045", "--count", "3", "--symbols", "qr"),
            *("--layout", "a4-cards-2x5", "-o", str(output)),
        ],
    )
    assert result.exit_code == 0, result.output
    cells = read_sheets(output.read_bytes(), preset("a4-cards-2x5"), 300)
    assert cells[:3] == [[("QRCODE", f"HV23000{n}")] for n in (45, 46, 47)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["items"], "either --from-barcode"),
        (["items", "--from-barcode", "VV000001", "--from-csv", "x.csv"], "either --from-barcode"),
        (["items", "--from-barcode", "VV999999", "--count", "2"], "change the barcode width"),
        (["items", "--from-barcode", "VV000001", "--layout", "letter"], "unknown layout"),
        (["items", "--from-csv", "/nonexistent/items.csv"], "cannot read"),
        (["patrons", "--from-card", "SV2100001", "--symbols", "pdf417"], "--symbols must be one of"),
        (["patrons"], "either --from-csv"),
    ],
)
def test_mistakes_exit_2_with_a_message(
    runner: CliRunner, tmp_path: Path, arguments: list[str], message: str
) -> None:
    output = tmp_path / "out.pdf"
    result = runner.invoke(app, ["labels", *arguments, "-o", str(output)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not output.exists()


def test_layouts_are_listed(runner: CliRunner) -> None:
    result = runner.invoke(app, ["labels", "layouts"])
    assert result.exit_code == 0
    assert "a4-3x8\t3×8 labels of 70×37 mm" in result.stdout
