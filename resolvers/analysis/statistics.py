"""Statistics over GraphQL: a thin call into services.analysis.statistics."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.platform.context import GqlInfo
from schema.analysis.inputs import PeriodInput
from services.analysis import statistics as service


async def statistics(
    info: GqlInfo,
    period: Annotated[PeriodInput, strawberry.argument(description="统计期间 / The period counted.")],
    region: Annotated[
        str | None,
        strawberry.argument(
            description="区县的行政区划代码；省略或为市的代码时统计全市 / A district's code; the whole city "
            "when absent or the city's own code."
        ),
    ] = None,
) -> service.Statistics:
    async with info.context.session() as session:
        return await service.statistics(session, period.start, period.end, region)
