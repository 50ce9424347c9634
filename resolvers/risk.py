"""四色警示 over GraphQL: thin calls into services.credit.risk and services.credit.risk_parameters."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from models import MarketEntity, RiskColourChange
from models.enums import RiskColour
from resolvers.common import mutate
from resolvers.context import GqlInfo
from schema.inputs import SetRuleParametersInput
from services.credit import risk, risk_parameters
from services.credit.risk_parameters import Parameters
from services.platform.errors import Problem


@dataclass(frozen=True)
class SetRuleParametersResult:
    parameters: Parameters | None
    errors: list[Problem]


async def risk_colour(root: MarketEntity, info: GqlInfo, as_of: datetime.date | None = None) -> risk.Assessment:
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


async def set_rule_parameters(info: GqlInfo, input: SetRuleParametersInput) -> SetRuleParametersResult:
    wanted = Parameters(**{name: getattr(input, name) for name in asdict(risk_parameters.DEFAULTS)})
    done, errors = await mutate(info.context, lambda session: risk.set_rule_parameters(session, wanted))
    return SetRuleParametersResult(done, errors)
