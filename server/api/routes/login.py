"""`POST /login/access-token`: the OAuth2 password flow, answering a bearer token for staff.

Sign-ins are throttled (server/services/login_throttle.py), the same way as the console's log-in page:
after repeated failures for one user name or from one address, attempts are refused with `429` and a
`Retry-After` until the wait is over.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from server.api.auth.secret import token_secret
from server.api.auth.tokens import issue_token
from server.api.deps import NowDep, SessionDep, SettingsDep
from server.api.schemas.staff import AccessTokenOut
from server.errors import TooManyAttemptsError, UnauthorizedError
from server.services.login_throttle import Throttling, sign_in

router = APIRouter(tags=["login"])


@router.post(
    "/login/access-token",
    summary="Exchange a staff user name and password for an access token",
    responses={429: {"description": "Too many failed sign-ins: wait `Retry-After` seconds"}},
)
def login_access_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> AccessTokenOut:
    address = request.client.host if request.client is not None else None
    attempt = sign_in(
        session,
        form.username,
        form.password,
        address=address,
        now=now,
        throttling=Throttling.from_settings(settings),
    )
    session.commit()  # a failure stays counted
    if attempt.staff is None or attempt.staff.id is None:
        if attempt.refused is not None:
            wait = attempt.refused.seconds_left(now)
            raise TooManyAttemptsError(f"too many failed sign-ins; try again in {wait} s", retry_after=wait)
        # One answer for unknown user, wrong password and inactive account: nothing to probe.
        raise UnauthorizedError("incorrect user name or password")
    token = issue_token(
        secret=token_secret(settings),
        staff_id=attempt.staff.id,
        token_version=attempt.staff.token_version,
        now=now,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    return AccessTokenOut(access_token=token.token, expires_at=token.expires_at)
