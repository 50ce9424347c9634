"""四色警示 over GraphQL: thin calls into services.credit.risk and services.credit.risk_parameters."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from models import MarketEntity, RiskColourChange
from models.enums import RiskColour
from resolvers.platform.context import GqlInfo
from services.credit import risk, risk_parameters
from services.credit.risk_parameters import Parameters


async def risk_colour(
    root: MarketEntity,
    info: GqlInfo,
    as_of: Annotated[
        datetime.date | None,
        strawberry.argument(
            description="评定日，默认今天，不能晚于今天 / The day to assess; today when absent, never later."
        ),
    ] = None,
) -> risk.Assessment:
    assert root.id is not None
    return await info.context.loaders.assessment.load((root.id, risk.checked_day(as_of)))


def colour(root: MarketEntity) -> RiskColour:
    return root.risk_colour


async def colour_history(root: MarketEntity, info: GqlInfo) -> list[RiskColourChange]:
    assert root.id is not None
    return await info.context.loaders.colour_history_by_entity_id.load(root.id)


async def rule_parameters(info: GqlInfo) -> Parameters:
    async with info.context.session() as session:
        return await risk_parameters.parameters_in_force(session)
