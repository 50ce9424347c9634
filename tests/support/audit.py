"""The audit trail as the tests read it."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from models import AuditEvent
from services.platform.db import Database
from services.platform.principal import Principal


async def audit_count(db: Database) -> int:
    async with db.session(Principal.system()) as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def last_audit(db: Database, action: str | None = None) -> AuditEvent:
    """The newest audit event (of `action`, when given)."""
    async with db.session(Principal.system()) as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)
        if action is not None:
            query = query.where(col(AuditEvent.action) == action)
        event = await session.scalar(query)
        assert event is not None
        return event
