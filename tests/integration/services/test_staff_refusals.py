"""Staff account changes the services refuse, on SQLite and PostgreSQL: each refusal names its reason, which
the console words in the administrator's language; the API keeps its 400 and 409."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from server.domain.enums import StaffRole
from server.errors import InvalidInputError
from server.services import staff
from server.services.passwords import PasswordPolicyError
from server.services.staff import StaffConflictError, StaffInputError, StaffRefusal

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_staff_refusals_name_their_reason(session: Session) -> None:
    admin = staff.create_staff(
        session,
        username="quan.tri",
        full_name="Trần Minh Đức",
        password="mật khẩu dài đủ",
        role=StaffRole.ADMIN,
        now=NOW,
    )
    cases = [
        ({"username": "Có Dấu"}, StaffInputError, StaffRefusal.BAD_USERNAME),
        ({"username": "me"}, StaffInputError, StaffRefusal.RESERVED_USERNAME),
        ({"full_name": " "}, StaffInputError, StaffRefusal.NO_FULL_NAME),
        ({"username": "QUAN.TRI"}, StaffConflictError, StaffRefusal.USERNAME_TAKEN),
    ]
    for change, error, reason in cases:
        values = {"username": "ai.do", "full_name": "Ai Đó", "password": "mật khẩu dài đủ"} | change
        with pytest.raises(error) as refused:
            staff.create_staff(session, role=StaffRole.LIBRARIAN, now=NOW, **values)
        assert isinstance(refused.value, StaffInputError | StaffConflictError)
        assert refused.value.reason is reason
    with pytest.raises(StaffConflictError) as last:
        staff.update_staff(session, admin, role=StaffRole.LIBRARIAN)
    assert last.value.reason is StaffRefusal.LAST_ADMIN
    with pytest.raises(PasswordPolicyError):
        staff.set_password(session, admin, "ngắn")
    assert issubclass(PasswordPolicyError, InvalidInputError)
