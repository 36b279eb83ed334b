"""`stacks tags …` — ISO 28560-3 tag data for staff: decode a memory dump, encode an item, program a tag.

Exit status of `decode`: 0 the tag decoded (ours or another library's), 1 the data was classified as not
decodable (blank, damaged, foreign format…; the reason is printed), 2 the input itself is unusable (not
hex, unreadable settings). `encode` exits 2 when the values cannot be encoded. `write` (programming a
tag on a reader pad) lives in stacks/cli/tags_write.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from devices.blocks import BlockOrder  # an option type; the module is small and pure

if TYPE_CHECKING:
    from devices.tagdata import TagReading, Usage
    from devices.tagdata.settings import TagDataSettings

EXIT_NOT_DECODABLE = 1
EXIT_UNUSABLE_INPUT = 2
EXIT_READER_UNAVAILABLE = 3  # `stacks tags write` (stacks/cli/tags_write.py)


tags_app = typer.Typer(
    help="RFID tag data (ISO 28560-3): decode memory dumps, encode items, program tags on a reader pad.",
    no_args_is_help=True,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Tag settings file; default config/tags.toml, or the file named by $STACKS_TAGS_CONFIG.",
    ),
]
IsilOption = Annotated[
    str | None, typer.Option("--isil", help="Owner library ISIL; default: isil in \\[data_model].")
]


def fail(message: str, as_json: bool, code: int = EXIT_UNUSABLE_INPUT, **extra: Any) -> NoReturn:
    if as_json:
        status = {EXIT_UNUSABLE_INPUT: "unusable_input", EXIT_READER_UNAVAILABLE: "reader_unavailable"}
        fields = {"status": status.get(code, "failed"), "reason": message, **extra}
        print(json.dumps(fields, ensure_ascii=False))
    else:
        typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def load_settings(config: Path | None, as_json: bool) -> TagDataSettings | None:
    """The settings file named, else the default one if it exists, else None (built-in defaults)."""
    from devices.tagdata.settings import config_path

    if config is None and not config_path().exists():
        return None
    return read_settings(config, as_json)


def read_settings(config: Path | None, as_json: bool) -> TagDataSettings:
    """The settings file named (default: config/tags.toml or $STACKS_TAGS_CONFIG); exit 2 if unusable."""
    from devices.tagdata import TagDataSettingsError
    from devices.tagdata.settings import TagDataSettings

    try:
        return TagDataSettings.from_toml(config)
    except TagDataSettingsError as exc:
        fail(str(exc), as_json)


def parse_hex(text: str) -> bytes:
    """Hex with optional spaces, colons, dashes or a 0x prefix; raises ValueError."""
    cleaned = "".join(text.split()).replace(":", "").replace("-", "")
    if cleaned[:2].lower() == "0x":
        cleaned = cleaned[2:]
    if not cleaned:
        raise ValueError("no hex digits given")
    if len(cleaned) % 2:
        raise ValueError(f"odd number of hex digits ({len(cleaned)})")
    return bytes.fromhex(cleaned)


@tags_app.command("decode")
def decode(
    memory_hex: Annotated[
        str, typer.Argument(metavar="HEX", help="Tag memory from block 0 as hex; spaces and colons allowed.")
    ],
    as_json: JsonFlag = False,
    isil: IsilOption = None,
    config: ConfigOption = None,
) -> None:
    """Print the decoded fields of a tag memory dump, or why it cannot be decoded."""
    from devices.tagdata import DEFAULT_OPTIONS, decode_tag

    try:
        memory = parse_hex(memory_hex)
    except ValueError as exc:
        fail(f"not a hex memory dump: {exc}", as_json)
    settings = load_settings(config, as_json)
    own_isil = isil if isil is not None else (str(settings.isil) if settings else None)
    reading = decode_tag(memory, own_isil=own_isil, options=settings.options if settings else DEFAULT_OPTIONS)
    if as_json:
        print(json.dumps({**reading.as_dict(), "bytes": len(memory)}, ensure_ascii=False))
    else:
        print_reading(reading)
    if not reading.decoded:
        raise typer.Exit(EXIT_NOT_DECODABLE)


def print_reading(reading: TagReading) -> None:
    from devices.tagdata import STATUS_LABELS, USAGE_LABELS

    fields = reading.as_dict()
    english, vietnamese = STATUS_LABELS[reading.status]
    fields["status"] = f"{reading.status.value} — {english} / {vietnamese}"
    if reading.usage is not None:
        fields["usage"] = " / ".join(USAGE_LABELS[reading.usage])
    del fields["extensions"], fields["warnings"]
    for key, value in fields.items():
        if value is not None:
            print(f"{key.replace('_', ' ')}: {value}")
    for block in reading.extensions:
        structured = f" {list(block.fields())}" if block.kind else ""
        print(f"extension block {block.block_id}: {block.data.hex(' ')}{structured}")
    for warning in reading.warnings:
        print(f"warning: {warning}")


def parse_usage(text: str) -> Usage:
    """A type of usage by name ("circulating") or number ("1"); raises ValueError."""
    from devices.tagdata import Usage

    if text.isdigit():
        return Usage(int(text))
    try:
        return Usage[text.strip().upper().replace("-", "_")]
    except KeyError:
        names = ", ".join(usage.name.lower() for usage in Usage)
        raise ValueError(f"unknown type of usage {text!r}; use 0..9 or one of {names}") from None


UsageOption = Annotated[
    str, typer.Option("--usage", help="Type of usage: circulating, not_circulating, discarded, … or 0..9.")
]
PartsOption = Annotated[int, typer.Option("--parts", help="Number of parts in the item (set size).")]
PartOption = Annotated[int, typer.Option("--part", help="This part's number, 1..parts.")]


@tags_app.command("encode")
def encode(
    *,
    barcode: Annotated[str, typer.Option("--barcode", help="Primary item identifier (the item barcode).")],
    isil: IsilOption = None,
    usage: UsageOption = "circulating",
    parts: PartsOption = 1,
    part: PartOption = 1,
    size: Annotated[int, typer.Option("--size", help="34, or 32 for the truncated basic block.")] = 34,
    order: Annotated[
        BlockOrder, typer.Option("--order", help="memory, or reversed (each block's bytes reversed).")
    ] = BlockOrder.MEMORY,
    as_json: JsonFlag = False,
    config: ConfigOption = None,
) -> None:
    """Print the tag memory (hex) that encodes an item."""
    from devices.tagdata import DEFAULT_OPTIONS, TagEncodeError, encode_tag, from_memory_order

    settings = load_settings(config, as_json)
    owner = isil if isil is not None else (str(settings.isil) if settings else None)
    if owner is None:
        fail("no owner ISIL: pass --isil or set [data_model] isil in the settings", as_json)
    options = settings.options if settings else DEFAULT_OPTIONS
    try:
        memory = encode_tag(
            barcode,
            isil=owner,
            parts_in_item=parts,
            part_number=part,
            usage=parse_usage(usage),
            size=size,
            options=options,
        )
    except (TagEncodeError, ValueError) as exc:
        fail(str(exc), as_json)
    if order is not BlockOrder.MEMORY:
        memory = from_memory_order(
            memory + bytes(-len(memory) % options.block_size), order, options.block_size
        )
    if as_json:
        fields = {"barcode": barcode, "isil": owner, "size": size, "order": order.value}
        print(json.dumps({**fields, "bytes": len(memory), "hex": memory.hex()}, ensure_ascii=False))
    else:
        print(memory.hex())


def register(root: typer.Typer) -> None:
    """Adds the `tags` commands to the root application."""
    from stacks.cli import tags_write

    tags_app.command("write")(tags_write.write)
    root.add_typer(tags_app, name="tags")
