"""公示: the one query open to anonymous callers."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.platform.context import GqlInfo
from services.credit import listings as listing_service
from services.credit import publicity as publicity_service
from services.credit.listings import PublicListing
from services.credit.publicity import PublicProfile


async def publicity(
    info: GqlInfo, uscc: Annotated[str, strawberry.argument(description="统一社会信用代码 / The entity's code.")]
) -> PublicProfile | None:
    async with info.context.session() as session:
        return await publicity_service.public_profile(session, uscc)


async def public_listings(root: PublicProfile, info: GqlInfo) -> list[PublicListing]:
    async with info.context.session() as session:
        return await listing_service.public_listings(session, root.uscc)
