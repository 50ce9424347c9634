"""Catalog versions over GraphQL: publish, list, and the version on each notice."""

from __future__ import annotations

from dataclasses import dataclass

from models import CatalogVersion, Notice
from resolvers.common import mutate
from resolvers.context import GqlInfo
from services.catalog import catalog_versions as version_service
from services.platform.errors import Problem


async def catalog_versions(info: GqlInfo) -> list[CatalogVersion]:
    async with info.context.session() as session:
        return await version_service.list_versions(session)


async def notice_catalog_version(root: Notice, info: GqlInfo) -> CatalogVersion | None:
    if root.catalog_version_id is None:
        return None
    return await info.context.loaders.catalog_version_by_id.load(root.catalog_version_id)


@dataclass(frozen=True)
class PublishCatalogVersionResult:
    version: CatalogVersion | None
    errors: list[Problem]


async def publish_catalog_version(info: GqlInfo, name: str, note: str | None = None) -> PublishCatalogVersionResult:
    version, errors = await mutate(info.context, lambda session: version_service.publish(session, name, note))
    return PublishCatalogVersionResult(version, errors)
