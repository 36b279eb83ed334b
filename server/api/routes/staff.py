"""Staff accounts: everyone sees and changes their own; administrators manage all of them.

Every change is a staff action in the audit trail (the account before and after; never a password).
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from server.api.deps import CurrentStaff, SessionDep, permit
from server.api.idempotency import KeyableWrite
from server.api.schemas.staff import PasswordChange, PasswordSet, StaffCreate, StaffOut, StaffUpdate
from server.services import login_throttle
from server.services.permissions import Permission
from server.services.staff import (
    account_subject,
    change_own_password,
    create_staff,
    get_staff_by_username,
    list_staff,
    normalise_username,
    set_password,
    update_staff,
)

router = APIRouter(prefix="/staff", tags=["staff"])
MANAGE = [permit(Permission.STAFF_MANAGE)]


@router.get(
    "/me", summary="The staff member the token belongs to", dependencies=[permit(Permission.OWN_ACCOUNT)]
)
def read_me(staff: CurrentStaff) -> StaffOut:
    return StaffOut.model_validate(staff)


@router.put(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change one's own password",
    dependencies=[permit(Permission.OWN_ACCOUNT)],
)
def change_my_password(body: PasswordChange, write: KeyableWrite) -> Response:
    def apply() -> None:
        change_own_password(
            write.session,
            write.staff,
            body.current_password.get_secret_value(),
            body.new_password.get_secret_value(),
        )

    subject = account_subject(write.session, write.staff.username)
    return write.once("staff.password.own", apply, subject=subject, status_code=status.HTTP_204_NO_CONTENT)


@router.get("", summary="All staff accounts (administrators)", dependencies=MANAGE)
def list_accounts(session: SessionDep) -> list[StaffOut]:
    return [StaffOut.model_validate(s) for s in list_staff(session)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a staff account (administrators)",
    response_model=StaffOut,
    dependencies=MANAGE,
)
def create_account(body: StaffCreate, write: KeyableWrite) -> Response:
    def apply() -> StaffOut:
        staff = create_staff(
            write.session,
            username=body.username,
            full_name=body.full_name,
            password=body.password.get_secret_value(),
            role=body.role,
            now=write.now,
        )
        return StaffOut.model_validate(staff)

    subject = account_subject(write.session, body.username)
    return write.once("staff.create", apply, body=body, subject=subject, status_code=status.HTTP_201_CREATED)


@router.get("/{username}", summary="One staff account (administrators)", dependencies=MANAGE)
def read_account(username: str, session: SessionDep) -> StaffOut:
    return StaffOut.model_validate(get_staff_by_username(session, username))


@router.patch(
    "/{username}",
    summary="Change name, role or active flag (administrators)",
    response_model=StaffOut,
    dependencies=MANAGE,
)
def update_account(username: str, body: StaffUpdate, write: KeyableWrite) -> Response:
    def apply() -> StaffOut:
        staff = update_staff(
            write.session,
            get_staff_by_username(write.session, username),
            full_name=body.full_name,
            role=body.role,
            is_active=body.is_active,
        )
        return StaffOut.model_validate(staff)

    subject = account_subject(write.session, username)
    return write.once(
        "staff.update", apply, body=body, subject=subject, username=normalise_username(username)
    )


@router.put(
    "/{username}/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set a staff member's password (administrators)",
    dependencies=MANAGE,
)
def set_account_password(username: str, body: PasswordSet, write: KeyableWrite) -> Response:
    def apply() -> None:
        staff = get_staff_by_username(write.session, username)
        set_password(write.session, staff, body.new_password.get_secret_value())

    name = normalise_username(username)
    subject = account_subject(write.session, name)
    return write.once(
        "staff.password", apply, subject=subject, status_code=status.HTTP_204_NO_CONTENT, username=name
    )


@router.post(
    "/{username}/unlock",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Let a user name sign in again at once after failed attempts (administrators)",
    dependencies=MANAGE,
)
def unlock_account(username: str, write: KeyableWrite) -> Response:
    name = normalise_username(username)

    def apply() -> None:
        login_throttle.unlock(write.session, name)

    subject = login_throttle.unlock_subject(write.session, name)
    return write.once(
        "staff.unlock", apply, subject=subject, status_code=status.HTTP_204_NO_CONTENT, username=name
    )
