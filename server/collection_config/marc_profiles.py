"""`config/marc_profiles.toml`: where each MARC 21 profile keeps a record's parts and its copies.

Every `[profiles.NAME]` table is a profile (`stacks import marc --profile NAME`): a description, the
record's places when they differ from MARC 21's (`[profiles.NAME.record]`, each a list of places such as
"245abnp", the first present wins) and the holdings (`[profiles.NAME.holdings]`). A place that is not a
field and its subfields, a holdings attribute of another field without a barcode link, or an unknown
acquisition source is refused with the file, line and key. docs/catalogue.md describes every profile.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from types import MappingProxyType
from typing import Annotated

from pydantic import AfterValidator, Field

from contract.config_files import ConfigModel, Lax
from server.collection_config.reading import read_file, read_text
from server.domain.callnumbers import fold
from server.domain.catalogue.profiles import HoldingsPlaces, MarcProfile, Place, RecordPlaces
from server.domain.enums import AcquisitionSource
from server.errors import ConfigurationError

MARC_PROFILES_FILE = "marc_profiles.toml"
DEFAULT_PROFILE = "marc21"


def _place(text: str) -> str:
    Place.parse(text)  # raises ValueError saying how a place is written
    return text


PlaceText = Annotated[str, AfterValidator(_place)]
Code = Annotated[str, Field(pattern=r"^[a-z0-9]$")]
Tag = Annotated[str, Field(pattern=r"^[0-9]{3}$")]
ItemType = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")]


class RecordSection(ConfigModel):
    title: list[PlaceText] | None = None
    statement_of_responsibility: list[PlaceText] | None = None
    author: list[PlaceText] | None = None
    other_authors: list[PlaceText] | None = None
    uniform_title: list[PlaceText] | None = None
    isbn: list[PlaceText] | None = None
    issn: list[PlaceText] | None = None
    edition: list[PlaceText] | None = None
    publication_place: list[PlaceText] | None = None
    publisher: list[PlaceText] | None = None
    date: list[PlaceText] | None = None
    physical_description: list[PlaceText] | None = None
    subjects: list[PlaceText] | None = None
    ddc: list[PlaceText] | None = None
    call_number: list[PlaceText] | None = None
    set_title: list[PlaceText] | None = None
    volume: list[PlaceText] | None = None
    summary: list[PlaceText] | None = None

    def places(self) -> RecordPlaces:
        given = {
            name: tuple(Place.parse(text) for text in value)
            for name, value in self.model_dump(exclude_none=True).items()
            if value
        }
        return RecordPlaces(**given)


class HoldingsSection(ConfigModel):
    field: Tag
    barcode: Code
    link: Code = "p"
    location: PlaceText | None = None
    call_number: PlaceText | None = None
    item_type: PlaceText | None = None
    price: PlaceText | None = None
    accession_number: PlaceText | None = None
    acquired_on: PlaceText | None = None
    acquisition_source: PlaceText | None = None
    donor: PlaceText | None = None
    default_item_type: ItemType = "book"
    sources: dict[str, Annotated[AcquisitionSource, Lax]] = Field(default_factory=dict)

    def places(self) -> HoldingsPlaces:
        attributes = {
            spec.name: Place.parse(text)
            for spec in fields(HoldingsPlaces)
            if isinstance(text := getattr(self, spec.name, None), str) and spec.name not in _NOT_PLACES
        }
        return HoldingsPlaces(
            tag=self.field,
            barcode=self.barcode,
            link=self.link,
            default_item_type=self.default_item_type,
            sources=MappingProxyType({fold(name).strip(): value for name, value in self.sources.items()}),
            **attributes,
        )


_NOT_PLACES = frozenset({"tag", "barcode", "link", "default_item_type", "sources"})


class ProfileSection(ConfigModel):
    description: str
    record: RecordSection = Field(default_factory=RecordSection)
    holdings: HoldingsSection

    def profile(self, name: str) -> MarcProfile:
        return MarcProfile(name, self.description, self.record.places(), self.holdings.places())


class MarcProfilesFile(ConfigModel):
    profiles: dict[Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")], ProfileSection]

    def by_name(self) -> dict[str, MarcProfile]:
        return {name: section.profile(name) for name, section in self.profiles.items()}


def load_marc_profiles(path: Path) -> dict[str, MarcProfile]:
    return read_file(path, MarcProfilesFile).by_name()


def parse_marc_profiles(text: str, source: str = MARC_PROFILES_FILE) -> dict[str, MarcProfile]:
    return read_text(text, source, MarcProfilesFile).by_name()


def marc_profile(config_dir: Path, name: str | None) -> MarcProfile:
    """The profile called `name` (the MARC 21 default without one) from the configuration directory."""
    profiles = load_marc_profiles(config_dir / MARC_PROFILES_FILE)
    chosen = name or DEFAULT_PROFILE
    if chosen not in profiles:
        known = ", ".join(sorted(profiles))
        raise ConfigurationError(f"no MARC profile {chosen!r} in {MARC_PROFILES_FILE} (profiles: {known})")
    return profiles[chosen]
