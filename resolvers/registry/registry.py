"""The entity registry over GraphQL."""

from __future__ import annotations

from models import Department, MarketEntity, Region
from resolvers.platform.by_name import from_input
from resolvers.platform.common import Connection, paged
from resolvers.platform.context import GqlInfo
from schema.registry.inputs import EntityFilter
from services.registry import registry
from services.registry.registry_view import PersonInEntity


async def entity(info: GqlInfo, uscc: str) -> MarketEntity | None:
    async with info.context.session() as session:
        return await registry.get_entity(session, uscc)


async def _connection(
    info: GqlInfo, flt: registry.EntityFilter, first: int | None, after: str | None
) -> Connection[MarketEntity]:
    return await paged(
        info.context,
        first,
        after,
        lambda session, size, after: registry.list_entities(session, flt, size, after),
        lambda session: registry.count_entities(session, flt),
    )


async def entities(
    info: GqlInfo, filter: EntityFilter | None = None, first: int | None = None, after: str | None = None
) -> Connection[MarketEntity]:
    return await _connection(info, from_input(registry.EntityFilter, filter), first, after)


async def search_entities(
    info: GqlInfo, text: str, first: int | None = None, after: str | None = None
) -> Connection[MarketEntity]:
    return await _connection(info, registry.search_filter(text), first, after)


async def registration_authority(root: MarketEntity, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.registration_authority_id)


async def region(root: MarketEntity | Department, info: GqlInfo) -> Region | None:
    return await info.context.loaders.region_by_code.load(root.region_code)


async def persons(root: MarketEntity, info: GqlInfo) -> list[PersonInEntity]:
    assert root.id is not None
    return await info.context.loaders.persons_by_entity_id.load(root.id)


def business_scope_codes(root: MarketEntity) -> list[str]:
    return list(root.scope_entry_codes)
