"""The working-day calendar's GraphQL types."""

from __future__ import annotations

import datetime

import strawberry

from schema.platform.common import UserError


@strawberry.type(description="工作日历中的一天 / One day of the working-day calendar.")
class CalendarDay:
    day: datetime.date = strawberry.field(name="date", description="日期 / The day.")
    is_workday: bool = strawberry.field(description="是否工作日 / Whether it is a working day.")
    name: str | None = strawberry.field(description="节假日或调休名称 / The holiday or 调休 it belongs to.")


@strawberry.type(description="维护工作日历的结果 / The answer to setCalendarDays.")
class SetCalendarDaysPayload:
    days: list[CalendarDay] = strawberry.field(description="保存的例外日 / The exceptions stored.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.input(description="节假日或调休日 / A holiday, or a weekend day worked in exchange (调休).")
class CalendarDayInput:
    date: datetime.date = strawberry.field(description="日期 / The day.")
    is_workday: bool = strawberry.field(description="是否工作日 / Whether it is a working day.")
    name: str | None = strawberry.field(default=None, description="如“国庆节”“国庆节调休上班” / Its name.")


@strawberry.input(description="工作日历 / Days that differ from Monday–Friday; a day given its default is cleared.")
class SetCalendarDaysInput:
    days: list[CalendarDayInput] = strawberry.field(
        description="与周一至周五规则不同的日子 / The days that differ from the Monday–Friday rule."
    )
