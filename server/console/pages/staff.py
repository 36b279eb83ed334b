"""Staff accounts, for administrators: every account with its role and whether it may sign in, the user
names whose sign-in is held back after failed attempts, and a form creating an account (user name, full
name, role, initial password). One account's page (staff_account.py) changes its role, deactivates or
reactivates it, resets its password and unlocks its sign-in.

Every change is an audited staff action through the same services as the REST API's `/staff` routes
(server/services/staff.py, login_throttle.py), which also decide what is refused: a taken or malformed user
name, a short password, and any change that would leave no active administrator. The refusals are said in
the administrator's language.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.nav import STAFF, NavEntry
from server.console.render import ROLE_LABELS
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.db.tables.staff import StaffUser
from server.errors import StacksError
from server.services import login_throttle, staff
from server.services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, PasswordPolicyError
from server.services.permissions import Permission
from server.services.staff import StaffConflictError, StaffInputError, StaffRefusal, StaffRole
from web import N_, Language, translate

pages = ConsoleRouter()
NAV = NavEntry(STAFF, "/staff", N_("Staff"), Permission.STAFF_MANAGE)
NAV_URL = render.console_url(NAV.path)

REFUSALS = {
    StaffRefusal.BAD_USERNAME: N_(
        "A user name is 2 to 64 lower-case letters, digits, dots, dashes or underscores, "
        "starting with a letter or a digit."
    ),
    StaffRefusal.RESERVED_USERNAME: N_("That user name is reserved; choose another."),
    StaffRefusal.NO_FULL_NAME: N_("Give the staff member's full name."),
    StaffRefusal.USERNAME_TAKEN: N_("An account with that user name exists already."),
    StaffRefusal.LAST_ADMIN: N_(
        "This is the last active administrator. Make another account an administrator first."
    ),
    StaffRefusal.WRONG_PASSWORD: N_("The current password is not correct."),
}
PASSWORD_RULE = N_("A password has %(min)d to %(max)d characters.")
NOT_DONE = N_("The account could not be changed.")


def refusal_text(lang: Language, exc: StacksError) -> str:
    """What the administrator reads when the service refused."""
    if isinstance(exc, StaffInputError | StaffConflictError):
        return translate(lang, REFUSALS[exc.reason])
    if isinstance(exc, PasswordPolicyError):
        return translate(lang, PASSWORD_RULE) % {"min": MIN_PASSWORD_LENGTH, "max": MAX_PASSWORD_LENGTH}
    return translate(lang, NOT_DONE)


def role_choices(lang: Language) -> list[tuple[str, str]]:
    return [(role.value, translate(lang, ROLE_LABELS[role.value])) for role in StaffRole]


def account_reply(account: StaffUser) -> dict[str, Any]:
    """An account as the action's reply: what the REST API answers too (never a password)."""
    return {
        "id": account.id,
        "username": account.username,
        "full_name": account.full_name,
        "role": account.role.value,
        "is_active": account.is_active,
    }


def _page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    *,
    error: str | None = None,
    entered: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "notice": notice,
        "accounts": staff.list_staff(db),
        "held_back": login_throttle.held_back_accounts(db, state.clock()),
        "role_choices": role_choices(viewer.lang),
        "role_labels": ROLE_LABELS,
        "new_key": actions.new_key,  # one key per form on the page
        "error": error,
        "entered": entered or {"username": "", "full_name": "", "role": StaffRole.ASSISTANT.value},
        "password_min": MIN_PASSWORD_LENGTH,
    }
    return render.page(
        request, state, viewer, "console/staff/staff.html", context, nav=NAV.path, status_code=status_code
    )


@pages.page("/staff", Permission.STAFF_MANAGE)
def show(
    request: Request,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    unlocked: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    notice = None
    if unlocked:
        notice = translate(viewer.lang, N_("Signing in was unlocked for %(name)s.")) % {"name": unlocked}
    return _page(request, state, db, viewer, notice=notice)


@pages.action("/staff", Permission.STAFF_MANAGE)
def create(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    username: Annotated[str, Form(max_length=64)],
    full_name: Annotated[str, Form(max_length=200)],
    role: Annotated[StaffRole, Form()],
    password: Annotated[str, Form(max_length=1024)],
    action_key: Annotated[str | None, Form(max_length=40)] = None,
) -> Response:
    name = staff.normalise_username(username)

    def apply() -> dict[str, Any]:
        made = staff.create_staff(
            db, username=name, full_name=full_name, password=password, role=role, now=now
        )
        return account_reply(made)

    asked = {"username": name, "full_name": full_name, "role": role.value}
    try:
        actions.perform(
            db,
            viewer,
            now,
            "staff.create",
            asked,
            apply=apply,
            subject=staff.account_subject(db, name),
            key=action_key,
        )
    except StacksError as exc:
        db.rollback()  # nothing was made; the form comes back as it was typed, but for the password
        error = refusal_text(viewer.lang, exc)
        return _page(request, state, db, viewer, error=error, entered=asked, status_code=409)
    return RedirectResponse(render.console_url(f"/staff/{name}?done=created"), status_code=303)
