"""Catalogue and roster imports: one row per run of a file, so a run stopped half-way resumes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime


class ImportRun(SQLModel, table=True):
    """A file being imported (or imported): its batches are committed with `position`, the last entry they
    covered, so a restart of the same file (same digest, kind and profile) goes on after it."""

    __tablename__ = "import_run"
    __table_args__ = (sa.Index("ix_import_run_file", "digest", "kind", "profile", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64, description="SHA-256 of the file, hex.")
    kind: str = Field(max_length=16)  # marc, items, patrons
    profile: str = Field(default="", max_length=64)  # the MARC or CSV profile ("" for none)
    source_name: str = Field(max_length=300)  # the file's name as given, for the librarian's list
    position: int = Field(default=0, description="The last entry of the last committed batch (from 1).")
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    status: str = Field(max_length=16)  # running, finished
    started_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
