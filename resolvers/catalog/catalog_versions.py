"""Catalog versions over GraphQL: publish, list, and the version on each notice."""

from __future__ import annotations

from models import CatalogVersion, Notice
from resolvers.platform.context import GqlInfo
from services.catalog import catalog_versions as version_service


async def catalog_versions(info: GqlInfo) -> list[CatalogVersion]:
    async with info.context.session() as session:
        return await version_service.list_versions(session)


async def notice_catalog_version(root: Notice, info: GqlInfo) -> CatalogVersion | None:
    if root.catalog_version_id is None:
        return None
    return await info.context.loaders.catalog_version_by_id.load(root.catalog_version_id)
