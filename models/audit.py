"""审计日志: an append-only, hash-chained log of every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class AuditEvent(SQLModel, table=True):
    """Numbered by the database's own counter (SQLite's AUTOINCREMENT, PostgreSQL's id sequence),
    which a DELETE does not rewind: numbers 1..N without a gap, N the counter's value."""

    __tablename__ = "audit_event"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=128)
    actor_kind: str = Field(max_length=16)
    department_code: str | None = Field(default=None, max_length=32, index=True)
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(max_length=64)
    object_id: str = Field(max_length=128)  # a decision document number may take 128
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    # The unique previous hash makes a fork of the chain impossible: two
    # writers that read the same head cannot both append.
    prev_hash: str = Field(unique=True, max_length=64)
    hash: str = Field(unique=True, max_length=64)


class AuditHead(SQLModel, table=True):
    """The newest event, sealed with the secret key: removing events from the end
    of the log no longer leaves a chain that looks whole."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_event_id: int
    last_hash: str = Field(max_length=64)
    events: int
    seal: str = Field(max_length=64)
    # The first event numbered without gaps (services.platform.audit): 1 for a log begun numbered,
    # the first event written after the upgrade for an older one. Sealed with the rest.
    numbered_from: int | None = None
