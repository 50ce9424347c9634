"""The entity registry over GraphQL."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import Department, MarketEntity, Region
from resolvers.platform.arguments import After, First
from resolvers.platform.by_name import from_input
from resolvers.platform.common import Connection, paged
from resolvers.platform.context import GqlInfo
from schema.registry.inputs import EntityFilter
from services.registry import registry, search
from services.registry.registry_view import PersonInEntity


async def entity(
    info: GqlInfo,
    uscc: Annotated[
        str,
        strawberry.argument(
            description="统一社会信用代码（去除首尾空白并转为大写）/ The entity's code; trimmed and upper-cased."
        ),
    ],
) -> MarketEntity | None:
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
    info: GqlInfo,
    filter: Annotated[
        EntityFilter | None,
        strawberry.argument(
            description="筛选条件；不填为全部（调用方辖区内）/ Which entities; all the caller sees when absent."
        ),
    ] = None,
    first: First = None,
    after: After = None,
) -> Connection[MarketEntity]:
    return await _connection(info, from_input(registry.EntityFilter, filter), first, after)


async def search_entities(
    info: GqlInfo,
    text: Annotated[
        str,
        strawberry.argument(
            description=(
                "名称、曾用名、统一社会信用代码、法定代表人或住所中的文字（一个字起）/ Text found in the name, "
                "a former name, the code, the legal representative or the address; one character or more."
            )
        ),
    ],
    first: First = None,
    after: After = None,
) -> Connection[MarketEntity]:
    return await paged(
        info.context,
        first,
        after,
        lambda session, size, after: search.search_entities(session, text, size, after),
        lambda session: search.count_found(session, text),
    )


async def registration_authority(root: MarketEntity, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.registration_authority_id)


async def region(root: MarketEntity | Department, info: GqlInfo) -> Region | None:
    return await info.context.loaders.region_by_code.load(root.region_code)


async def former_names(root: MarketEntity, info: GqlInfo) -> list[str]:
    assert root.id is not None
    return await info.context.loaders.former_names_by_entity_id.load(root.id)


async def persons(root: MarketEntity, info: GqlInfo) -> list[PersonInEntity]:
    assert root.id is not None
    return await info.context.loaders.persons_by_entity_id.load(root.id)


def person_id(root: PersonInEntity) -> strawberry.ID:
    # The person's key (services.registry.persons.person_key): the row id never leaves the server.
    return strawberry.ID(root.person_key)


def business_scope_codes(root: MarketEntity) -> list[str]:
    return list(root.scope_entry_codes)
