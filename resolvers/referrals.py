"""联动告知 over GraphQL."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from models import Department, License, MarketEntity, Referral
from resolvers.common import Connection, connection, mutate
from resolvers.context import GqlInfo
from schema.inputs import ReferralFilter, SendReferralInput
from services.credit import referrals as referral_service
from services.platform.errors import DomainError, Problem
from services.platform.paging import page_size

_FILTER_FIELDS = ("direction", "status", "reason", "uscc", "department_code")


async def referrals(
    info: GqlInfo, filter: ReferralFilter | None = None, first: int | None = None, after: str | None = None
) -> Connection[Referral]:
    context = info.context
    given = {} if filter is None else {name: getattr(filter, name) for name in _FILTER_FIELDS}
    flt = referral_service.ReferralFilter(**given)
    size = page_size(first, context.settings.max_page_size)
    async with context.session() as session:
        page = await referral_service.list_referrals(session, flt, size, after)

    async def count() -> int:
        async with context.session() as session:
            return await referral_service.count_referrals(session, flt)

    return connection(page, count)


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


@dataclass(frozen=True)
class ReferralResult:
    referral: Referral | None
    errors: list[Problem]


def _id(raw: strawberry.ID) -> int:
    if not str(raw).isdigit():
        raise DomainError("REFERRAL_NOT_FOUND", f"联动告知“{raw}”不存在", "id")
    return int(raw)


async def send_referral(info: GqlInfo, input: SendReferralInput) -> ReferralResult:
    data = referral_service.ReferralInput(input.uscc, input.to_department_code, input.reason, input.message)
    referral, errors = await mutate(info.context, lambda session: referral_service.send_referral(session, data))
    return ReferralResult(referral, errors)


async def acknowledge_referral(info: GqlInfo, id: strawberry.ID) -> ReferralResult:
    referral, errors = await mutate(
        info.context, lambda session: referral_service.acknowledge_referral(session, _id(id))
    )
    return ReferralResult(referral, errors)


async def handle_referral(info: GqlInfo, id: strawberry.ID, outcome: str) -> ReferralResult:
    referral, errors = await mutate(
        info.context, lambda session: referral_service.handle_referral(session, _id(id), outcome)
    )
    return ReferralResult(referral, errors)
