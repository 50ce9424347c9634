"""Rows stored before the text rule that break it (`manage.py check-text`): every column of text
and every calendar day in the models, read a batch at a time, measured by the same rule the
inputs meet (services.platform.checks) and the column's own length (services.platform.text_columns)."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

import models
from services.platform import checks
from services.platform.text_columns import TextColumn, text_columns

_BATCH = 1000


@dataclass(frozen=True)
class Flaw:
    """One stored value that breaks the rule: where it is and what is wrong, in Chinese."""

    table: str
    row: str  # the row's primary key, its columns joined by ":"
    column: str
    problem: str


def text_flaws(value: str, column: TextColumn) -> list[str]:
    """What is wrong with a stored text under the rule, in words."""
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
    if _is_code(column.name) and checks.junk(value):
        found.append(f"“{value}”不是代码")
    return found


def day_flaw(value: datetime.date, today: datetime.date) -> str | None:
    if checks.EARLIEST_DAY <= value <= checks.latest_day(today):
        return None
    return f"日期 {value.isoformat()} 超出合理范围（{checks.EARLIEST_DAY.isoformat()} 至 {checks.latest_day(today)}）"


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
                    flaw = day_flaw(value, today)
                    problems = [flaw] if flaw else []
                else:
                    problems = []
                flaws.extend(Flaw(table.name, key, column.name, problem) for problem in problems)
    return flaws
