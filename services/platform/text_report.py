"""Rows stored before the text rule that break it (`manage.py check-text`): every column of text
and every calendar day in the models, read a batch at a time, measured by the same rule the
inputs meet (services.platform.checks) and the column's own length (services.platform.text_columns).
The columns that hold a code are also measured by the code's own rule (checks.REGION_CODE and
the others), and the days some field narrows (the working-day calendar, an establishment date)
by that field's range; each rule is the one the services check inputs with, named here only."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

import models
from services.platform import checks
from services.platform.errors import Collector
from services.platform.text_columns import TextColumn, text_columns

_BATCH = 1000

# The codes kept in a column of their own, by (table, column), and the rule each input meets.
CODE_RULES: dict[tuple[str, str], checks.CodeRule] = {
    ("region", "code"): checks.REGION_CODE,
    ("region", "parent_code"): checks.REGION_CODE,
    ("department", "code"): checks.DEPARTMENT_CODE,
    ("department", "region_code"): checks.REGION_CODE,
    ("department", "line"): checks.LINE_CODE,
    ("market_entity", "region_code"): checks.REGION_CODE,
    ("market_entity", "industry_code"): checks.INDUSTRY_CODE,
    ("supervision_matter", "code"): checks.MATTER_CODE,
    ("supervision_matter", "line"): checks.LINE_CODE,
    ("discipline_measure", "code"): checks.MEASURE_CODE,
}


def _calendar_span(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return checks.calendar_span(today)


def _since_founding(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return checks.FOUNDING_DAY, checks.latest_day(today)


# The days whose field allows less than every date may hold, by (table, column): the range as
# of `today`, as services.platform.calendar and services.registry.registry check it.
DAY_RANGES: dict[tuple[str, str], Callable[[datetime.date], tuple[datetime.date, datetime.date]]] = {
    ("calendar_day", "day"): _calendar_span,
    ("market_entity", "established_on"): _since_founding,
}


@dataclass(frozen=True)
class Flaw:
    """One stored value that breaks the rule: where it is and what is wrong, in Chinese."""

    table: str
    row: str  # the row's primary key, its columns joined by ":"
    column: str
    problem: str


def text_flaws(value: str, column: TextColumn) -> list[str]:
    """What is wrong with a stored text under the rule (and its code's rule), in words."""
    found: list[str] = []
    wrong = checks.refused_character(value, column.multiline)
    if wrong is not None:
        found.append(f"含有{wrong}")
    elif checks.normalised(value) != value:
        found.append("未规范化（Unicode NFC，换行统一为 \\n）")
    if value != value.strip():
        found.append("首尾有空白")
    if column.length is not None and len(value) > column.length:
        found.append(f"长度 {len(value)} 超过该列的 {column.length} 个字符")
    rule = CODE_RULES.get((column.table, column.name))
    if rule is not None:
        found.extend(code_flaws(value, rule))
    elif _is_code(column.name) and checks.junk(value):
        found.append(f"“{value}”不是代码")
    return found


def code_flaws(value: str, rule: checks.CodeRule) -> list[str]:
    """What is wrong with a stored code under its rule: the rule's own message, or that it is
    not stored as the rule stores it (trimmed, in capitals where the rule says so)."""
    problems = Collector()
    cleaned = checks.code(value, rule, None, problems)
    found = [f"{problem.code}：{problem.message}" for problem in problems.problems]
    if not found and cleaned != value:
        found.append(f"代码未按规则保存（应为“{cleaned}”）")
    return found


def day_flaw(value: datetime.date, today: datetime.date, table: str = "", column: str = "") -> str | None:
    """What is wrong with a stored day: outside the range every date must be in, or the
    narrower one of its field (DAY_RANGES)."""
    narrower = DAY_RANGES.get((table, column))
    earliest, latest = narrower(today) if narrower else (checks.EARLIEST_DAY, checks.latest_day(today))
    problems = Collector()
    checks.within(value, "日期", None, problems, earliest, latest)
    return problems.problems[0].message if problems.problems else None


def _is_code(name: str) -> bool:
    return name == "code" or name.endswith("_code") or name == "uscc"


async def _rows(session: AsyncSession, table: sa.Table, columns: list[sa.Column[Any]]) -> AsyncIterator[sa.Row[Any]]:
    """The table's rows a batch at a time, by its primary key (a table of millions takes the memory
    of a batch, and no cursor has to stay open)."""
    keys = list(table.primary_key.columns)
    last: tuple[Any, ...] | None = None
    while True:
        query = sa.select(*keys, *columns).order_by(*keys).limit(_BATCH)
        if last is not None:
            query = query.where(sa.tuple_(*keys) > sa.tuple_(*last))
        batch = (await session.execute(query)).all()
        for row in batch:
            yield row
        if len(batch) < _BATCH:
            return
        last = tuple(batch[-1][: len(keys)])


async def stored_flaws(session: AsyncSession, today: datetime.date) -> list[Flaw]:
    """Every stored value that breaks the text rule, by table, row and column."""
    by_table: dict[str, dict[str, TextColumn]] = {}
    for described in text_columns():
        by_table.setdefault(described.table, {})[described.name] = described
    flaws: list[Flaw] = []
    for table in models.metadata.sorted_tables:
        texts = by_table.get(table.name, {})
        days = [c for c in table.columns if isinstance(c.type, sa.Date)]
        checked = [table.columns[name] for name in texts] + days
        if not checked:
            continue
        width = len(table.primary_key.columns)
        async for row in _rows(session, table, checked):
            key = ":".join(str(part) for part in row[:width])
            for column, value in zip(checked, row[width:], strict=True):
                if value is None:
                    continue
                if isinstance(value, str) and column.name in texts:
                    problems = text_flaws(value, texts[column.name])
                elif isinstance(value, datetime.date):
                    flaw = day_flaw(value, today, table.name, column.name)
                    problems = [flaw] if flaw else []
                else:
                    problems = []
                flaws.extend(Flaw(table.name, key, column.name, problem) for problem in problems)
    return flaws
