"""`stacks tags …` — ISO 28560-3 tag data for staff: decode a memory dump, encode an item, program a tag.

Exit status of `decode`: 0 the tag decoded (ours or another library's), 1 the data was classified as not
decodable (blank, damaged, foreign format…; the reason is printed), 2 the input itself is unusable (not
hex, unreadable settings). `encode` exits 2 when the values cannot be encoded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from devices.tagdata import BlockOrder, TagReading, Usage
    from devices.tagdata.settings import TagDataSettings

EXIT_NOT_DECODABLE = 1
EXIT_UNUSABLE_INPUT = 2

tags_app = typer.Typer(
    help="RFID tag data (ISO 28560-3): decode memory dumps, encode items, program tags on a reader pad.",
    no_args_is_help=True,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Tag settings file (\\[data_model] section); default config/tags.toml or $STACKS_TAGS_CONFIG.",
    ),
]
IsilOption = Annotated[
    str | None, typer.Option("--isil", help="Owner library ISIL; default: isil in \\[data_model].")
]


def _fail(message: str, as_json: bool, code: int = EXIT_UNUSABLE_INPUT, **extra: Any) -> NoReturn:
    if as_json:
        print(json.dumps({"status": "unusable_input", "reason": message, **extra}, ensure_ascii=False))
    else:
        typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def load_settings(config: Path | None, as_json: bool) -> TagDataSettings | None:
    """The settings file named, else the default one if it exists, else None (built-in defaults)."""
    from devices.tagdata import TagDataSettingsError
    from devices.tagdata.settings import TagDataSettings, config_path

    path = config if config is not None else config_path()
    if config is None and not path.exists():
        return None
    try:
        return TagDataSettings.from_toml(path)
    except TagDataSettingsError as exc:
        _fail(str(exc), as_json)


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
        _fail(f"not a hex memory dump: {exc}", as_json)
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

    english, vietnamese = STATUS_LABELS[reading.status]
    lines = [f"status: {reading.status.value} — {english} / {vietnamese}", f"reason: {reading.reason}"]
    if reading.item_id is not None:
        lines.append(f"item id: {reading.item_id}")
    if reading.usage is not None:
        usage_en, usage_vi = USAGE_LABELS[reading.usage]
        lines.append(f"usage: {usage_en} / {usage_vi} ({int(reading.usage)})")
    if reading.parts_in_item is not None:
        lines.append(f"part: {reading.part_number} of {reading.parts_in_item}")
    if reading.owner_country or reading.owner_library:
        lines.append(f"owner: {reading.owner_isil or f'{reading.owner_country}/{reading.owner_library}'}")
    if reading.version is not None:
        lines.append(f"version: {reading.version}")
    if reading.crc is not None:
        computed = f" (computed 0x{reading.computed_crc:04X})" if reading.computed_crc is not None else ""
        lines.append(f"crc: 0x{reading.crc:04X}{computed}")
    if reading.basic_block_size is not None:
        lines.append(f"basic block: {reading.basic_block_size} bytes")
    if reading.block_order is not None:
        lines.append(f"block order: {reading.block_order.value}")
    if reading.nibble_order is not None:
        lines.append(f"nibble order: {reading.nibble_order.value}")
    for block in reading.extensions:
        kind = block.kind.name.lower() if block.kind else "unstructured"
        fields = f" fields={list(block.fields())}" if block.kind else ""
        lines.append(f"extension {block.block_id} ({kind}): {block.data.hex(' ')}{fields}")
    if reading.extension_error:
        lines.append(f"extension error: {reading.extension_error}")
    lines.extend(f"warning: {warning}" for warning in reading.warnings)
    for line in lines:
        print(line)


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


def parse_block_order(text: str) -> BlockOrder:
    from devices.tagdata import BlockOrder

    try:
        return BlockOrder(text)
    except ValueError:
        raise ValueError(f"unknown block order {text!r}; use memory or reversed") from None


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
        str, typer.Option("--order", help="memory, or reversed (each 4-byte block byte-reversed).")
    ] = "memory",
    as_json: JsonFlag = False,
    config: ConfigOption = None,
) -> None:
    """Print the tag memory (hex) that encodes an item."""
    from devices.tagdata import DEFAULT_OPTIONS, BlockOrder, TagEncodeError, encode_tag, from_memory_order

    settings = load_settings(config, as_json)
    owner = isil if isil is not None else (str(settings.isil) if settings else None)
    if owner is None:
        _fail("no owner ISIL: pass --isil or set [data_model] isil in the settings", as_json)
    options = settings.options if settings else DEFAULT_OPTIONS
    try:
        block_order = parse_block_order(order)
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
        _fail(str(exc), as_json)
    if block_order is not BlockOrder.MEMORY:
        memory = from_memory_order(
            memory + bytes(-len(memory) % options.block_size), block_order, options.block_size
        )
    if as_json:
        fields = {"barcode": barcode, "isil": owner, "size": size, "order": block_order.value}
        print(json.dumps({**fields, "bytes": len(memory), "hex": memory.hex()}, ensure_ascii=False))
    else:
        print(memory.hex())


def register(root: typer.Typer) -> None:
    """Adds the `tags` commands to the root application."""
    root.add_typer(tags_app, name="tags")
