"""`POST /login/access-token`: the OAuth2 password flow, answering a bearer token for staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from server.api.auth.secret import token_secret
from server.api.auth.tokens import issue_token
from server.api.deps import NowDep, SessionDep, SettingsDep
from server.api.schemas.staff import AccessTokenOut
from server.errors import UnauthorizedError
from server.services.staff import authenticate

router = APIRouter(tags=["login"])


@router.post("/login/access-token", summary="Exchange a staff user name and password for an access token")
def login_access_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> AccessTokenOut:
    staff = authenticate(session, form.username, form.password, now=now)
    if staff is None or staff.id is None:
        # One answer for unknown user, wrong password and inactive account: nothing to probe.
        raise UnauthorizedError("incorrect user name or password")
    session.commit()
    token = issue_token(
        secret=token_secret(settings),
        staff_id=staff.id,
        token_version=staff.token_version,
        now=now,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    return AccessTokenOut(access_token=token.token, expires_at=token.expires_at)
