"""Patrons: search, look up by card number, register, update, PIN (write-only) and blocks.

Every change is a staff action in the audit trail: the patron (or the block) before and after, never a PIN.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel

from server.api.deps import CirculationDep, SessionDep, permit
from server.api.idempotency import KeyableWrite
from server.api.lookups import CardNumberPath, patron_by_card, patron_id_by_card
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.people import BlockCreate, BlockOut, PatronCreate, PatronOut, PatronUpdate, PinSet
from server.db.tables import Patron, PatronBlock
from server.domain import entities
from server.services import patrons
from server.services.permissions import Permission
from server.services.staff_actions import Subject, created_subject, row_subject

router = APIRouter(prefix="/patrons", tags=["patrons"])
VIEW = [permit(Permission.PATRONS_VIEW)]
EDIT = [permit(Permission.PATRONS_EDIT)]


def _patron(write: KeyableWrite, card_number: str) -> Subject:
    return row_subject(write.session, f"patron:{card_number}", Patron, card_number=card_number)


def _change(
    write: KeyableWrite,
    card_number: str,
    kind: str,
    change: Callable[[int], entities.Patron],
    *,
    body: BaseModel | None = None,
) -> Response:
    """A staff action on one patron, named by card: `change` gets the patron's id and does the work."""

    def apply() -> PatronOut:
        return PatronOut.model_validate(change(patron_id_by_card(write.session, card_number)))

    subject = _patron(write, card_number)
    return write.once(kind, apply, body=body, subject=subject, card_number=card_number)


@router.get(
    "", summary="Search patrons by card number prefix or name (diacritics ignored)", dependencies=VIEW
)
def search_patrons(
    *,
    session: SessionDep,
    circulation: CirculationDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=32)] = None,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[PatronOut]:
    fetch = partial(patrons.search_patrons, session, circulation, q=q, category=category)
    return offset_page(fetch, PatronOut, limit=limit, offset=offset)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Register a patron (optionally with a PIN)",
    response_model=PatronOut,
    dependencies=EDIT,
)
def create_patron(body: PatronCreate, write: KeyableWrite) -> Response:
    def apply() -> PatronOut:
        patron = patrons.create_patron(
            write.session,
            write.circulation,
            card_number=body.card_number,
            full_name=body.full_name,
            category=body.category,
            expires_on=body.expires_on,
            email=body.email,
            faculty=body.faculty,
            pin=body.pin.get_secret_value() if body.pin is not None else None,
            now=write.now,
        )
        return PatronOut.model_validate(patron)

    subject = _patron(write, body.card_number)
    return write.once("patron.create", apply, body=body, subject=subject, status_code=status.HTTP_201_CREATED)


@router.get("/{card_number}", summary="One patron by card number", dependencies=VIEW)
def read_patron(card_number: CardNumberPath, session: SessionDep, circulation: CirculationDep) -> PatronOut:
    return PatronOut.model_validate(patron_by_card(session, circulation, card_number))


@router.patch(
    "/{card_number}",
    summary="Change name, category, e-mail or faculty (null clears them), expiry, or the history choice",
    response_model=PatronOut,
    dependencies=EDIT,
)
def update_patron(card_number: CardNumberPath, body: PatronUpdate, write: KeyableWrite) -> Response:
    changes = body.model_dump(exclude_unset=True)
    for clearable in ("email", "faculty"):
        if clearable in changes and changes[clearable] is None:
            changes[clearable] = ""  # the service's way of saying "none"
    if changes.get("keep_loan_history", False) is None:
        del changes["keep_loan_history"]
    return _change(
        write,
        card_number,
        "patron.update",
        lambda patron_id: patrons.update_patron(write.session, write.circulation, patron_id, **changes),
        body=body,
    )


@router.put(
    "/{card_number}/pin",
    summary="Set a new PIN (typed by the patron); also unlocks the PIN",
    response_model=PatronOut,
    dependencies=EDIT,
)
def set_pin(card_number: CardNumberPath, body: PinSet, write: KeyableWrite) -> Response:
    # The body is the PIN alone: it is not logged, only that a PIN was set.
    pin = body.pin.get_secret_value()
    return _change(
        write,
        card_number,
        "patron.pin.set",
        lambda patron_id: patrons.set_pin(write.session, write.circulation, patron_id, pin, now=write.now),
    )


@router.delete(
    "/{card_number}/pin",
    summary="Reset (remove) a forgotten PIN: no kiosk use until a new one",
    response_model=PatronOut,
    dependencies=EDIT,
)
def reset_pin(card_number: CardNumberPath, write: KeyableWrite) -> Response:
    return _change(
        write,
        card_number,
        "patron.pin.reset",
        lambda patron_id: patrons.clear_pin(write.session, write.circulation, patron_id, now=write.now),
    )


@router.post(
    "/{card_number}/pin/unlock",
    summary="Unlock a PIN locked by wrong attempts",
    response_model=PatronOut,
    dependencies=EDIT,
)
def unlock_pin(card_number: CardNumberPath, write: KeyableWrite) -> Response:
    return _change(
        write,
        card_number,
        "patron.pin.unlock",
        lambda patron_id: patrons.unlock_pin(write.session, write.circulation, patron_id),
    )


@router.get(
    "/{card_number}/blocks", summary="The patron's blocks (lifted ones on request)", dependencies=VIEW
)
def list_blocks(
    *, card_number: CardNumberPath, session: SessionDep, include_lifted: bool = False
) -> list[BlockOut]:
    patron_id = patron_id_by_card(session, card_number)
    blocks = patrons.list_blocks(session, patron_id, include_lifted=include_lifted)
    return [BlockOut.model_validate(b) for b in blocks]


@router.post(
    "/{card_number}/blocks",
    status_code=status.HTTP_201_CREATED,
    summary="Block the patron",
    response_model=BlockOut,
    dependencies=EDIT,
)
def add_block(card_number: CardNumberPath, body: BlockCreate, write: KeyableWrite) -> Response:
    def apply() -> BlockOut:
        patron_id = patron_id_by_card(write.session, card_number)
        block = patrons.add_block(
            write.session,
            patron_id,
            kind=body.kind,
            note=body.note,
            staff=write.staff.username,
            now=write.now,
        )
        return BlockOut.model_validate(block)

    subject = created_subject(write.session, "block", PatronBlock)
    return write.once(
        "patron.block.add",
        apply,
        body=body,
        subject=subject,
        status_code=status.HTTP_201_CREATED,
        card_number=card_number,
    )


@router.post(
    "/{card_number}/blocks/{block_id}/lift",
    summary="Lift a block (it stays on record)",
    response_model=BlockOut,
    dependencies=EDIT,
)
def lift_block(card_number: CardNumberPath, block_id: int, write: KeyableWrite) -> Response:
    def apply() -> BlockOut:
        patron_id = patron_id_by_card(write.session, card_number)
        block = patrons.lift_block(
            write.session, block_id, staff=write.staff.username, now=write.now, patron_id=patron_id
        )
        return BlockOut.model_validate(block)

    subject = row_subject(write.session, f"block:{block_id}", PatronBlock, id=block_id)
    return write.once("patron.block.lift", apply, subject=subject, card_number=card_number, block_id=block_id)
