"""One staff account, for administrators: change its role, deactivate or reactivate it, reset its password
(which ends its sessions everywhere: the console's, and the API's tokens), and unlock its sign-in after
failed attempts. Each is an audited staff action through the REST API's services; what they refuse — the
change that would leave no active administrator above all — comes back in words (staff.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Form, Query, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from server.console import actions, render
from server.console.access import ConsoleRouter
from server.console.pages.staff import NAV as HOME_NAV
from server.console.pages.staff import account_reply, refusal_text, role_choices
from server.console.render import ROLE_LABELS
from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.db.tables.staff import StaffUser
from server.errors import StacksError
from server.services import login_throttle, staff
from server.services.passwords import MIN_PASSWORD_LENGTH
from server.services.permissions import Permission
from server.services.staff import StaffRole
from web import N_, translate

pages = ConsoleRouter()
KeyField = Annotated[str | None, Form(max_length=40)]

DONE = {
    "created": N_("The account was created. The staff member signs in with the initial password."),
    "role": N_("The role was changed."),
    "deactivated": N_("The account was deactivated: it cannot sign in, and its sessions have ended."),
    "reactivated": N_("The account was reactivated."),
    "password": N_("The password was reset. Every session of the account has ended."),
    "unlocked": N_("Signing in was unlocked."),
}


def account_url(username: str) -> str:
    return render.console_url(f"/staff/{username}")


def _page(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    username: str,
    *,
    done: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    account = staff.get_staff_by_username(db, username)
    held = [h for h in login_throttle.held_back_accounts(db, state.clock()) if h.username == account.username]
    context = {
        "account": account,
        "held_back": held[0] if held else None,
        "is_self": account.id == viewer.staff.id,
        "role_choices": role_choices(viewer.lang),
        "role_labels": ROLE_LABELS,
        "notice": translate(viewer.lang, DONE[done]) if done in DONE else None,
        "error": error,
        "new_key": actions.new_key,  # one key per form on the page
        "url": account_url(account.username),
        "password_min": MIN_PASSWORD_LENGTH,
    }
    return render.page(
        request,
        state,
        viewer,
        "console/staff/account.html",
        context,
        nav=HOME_NAV.path,
        status_code=status_code,
    )


@pages.page("/staff/{username}", Permission.STAFF_MANAGE)
def show(
    request: Request,
    username: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return _page(request, state, db, viewer, username, done=done)


def _change(
    request: Request,
    state: ConsoleState,
    db: Session,
    viewer: Viewer,
    account: StaffUser,
    *,
    kind: str,
    asked: dict[str, Any],
    apply: Callable[[], dict[str, Any]],
    key: str | None,
    done: str,
) -> Response:
    """Perform an audited change of the account (its row before and after is the subject), then show its
    page: with what was done, or why not."""
    name = account.username
    subject = staff.account_subject(db, name)
    try:
        actions.perform(
            db, viewer, state.clock(), kind, {"username": name} | asked, apply=apply, subject=subject, key=key
        )
    except StacksError as exc:
        db.rollback()  # nothing was changed, and the key may be used again
        error = refusal_text(viewer.lang, exc)
        return _page(request, state, db, viewer, name, error=error, status_code=409)
    return RedirectResponse(f"{account_url(name)}?done={done}", status_code=303)


@pages.action("/staff/{username}/role", Permission.STAFF_MANAGE)
def change_role(
    request: Request,
    username: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    role: Annotated[StaffRole, Form()],
    action_key: KeyField = None,
) -> Response:
    account = staff.get_staff_by_username(db, username)

    def apply() -> dict[str, Any]:
        return account_reply(staff.update_staff(db, account, role=role))

    asked = {"role": role.value}
    return _change(
        request,
        state,
        db,
        viewer,
        account,
        kind="staff.update",
        asked=asked,
        apply=apply,
        key=action_key,
        done="role",
    )


@pages.action("/staff/{username}/active", Permission.STAFF_MANAGE)
def set_active(
    request: Request,
    username: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    active: Annotated[Literal["true", "false"], Form()],
    action_key: KeyField = None,
) -> Response:
    account = staff.get_staff_by_username(db, username)
    is_active = active == "true"

    def apply() -> dict[str, Any]:
        return account_reply(staff.update_staff(db, account, is_active=is_active))

    done = "reactivated" if is_active else "deactivated"
    return _change(
        request,
        state,
        db,
        viewer,
        account,
        kind="staff.update",
        asked={"is_active": is_active},
        apply=apply,
        key=action_key,
        done=done,
    )


@pages.action("/staff/{username}/password", Permission.STAFF_MANAGE)
def reset_password(
    request: Request,
    username: str,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    new_password: Annotated[str, Form(max_length=1024)],
    action_key: KeyField = None,
) -> Response:
    account = staff.get_staff_by_username(db, username)

    def apply() -> dict[str, Any]:
        staff.set_password(db, account, new_password)  # every session and token of the account ends
        return {}

    return _change(
        request,
        state,
        db,
        viewer,
        account,
        kind="staff.password",
        asked={},
        apply=apply,
        key=action_key,
        done="password",
    )


@pages.action("/staff/{username}/unlock", Permission.STAFF_MANAGE)
def unlock(
    username: str,
    *,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    back: Annotated[Literal["list", "account"], Form()] = "account",
    action_key: KeyField = None,
) -> Response:
    """A user name may be held back whether or not it is an account's (the throttle never tells)."""
    name = staff.normalise_username(username)

    def apply() -> dict[str, Any]:
        return {"unlocked": login_throttle.unlock(db, name)}

    subject = login_throttle.unlock_subject(db, name)
    asked = {"username": name}
    actions.perform(db, viewer, now, "staff.unlock", asked, apply=apply, subject=subject, key=action_key)
    if back == "list" or staff.find_staff(db, name) is None:
        return RedirectResponse(f"{render.console_url('/staff')}?unlocked={name}", status_code=303)
    return RedirectResponse(f"{account_url(name)}?done=unlocked", status_code=303)
