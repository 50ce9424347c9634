"""审计日志: every change appends a hash-chained `AuditEvent` in the same transaction as the change it records."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from models import AuditEvent, AuditHead
from models.types import utcnow
from services.platform.access import principal_of
from services.platform.db import secret_key_of, serialise_writers
from services.platform.principal import Principal, PrincipalKind

GENESIS = "0" * 64
_CHAIN_LOCK = 0x4A47_4155  # "JGAU"


def jsonable(value: Any) -> Any:
    """Decimal, dates and enums as strings: one representation on both engines."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | date | datetime):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    return value


def snapshot(row: SQLModel, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in row.model_dump().items() if k not in exclude}


def _mac(key: str, text: str) -> str:
    # Keyed, so that rewriting an event and every hash after it needs the secret key.
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def _digest(key: str, event: AuditEvent) -> str:
    body = {
        "prev_hash": event.prev_hash,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor,
        "actor_kind": event.actor_kind,
        "department_code": event.department_code,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
    }
    return _mac(key, json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def _seal(key: str, last_event_id: int, last_hash: str, events: int) -> str:
    return _mac(key, f"head:{last_event_id}:{last_hash}:{events}")


async def lock_chain(session: AsyncSession) -> None:
    """Take the writers' turn now (every audited change takes it at its first event): a job that
    reads records and then writes from what it read holds it first, so no writer slips between."""
    await serialise_writers(session, _CHAIN_LOCK)


async def record(
    session: AsyncSession,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    department_code: str | None = None,
    *,
    by: Principal | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    `department_code` names the department acted for when it is not the actor's own
    (a maintainer registering on behalf of a registration authority). `by` names the actor
    when it is not the session's principal: a sign-in runs before anyone is signed in, and
    its event names the user who signed in.
    """
    principal = by or principal_of(session)
    key = secret_key_of(session)
    await serialise_writers(session, _CHAIN_LOCK)
    head = await session.get(AuditHead, 1)
    own = principal.department_code if principal.kind is not PrincipalKind.SYSTEM else None
    event = AuditEvent(
        occurred_at=utcnow(),
        actor=principal.username or principal.name,
        actor_kind=principal.kind.value,
        department_code=department_code or own,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=jsonable(before),
        after=jsonable(after),
        prev_hash=head.last_hash if head else GENESIS,
        hash="",
    )
    event.hash = _digest(key, event)
    session.add(event)
    await session.flush()
    assert event.id is not None
    if head is None:
        head = AuditHead(last_event_id=0, last_hash=GENESIS, events=0, seal="")
        session.add(head)
    head.last_event_id, head.last_hash, head.events = event.id, event.hash, head.events + 1
    head.seal = _seal(key, head.last_event_id, head.last_hash, head.events)
    await session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


async def _events(session: AsyncSession, batch: int = 1000) -> AsyncIterator[AuditEvent]:
    """The log in id order, a batch at a time: constant memory, no server-side cursor."""
    last = 0
    while True:
        rows = (
            await session.scalars(
                select(AuditEvent).where(col(AuditEvent.id) > last).order_by(col(AuditEvent.id)).limit(batch)
            )
        ).all()
        for event in rows:
            yield event
        if len(rows) < batch:
            return
        last = rows[-1].id or 0
        session.expunge_all()


async def verify_chain(session: AsyncSession) -> ChainReport:
    """Walk the log in order; name the first event whose hash or link is wrong,
    then check the end of the log against the sealed head."""
    key = secret_key_of(session)
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    async for event in _events(session):
        assert event.id is not None
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "与前一事件的链接不符（前面的事件被删除、插入或修改）")
        if _digest(key, event) != event.hash:
            return ChainReport(checked, event.id, "内容与其哈希不符（该事件被修改）")
        expected_prev, last_id = event.hash, event.id
        checked += 1
    head = await session.get(AuditHead, 1)
    if head is None:
        if checked:
            return ChainReport(checked, last_id, "缺少封存的日志头（日志头被删除）")
        return ChainReport(0, None, None)
    if head.seal != _seal(key, head.last_event_id, head.last_hash, head.events):
        return ChainReport(checked, head.last_event_id, "日志头的封存值不符（日志头被修改）")
    if (head.last_event_id, head.last_hash, head.events) != (last_id, expected_prev, checked):
        return ChainReport(
            checked, head.last_event_id, f"日志末尾缺失：封存的最新事件为 #{head.last_event_id}，共 {head.events} 个"
        )
    return ChainReport(checked, None, None)
