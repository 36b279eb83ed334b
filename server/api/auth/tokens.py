"""Staff access tokens: JWTs signed with HS256.

The token names the staff member (`sub`, their id) and the account's `token_version` (`ver`); the role is
read from the database on every request, so a role change or deactivation takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from server.errors import UnauthorizedError

ALGORITHM = "HS256"
ISSUER = "stacks"


@dataclass(frozen=True, slots=True)
class AccessToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenClaims:
    staff_id: int
    token_version: int


def issue_token(
    *, secret: str, staff_id: int, token_version: int, now: datetime, lifetime: timedelta
) -> AccessToken:
    expires_at = now + lifetime
    claims = {
        "iss": ISSUER,
        "sub": str(staff_id),
        "ver": token_version,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
    }
    return AccessToken(jwt.encode(claims, secret, algorithm=ALGORITHM), expires_at)


def read_token(token: str, *, secret: str, now: datetime) -> TokenClaims:
    """The claims of a valid token; raises UnauthorizedError for anything else (never says why in detail,
    beyond expired / invalid, so a forged token learns nothing)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            # Expiry is checked below against the caller's clock (the request's `now`), the one clock the
            # API uses for everything.
            options={"require": ["sub", "exp", "iat", "ver"], "verify_exp": False, "verify_iat": False},
        )
        if claims["exp"] <= int(now.timestamp()):
            raise jwt.ExpiredSignatureError
        return TokenClaims(staff_id=int(claims["sub"]), token_version=int(claims["ver"]))
    except jwt.ExpiredSignatureError as exc:
        raise UnauthorizedError("the access token has expired") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise UnauthorizedError("the access token is not valid") from exc
