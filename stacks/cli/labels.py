"""`stacks labels …` — printable PDF sheets of item labels and patron card labels.

stacks labels items --from-barcode VV000001 --count 24 -o labels.pdf
stacks labels items --from-csv items.csv -o labels.pdf --layout a4-3x8 --skip 5
stacks labels patrons --from-csv patrons.csv -o cards.pdf --symbols both
stacks labels patrons --from-card SV2100001 --count 10 -o cards.pdf
stacks labels layouts
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from devices.labels.layout import SheetLayout

labels_app = typer.Typer(
    help="Printable label sheets (PDF): item labels and patron card labels.",
    no_args_is_help=True,
)

Output = Annotated[Path, typer.Option("--output", "-o", help="PDF file to write.")]
LayoutName = Annotated[
    str, typer.Option("--layout", help="Sheet layout preset (see `stacks labels layouts`).")
]
LayoutFile = Annotated[
    Path | None, typer.Option("--layout-file", help="TOML file with a [layout] table; overrides --layout.")
]
Count = Annotated[int, typer.Option("--count", help="How many labels to number from the first value.")]
Skip = Annotated[
    int, typer.Option("--skip", help="Leave this many cells empty on a partly used first sheet.")
]
Outline = Annotated[
    bool, typer.Option("--outline", help="Draw cell borders, to check alignment on plain paper.")
]
FromCsv = Annotated[Path | None, typer.Option("--from-csv", help="CSV file with a header row.")]

EXIT_INVALID = 2


@labels_app.command("items")
def items(
    *,
    output: Output,
    from_barcode: Annotated[
        str | None, typer.Option("--from-barcode", help="First barcode of a sequence, e.g. VV000001.")
    ] = None,
    count: Count = 1,
    from_csv: FromCsv = None,
    call_number: Annotated[str, typer.Option(help="Call number printed on every numbered label.")] = "",
    title: Annotated[str, typer.Option(help="Title printed on every numbered label.")] = "",
    layout: LayoutName = "a4-3x8",
    layout_file: LayoutFile = None,
    skip: Skip = 0,
    outline: Outline = False,
) -> None:
    """Item labels: Code 128 barcode with its value, call number and short title."""
    from devices.errors import BarcodeError
    from devices.labels.models import ItemLabel
    from devices.labels.sheet import render_item_labels
    from devices.labels.sources import barcode_sequence, read_item_csv

    try:
        sheet = _layout(layout, layout_file)
        if from_csv is not None and from_barcode is None:
            labels = read_item_csv(_csv_text(from_csv))
        elif from_barcode is not None and from_csv is None:
            values = barcode_sequence(from_barcode, count)
            labels = [ItemLabel(barcode=value, call_number=call_number, title=title) for value in values]
        else:
            _fail("give either --from-barcode (with --count) or --from-csv")
        pdf = render_item_labels(labels, sheet, skip=skip, outline=outline)
    except BarcodeError as exc:
        _fail(str(exc))
    _write(output, pdf, len(labels), sheet, skip)


@labels_app.command("patrons")
def patrons(
    *,
    output: Output,
    from_csv: FromCsv = None,
    from_card: Annotated[
        str | None, typer.Option("--from-card", help="First card number of a sequence, e.g. SV2100001.")
    ] = None,
    count: Count = 1,
    symbols: Annotated[str, typer.Option(help="Symbols for the card number: code128, qr or both.")] = "both",
    heading: Annotated[str, typer.Option(help="Small heading on every card, e.g. the library's name.")] = "",
    layout: LayoutName = "a4-3x8",
    layout_file: LayoutFile = None,
    skip: Skip = 0,
    outline: Outline = False,
) -> None:
    """Patron card labels: card number as Code 128 and/or QR, and the holder's name."""
    from devices.errors import BarcodeError
    from devices.labels.models import CardSymbols, PatronCard
    from devices.labels.sheet import render_patron_cards
    from devices.labels.sources import barcode_sequence, read_patron_csv

    try:
        card_symbols = CardSymbols(symbols.lower())
    except ValueError:
        _fail(f"--symbols must be one of {', '.join(choice.value for choice in CardSymbols)}")
    try:
        sheet = _layout(layout, layout_file)
        if from_csv is not None and from_card is None:
            cards = read_patron_csv(_csv_text(from_csv))
        elif from_card is not None and from_csv is None:
            cards = [PatronCard(card_number=value) for value in barcode_sequence(from_card, count)]
        else:
            _fail("give either --from-csv or --from-card (with --count)")
        pdf = render_patron_cards(
            cards, sheet, symbols=card_symbols, heading=heading, skip=skip, outline=outline
        )
    except BarcodeError as exc:
        _fail(str(exc))
    _write(output, pdf, len(cards), sheet, skip)


@labels_app.command("layouts")
def layouts() -> None:
    """List the sheet layout presets."""
    from devices.labels.layout import PRESETS

    for name, sheet in PRESETS.items():
        print(
            f"{name}\t{sheet.columns}×{sheet.rows} labels of {sheet.label_width:g}×{sheet.label_height:g} mm "
            f"on {sheet.page_width:g}×{sheet.page_height:g} mm"
        )


def _layout(name: str, path: Path | None) -> SheetLayout:
    from devices.labels.layout import load_layout, preset

    return load_layout(path) if path is not None else preset(name)


def _csv_text(path: Path) -> str:
    from devices.labels.sources import decode_csv_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror or exc}")
    return decode_csv_bytes(data, str(path))


def _write(output: Path, pdf: bytes, count: int, sheet: SheetLayout, skip: int) -> None:
    try:
        output.write_bytes(pdf)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")
    sheets = -(-(count + skip) // sheet.per_sheet)
    print(f"wrote {count} labels on {sheets} {sheet.name} sheet{'s' if sheets > 1 else ''} to {output}")


def _fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(EXIT_INVALID)


def register(root: typer.Typer) -> None:
    """Adds the `labels` commands to the root application."""
    root.add_typer(labels_app, name="labels")
