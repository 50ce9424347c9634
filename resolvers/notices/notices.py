"""双告知 over GraphQL."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import Department, MarketEntity, Notice, SupervisionMatter
from resolvers.platform.arguments import After, First
from resolvers.platform.by_name import from_input
from resolvers.platform.common import Connection, paged
from resolvers.platform.context import GqlInfo
from schema.notices.inputs import NoticeFilter
from services.notices import notices as notice_service


async def notices(
    info: GqlInfo,
    filter: Annotated[
        NoticeFilter | None,
        strawberry.argument(
            description="筛选条件；不填为本部门的全部告知 / Which notices; all of the caller's when absent."
        ),
    ] = None,
    first: First = None,
    after: After = None,
) -> Connection[Notice]:
    context = info.context
    flt = from_input(notice_service.NoticeFilter, filter)
    return await paged(
        context,
        first,
        after,
        lambda session, size, after: notice_service.list_notices(session, flt, size, after),
        lambda session: notice_service.count_notices(session, flt),
    )


async def entity_notices(root: MarketEntity, info: GqlInfo) -> list[Notice]:
    assert root.id is not None
    return await info.context.loaders.notices_by_entity_id.load(root.id)


async def notice_entity(root: Notice, info: GqlInfo) -> MarketEntity | None:
    return await info.context.loaders.entity_by_id.load(root.entity_id)


async def notice_matter(root: Notice, info: GqlInfo) -> SupervisionMatter | None:
    return await info.context.loaders.matter_by_id.load(root.matter_id)


async def notice_department(root: Notice, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.department_id)


def notice_overdue(root: Notice) -> bool:
    return notice_service.is_overdue(root)


def notice_id(root: Notice) -> strawberry.ID:
    return strawberry.ID(str(root.id))


async def open_pool(info: GqlInfo, first: First = None, after: After = None) -> Connection[MarketEntity]:
    return await paged(info.context, first, after, notice_service.open_pool, notice_service.count_pool)
