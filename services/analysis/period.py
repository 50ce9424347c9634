"""The period an analysis covers (statistics, 绩效考核): one check for every analysis read.

A period is whole days, both ends included. Its end may not come before its start
(INVALID_RANGE), each end lies in the range every date must be in (DATE_OUT_OF_RANGE), and it
may not be longer than the maintainers allow (PERIOD_TOO_LONG), so that no caller can ask for
a scan of the platform's whole history by accident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.analysis.parameters import DEFAULT_MAX_PERIOD_DAYS, in_force
from services.platform import checks
from services.platform.clock import SHANGHAI
from services.platform.errors import Collector

__all__ = ["DEFAULT_MAX_PERIOD_DAYS", "Period", "checked_period", "max_period_days"]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The period's first moment and the moment after its last (Beijing days), as UTC times: a stored
        time counts on its Beijing date."""
        first = datetime.combine(self.start, time(), SHANGHAI).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(), SHANGHAI).astimezone(UTC)
        return first, after

    def months(self) -> list[str]:
        """Every month the period touches, as YYYY-MM, in order."""
        found: list[str] = []
        day = self.start.replace(day=1)
        while day <= self.end:
            found.append(f"{day.year:04d}-{day.month:02d}")
            day = (day + timedelta(days=32)).replace(day=1)
        return found


async def max_period_days(session: AsyncSession) -> int:
    """The longest period the maintainers allow (services.analysis.parameters)."""
    return (await in_force(session)).max_period_days


async def checked_period(
    session: AsyncSession, start: date, end: date, start_field: str = "from", end_field: str = "to"
) -> Period:
    """The period, or a DomainError naming every problem with it; checked before any SQL reads."""
    problems = Collector()
    in_range = checks.within(start, "开始日期", start_field, problems)
    in_range = checks.within(end, "结束日期", end_field, problems) and in_range
    if in_range and checks.not_before(end, start, "结束日期", "开始日期", end_field, problems):
        longest = await max_period_days(session)
        if (end - start).days + 1 > longest:
            problems.add("PERIOD_TOO_LONG", f"统计期间过长：最长 {longest} 天（含首尾两天）", end_field)
    problems.raise_if_any()
    return Period(start, end)
