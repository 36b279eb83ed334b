"""`config/import_columns.toml`: the header names each column of an items or a roster CSV may have.

`[items.NAME]` and `[patrons.NAME]` are column profiles (`--profile NAME`, "default" without one): each of
our columns with the list of headers that name it, compared folded ("Số ĐKCB" = "so dkcb"). An items
profile may map the words a file uses for the acquisition source (`[items.NAME.sources]`). A column named
twice, or an unknown column of ours, is refused with the file, line and key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated

from pydantic import Field, model_validator

from contract.config_files import ConfigModel, Lax
from server.collection_config.reading import read_file
from server.domain.catalogue.csv_rows import ITEM_COLUMNS, PATRON_COLUMNS, header_key
from server.domain.enums import AcquisitionSource
from server.errors import ConfigurationError

IMPORT_COLUMNS_FILE = "import_columns.toml"
DEFAULT_COLUMNS = "default"

Headers = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    name: str
    headers: MappingProxyType[str, str]  # a header, folded → our column
    sources: MappingProxyType[str, AcquisitionSource]  # a source as written, folded → ours


def _unique(columns: dict[str, list[str]]) -> None:
    seen: dict[str, str] = {}
    for column, headers in columns.items():
        for header in headers:
            if (other := seen.setdefault(header_key(header), column)) != column:
                raise ValueError(f"the header {header!r} names both {other} and {column}")


class ItemColumns(ConfigModel):
    barcode: Headers
    accession_number: Headers | None = None
    control_number: Headers | None = None
    isbn: Headers | None = None
    title: Headers | None = None
    author: Headers | None = None
    call_number: Headers | None = None
    location: Headers | None = None
    item_type: Headers | None = None
    price: Headers | None = None
    acquired_on: Headers | None = None
    acquisition_source: Headers | None = None
    donor: Headers | None = None
    sources: dict[str, Annotated[AcquisitionSource, Lax]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_column_a_header(self) -> ItemColumns:
        _unique({c: getattr(self, c) for c in ITEM_COLUMNS if getattr(self, c)})
        return self


class PatronColumns(ConfigModel):
    card_number: Headers
    full_name: Headers
    category: Headers
    expires_on: Headers
    faculty: Headers | None = None
    email: Headers | None = None

    @model_validator(mode="after")
    def _one_column_a_header(self) -> PatronColumns:
        _unique({c: getattr(self, c) for c in PATRON_COLUMNS if getattr(self, c)})
        return self


class ImportColumnsFile(ConfigModel):
    items: dict[str, ItemColumns] = Field(default_factory=dict)
    patrons: dict[str, PatronColumns] = Field(default_factory=dict)


def _profile(name: str, columns: ItemColumns | PatronColumns, names: tuple[str, ...]) -> ColumnProfile:
    headers = {header_key(column): column for column in names}  # our own names always work
    for column in names:
        for header in getattr(columns, column) or ():
            headers[header_key(header)] = column
    sources = getattr(columns, "sources", {})
    return ColumnProfile(
        name,
        MappingProxyType(headers),
        MappingProxyType({header_key(k): v for k, v in sources.items()}),
    )


def column_profile(config_dir: Path, kind: str, name: str | None) -> ColumnProfile:
    """The items or patrons (`kind`) column profile `name` ("default" without one)."""
    loaded = read_file(config_dir / IMPORT_COLUMNS_FILE, ImportColumnsFile)
    chosen = name or DEFAULT_COLUMNS
    profiles: dict[str, ItemColumns] | dict[str, PatronColumns] = (
        loaded.items if kind == "items" else loaded.patrons
    )
    if chosen not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigurationError(
            f"no {kind} column profile {chosen!r} in {IMPORT_COLUMNS_FILE} (profiles: {known})"
        )
    return _profile(chosen, profiles[chosen], ITEM_COLUMNS if kind == "items" else PATRON_COLUMNS)
