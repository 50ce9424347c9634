"""The working-day calendar over GraphQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

import strawberry

from models import CalendarDay
from resolvers.common import mutate
from resolvers.context import GqlInfo
from schema.inputs import SetCalendarDaysInput
from services.platform import calendar
from services.platform.errors import Problem


async def calendar_days(
    info: GqlInfo, from_: Annotated[date, strawberry.argument(name="from")], to: date
) -> list[calendar.Day]:
    async with info.context.session() as session:
        return await calendar.days_between(session, from_, to)


@dataclass(frozen=True)
class SetCalendarDaysResult:
    days: list[CalendarDay]
    errors: list[Problem]


async def set_calendar_days(info: GqlInfo, input: SetCalendarDaysInput) -> SetCalendarDaysResult:
    days = [calendar.CalendarDayInput(d.date, d.is_workday, d.name or "") for d in input.days]
    stored, errors = await mutate(info.context, lambda session: calendar.set_calendar_days(session, days))
    return SetCalendarDaysResult(stored or [], errors)
