"""双归集 over GraphQL: record licenses, penalties and complaints; read them under the entity."""

from __future__ import annotations

from typing import TypeVar

from models import Complaint, Department, License, MarketEntity, Penalty
from resolvers.platform.arguments import After, First
from resolvers.platform.common import Connection, loaded
from resolvers.platform.context import GqlInfo
from services.records import records as record_service

T = TypeVar("T", License, Penalty, Complaint)


async def entity_licenses(
    root: MarketEntity, info: GqlInfo, first: First = None, after: After = None
) -> Connection[License]:
    assert root.id is not None
    rows = await info.context.loaders.licenses_by_entity_id.load(root.id)
    return loaded(info.context, rows, record_service.CURSOR_KINDS[License], first, after)


async def entity_penalties(
    root: MarketEntity, info: GqlInfo, first: First = None, after: After = None
) -> Connection[Penalty]:
    assert root.id is not None
    rows = await info.context.loaders.penalties_by_entity_id.load(root.id)
    return loaded(info.context, rows, record_service.CURSOR_KINDS[Penalty], first, after)


async def entity_complaints(
    root: MarketEntity, info: GqlInfo, first: First = None, after: After = None
) -> Connection[Complaint]:
    assert root.id is not None
    rows = await info.context.loaders.complaints_by_entity_id.load(root.id)
    return loaded(info.context, rows, record_service.CURSOR_KINDS[Complaint], first, after)


async def source_department(root: License | Penalty | Complaint, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.source_department_id)


def long_term(root: License) -> bool:
    return root.valid_to == record_service.LONG_TERM
