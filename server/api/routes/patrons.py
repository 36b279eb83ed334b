"""Patrons: search, look up by card number, register, update, PIN (write-only) and blocks."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, status

from server.api.deps import CirculationDep, CurrentStaff, NowDep, SessionDep
from server.api.lookups import CardNumberPath, patron_by_card, patron_id_by_card
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.people import BlockCreate, BlockOut, PatronCreate, PatronOut, PatronUpdate, PinSet
from server.errors import NotFoundError
from server.services import patrons

router = APIRouter(prefix="/patrons", tags=["patrons"])


@router.get("", summary="Search patrons by card number prefix or name (diacritics ignored)")
def search_patrons(
    *,
    _staff: CurrentStaff,
    session: SessionDep,
    circulation: CirculationDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=32)] = None,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[PatronOut]:
    fetch = partial(patrons.search_patrons, session, circulation, q=q, category=category)
    return offset_page(fetch, PatronOut, limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Register a patron (optionally with a PIN)")
def create_patron(
    body: PatronCreate, _staff: CurrentStaff, session: SessionDep, circulation: CirculationDep, now: NowDep
) -> PatronOut:
    patron = patrons.create_patron(
        session,
        circulation,
        card_number=body.card_number,
        full_name=body.full_name,
        category=body.category,
        expires_on=body.expires_on,
        email=body.email,
        pin=body.pin.get_secret_value() if body.pin is not None else None,
        now=now,
    )
    session.commit()
    return PatronOut.model_validate(patron)


@router.get("/{card_number}", summary="One patron by card number")
def read_patron(
    card_number: CardNumberPath, _staff: CurrentStaff, session: SessionDep, circulation: CirculationDep
) -> PatronOut:
    return PatronOut.model_validate(patron_by_card(session, circulation, card_number))


@router.patch("/{card_number}", summary="Change name, category, e-mail (null clears it) or expiry")
def update_patron(
    card_number: CardNumberPath,
    body: PatronUpdate,
    _staff: CurrentStaff,
    session: SessionDep,
    circulation: CirculationDep,
) -> PatronOut:
    patron_id = patron_id_by_card(session, card_number)
    changes = body.model_dump(exclude_unset=True)
    if "email" in changes and changes["email"] is None:
        changes["email"] = ""  # the service's way of saying "no e-mail"
    updated = patrons.update_patron(session, circulation, patron_id, **changes)
    session.commit()
    return PatronOut.model_validate(updated)


@router.put("/{card_number}/pin", summary="Set a new PIN (typed by the patron); also unlocks the PIN")
def set_pin(
    card_number: CardNumberPath,
    body: PinSet,
    _staff: CurrentStaff,
    session: SessionDep,
    circulation: CirculationDep,
    now: NowDep,
) -> PatronOut:
    patron_id = patron_id_by_card(session, card_number)
    updated = patrons.set_pin(session, circulation, patron_id, body.pin.get_secret_value(), now=now)
    session.commit()
    return PatronOut.model_validate(updated)


@router.delete("/{card_number}/pin", summary="Reset (remove) a forgotten PIN: no kiosk use until a new one")
def reset_pin(
    card_number: CardNumberPath,
    _staff: CurrentStaff,
    session: SessionDep,
    circulation: CirculationDep,
    now: NowDep,
) -> PatronOut:
    patron_id = patron_id_by_card(session, card_number)
    updated = patrons.clear_pin(session, circulation, patron_id, now=now)
    session.commit()
    return PatronOut.model_validate(updated)


@router.post("/{card_number}/pin/unlock", summary="Unlock a PIN locked by wrong attempts")
def unlock_pin(
    card_number: CardNumberPath, _staff: CurrentStaff, session: SessionDep, circulation: CirculationDep
) -> PatronOut:
    patron_id = patron_id_by_card(session, card_number)
    updated = patrons.unlock_pin(session, circulation, patron_id)
    session.commit()
    return PatronOut.model_validate(updated)


@router.get("/{card_number}/blocks", summary="The patron's blocks (lifted ones on request)")
def list_blocks(
    *,
    card_number: CardNumberPath,
    _staff: CurrentStaff,
    session: SessionDep,
    include_lifted: bool = False,
) -> list[BlockOut]:
    patron_id = patron_id_by_card(session, card_number)
    blocks = patrons.list_blocks(session, patron_id, include_lifted=include_lifted)
    return [BlockOut.model_validate(b) for b in blocks]


@router.post("/{card_number}/blocks", status_code=status.HTTP_201_CREATED, summary="Block the patron")
def add_block(
    card_number: CardNumberPath, body: BlockCreate, staff: CurrentStaff, session: SessionDep, now: NowDep
) -> BlockOut:
    patron_id = patron_id_by_card(session, card_number)
    block = patrons.add_block(
        session, patron_id, kind=body.kind, note=body.note, staff=staff.username, now=now
    )
    session.commit()
    return BlockOut.model_validate(block)


@router.post("/{card_number}/blocks/{block_id}/lift", summary="Lift a block (it stays on record)")
def lift_block(
    card_number: CardNumberPath, block_id: int, staff: CurrentStaff, session: SessionDep, now: NowDep
) -> BlockOut:
    patron_id = patron_id_by_card(session, card_number)
    if block_id not in {b.id for b in patrons.list_blocks(session, patron_id, include_lifted=True)}:
        raise NotFoundError(f"patron {card_number} has no block {block_id}")
    block = patrons.lift_block(session, block_id, staff=staff.username, now=now)
    session.commit()
    return BlockOut.model_validate(block)
