"""`GET /audit`: the audit trail — every staff action, who, when, what, before and after (administrators)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from server.api.deps import SessionDep, permit
from server.api.pagination import CursorQuery, LimitQuery, cursor_page
from server.api.routes.events import cursor_key
from server.api.schemas.audit import StaffActionOut
from server.api.schemas.base import CursorPage
from server.services import staff_audit
from server.services.permissions import Permission
from server.services.staff_audit import AuditFilters, StaffActionEntry

router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[permit(Permission.AUDIT_VIEW)])


def _out(entry: StaffActionEntry) -> StaffActionOut:
    return StaffActionOut.model_validate({**entry.__dict__, "changed": entry.changed})


@router.get("", summary="Staff actions, newest first (keyset pages)")
def list_actions(
    *,
    session: SessionDep,
    staff: Annotated[str | None, Query(max_length=64, description="A staff member's user name.")] = None,
    kind: Annotated[str | None, Query(max_length=64, description='Such as "fine.waive".')] = None,
    occurred_from: Annotated[AwareDatetime | None, Query(description="Inclusive.")] = None,
    occurred_to: Annotated[AwareDatetime | None, Query(description="Exclusive.")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> CursorPage[StaffActionOut]:
    filters = AuditFilters(staff, kind, occurred_from, occurred_to)
    page = staff_audit.list_actions(session, filters, after=cursor_key(cursor), limit=limit)
    return cursor_page(page, _out)


@router.get("/{action_id}", summary="One staff action (its event id)")
def read_action(action_id: uuid.UUID, session: SessionDep) -> StaffActionOut:
    return _out(staff_audit.get_action(session, action_id))
