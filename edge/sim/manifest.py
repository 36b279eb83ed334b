"""The seed manifest (`var/seed-manifest.json`, written by `stacks seed`): the patrons and items of the seeded
library, which simulated devices use as their world. Only the fields a simulation needs are read; anything
else in the file is ignored, so the seed can add fields freely.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from contract.common import Barcode, CardNumber, TagUid
from edge.errors import EdgeError

# Item statuses the seed writes; a patron only finds `available` items on the open shelves.
AVAILABLE = "available"


class ManifestError(EdgeError):
    """The manifest is missing, unreadable or has no patrons or items to simulate with."""


class _Lenient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ManifestPatron(_Lenient):
    card_number: CardNumber
    pin: str = Field(pattern=r"^[0-9]{4,12}$")
    category: str | None = None
    name: str | None = None

    @field_validator("pin", mode="before")
    @classmethod
    def _pin_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class ManifestItem(_Lenient):
    barcode: Barcode
    tag_uid: TagUid | None = None
    status: str = AVAILABLE
    location_code: str | None = None
    title: str | None = None

    @property
    def available(self) -> bool:
        return self.status == AVAILABLE


class Manifest(_Lenient):
    patrons: list[ManifestPatron]
    items: list[ManifestItem]


def load_manifest(path: Path) -> Manifest:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest.model_validate(document)
    except FileNotFoundError:
        raise ManifestError(f"{path} not found: run `stacks seed` first (it writes the manifest)") from None
    except (OSError, ValueError, ValidationError) as exc:
        raise ManifestError(f"{path}: {exc}") from exc
    if not manifest.patrons or not manifest.items:
        raise ManifestError(f"{path}: a simulation needs at least one patron and one item")
    return manifest
