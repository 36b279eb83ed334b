"""Patrons for staff: lookup, search, create, update, blocks, and the PIN (write-only: set, clear, unlock).

Nothing here returns a PIN or its hash: patrons come out as `entities.Patron` (`has_pin`, `pin_locked`).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import Patron, PatronBlock
from server.domain import entities
from server.domain.enums import BlockKind
from server.errors import ConflictError, InvalidInputError, NotFoundError
from server.services import mapping, pins
from server.services.columns import BLOCK, PATRON
from server.services.context import CirculationContext
from server.services.listing import LIKE_ESCAPE, check_page, contains_pattern
from server.services.queries import lock_row, require_id


def _row(session: Session, patron_id: int, *, lock: bool = False) -> Patron:
    """`lock`: the caller changes the patron; a kiosk login counting wrong PINs waits for it, and the
    other way round."""
    row = lock_row(session, Patron, patron_id) if lock else session.get(Patron, patron_id)
    if row is None:
        raise NotFoundError(f"patron {patron_id} not found")
    return row


def _active_blocks(session: Session, patron_ids: list[int]) -> dict[int, tuple[entities.PatronBlock, ...]]:
    """The blocks in force of many patrons in one query (a page of search results is one IN list)."""
    found: dict[int, list[entities.PatronBlock]] = {patron_id: [] for patron_id in patron_ids}
    if patron_ids:
        rows = session.execute(
            sa.select(PatronBlock)
            .where(BLOCK.c.patron_id.in_(patron_ids), BLOCK.c.lifted_at.is_(None))
            .order_by(BLOCK.c.created_at, BLOCK.c.id)
        ).scalars()
        for block in rows:
            found[block.patron_id].append(mapping.block(block))
    return {patron_id: tuple(blocks) for patron_id, blocks in found.items()}


def _entities(session: Session, context: CirculationContext, rows: list[Patron]) -> list[entities.Patron]:
    blocks = _active_blocks(session, [require_id(row.id) for row in rows])
    max_failures = context.pin_max_failures
    return [mapping.patron(row, max_failures, blocks[require_id(row.id)]) for row in rows]


def _entity(session: Session, context: CirculationContext, row: Patron) -> entities.Patron:
    (entity,) = _entities(session, context, [row])
    return entity


def get_patron(session: Session, context: CirculationContext, patron_id: int) -> entities.Patron:
    return _entity(session, context, _row(session, patron_id))


def row_by_card(session: Session, card_number: str) -> Patron:
    """The patron's table row, for services that take one (the account summary); staff see entities."""
    row: Patron | None = session.execute(
        sa.select(Patron).where(PATRON.c.card_number == card_number)
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no patron with card {card_number!r}")
    return row


def patron_by_card(session: Session, context: CirculationContext, card_number: str) -> entities.Patron:
    return _entity(session, context, row_by_card(session, card_number))


def search_patrons(
    session: Session,
    context: CirculationContext,
    *,
    q: str | None = None,
    category: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[entities.Patron]:
    """`q` matches a card number prefix, the name — every word of `q` somewhere in it, diacritics and case
    ignored, so "nguyen thi mai" and "mai nguyễn" find "Nguyễn Thị Mai" and "do" finds "Đỗ" — or any part of
    the e-mail address."""
    check_page(limit, offset)
    statement = sa.select(Patron).order_by(PATRON.c.search_text, PATRON.c.id).limit(limit).offset(offset)
    text = (q or "").strip()
    if text:
        words = text.split()
        name = sa.and_(*(PATRON.c.search_text.like(contains_pattern(w), escape=LIKE_ESCAPE) for w in words))
        # E-mail addresses are matched as typed, in lower case, not folded.
        email = contains_pattern(text.lower(), folded=False)
        statement = statement.where(
            sa.or_(
                PATRON.c.card_number.startswith(text.upper(), autoescape=True),
                name,
                sa.func.lower(PATRON.c.email).like(email, escape=LIKE_ESCAPE),
            )
        )
    if category:
        statement = statement.where(PATRON.c.category == category)
    return _entities(session, context, list(session.execute(statement).scalars()))


def _check_category(category: str, context: CirculationContext) -> None:
    if category not in context.policies.rules.categories:
        raise InvalidInputError(f"unknown patron category {category!r}")


def create_patron(
    session: Session,
    context: CirculationContext,
    *,
    card_number: str,
    full_name: str,
    category: str,
    expires_on: date,
    now: datetime,
    email: str | None = None,
    faculty: str | None = None,
    pin: str | None = None,
) -> entities.Patron:
    _check_category(category, context)
    if not full_name.strip():
        raise InvalidInputError("a patron needs a name")
    taken = session.execute(sa.select(PATRON.c.id).where(PATRON.c.card_number == card_number)).first()
    if taken is not None:
        raise ConflictError(f"card number {card_number!r} is already in use")
    row = Patron(
        card_number=card_number,
        full_name=full_name.strip(),
        category=category,
        email=email,
        faculty=(faculty or "").strip() or None,
        expires_on=expires_on,
        created_at=now,
    )
    if pin is not None:
        pins.validate_pin(pin)
        row.pin_hash = context.hasher.hash(pin)
        row.pin_changed_at = now
    session.add(row)
    session.flush()
    return _entity(session, context, row)


def update_patron(
    session: Session,
    context: CirculationContext,
    patron_id: int,
    *,
    full_name: str | None = None,
    category: str | None = None,
    email: str | None = None,
    faculty: str | None = None,
    expires_on: date | None = None,
    keep_loan_history: bool | None = None,
) -> entities.Patron:
    """Change what is given; `email=""` and `faculty=""` clear them. `keep_loan_history`: the patron's own
    choice to keep their returned loans (off: the nightly purge detaches them, docs/privacy.md)."""
    row = _row(session, patron_id, lock=True)
    if full_name is not None:
        if not full_name.strip():
            raise InvalidInputError("a patron needs a name")
        row.full_name = full_name.strip()
    if category is not None:
        _check_category(category, context)
        row.category = category
    if email is not None:
        row.email = email or None
    if faculty is not None:
        row.faculty = faculty.strip() or None
    if expires_on is not None:
        row.expires_on = expires_on
    if keep_loan_history is not None:
        row.keep_loan_history = keep_loan_history
    session.flush()
    return _entity(session, context, row)


def set_pin(
    session: Session, context: CirculationContext, patron_id: int, pin: str, *, now: datetime
) -> entities.Patron:
    """A new PIN (chosen by the patron at the desk); it also unlocks a locked PIN."""
    pins.validate_pin(pin)
    row = _row(session, patron_id, lock=True)
    row.pin_hash = context.hasher.hash(pin)
    row.pin_changed_at = now
    row.pin_failures = 0
    session.flush()
    return _entity(session, context, row)


def clear_pin(
    session: Session, context: CirculationContext, patron_id: int, *, now: datetime
) -> entities.Patron:
    """Remove the PIN (a forgotten PIN): the patron cannot use a kiosk until a new one is set."""
    row = _row(session, patron_id, lock=True)
    row.pin_hash = None
    row.pin_changed_at = now
    row.pin_failures = 0
    session.flush()
    return _entity(session, context, row)


def unlock_pin(session: Session, context: CirculationContext, patron_id: int) -> entities.Patron:
    """Staff unlock after checking the patron's identity: the run of wrong PINs is forgotten."""
    row = _row(session, patron_id, lock=True)
    row.pin_failures = 0
    session.flush()
    return _entity(session, context, row)


def add_block(
    session: Session, patron_id: int, *, kind: BlockKind, staff: str, now: datetime, note: str | None = None
) -> entities.PatronBlock:
    _row(session, patron_id)
    block = PatronBlock(patron_id=patron_id, kind=kind, note=note, created_at=now, created_by=staff)
    session.add(block)
    session.flush()
    return mapping.block(block)


def lift_block(
    session: Session, block_id: int, *, staff: str, now: datetime, patron_id: int | None = None
) -> entities.PatronBlock:
    """With `patron_id`, another patron's block is not found: staff lift a block from the patron's own
    record."""
    block = lock_row(session, PatronBlock, block_id)
    if block is None or (patron_id is not None and block.patron_id != patron_id):
        raise NotFoundError(f"block {block_id} not found")
    if block.lifted_at is not None:
        raise ConflictError(f"block {block_id} was already lifted")
    block.lifted_at = now
    block.lifted_by = staff
    session.flush()
    return mapping.block(block)


def list_blocks(
    session: Session, patron_id: int, *, include_lifted: bool = False
) -> list[entities.PatronBlock]:
    _row(session, patron_id)
    statement = sa.select(PatronBlock).where(BLOCK.c.patron_id == patron_id).order_by(BLOCK.c.created_at)
    if not include_lifted:
        statement = statement.where(BLOCK.c.lifted_at.is_(None))
    return [mapping.block(b) for b in session.execute(statement).scalars()]
