"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use UTC-aware values")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002  (TypeDecorator's signature)
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSON documents: TEXT on SQLite, JSONB on PostgreSQL.
JsonDocument: sa.types.TypeEngine[Any] = sa.JSON().with_variant(JSONB(), "postgresql")


def stored_enum(enum_class: type[StrEnum], length: int) -> sa.Enum:
    """A column of one of the domain's StrEnums, stored as its values ("on_loan", not "ON_LOAN") in a
    VARCHAR(`length`) on both engines: the same column and the same strings as a plain string column, so
    bulk COPY, raw SQL and old rows agree with it. It loads as the enum's members, and refuses (LookupError)
    to write a string that is not one of its values. No CHECK constraint: a new member then needs no
    migration (see docs/architecture.md, "Persistence")."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        validate_strings=True,
        values_callable=_values,
    )


def _values(enum_class: type[StrEnum]) -> list[str]:
    return [member.value for member in enum_class]
