"""双告知 over GraphQL."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from models import Department, MarketEntity, Notice, SupervisionMatter
from resolvers.common import Connection, connection, mutate
from resolvers.context import GqlInfo
from schema.inputs import NoticeFeedbackInput, NoticeFilter
from services.notices import notices as notice_service
from services.platform.errors import DomainError, Problem
from services.platform.paging import page_size


async def notices(
    info: GqlInfo, filter: NoticeFilter | None = None, first: int | None = None, after: str | None = None
) -> Connection[Notice]:
    context = info.context
    flt = notice_service.NoticeFilter(
        **({} if filter is None else {k: getattr(filter, k) for k in ("status", "overdue", "department_code", "uscc")})
    )
    size = page_size(first, context.settings.max_page_size)
    async with context.session() as session:
        page = await notice_service.list_notices(session, flt, size, after)

    async def count() -> int:
        async with context.session() as session:
            return await notice_service.count_notices(session, flt)

    return connection(page, count)


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


@dataclass(frozen=True)
class NoticeResult:
    notice: Notice | None
    errors: list[Problem]


def _id(raw: strawberry.ID) -> int:
    if not str(raw).isdigit():
        raise DomainError("NOTICE_NOT_FOUND", f"告知“{raw}”不存在", "id")
    return int(raw)


async def claim_notice(info: GqlInfo, id: strawberry.ID) -> NoticeResult:
    notice, errors = await mutate(info.context, lambda session: notice_service.claim_notice(session, _id(id)))
    return NoticeResult(notice, errors)


async def forward_notice(info: GqlInfo, id: strawberry.ID, to_department_code: str, reason: str) -> NoticeResult:
    """The payload's notice is the new one, pushed to the receiving department."""
    notice, errors = await mutate(
        info.context, lambda session: notice_service.forward_notice(session, _id(id), to_department_code, reason)
    )
    return NoticeResult(notice, errors)


async def return_notice(info: GqlInfo, id: strawberry.ID, reason: str) -> NoticeResult:
    notice, errors = await mutate(info.context, lambda session: notice_service.return_notice(session, _id(id), reason))
    return NoticeResult(notice, errors)


async def give_notice_feedback(info: GqlInfo, id: strawberry.ID, input: NoticeFeedbackInput) -> NoticeResult:
    data = notice_service.FeedbackInput(input.kind, input.license_number, input.note)
    notice, errors = await mutate(info.context, lambda session: notice_service.give_feedback(session, _id(id), data))
    return NoticeResult(notice, errors)


async def claim_from_pool(info: GqlInfo, uscc: str, matter_code: str) -> NoticeResult:
    notice, errors = await mutate(
        info.context, lambda session: notice_service.claim_from_pool(session, uscc, matter_code)
    )
    return NoticeResult(notice, errors)


async def open_pool(info: GqlInfo, first: int | None = None, after: str | None = None) -> Connection[MarketEntity]:
    context = info.context
    size = page_size(first, context.settings.max_page_size)
    async with context.session() as session:
        page = await notice_service.open_pool(session, size, after)

    async def count() -> int:
        async with context.session() as session:
            return await notice_service.count_pool(session)

    return connection(page, count)
