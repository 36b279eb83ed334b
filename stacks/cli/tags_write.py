"""`stacks tags write` — program the single tag on a reader pad with an item, for staff.

The item is encoded with this library's ISIL and settings, written through the FEIG tag service, read
back and decoded, and then secured (on the shelf) or unsecured (on loan) as the site's `[security]`
settings say, with that verified too. A tag that already holds another item, or another library's data,
is left alone unless `--force` is given.

Exit status: 0 written, verified and secured as asked; 1 not done (no tag, several tags, a tag holding
another item, a failed write or check: the reason is printed; security may be the only step that failed,
and the message says so); 2 unusable input; 3 the reader cannot be reached.
"""

from __future__ import annotations

import contextlib
import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stacks.cli.tags import (
    EXIT_READER_UNAVAILABLE,
    ConfigOption,
    JsonFlag,
    PartOption,
    PartsOption,
    UsageOption,
    fail,
    parse_usage,
    read_settings,
)

if TYPE_CHECKING:
    from devices.rfid.programming import Programmed

EXIT_NOT_PROGRAMMED = 1


class Parity(StrEnum):
    NONE = "N"
    EVEN = "E"
    ODD = "O"


def write(
    *,
    barcode: Annotated[str, typer.Option("--barcode", help="Item barcode to write (the primary item id).")],
    port: Annotated[
        str,
        typer.Option("--port", help="Reader port or pyserial URL: /dev/ttyUSB0, socket://host:4001, a pty."),
    ],
    secure: Annotated[
        bool, typer.Option("--secure/--no-secure", help="Leave the item secured (on the shelf) or on loan.")
    ] = True,
    usage: UsageOption = "circulating",
    parts: PartsOption = 1,
    part: PartOption = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite a tag holding another item or another library's data.")
    ] = False,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Reader profile in config/readers.toml (default: its default)."),
    ] = None,
    baud: Annotated[int, typer.Option("--baud", help="Serial speed.")] = 38400,
    parity: Annotated[
        Parity, typer.Option("--parity", help="E (FEIG factory setting), N (simulator ptys) or O.")
    ] = Parity.EVEN,
    as_json: JsonFlag = False,
    config: ConfigOption = None,
) -> None:
    """Program the single tag on a reader pad with an item, verify it by re-reading, and set its security."""
    from devices.errors import DeviceError, TransportError
    from devices.feig import FeigReader, get_profile
    from devices.rfid import SecuritySettings, TagService
    from devices.rfid.programming import PadRefusal, pad_refusal, program_item
    from devices.tagdata import encode_tag
    from devices.transport import SerialSettings, SerialTransport

    settings = read_settings(config, as_json)
    try:
        item_usage = parse_usage(usage)
        encode_tag(
            barcode,
            isil=str(settings.isil),
            usage=item_usage,
            parts_in_item=parts,
            part_number=part,
            options=settings.options,
        )
        security = SecuritySettings.from_toml(config)
        reader_profile = get_profile(profile)
        link = SerialSettings(port, baudrate=baud, parity=parity.value)
    except (DeviceError, ValueError) as exc:  # TagEncodeError, settings and profile errors are DeviceErrors
        fail(str(exc), as_json)
    reader = FeigReader(SerialTransport(link), reader_profile)
    service = TagService(reader, security, settings)
    try:
        # A port that fails to open is retried with backoff on first use: a reader still enumerating
        # gets the transport's `reconnect_wait_s` before we give up.
        with contextlib.suppress(TransportError):
            reader.open()
        items = service.items_in_field()
    except DeviceError as exc:
        reader.close()
        fail(f"reader on {port} unavailable: {exc}", as_json, EXIT_READER_UNAVAILABLE)
    try:
        refusal = pad_refusal(items, barcode, force=force)
        outcome = refusal or program_item(
            service, items[0], barcode, usage=item_usage, parts=parts, part=part, secure=secure
        )
    finally:
        reader.close()
    if isinstance(outcome, PadRefusal):
        fail(outcome.message, as_json, EXIT_NOT_PROGRAMMED)
    if as_json:
        print(json.dumps({"status": "written", **_programmed(outcome)}, ensure_ascii=False))
    else:
        state = "secured" if secure else "unsecured (on loan)"
        print(f"tag {outcome.uid}: wrote item {barcode} for {settings.isil}, verified, {state}")


def _programmed(outcome: Programmed) -> dict[str, Any]:
    reading = outcome.reading
    return {
        "uid": outcome.uid,
        "item_id": reading.item_id,
        "owner_isil": reading.owner_isil,
        "block_order": reading.block_order.value if reading.block_order else None,
        "secured": outcome.secured,
        "afi": outcome.afi,
        "eas": outcome.eas,
        "reading": reading.as_dict(),
    }
