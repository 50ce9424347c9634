"""The working-day calendar over GraphQL."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from resolvers.platform.context import GqlInfo
from services.platform import calendar


async def calendar_days(
    info: GqlInfo,
    from_: Annotated[date, strawberry.argument(name="from", description="起始日 / First day.")],
    to: Annotated[
        date, strawberry.argument(description="结束日（含），不早于起始日 / Last day, included; not before the first.")
    ],
) -> list[calendar.Day]:
    async with info.context.session() as session:
        return await calendar.days_between(session, from_, to)
