"""审计日志: every change appends a hash-chained `AuditEvent` in the same transaction as the change it records.

The chain alone cannot tell a log cut back to an earlier head (or emptied, head and all) from one
that never went further: both look whole. So events are numbered by a counter of the database that
a DELETE does not rewind (SQLite's AUTOINCREMENT keeps it in sqlite_sequence, PostgreSQL in the id
sequence): the numbers run from the head's `numbered_from` to the counter without a gap, and a
cut-back log misses the end or the middle of that run. The number is given here, under the
writers' lock, as one more than both the counter and the head: PostgreSQL's sequence hands out
numbers that a rolled-back change never uses, so it is not asked for one; it is set to the head
at the change's COMMIT (`_advance_counter`), and a rollback leaves it alone.
Signed checkpoints of the head, kept outside the database, are services.platform.audit_checkpoints;
rows without their events, services.platform.audited.
"""

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

from sqlalchemy import Connection, Engine, func, text
from sqlalchemy import event as orm_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel import SQLModel, col, select

from models import AuditEvent, AuditHead
from models.types import utcnow
from services.platform.access import principal_of
from services.platform.db import secret_key_of, serialise_writers
from services.platform.principal import Principal, PrincipalKind

GENESIS = "0" * 64
_CHAIN_LOCK = 0x4A47_4155  # "JGAU"
# In a session's info: the counter as this transaction first read it. In its connection's: that it numbered events.
_COUNTER = "jianguan_audit_counter"
_NUMBERED = "jianguan_audit_numbered"
_PG_COUNTER = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM audit_event_id_seq"
_SQLITE_COUNTER = "SELECT seq FROM sqlite_sequence WHERE name = 'audit_event'"


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


def mac(key: str, text: str) -> str:
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
    return mac(key, json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def _seal(key: str, head: AuditHead) -> str:
    text = f"head:{head.last_event_id}:{head.last_hash}:{head.events}"
    # A head sealed before numbering began keeps its seal; one numbered seals where numbering began.
    return mac(key, text if head.numbered_from is None else f"{text}:{head.numbered_from}")


async def counter(session: AsyncSession) -> int:
    """The highest number the database has given an audit event, deleted or not (0: none yet)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    value = await session.scalar(text(_PG_COUNTER if postgres else _SQLITE_COUNTER))
    return int(value or 0)


# The sequence moves at the connection's COMMIT, not in a before_commit listener of the session: the
# session's final flush and every before_commit listener (whatever order they were registered in)
# have run by then, so a unique key taken at that flush, or a listener that raises, fails the change
# before the sequence moves. What is left is COMMIT itself failing after the setval (the connection
# lost at that moment, the process killed or the request cancelled by its time limit between the
# two): the sequence is then ahead of the head, and verify-audit names the numbers as missing, as it
# would a deleted tail with its head put back, which that case cannot be told from (accepting a
# counter ahead of the head would accept that cut too); the operator who knows of such a failure at
# that time has the explanation. The setval never lowers the counter: one ahead of the head stays ahead.
_ADVANCE = (
    "SELECT setval('audit_event_id_seq', GREATEST(h.last_event_id, "
    "(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM audit_event_id_seq))) "
    "FROM audit_head h WHERE h.id = 1"
)


@orm_event.listens_for(Engine, "commit")
def _advance_counter(conn: Connection) -> None:
    """PostgreSQL's sequence catches up with the head as the change commits, just before COMMIT."""
    if not conn.info.pop(_NUMBERED, False) or conn.dialect.name != "postgresql":
        return
    # Through the driver's cursor: the SQLAlchemy transaction is already committing.
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_ADVANCE)
    finally:
        cursor.close()


@orm_event.listens_for(Engine, "rollback")
@orm_event.listens_for(Engine, "begin")
def _unnumbered(conn: Connection) -> None:
    # The flag lives with the pooled connection: a transaction that ends without COMMIT leaves none behind.
    # An invalidated connection is discarded with its flag (and reading `info` would raise).
    if not conn.invalidated:
        conn.info.pop(_NUMBERED, None)


@orm_event.listens_for(Session, "after_transaction_end")
def _forget_counter(session: Session, transaction: SessionTransaction) -> None:
    # A savepoint rolled back may have taken numbers back with it: the next event reads again.
    session.info.pop(_COUNTER, None)


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
    if _COUNTER not in session.info:
        session.info[_COUNTER] = await counter(session)
    number = max(session.info[_COUNTER], head.last_event_id if head else 0) + 1
    own = principal.department_code if principal.kind is not PrincipalKind.SYSTEM else None
    event = AuditEvent(
        id=number,
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
    (await session.connection()).info[_NUMBERED] = True
    if head is None:
        # Numbered from 1: a log emptied, head and all, and written to again misses 1..N.
        head = AuditHead(last_event_id=0, last_hash=GENESIS, events=0, seal="", numbered_from=1)
        session.add(head)
    elif head.numbered_from is None:
        head.numbered_from = number  # a log older than numbering: its gaps are not counted
    head.last_event_id, head.last_hash, head.events = number, event.hash, head.events + 1
    head.seal = _seal(key, head)
    await session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None
    reason: str | None
    head: AuditHead | None = None  # the head the log was checked against, when it checked out

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


@dataclass(frozen=True)
class _Anchor:
    """The head, the counter and the last event's number, read at one moment between two changes."""

    head: AuditHead | None
    given: int
    last_id: int


async def _anchor(session: AsyncSession) -> _Anchor:
    """Read between two writers: a change commits its events, its head and (on PostgreSQL) the
    counter together, so the three read while one is half done would disagree. SQLite reads them
    in one transaction's snapshot; on PostgreSQL, whose read sessions run each statement on its
    own, the writers' lock is held for these three reads (a session lock, released at once)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        await session.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _CHAIN_LOCK})
    try:
        head = await session.get(AuditHead, 1, populate_existing=True)
        given = await counter(session)
        last_id = int(await session.scalar(select(func.max(col(AuditEvent.id)))) or 0)
    finally:
        if postgres:
            await session.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _CHAIN_LOCK})
    return _Anchor(head, given, last_id)


async def _events(session: AsyncSession, through: int, batch: int = 1000) -> AsyncIterator[AuditEvent]:
    """The log in id order up to event `through`, a batch at a time: constant memory, no
    server-side cursor. Events written after `through` was read are the next check's."""
    last = 0
    while True:
        rows = (
            await session.scalars(
                select(AuditEvent)
                .where(col(AuditEvent.id) > last, col(AuditEvent.id) <= through)
                .order_by(col(AuditEvent.id))
                .limit(batch)
            )
        ).all()
        for event in rows:
            yield event
        if len(rows) < batch:
            return
        last = rows[-1].id or 0
        session.expunge_all()


async def verify_chain(session: AsyncSession) -> ChainReport:
    """Walk the log in order; name the first event whose hash or link is wrong, or the first
    number missing from the numbered run; then check the end of the log against the sealed
    head and against the database's counter."""
    key = secret_key_of(session)
    anchor = await _anchor(session)
    head, given = anchor.head, anchor.given
    numbered_from = head.numbered_from if head is not None else None
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    async for event in _events(session, max(anchor.last_id, head.last_event_id if head else 0)):
        assert event.id is not None
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "与前一事件的链接不符（前面的事件被删除、插入或修改）")
        if _digest(key, event) != event.hash:
            return ChainReport(checked, event.id, "内容与其哈希不符（该事件被修改）")
        # Linked across a gap: the events after a rolled-back head, written on from it.
        if numbered_from is not None and event.id >= numbered_from:
            expected_id = numbered_from if last_id < numbered_from else last_id + 1
            if event.id != expected_id:
                return ChainReport(checked, expected_id, _missing(expected_id, event.id - 1))
        expected_prev, last_id = event.hash, event.id
        checked += 1
    if head is None:
        if checked:
            return ChainReport(checked, last_id, "缺少封存的日志头（日志头被删除）")
        if given:
            return ChainReport(0, 1, f"{_missing(1, given)}：日志为空，日志头也没有了（整个日志被删除）")
        return ChainReport(0, None, None)
    if head.seal != _seal(key, head):
        return ChainReport(checked, head.last_event_id, "日志头的封存值不符（日志头被修改）")
    if (head.last_event_id, head.last_hash, head.events) != (last_id, expected_prev, checked):
        return ChainReport(
            checked, head.last_event_id, f"日志末尾缺失：封存的最新事件为 #{head.last_event_id}，共 {head.events} 个"
        )
    if given > last_id:
        cut = f"{_missing(last_id + 1, given)}（日志末尾被删除，日志头被换回旧值）"
        return ChainReport(checked, last_id + 1, cut)
    if given < last_id and numbered_from is not None:
        rewound = f"起不在数据库的编号计数之内：计数停在 #{given}，日志却已到 #{last_id}（计数被回拨）"
        return ChainReport(checked, given + 1, rewound)
    return ChainReport(checked, None, None, head)


def _missing(first: int, last: int) -> str:
    """Said after "事件 #first" (manage.py verify-audit names the first number)."""
    return ("" if first == last else f"至 #{last} ") + "已由数据库编号，却不在日志中"
