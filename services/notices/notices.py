"""双告知: the notices' workflow (claim, forward, return, feedback, the open pool).

Routing, which pushes the notices in the first place, is services/catalog/routing.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity, Notice, SupervisionMatter
from models.enums import FeedbackKind, NoticeStatus
from models.types import utcnow
from services.catalog import catalog_versions
from services.platform import audit, calendar, checks
from services.platform.access import (
    Operation,
    principal_of,
    require,
    require_authenticated,
    require_handler,
    seeing_all,
)
from services.platform.clock import today
from services.platform.errors import Collector, DomainError
from services.platform.labels import label
from services.platform.paging import Page, count_rows, keyset_page
from services.platform.text_columns import column_limit
from services.platform.transitions import transition

_CURSOR = "notice"
T = TypeVar("T")
NOTE_LIMIT = 2000  # a reason or a feedback note, as long as a referral's text


@dataclass(frozen=True)
class NoticeFilter:
    status: NoticeStatus | None = None
    overdue: bool | None = None
    department_code: str | None = None
    uscc: str | None = None


def is_overdue(notice: Notice, on: date | None = None) -> bool:
    """Derived, never stored: still unclaimed after its deadline."""
    return notice.status is NoticeStatus.PUSHED and (on or today()) > notice.deadline


def visible_notices(session: AsyncSession, query: Select[T], flt: NoticeFilter) -> Select[T]:
    """The notices the caller sees (the row policy: a department its own, maintainers every
    department's), narrowed by the filter: one rule for the page and its count."""
    require_authenticated(principal_of(session))
    if flt.department_code:
        query = query.join(Department, col(Department.id) == Notice.department_id).where(
            col(Department.code) == flt.department_code
        )
    if flt.uscc:
        query = query.join(MarketEntity, col(MarketEntity.id) == Notice.entity_id).where(
            col(MarketEntity.uscc) == flt.uscc.strip().upper()
        )
    if flt.status is not None:
        query = query.where(col(Notice.status) == flt.status)
    if flt.overdue is not None:
        overdue = (col(Notice.status) == NoticeStatus.PUSHED) & (col(Notice.deadline) < today())
        query = query.where(overdue if flt.overdue else ~overdue)
    return query


async def list_notices(session: AsyncSession, flt: NoticeFilter, first: int, after: str | None) -> Page[Notice]:
    """Oldest first."""
    return await keyset_page(
        session, visible_notices(session, select(Notice), flt), col(Notice.id), _CURSOR, first, after
    )


async def count_notices(session: AsyncSession, flt: NoticeFilter) -> int:
    return await count_rows(session, visible_notices(session, select(Notice), flt), col(Notice.id))


ENTITY_NOTICE_ORDER = col(Notice.id)  # an entity's notices: in the order they were pushed


async def notices_of_entities(session: AsyncSession, entity_ids: Sequence[int]) -> list[Notice]:
    """For a DataLoader: the caller's notices (all of them for maintainers) of these entities."""
    query = select(Notice).where(col(Notice.entity_id).in_(list(entity_ids))).order_by(ENTITY_NOTICE_ORDER)
    return list((await session.scalars(query)).all())


async def entities_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[MarketEntity | None]:
    """For a DataLoader; the row policy hides entities outside the caller's jurisdiction."""
    rows = await session.scalars(select(MarketEntity).where(col(MarketEntity.id).in_(list(ids))))
    by_id = {row.id: row for row in rows}
    return [by_id.get(key) for key in ids]


async def matters_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[SupervisionMatter | None]:
    rows = await session.scalars(select(SupervisionMatter).where(col(SupervisionMatter.id).in_(list(ids))))
    by_id = {row.id: row for row in rows}
    return [by_id.get(key) for key in ids]


async def _move(
    session: AsyncSession, notice_id: int, expected: NoticeStatus, action: str, values: dict[str, object]
) -> Notice:
    """Move one of the caller's notices (the row policy: its department's) out of `expected` to
    `values["status"]`, in one conditional UPDATE: of two requests at once exactly one finds the
    notice still in `expected`."""
    changes = dict(values)
    to_state = changes.pop("status")
    assert isinstance(to_state, NoticeStatus)
    notice = await transition(
        session,
        Notice,
        notice_id,
        [expected],
        to_state,
        changes,
        not_found=lambda _: DomainError("NOTICE_NOT_FOUND", f"告知 {notice_id} 不存在或不属于本部门", "id"),
        wrong_state=lambda notice: DomainError(
            "INVALID_NOTICE_STATE", f"该告知{label(notice.status)}，不能{action}（须为{label(expected)}）", "id"
        ),
    )
    after = audit.jsonable(values)
    await audit.record(session, f"notice.{action}", "Notice", str(notice_id), {"status": expected.value}, after)
    return notice


async def claim_notice(session: AsyncSession, notice_id: int) -> Notice:
    """认领. Two claims at once: the conditional UPDATE lets exactly one through."""
    require(principal_of(session), Operation.CLAIM_NOTICE)
    values: dict[str, object] = {"status": NoticeStatus.CLAIMED, "claimed_at": utcnow()}
    return await _move(session, notice_id, NoticeStatus.PUSHED, "认领", values)


def _reason(text: str, field: str = "reason") -> str:
    problems = Collector()
    cleaned = checks.text(text, "理由", field, problems, limit=NOTE_LIMIT)
    problems.raise_if_any()
    return cleaned


async def forward_notice(session: AsyncSession, notice_id: int, to_department_code: str, reason: str) -> Notice:
    """转交: the notice ends FORWARDED and a new one is pushed to the right department."""
    require(principal_of(session), Operation.FORWARD_NOTICE)
    note = _reason(reason)
    if not to_department_code.strip():
        raise DomainError("REQUIRED", "请选择接收部门", "toDepartmentCode")
    target = await session.scalar(select(Department).where(col(Department.code) == to_department_code.strip()))
    if target is None or target.id is None:
        raise DomainError("UNKNOWN_DEPARTMENT", f"部门“{to_department_code}”不存在", "toDepartmentCode")
    principal = principal_of(session)
    if target.id == principal.department_id:
        raise DomainError("SAME_DEPARTMENT", "不能转交给本部门", "toDepartmentCode")
    old = await _move(session, notice_id, NoticeStatus.PUSHED, "转交", {"status": NoticeStatus.FORWARDED, "note": note})
    taken = await session.scalar(
        select(Notice.id)
        .where(
            col(Notice.entity_id) == old.entity_id,
            col(Notice.matter_id) == old.matter_id,
            col(Notice.department_id) == target.id,
        )
        # The target's notices are not the caller's to read, but a second one would break the key.
        .execution_options(**seeing_all(Notice))
    )
    if taken is not None:
        raise DomainError("ALREADY_NOTIFIED", f"“{target.name}”已收到该主体该事项的告知", "toDepartmentCode")
    days = await _deadline_days(session, old)
    pushed_on = today()
    work = await calendar.for_deadline(session, pushed_on, days)
    new = Notice(
        entity_id=old.entity_id,
        matter_id=old.matter_id,
        department_id=target.id,
        catalog_version_id=old.catalog_version_id,
        status=NoticeStatus.PUSHED,
        deadline=work.add_working_days(pushed_on, days),
        reason="FORWARDED",
        forwarded_from_id=old.id,
        note=note,
    )
    session.add(new)
    await session.flush()
    return new


async def _deadline_days(session: AsyncSession, notice: Notice) -> int:
    """A forwarded notice keeps the rules of the version that routed the original."""
    if notice.catalog_version_id is not None:
        published = await catalog_versions.version_by_id(session, notice.catalog_version_id)
        if published is not None and notice.matter_id in published.by_id:
            return published.by_id[notice.matter_id].claim_deadline_days
    matter = await session.get(SupervisionMatter, notice.matter_id)
    assert matter is not None
    return matter.claim_deadline_days


async def return_notice(session: AsyncSession, notice_id: int, reason: str) -> Notice:
    """退回: not this department's matter; the entity goes to the open pool if nothing else holds it."""
    require(principal_of(session), Operation.RETURN_NOTICE)
    note = _reason(reason)
    return await _move(session, notice_id, NoticeStatus.PUSHED, "退回", {"status": NoticeStatus.RETURNED, "note": note})


@dataclass(frozen=True)
class FeedbackInput:
    kind: FeedbackKind
    license_number: str | None = None
    note: str | None = None


async def give_feedback(session: AsyncSession, notice_id: int, data: FeedbackInput) -> Notice:
    """双反馈 after claiming: license granted (with its number), applied, not applied yet, or none needed."""
    require(principal_of(session), Operation.GIVE_NOTICE_FEEDBACK)
    problems = Collector()
    number = checks.optional_text(
        data.license_number, "许可证号", "licenseNumber", problems, limit=column_limit(Notice.license_number)
    )
    note = checks.optional_text(data.note, "反馈说明", "note", problems, limit=NOTE_LIMIT)
    if data.kind is FeedbackKind.LICENSE_GRANTED and number is None and not problems.problems:
        problems.add("REQUIRED", "已取得许可时须填写许可证号", "licenseNumber")
    problems.raise_if_any()
    values: dict[str, object] = {
        "status": NoticeStatus.FEEDBACK_GIVEN,
        "feedback_kind": data.kind,
        "license_number": number,
        "feedback_note": note,
        "feedback_at": utcnow(),
    }
    return await _move(session, notice_id, NoticeStatus.CLAIMED, "反馈", values)


# Notice.reason of a claim from the open pool: a notice made already CLAIMED, never pushed to the department
# (绩效考核 counts it apart from the notices pushed to it).
POOL_REASON = "POOL"

# An entity stands in the open pool while no notice of it is alive.
_ALIVE = (NoticeStatus.PUSHED, NoticeStatus.CLAIMED, NoticeStatus.FEEDBACK_GIVEN)


def _in_pool() -> Any:
    alive = select(Notice.id).where(col(Notice.entity_id) == MarketEntity.id, col(Notice.status).in_(_ALIVE))
    return ~alive.exists()


def in_pool() -> Any:
    """The open pool's condition on MarketEntity, for other services (the catalog gaps). A
    department's query with it runs with POOL_OPTIONS: a notice alive in any department keeps
    the entity out of the pool (maintainers read every notice anyway)."""
    return _in_pool()


# The pool weighs every department's notices; the entities stay those of the caller's jurisdiction.
POOL_OPTIONS = seeing_all(Notice)


async def open_pool(session: AsyncSession, first: int, after: str | None) -> Page[MarketEntity]:
    """待认领池: entities whose scope matched nothing, or whose notices were all returned."""
    require_authenticated(principal_of(session))
    rows = select(MarketEntity).where(_in_pool()).execution_options(**POOL_OPTIONS)
    return await keyset_page(session, rows, col(MarketEntity.uscc), "pool", first, after)


async def count_pool(session: AsyncSession) -> int:
    require_authenticated(principal_of(session))
    rows = select(MarketEntity).where(_in_pool()).execution_options(**POOL_OPTIONS)
    return await count_rows(session, rows, col(MarketEntity.id))


async def claim_from_pool(session: AsyncSession, code: str, matter_code: str) -> Notice:
    """Any department may claim an entity from the open pool, for a matter of the catalog."""
    principal = principal_of(session)
    require(principal, Operation.CLAIM_FROM_POOL)
    department_id = require_handler(principal)
    entity = await session.scalar(
        select(MarketEntity)
        .where(col(MarketEntity.uscc) == code.strip().upper(), _in_pool())
        .execution_options(**POOL_OPTIONS)
    )
    if entity is None or entity.id is None:
        raise DomainError("NOT_IN_POOL", f"主体“{code}”不在待认领池中（或不在本部门辖区内）", "uscc")
    published = await catalog_versions.current(session)
    matter = published.matters.get(matter_code.strip()) if published else None
    if published is None or matter is None:
        raise DomainError("UNKNOWN_MATTER", f"监管事项“{matter_code}”不在已发布的职责目录中", "matterCode")
    now = utcnow()
    notice = Notice(
        entity_id=entity.id,
        matter_id=matter.id,
        department_id=department_id,
        catalog_version_id=published.version_id,
        status=NoticeStatus.CLAIMED,
        # Made and claimed at the one moment: it counts on the claim's day wherever its making is read.
        pushed_at=now,
        deadline=today(),
        claimed_at=now,
        reason=POOL_REASON,
    )
    session.add(notice)
    await session.flush()
    await audit.record(session, "notice.claimed_from_pool", "MarketEntity", entity.uscc, None, {"matter": matter.code})
    return notice
