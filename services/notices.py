"""双告知: route a registration to the departments that must supervise it, and the notices' workflow.

Routing (domain.md): the business scope is matched against the catalog in force;
each matched matter goes to the responsible line's department at the registration
authority's level (a district registration to that district's counterpart),
unless the matter is approved at city level or above, in which case it goes to
the department the catalog names for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity, Notice, SupervisionMatter
from models.enums import ApprovalLevel, DepartmentLevel, NoticeStatus
from models.types import utcnow
from services import audit, calendar, catalog
from services.access import principal_of, require_authenticated
from services.clock import today
from services.errors import DomainError, Forbidden
from services.paging import Page, decode_cursor, encode_cursor

_CURSOR = "notice"


def _target(
    matter: SupervisionMatter, authority: Department, region_code: str, departments: Sequence[Department]
) -> Department | None:
    of_line = [d for d in departments if d.line == matter.line]
    city = next((d for d in of_line if d.level is DepartmentLevel.CITY), None)
    if matter.approval_level is not ApprovalLevel.DISTRICT:
        return next((d for d in departments if d.id == matter.handling_department_id), city)
    if authority.level is DepartmentLevel.DISTRICT:
        counterpart = next((d for d in of_line if d.region_code == region_code), None)
        # A district without that line's office: the city department takes it.
        return counterpart or city
    return city


async def route(session: AsyncSession, entity: MarketEntity, authority: Department, reason: str) -> list[Notice]:
    """Push one notice per matched matter and department; never a duplicate."""
    assert entity.id is not None
    pushed_on = today()
    matched = (await catalog.matcher_on(session, pushed_on)).match(entity.business_scope)
    if not matched.matter_keys:
        return []
    matters = (
        await session.scalars(select(SupervisionMatter).where(col(SupervisionMatter.code).in_(matched.matter_keys)))
    ).all()
    lines = sorted({m.line for m in matters})
    departments = (await session.scalars(select(Department).where(col(Department.line).in_(lines)))).all()
    handling_ids = {m.handling_department_id for m in matters if m.handling_department_id is not None}
    departments = [
        *departments,
        *(await session.scalars(select(Department).where(col(Department.id).in_(handling_ids)))),
    ]
    existing = {
        (n.matter_id, n.department_id)
        for n in (await session.scalars(select(Notice).where(col(Notice.entity_id) == entity.id))).all()
    }
    work = await calendar.for_deadline(session, pushed_on, max(m.claim_deadline_days for m in matters))
    pushed: list[Notice] = []
    for matter in sorted(matters, key=lambda m: matched.matter_keys.index(m.code)):
        target = _target(matter, authority, entity.region_code, departments)
        if target is None or target.id is None or matter.id is None or (matter.id, target.id) in existing:
            continue
        existing.add((matter.id, target.id))
        notice = Notice(
            entity_id=entity.id,
            matter_id=matter.id,
            department_id=target.id,
            status=NoticeStatus.PUSHED,
            deadline=work.add_working_days(pushed_on, matter.claim_deadline_days),
            reason=reason,
        )
        session.add(notice)
        pushed.append(notice)
    if pushed:
        await session.flush()
        codes = {d.id: d.code for d in departments}
        by_matter = {m.id: m.code for m in matters}
        await audit.record(
            session,
            "notices.pushed",
            "MarketEntity",
            entity.uscc,
            None,
            {"reason": reason, "notices": [[by_matter[n.matter_id], codes[n.department_id]] for n in pushed]},
            authority.code,
        )
    return pushed


@dataclass(frozen=True)
class NoticeFilter:
    status: NoticeStatus | None = None
    overdue: bool | None = None
    department_code: str | None = None
    uscc: str | None = None


def is_overdue(notice: Notice, on: date | None = None) -> bool:
    """Derived, never stored: still unclaimed after its deadline."""
    return notice.status is NoticeStatus.PUSHED and (on or today()) > notice.deadline


async def list_notices(session: AsyncSession, flt: NoticeFilter, first: int, after: str | None) -> Page[Notice]:
    """A department sees its own notices; maintainers see every department's."""
    principal = principal_of(session)
    require_authenticated(principal)
    after_id = decode_cursor(_CURSOR, after)
    query = select(Notice).order_by(col(Notice.id)).limit(first + 1)
    if not principal.is_maintainer:
        query = query.where(col(Notice.department_id) == principal.department_id)
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
    if after_id is not None:
        if not after_id.isdigit():
            raise DomainError("INVALID_CURSOR", "分页游标无效：请使用上一页返回的 endCursor", "after")
        query = query.where(col(Notice.id) > int(after_id))
    rows = list((await session.scalars(query)).all())
    items = rows[:first]
    return Page(items, [encode_cursor(_CURSOR, str(n.id)) for n in items], len(rows) > first, after_id is not None)


async def notices_of_entities(session: AsyncSession, entity_ids: Sequence[int]) -> list[Notice]:
    """For a DataLoader: the caller's notices (all of them for maintainers) of these entities."""
    principal = principal_of(session)
    query = select(Notice).where(col(Notice.entity_id).in_(list(entity_ids))).order_by(col(Notice.id))
    if not principal.is_maintainer:
        query = query.where(col(Notice.department_id) == principal.department_id)
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


async def claim_notice(session: AsyncSession, notice_id: int) -> Notice:
    """认领. Two claims at once: the conditional UPDATE lets exactly one through."""
    principal = principal_of(session)
    require_authenticated(principal)
    if principal.department_id is None:
        raise Forbidden("只有部门可以认领告知")
    claimed = await session.scalar(
        update(Notice)
        .where(
            col(Notice.id) == notice_id,
            col(Notice.department_id) == principal.department_id,
            col(Notice.status) == NoticeStatus.PUSHED,
        )
        .values(status=NoticeStatus.CLAIMED, claimed_at=utcnow())
        .returning(col(Notice.id))
    )
    notice = await session.get(Notice, notice_id, populate_existing=True)
    if claimed is None:
        if notice is None or notice.department_id != principal.department_id:
            raise DomainError("NOTICE_NOT_FOUND", f"告知 {notice_id} 不存在或不属于本部门", "id")
        raise DomainError("NOT_CLAIMABLE", f"该告知当前状态为 {notice.status.value}，不能认领", "id")
    assert notice is not None
    await audit.record(session, "notice.claimed", "Notice", str(notice_id), {"status": "PUSHED"}, {"status": "CLAIMED"})
    return notice
