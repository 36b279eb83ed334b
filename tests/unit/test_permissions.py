"""The permission table: what each role may do, as docs/console.md and docs/api.md state it."""

from __future__ import annotations

from server.services.permissions import ROLES, Permission, allows, permissions_of
from server.services.staff import StaffRole

ASSISTANT_MAY = {
    Permission.OWN_ACCOUNT,
    Permission.DASHBOARD,
    Permission.DESK,
    Permission.CATALOGUE_VIEW,
    Permission.PATRONS_VIEW,
    Permission.LOANS_VIEW,
    Permission.HOLDS_VIEW,
    Permission.HOLDS_MANAGE,
    Permission.FINES_PAY,
    Permission.OFFLINE_VIEW,
    Permission.DEVICES_VIEW,
    Permission.GATE_VIEW,
    Permission.GATE_RESOLVE,
    Permission.STOCKTAKE_VIEW,
    Permission.LOSSES_VIEW,
    Permission.LOSSES_SEARCH,
    Permission.REPAIRS_VIEW,
    Permission.TAGGING,
}
ADMINS_ONLY = {Permission.STAFF_MANAGE, Permission.AUDIT_VIEW, Permission.WEEDING_APPROVE}


def test_every_permission_names_its_roles() -> None:
    assert set(ROLES) == set(Permission)
    assert all(ROLES[p] for p in Permission)


def test_an_assistant_circulates_and_looks_up_but_no_more() -> None:
    assert permissions_of(StaffRole.ASSISTANT) == ASSISTANT_MAY
    for refused in (
        Permission.LOAN_HISTORY,
        Permission.FINES_WAIVE,
        Permission.CATALOGUE_EDIT,
        Permission.STOCKTAKE_MANAGE,
        Permission.LOSSES_REVIEW,
        Permission.REPAIRS_MANAGE,
        Permission.OFFLINE_SETTLE,
    ):
        assert not allows(StaffRole.ASSISTANT, refused)


def test_librarians_do_the_library_work_and_admins_also_staff_and_audit() -> None:
    assert permissions_of(StaffRole.LIBRARIAN) == set(Permission) - ADMINS_ONLY
    assert permissions_of(StaffRole.ADMIN) == set(Permission)


def test_an_unknown_role_may_do_nothing() -> None:
    assert permissions_of("visitor") == frozenset()
    assert not allows("", Permission.DASHBOARD)
