"""Working days: Monday to Friday, except the holidays and 调休 days maintainers keep.

Deadlines in domain.md (claim within 5 working days, publish within 20, 双公示
within 7) count working days through `WorkCalendar`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import CalendarDay
from models.types import utcnow
from services.platform import audit, checks
from services.platform.access import principal_of, require_authenticated, require_maintainer
from services.platform.errors import Collector
from services.platform.text_columns import column_limit

MAX_RANGE_DAYS = 800


@dataclass(frozen=True)
class CalendarDayInput:
    day: date
    is_workday: bool
    name: str = ""


@dataclass(frozen=True)
class Day:
    day: date
    is_workday: bool
    name: str | None  # the holiday or 调休 it belongs to; None for an ordinary day


def default_is_workday(day: date) -> bool:
    return day.weekday() < 5


class WorkCalendar:
    """Answers for a span of dates, from the exceptions stored for it."""

    def __init__(self, start: date, end: date, exceptions: dict[date, CalendarDay]) -> None:
        self.start, self.end, self._exceptions = start, end, exceptions
        # A running count, so that any two dates' working days cost two lookups (绩效考核 counts
        # hundreds of thousands of pairs): self._before[i] = working days after `start` up to start + i.
        self._before: list[int] = [0]
        for n in range(1, (end - start).days + 1):
            self._before.append(self._before[-1] + self.is_workday(start + timedelta(days=n)))

    def _check(self, day: date) -> None:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the loaded calendar {self.start}..{self.end}")

    def day(self, day: date) -> Day:
        self._check(day)
        found = self._exceptions.get(day)
        if found is not None:
            return Day(day, found.is_workday, found.name)
        return Day(day, default_is_workday(day), None)

    def is_workday(self, day: date) -> bool:
        return self.day(day).is_workday

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (start itself not counted)."""
        day, left = start, count
        while left > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def ordinals(self) -> list[tuple[date, int]]:
        """Each day of the span with the working days after `start` up to it: the working days after one
        day up to a later one are the difference of theirs (services.platform.working_days counts so in SQL)."""
        return [(self.start + timedelta(days=n), before) for n, before in enumerate(self._before)]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start`, up to and including `end`; 0 when `end` is not after `start`."""
        if end <= start:
            return 0
        self._check(start)
        self._check(end)
        return self._before[(end - self.start).days] - self._before[(start - self.start).days]


async def load(session: AsyncSession, start: date, end: date) -> WorkCalendar:
    rows = await session.scalars(select(CalendarDay).where(col(CalendarDay.day) >= start, col(CalendarDay.day) <= end))
    return WorkCalendar(start, end, {row.day: row for row in rows})


async def for_deadline(session: AsyncSession, start: date, working_days: int) -> WorkCalendar:
    """Enough of the calendar to count `working_days` from `start`: no span of the
    Chinese calendar has more than 12 days off in a row."""
    return await load(session, start, start + timedelta(days=working_days * 2 + 30))


async def days_between(session: AsyncSession, start: date, end: date) -> list[Day]:
    require_authenticated(principal_of(session))
    problems = Collector()
    in_order = checks.not_before(end, start, "结束日期", "开始日期", "to", problems)
    if in_order and (end - start).days > MAX_RANGE_DAYS:
        problems.add("RANGE_TOO_LONG", f"一次最多查询 {MAX_RANGE_DAYS} 天", "to")
    problems.raise_if_any()
    calendar = await load(session, start, end)
    return [calendar.day(start + timedelta(days=n)) for n in range((end - start).days + 1)]


async def set_calendar_days(session: AsyncSession, days: list[CalendarDayInput]) -> list[CalendarDay]:
    """Record holidays and 调休 days; a day set back to its weekday default is removed."""
    require_maintainer(principal_of(session))
    problems = Collector()
    if not days:
        problems.add("REQUIRED", "至少给出一天", "days")
    seen: set[date] = set()
    first, last = checks.calendar_span()
    for index, item in enumerate(days):
        checks.within(item.day, "日期", f"days.{index}.date", problems, first, last)
        if item.day in seen:
            problems.add("DUPLICATE_DAY", f"{item.day} 重复出现", f"days.{index}.date")
        seen.add(item.day)
        if item.is_workday != default_is_workday(item.day):  # only an exception keeps its name
            what, example = "节假日或调休日名称", "（如“国庆节”“国庆调休上班”）"
            checks.text(
                item.name, what, f"days.{index}.name", problems, limit=column_limit(CalendarDay.name), hint=example
            )
    problems.raise_if_any()
    existing = {
        row.day: row
        for row in (await session.scalars(select(CalendarDay).where(col(CalendarDay.day).in_(sorted(seen))))).all()
    }
    before = {d.isoformat(): [row.is_workday, row.name] for d, row in sorted(existing.items())}
    kept: list[CalendarDay] = []
    for item in sorted(days, key=lambda d: d.day):
        row = existing.get(item.day)
        if item.is_workday == default_is_workday(item.day):
            if row is not None:
                await session.delete(row)
            continue
        if row is None:
            row = CalendarDay(day=item.day, is_workday=item.is_workday, name=item.name.strip())
            session.add(row)
        else:
            row.is_workday, row.name, row.updated_at = item.is_workday, item.name.strip(), utcnow()
        kept.append(row)
    await session.flush()
    after = {row.day.isoformat(): [row.is_workday, row.name] for row in kept}
    if before != after:
        span = f"{min(seen).isoformat()}..{max(seen).isoformat()}"
        await audit.record(session, "calendar.changed", "Calendar", span, before, after)
    return kept
