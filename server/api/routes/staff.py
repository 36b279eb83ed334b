"""Staff accounts: everyone sees and changes their own; administrators manage all of them."""

from __future__ import annotations

from fastapi import APIRouter, status

from server.api.deps import AdminStaff, CurrentStaff, NowDep, SessionDep
from server.api.schemas.staff import PasswordChange, PasswordSet, StaffCreate, StaffOut, StaffUpdate
from server.services.staff import (
    change_own_password,
    create_staff,
    get_staff_by_username,
    list_staff,
    set_password,
    update_staff,
)

router = APIRouter(prefix="/staff", tags=["staff"])


@router.get("/me", summary="The staff member the token belongs to")
def read_me(staff: CurrentStaff) -> StaffOut:
    return StaffOut.model_validate(staff)


@router.put("/me/password", status_code=status.HTTP_204_NO_CONTENT, summary="Change one's own password")
def change_my_password(body: PasswordChange, staff: CurrentStaff, session: SessionDep) -> None:
    change_own_password(
        session, staff, body.current_password.get_secret_value(), body.new_password.get_secret_value()
    )
    session.commit()


@router.get("", summary="All staff accounts (administrators)")
def list_accounts(_admin: AdminStaff, session: SessionDep) -> list[StaffOut]:
    return [StaffOut.model_validate(s) for s in list_staff(session)]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a staff account (administrators)")
def create_account(body: StaffCreate, _admin: AdminStaff, session: SessionDep, now: NowDep) -> StaffOut:
    staff = create_staff(
        session,
        username=body.username,
        full_name=body.full_name,
        password=body.password.get_secret_value(),
        role=body.role,
        now=now,
    )
    session.commit()
    return StaffOut.model_validate(staff)


@router.get("/{username}", summary="One staff account (administrators)")
def read_account(username: str, _admin: AdminStaff, session: SessionDep) -> StaffOut:
    return StaffOut.model_validate(get_staff_by_username(session, username))


@router.patch("/{username}", summary="Change name, role or active flag (administrators)")
def update_account(username: str, body: StaffUpdate, _admin: AdminStaff, session: SessionDep) -> StaffOut:
    staff = update_staff(
        session,
        get_staff_by_username(session, username),
        full_name=body.full_name,
        role=body.role,
        is_active=body.is_active,
    )
    session.commit()
    return StaffOut.model_validate(staff)


@router.put(
    "/{username}/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set a staff member's password (administrators)",
)
def set_account_password(username: str, body: PasswordSet, _admin: AdminStaff, session: SessionDep) -> None:
    set_password(session, get_staff_by_username(session, username), body.new_password.get_secret_value())
    session.commit()
