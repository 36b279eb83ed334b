"""The forms of a patron's page: take a payment, waive a fine (with a reason), add and lift blocks, set a
new PIN, unlock a PIN, change the expiry date, and the patron's choice to keep a loan history.

Each is an audited staff action (server/console/actions.py) through the same service as the REST API's
route, with the permission that route names; it is applied once per form (its key), and leads back to the
patron's page, which says what was done. A refusal (an amount larger than what is owed, a PIN that is not
4 to 12 digits, a fine already settled) shows the page again with the reason beside the form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from pydantic_core import to_jsonable_python
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions
from server.console.access import ConsoleRouter
from server.console.pages.patrons import detail, patron_url
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.db.tables import Fine, Patron, PatronBlock
from server.domain.enums import BlockKind
from server.errors import ConflictError, InvalidInputError
from server.services import fines, patrons
from server.services.context import CirculationContext
from server.services.permissions import Permission
from server.services.staff_actions import Subject, created_subject, row_subject
from web import N_

pages = ConsoleRouter()

Key = Annotated[str, Form(alias=actions.KEY_FIELD, max_length=64)]
Short = Annotated[str, Form(max_length=40)]


class Refused(Exception):  # noqa: N818 - an outcome: the form is shown again with the reason
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PatronForm:
    """One submitted form of a patron's page, and what it needs to act and to answer."""

    request: Request
    card_number: str
    state: ConsoleState
    db: Session
    viewer: Viewer
    now: datetime

    @property
    def staff(self) -> str:
        return self.viewer.staff.username

    @property
    def circulation(self) -> CirculationContext:
        return self.state.circulation_context()

    @property
    def patron_id(self) -> int:
        return patrons.row_by_card(self.db, self.card_number).id or 0

    @property
    def patron(self) -> Subject:
        return row_subject(self.db, f"patron:{self.card_number}", Patron, card_number=self.card_number)

    def act(
        self,
        kind: str,
        values: Mapping[str, Any],
        apply: Callable[[], Any],
        subject: Subject,
        *,
        key: str,
        section: str,
        done: str,
        refusals: Mapping[type[Exception], str],
    ) -> Response:
        """Apply and log the action, then back to the page; a refusal named in `refusals` (or `Refused`)
        shows the page again with its message in `section`."""
        try:
            actions.perform(
                self.db,
                self.viewer,
                self.now,
                kind,
                {"card_number": self.card_number, **values},
                apply=lambda: {"ok": True, **to_jsonable_python(asdict(apply()))},
                subject=subject,
                key=key,
            )
        except (InvalidInputError, ConflictError, Refused) as exc:
            self.db.rollback()
            message = exc.message if isinstance(exc, Refused) else refusals.get(type(exc))
            if message is None:
                raise
            return self.again(section, message, 409 if isinstance(exc, ConflictError) else 422)
        return RedirectResponse(f"{patron_url(self.card_number)}?done={done}#{section}", status_code=303)

    def again(self, section: str, message: str, status_code: int = 422) -> Response:
        return detail(
            self.request,
            self.card_number,
            state=self.state,
            db=self.db,
            viewer=self.viewer,
            now=self.now,
            problem=(section, message),
            status_code=status_code,
        )


def _form(
    request: Request, card_number: str, *, state: StateDep, db: DbDep, viewer: ViewerDep, now: NowDep
) -> PatronForm:
    return PatronForm(request, card_number, state, db, viewer, now)


FormDep = Annotated[PatronForm, Depends(_form)]


def _amount(text: str) -> int | None:
    """Đồng as staff type them ("5000", "5.000", "5 000"); empty: all that is owed."""
    digits = text.replace(".", "").replace(",", "").replace(" ", "").strip()
    if not digits:
        return None
    if not digits.isdigit():
        raise Refused(N_("Type the amount in đồng, digits only."))
    return int(digits)


ALREADY_SETTLED = N_("This fine is already paid or waived.")


@pages.action("/patrons/{card_number}/fines/{fine_id}/pay", Permission.FINES_PAY)
def pay(
    fine_id: int,
    form: FormDep,
    action_key: Key = "",
    amount: Short = "",
) -> Response:
    patron_id = form.patron_id

    def apply() -> Any:
        paid = _amount(amount)
        return fines.pay_fine(
            form.db, fine_id, amount=paid, staff=form.staff, now=form.now, patron_id=patron_id
        )

    return form.act(
        "fine.pay",
        {"fine_id": fine_id, "amount": amount or None},
        apply,
        row_subject(form.db, f"fine:{fine_id}", Fine, id=fine_id),
        key=action_key,
        section="fines",
        done="paid",
        refusals={
            InvalidInputError: N_("A payment is at least 1 đồng and at most what is owed."),
            ConflictError: ALREADY_SETTLED,
        },
    )


@pages.action("/patrons/{card_number}/fines/{fine_id}/waive", Permission.FINES_WAIVE)
def waive(
    fine_id: int,
    form: FormDep,
    action_key: Key = "",
    note: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    patron_id = form.patron_id
    return form.act(
        "fine.waive",
        {"fine_id": fine_id, "note": note},
        lambda: fines.waive_fine(
            form.db, fine_id, note=note, staff=form.staff, now=form.now, patron_id=patron_id
        ),
        row_subject(form.db, f"fine:{fine_id}", Fine, id=fine_id),
        key=action_key,
        section="fines",
        done="waived",
        refusals={InvalidInputError: N_("Say why the fine is waived."), ConflictError: ALREADY_SETTLED},
    )


@pages.action("/patrons/{card_number}/blocks", Permission.PATRONS_EDIT)
def add_block(
    form: FormDep,
    action_key: Key = "",
    kind: Short = BlockKind.MANUAL.value,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    patron_id = form.patron_id

    def apply() -> Any:
        if kind not in {k.value for k in BlockKind}:
            raise Refused(N_("Choose why the patron is blocked."))
        note_text = note.strip() or None
        return patrons.add_block(
            form.db, patron_id, kind=BlockKind(kind), note=note_text, staff=form.staff, now=form.now
        )

    return form.act(
        "patron.block.add",
        {"kind": kind, "note": note.strip() or None},
        apply,
        created_subject(form.db, "block", PatronBlock),
        key=action_key,
        section="blocks",
        done="blocked",
        refusals={},
    )


@pages.action("/patrons/{card_number}/blocks/{block_id}/lift", Permission.PATRONS_EDIT)
def lift_block(
    block_id: int,
    form: FormDep,
    action_key: Key = "",
) -> Response:
    patron_id = form.patron_id
    return form.act(
        "patron.block.lift",
        {"block_id": block_id},
        lambda: patrons.lift_block(form.db, block_id, staff=form.staff, now=form.now, patron_id=patron_id),
        row_subject(form.db, f"block:{block_id}", PatronBlock, id=block_id),
        key=action_key,
        section="blocks",
        done="lifted",
        refusals={ConflictError: N_("This block was already lifted.")},
    )


@pages.action("/patrons/{card_number}/pin", Permission.PATRONS_EDIT)
def set_pin(
    form: FormDep,
    action_key: Key = "",
    pin: Short = "",
    pin_again: Short = "",
) -> Response:
    """A new PIN typed by the patron at the desk; the request logged says only that one was set."""
    patron_id = form.patron_id

    def apply() -> Any:
        if pin != pin_again:
            raise Refused(N_("The two PINs differ. Ask the patron to type the new PIN twice."))
        return patrons.set_pin(form.db, form.circulation, patron_id, pin, now=form.now)

    return form.act(
        "patron.pin.set",
        {},
        apply,
        form.patron,
        key=action_key,
        section="account",
        done="pin-set",
        refusals={InvalidInputError: N_("A PIN is 4 to 12 digits.")},
    )


@pages.action("/patrons/{card_number}/pin/unlock", Permission.PATRONS_EDIT)
def unlock_pin(
    form: FormDep,
    action_key: Key = "",
) -> Response:
    patron_id = form.patron_id
    return form.act(
        "patron.pin.unlock",
        {},
        lambda: patrons.unlock_pin(form.db, form.circulation, patron_id),
        form.patron,
        key=action_key,
        section="account",
        done="pin-unlocked",
        refusals={},
    )


@pages.action("/patrons/{card_number}/expiry", Permission.PATRONS_EDIT)
def change_expiry(
    form: FormDep,
    action_key: Key = "",
    expires_on: Short = "",
) -> Response:
    patron_id = form.patron_id

    def apply() -> Any:
        try:
            day = date.fromisoformat(expires_on)
        except ValueError:
            raise Refused(N_("Choose the new expiry date.")) from None
        return patrons.update_patron(form.db, form.circulation, patron_id, expires_on=day)

    return form.act(
        "patron.update",
        {"expires_on": expires_on},
        apply,
        form.patron,
        key=action_key,
        section="account",
        done="expiry",
        refusals={},
    )


@pages.action("/patrons/{card_number}/history-choice", Permission.PATRONS_EDIT)
def history_choice(
    form: FormDep,
    action_key: Key = "",
    keep: Short = "",
) -> Response:
    """The patron's own choice, told to staff: keep their returned loans, or let them go after the
    retention period (docs/privacy.md)."""
    patron_id = form.patron_id
    keeping = keep == "1"
    return form.act(
        "patron.update",
        {"keep_loan_history": keeping},
        lambda: patrons.update_patron(form.db, form.circulation, patron_id, keep_loan_history=keeping),
        form.patron,
        key=action_key,
        section="account",
        done="history-on" if keeping else "history-off",
        refusals={},
    )
