"""The duty catalog over GraphQL."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from models import Department, SupervisionMatter
from resolvers.platform.context import GqlInfo
from services.catalog import catalog as catalog_service


async def supervision_matters(
    info: GqlInfo,
    effective_on: Annotated[
        date | None,
        strawberry.argument(
            description="只列当日有效的事项；不填为全部 / Only matters in force that day; all when absent."
        ),
    ] = None,
) -> list[SupervisionMatter]:
    async with info.context.session() as session:
        return await catalog_service.list_matters(session, effective_on)


async def handling_department(root: SupervisionMatter, info: GqlInfo) -> Department | None:
    if root.handling_department_id is None:
        return None
    return await info.context.loaders.department_by_id.load(root.handling_department_id)
