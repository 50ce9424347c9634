"""告知收件箱: the notices' desk (services.platform.desk), each notice beside what the desk shows of
it (the entity, the matter, the departments a forward came from or went to), and the counts the
dashboard shows of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, MarketEntity, Notice, SupervisionMatter
from models.enums import NoticeStatus
from services.notices.notices import (
    NoticeFilter,
    count_notices,
    entities_by_ids,
    is_overdue,
    matters_by_ids,
    visible_notices,
)
from services.platform.access import seeing_all
from services.platform.desk import Desk
from services.registry.departments import departments_by_ids


@dataclass(frozen=True)
class InboxRow:
    notice: Notice
    # None when the entity lies outside the caller's jurisdiction: the row policy hides it.
    entity: MarketEntity | None
    matter: SupervisionMatter | None
    department: Department | None
    forwarded_from: Department | None
    forwarded_to: Department | None
    overdue: bool


async def _forwards(session: AsyncSession, notices: list[Notice]) -> tuple[dict[int, int], dict[int, int]]:
    """Department ids: of the notice each forward came from, and of the notice each forward became.
    Those notices are other departments': only which department holds them is read."""
    came_from: dict[int, int] = {}
    from_ids = [n.forwarded_from_id for n in notices if n.forwarded_from_id is not None]
    if from_ids:
        query = select(col(Notice.id), col(Notice.department_id)).where(col(Notice.id).in_(from_ids))
        query = query.execution_options(**seeing_all(Notice))
        for notice_id, department_id in (await session.execute(query)).all():
            if notice_id is not None:
                came_from[notice_id] = department_id
    went_to: dict[int, int] = {}
    forwarded = [n.id for n in notices if n.status is NoticeStatus.FORWARDED]
    if forwarded:
        query = (
            select(col(Notice.forwarded_from_id), col(Notice.department_id))
            .where(col(Notice.forwarded_from_id).in_(forwarded))
            .execution_options(**seeing_all(Notice))
        )
        for source, department_id in (await session.execute(query)).all():
            if source is not None:
                went_to[source] = department_id
    return came_from, went_to


async def _rows(session: AsyncSession, notices: list[Notice]) -> list[InboxRow]:
    came_from, went_to = await _forwards(session, notices)
    entities = await entities_by_ids(session, [n.entity_id for n in notices])
    matters = await matters_by_ids(session, [n.matter_id for n in notices])
    department_ids = sorted({n.department_id for n in notices} | set(came_from.values()) | set(went_to.values()))
    departments = {d.id: d for d in await departments_by_ids(session, department_ids) if d is not None}
    return [
        InboxRow(
            notice=notice,
            entity=entity,
            matter=matter,
            department=departments.get(notice.department_id),
            forwarded_from=departments.get(came_from.get(notice.forwarded_from_id or 0, 0)),
            forwarded_to=departments.get(went_to.get(notice.id or 0, 0)),
            overdue=is_overdue(notice),
        )
        for notice, entity, matter in zip(notices, entities, matters, strict=True)
    ]


async def _describe(session: AsyncSession, notice: Notice) -> tuple[str | None, str]:
    [entity] = await entities_by_ids(session, [notice.entity_id])
    [matter] = await matters_by_ids(session, [notice.matter_id])
    return entity.name if entity else None, matter.name if matter else ""


# The notices the caller may see (services.notices.notices.visible_notices); a message names one
# by its entity and matter.
NOTICE_DESK: Desk[Notice, NoticeFilter, InboxRow] = Desk(
    cases=lambda session, flt: visible_notices(session, select(Notice), flt),
    unfiltered=NoticeFilter(),
    key=col(Notice.id),
    kind="inbox",
    noun="告知",
    rows=_rows,
    describe=_describe,
)


@dataclass(frozen=True)
class InboxCounts:
    pushed: int  # waiting to be claimed, overdue ones included
    overdue: int
    claimed: int  # claimed, feedback still to give


async def inbox_counts(session: AsyncSession) -> InboxCounts:
    """What waits in the caller's inbox, by the same visibility rule as the page."""
    return InboxCounts(
        pushed=await count_notices(session, NoticeFilter(status=NoticeStatus.PUSHED)),
        overdue=await count_notices(session, NoticeFilter(overdue=True)),
        claimed=await count_notices(session, NoticeFilter(status=NoticeStatus.CLAIMED)),
    )
