"""Working days counted in SQL, for statements that count them over many rows at once (绩效考核): the
rows are not fetched, only how many lie at each count of working days.

A window of the calendar (a WorkCalendar loaded for a span) is sent with the statement as a derived table
(VALUES), one row per date with its ordinal (the working days after the window's first date up to it), so
that the working days after `a` up to `b` are ordinal(b) − ordinal(a): WorkCalendar.working_days_between's
count (0 when `b` is not after `a`), from the same calendar, on both engines. A row with a date outside the
window comes back with its dates and is counted here from the calendar loaded for them: the window is
chosen to hold nearly every date, and the answer is the same for a date outside it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from services.platform import calendar
from services.platform.db import as_date

# (the key, the working days from the start to each end (None where that end is None), how many rows)
Counted = tuple[Any, tuple[int | None, ...], int]


def _bare(day: Any) -> Any:
    """The date as an expression, not a column: SQLite gives a DATE column's value its column's affinity,
    which the window's VALUES lack, and then scans the window for every row instead of indexing it."""
    return sa.func.coalesce(day, day)


def _window_table(session: AsyncSession, window: calendar.WorkCalendar) -> Any:
    """The window as a derived table (day, ordinal). Written out as literals, dates and integers made here
    from a WorkCalendar: two bound parameters a day made compiling the statement cost more than running it."""
    typed = "::date" if session.get_bind().dialect.name == "postgresql" else ""
    rows = ", ".join(f"('{day.isoformat()}'{typed}, {ordinal:d})" for day, ordinal in window.ordinals())
    days = sa.text(f"SELECT column1 AS day, column2 AS ordinal FROM (VALUES {rows}) AS window_days")
    return days.columns(sa.column("day", sa.Date), sa.column("ordinal", sa.Integer)).cte("working_day")


async def counted(session: AsyncSession, window: calendar.WorkCalendar, grouped: sa.Select[Any],
                  **options: Any) -> list[Counted]:  # fmt: skip
    """`grouped` selects a key, a start date, one or more end dates (each may be NULL) and a count, grouped
    by all but the count. Its rows summed by (key, working days from the start to each end)."""
    rows = grouped.subquery("counted")
    key, start, *ends, n = rows.c
    table = _window_table(session, window)
    at_start = table.alias("start_day")
    at_ends = [table.alias(f"end_day_{i}") for i in range(len(ends))]
    joined: Any = rows.outerjoin(at_start, at_start.c.day == _bare(start))
    for end, at in zip(ends, at_ends, strict=True):
        joined = joined.outerjoin(at, at.c.day == _bare(end))
    outside = sa.or_(at_start.c.day.is_(None), *(end.is_not(None) & at.c.day.is_(None)
                                                for end, at in zip(ends, at_ends, strict=True)))  # fmt: skip
    lags = [
        sa.case((outside, sa.null()), (end.is_(None), sa.null()), (end <= start, 0),
                else_=at.c.ordinal - at_start.c.ordinal).label(f"lag_{i}")
        for i, (end, at) in enumerate(zip(ends, at_ends, strict=True))
    ]  # fmt: skip
    dates = [sa.case((outside, day)).label(f"day_{i}") for i, day in enumerate((start, *ends))]
    lagged = sa.select(key.label("key"), *lags, *dates, n.label("n")).select_from(joined).subquery("lagged")
    kept = [c for c in lagged.c if c.name != "n"]
    summed = sa.select(*kept, sa.func.sum(lagged.c.n)).group_by(*kept).execution_options(**options)
    found: list[Counted] = []
    outliers: list[tuple[Any, list[Any], int]] = []
    for key_value, *values, total in (await session.execute(summed)).all():
        lag_values, date_values = values[: len(ends)], values[len(ends) :]
        if date_values[0] is None:
            found.append((key_value, tuple(lag_values), int(total)))
        else:
            outliers.append((key_value, date_values, int(total)))
    return found + await _outside(session, outliers)


async def _outside(session: AsyncSession, rows: Sequence[tuple[Any, list[Any], int]]) -> list[Counted]:
    """The rows with a date outside the window, counted from the calendar loaded for their dates."""
    if not rows:
        return []
    read = [(key, [None if d is None else as_date(d) for d in dates], n) for key, dates, n in rows]
    every = [d for _, dates, _ in read for d in dates if d is not None]
    days = await calendar.load(session, min(every), max(every))
    found: list[Counted] = []
    for key, (start, *ends), n in read:
        assert start is not None
        lags = tuple(None if end is None else days.working_days_between(start, end) for end in ends)
        found.append((key, lags, n))
    return found
