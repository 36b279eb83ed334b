"""Path parameters that name things the way staff do (a barcode, a card number), and their lookups."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from sqlmodel import Session

from contract.common import BARCODE_PATTERN, CARD_NUMBER_PATTERN, ItemRef
from server.domain import entities
from server.services import catalog, patrons
from server.services.context import CirculationContext
from server.services.queries import require_id

# The contract's own patterns, checked before anything is looked up.
BarcodePath = Annotated[str, Path(pattern=BARCODE_PATTERN, description="The item's barcode.")]
CardNumberPath = Annotated[str, Path(pattern=CARD_NUMBER_PATTERN, description="The patron's card number.")]


def item_by_barcode(session: Session, barcode: str) -> entities.Item:
    return catalog.item_by_ref(session, ItemRef(barcode=barcode))


def patron_by_card(session: Session, context: CirculationContext, card_number: str) -> entities.Patron:
    return patrons.patron_by_card(session, context, card_number)


def patron_id_by_card(session: Session, card_number: str) -> int:
    """The patron's id alone (one row read), for routes that pass it on to a service."""
    return require_id(patrons.row_by_card(session, card_number).id)
