"""How far the reader-privacy purge has gone where it cannot tell its own work from the rows themselves.

The event log is large and only grows: the purge scrubs readers out of the events older than the retention
period once, in the event log's order (received, then event id), and remembers the last event it has done,
so each night reads only the events that aged past the period since (server/services/reader_privacy.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime


class PurgeMark(SQLModel, table=True):
    __tablename__ = "purge_mark"

    name: str = Field(primary_key=True, max_length=40)
    received_at: datetime = Field(sa_type=UtcDateTime, description="The last row done: when received…")
    event_id: uuid.UUID = Field(description="…and its event id: every row up to it, in that order, is done.")
