"""`config/shelf_orders.toml`: the order a location's shelves keep, when it is not the call number's.

The file is read (and every order's parts parsed by `order_keys.parse_shelf_order`) when the server
starts: a bad part stops the start, named by file, location and part. Location codes are data that
change while the server runs, so they are matched to the library's locations when a stock-take session
opens (`stocktake_library.location_orders`), which refuses a code the library does not have.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated

from pydantic import AfterValidator, Field

from contract.config_files import ConfigModel
from server.collection_config.reading import read_file, read_text
from server.domain.stocktake.order_keys import ShelfOrder, parse_shelf_order

SHELF_ORDERS_FILE = "shelf_orders.toml"

LocationCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")]

ShelfOrders = Mapping[str, ShelfOrder]
"""A location's code → the order its shelves keep (locations not named inherit their parent's)."""

NO_SHELF_ORDERS: ShelfOrders = MappingProxyType({})


def _parses(parts: list[str]) -> list[str]:
    parse_shelf_order(parts)  # raises ValueError naming the bad part, reported under the location's key
    return parts


class ShelfOrdersFile(ConfigModel):
    orders: dict[LocationCode, Annotated[list[str], AfterValidator(_parses)]] = Field(default_factory=dict)

    def shelf_orders(self) -> ShelfOrders:
        return MappingProxyType({code: parse_shelf_order(parts) for code, parts in self.orders.items()})


def load_shelf_orders(path: Path) -> ShelfOrders:
    return read_file(path, ShelfOrdersFile).shelf_orders()


def parse_shelf_orders(text: str, source: str = SHELF_ORDERS_FILE) -> ShelfOrders:
    return read_text(text, source, ShelfOrdersFile).shelf_orders()
