"""FastAPI dependencies shared by every router: settings, the circulation context and one database session
per request; the request clock; the authenticated staff member (`CurrentStaff`); and each route's
permission (`permit(Permission.X)` in the route's `dependencies`), checked against the role table of
server/services/permissions.py that the console checks too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.api.auth.secret import token_secret
from server.api.auth.tokens import read_token
from server.db.tables.staff import StaffUser
from server.errors import ForbiddenError, UnauthorizedError
from server.services.context import CirculationContext
from server.services.permissions import Permission, allows
from server.settings import ServerSettings


def get_settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


def get_circulation(request: Request) -> CirculationContext:
    """The policies, time zone, PIN hasher and limits the application loaded at start-up."""
    circulation: CirculationContext = request.app.state.circulation
    return circulation


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    # One session per request; the route commits once, services never do.
    with Session(engine, expire_on_commit=False) as session:
        yield session


SettingsDep = Annotated[ServerSettings, Depends(get_settings)]
CirculationDep = Annotated[CirculationContext, Depends(get_circulation)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_now() -> datetime:
    """The request's clock; tests override this dependency to move time."""
    return datetime.now(UTC)


NowDep = Annotated[datetime, Depends(get_now)]

# auto_error=False: a missing token becomes our own UnauthorizedError, answered as problem+json.
staff_token_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token", auto_error=False)


def get_current_staff(
    token: Annotated[str | None, Depends(staff_token_scheme)],
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> StaffUser:
    if not token:
        raise UnauthorizedError("a staff access token is required")
    claims = read_token(token, secret=token_secret(settings), now=now)
    staff = session.get(StaffUser, claims.staff_id)
    if staff is None or not staff.is_active or staff.token_version != claims.token_version:
        raise UnauthorizedError("the access token is no longer valid")
    return staff


CurrentStaff = Annotated[StaffUser, Depends(get_current_staff)]


def check(staff: StaffUser, permission: Permission) -> None:
    """Refuse a staff member whose role does not hold `permission` (a route's finer check, such as loan
    history asked of a patron's loans)."""
    if not allows(staff.role, permission):
        raise ForbiddenError(f"a {staff.role} may not do this ({permission.value})")


@cache
def requirement(permission: Permission) -> Callable[[StaffUser], StaffUser]:
    """The dependency that lets through staff holding `permission` (one function per permission, so a
    test can read a route's permission off its dependencies)."""

    def holds_permission(staff: CurrentStaff) -> StaffUser:
        check(staff, permission)
        return staff

    holds_permission.permission = permission  # type: ignore[attr-defined]
    return holds_permission


def permit(permission: Permission) -> DependsParam:
    """For a route's `dependencies`: only staff holding `permission` get through."""
    dependency: DependsParam = Depends(requirement(permission))
    return dependency


def permission_of(dependency: object) -> Permission | None:
    """The permission a dependency made by `requirement` checks; None for any other."""
    found = getattr(dependency, "permission", None)
    return found if isinstance(found, Permission) else None
