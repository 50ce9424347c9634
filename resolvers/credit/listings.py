"""Listings (经营异常名录, 严重违法失信名单) and joint discipline over GraphQL."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from models import Department, DisciplineMeasure, Listing, MarketEntity
from models.enums import ListingKind
from resolvers.platform.arguments import After, First
from resolvers.platform.by_name import from_input
from resolvers.platform.common import Connection, paged
from resolvers.platform.context import GqlInfo
from schema.credit.inputs import ListingFilter
from services.credit import discipline as discipline_service
from services.credit import listings as listing_service
from services.credit.discipline import DisciplineVerdict
from services.credit.listing_rules import stands
from services.platform.clock import today
from services.platform.labels import label


async def listings(
    info: GqlInfo,
    filter: Annotated[
        ListingFilter | None,
        strawberry.argument(description="筛选条件；不填为全部名录记录 / Which listings; all when absent."),
    ] = None,
    first: First = None,
    after: After = None,
) -> Connection[Listing]:
    context = info.context
    flt = from_input(listing_service.ListingFilter, filter)
    return await paged(
        context,
        first,
        after,
        lambda session, size, after: listing_service.list_listings(session, flt, size, after),
        lambda session: listing_service.count_listings(session, flt),
    )


async def entity_listings(root: MarketEntity, info: GqlInfo) -> list[Listing]:
    assert root.id is not None
    return await info.context.loaders.listings_by_entity_id.load(root.id)


async def entity_discipline(root: MarketEntity, info: GqlInfo) -> DisciplineVerdict:
    assert root.id is not None
    return await info.context.loaders.discipline_by_entity_id.load(root.id)


async def discipline(
    info: GqlInfo, uscc: Annotated[str, strawberry.argument(description="统一社会信用代码 / The entity's code.")]
) -> DisciplineVerdict | None:
    async with info.context.session() as session:
        return await discipline_service.discipline(session, uscc)


def listing_id(root: Listing) -> strawberry.ID:
    return strawberry.ID(str(root.id))


def reason_label(root: Listing) -> str:
    return label(root.reason)


async def listing_entity(root: Listing, info: GqlInfo) -> MarketEntity | None:
    return await info.context.loaders.entity_by_id.load(root.entity_id)


async def listing_department(root: Listing, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.department_id)


async def removed_by(root: Listing, info: GqlInfo) -> Department | None:
    if root.removed_by_department_id is None:
        return None
    return await info.context.loaders.department_by_id.load(root.removed_by_department_id)


def standing(root: Listing) -> bool:
    return stands(root, today())


def escalation_due_on(root: Listing) -> datetime.date | None:
    if root.kind is not ListingKind.ABNORMAL_OPERATION:
        return None
    return listing_service.escalation_due_on(root.listed_on)


def due_for_escalation(root: Listing) -> bool:
    return listing_service.is_due_for_escalation(root, today())


async def discipline_measures(
    info: GqlInfo,
    listing_kind: Annotated[
        ListingKind | None,
        strawberry.argument(description="只列适用于此名录的措施 / Only measures that follow from this list."),
    ] = None,
    active: Annotated[
        bool | None, strawberry.argument(description="只列在用（或停用）的措施 / Only measures in use (or retired).")
    ] = None,
) -> list[DisciplineMeasure]:
    async with info.context.session() as session:
        return await discipline_service.list_measures(session, listing_kind, active)
