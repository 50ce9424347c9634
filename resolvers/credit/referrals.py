"""联动告知 over GraphQL."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import Department, License, MarketEntity, Referral
from resolvers.platform.arguments import After, First
from resolvers.platform.by_name import from_input
from resolvers.platform.common import Connection, paged
from resolvers.platform.context import GqlInfo
from schema.credit.inputs import ReferralFilter
from services.credit import referrals as referral_service


async def referrals(
    info: GqlInfo,
    filter: Annotated[
        ReferralFilter | None,
        strawberry.argument(
            description=(
                "筛选条件；不填为本部门发出和收到的全部 / Which referrals; all the caller sent or received when absent."
            )
        ),
    ] = None,
    first: First = None,
    after: After = None,
) -> Connection[Referral]:
    context = info.context
    flt = from_input(referral_service.ReferralFilter, filter)
    return await paged(
        context,
        first,
        after,
        lambda session, size, after: referral_service.list_referrals(session, flt, size, after),
        lambda session: referral_service.count_referrals(session, flt),
    )


async def entity_referrals(root: MarketEntity, info: GqlInfo) -> list[Referral]:
    assert root.id is not None
    return await info.context.loaders.referrals_by_entity_id.load(root.id)


def referral_id(root: Referral) -> strawberry.ID:
    return strawberry.ID(str(root.id))


async def referral_entity(root: Referral, info: GqlInfo) -> MarketEntity | None:
    return await info.context.loaders.entity_by_id.load(root.entity_id)


async def referral_from(root: Referral, info: GqlInfo) -> Department | None:
    if root.from_department_id is None:
        return None
    return await info.context.loaders.department_by_id.load(root.from_department_id)


async def referral_to(root: Referral, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.to_department_id)


async def referral_license(root: Referral, info: GqlInfo) -> License | None:
    if root.license_id is None:
        return None
    return await info.context.loaders.license_by_id.load(root.license_id)
