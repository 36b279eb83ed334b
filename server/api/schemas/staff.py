"""Staff accounts and access tokens. Passwords are write-only: accepted in requests, never returned."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, SecretStr

from server.api.schemas.base import ApiModel, RequestModel
from server.services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from server.services.staff import USERNAME_PATTERN, StaffRole


def _password_field(description: str) -> Any:
    return Field(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
        description=description,
        json_schema_extra={"writeOnly": True, "format": "password"},
    )


class AccessTokenOut(ApiModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (the OAuth2 token type)
    expires_at: datetime


class StaffOut(ApiModel):
    id: int
    username: str
    full_name: str
    role: StaffRole
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


class StaffCreate(RequestModel):
    username: str = Field(pattern=USERNAME_PATTERN, description="Lower-case; letters, digits, '.', '_', '-'.")
    full_name: str = Field(min_length=1, max_length=200)
    role: StaffRole = StaffRole.LIBRARIAN
    password: SecretStr = _password_field("The initial password.")


class StaffUpdate(RequestModel):
    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    role: StaffRole | None = None
    is_active: bool | None = Field(default=None, description="false revokes the account's tokens at once.")


class PasswordSet(RequestModel):
    new_password: SecretStr = _password_field("Revokes every token issued before.")


class PasswordChange(RequestModel):
    current_password: SecretStr = Field(json_schema_extra={"writeOnly": True, "format": "password"})
    new_password: SecretStr = _password_field("Revokes every token issued before, this one included.")
