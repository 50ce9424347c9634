"""双归集 over GraphQL: record licenses, penalties and complaints; read them under the entity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from models import Complaint, Department, License, MarketEntity, Penalty
from resolvers.common import Connection, connection
from resolvers.context import GqlInfo
from services.platform.paging import page_of_loaded, page_size
from services.records import records as record_service

T = TypeVar("T", License, Penalty, Complaint)


def _connection(info: GqlInfo, records: Sequence[T], kind: str, first: int | None, after: str | None) -> Connection[T]:
    async def count() -> int:
        return len(records)

    size = page_size(first, info.context.settings.max_page_size)
    return connection(page_of_loaded(records, kind, size, after), count)


async def entity_licenses(
    root: MarketEntity, info: GqlInfo, first: int | None = None, after: str | None = None
) -> Connection[License]:
    assert root.id is not None
    return _connection(info, await info.context.loaders.licenses_by_entity_id.load(root.id), "license", first, after)


async def entity_penalties(
    root: MarketEntity, info: GqlInfo, first: int | None = None, after: str | None = None
) -> Connection[Penalty]:
    assert root.id is not None
    return _connection(info, await info.context.loaders.penalties_by_entity_id.load(root.id), "penalty", first, after)


async def entity_complaints(
    root: MarketEntity, info: GqlInfo, first: int | None = None, after: str | None = None
) -> Connection[Complaint]:
    assert root.id is not None
    return _connection(
        info, await info.context.loaders.complaints_by_entity_id.load(root.id), "complaint", first, after
    )


async def source_department(root: License | Penalty | Complaint, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.source_department_id)


def long_term(root: License) -> bool:
    return root.valid_to == record_service.LONG_TERM
