"""一公开: published inspection results, as the public reads them."""

from __future__ import annotations

from resolvers.platform.context import GqlInfo
from services.credit.publicity import PublicProfile
from services.spotchecks.publication import PublishedResult


async def public_inspection_results(root: PublicProfile, info: GqlInfo) -> list[PublishedResult]:
    return await info.context.loaders.public_results_by_uscc.load(root.uscc)
