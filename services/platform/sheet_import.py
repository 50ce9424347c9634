"""A file of rows applied one upsert a row, all or nothing (部门, 执法检查人员): the uploaded
file, the report, a row reader, and the loop every such import shares.

Each row is tried in its own savepoint so that every bad row is reported (row, column, code,
reason); when any row is refused, or on a dry run, nothing is stored. A row repeating an
earlier row's key is refused (DUPLICATE_ROW) rather than applied twice. An import declares its
columns, how a row becomes the service's input, and the service call; the rules stay there."""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.platform import checks, sheets
from services.platform.errors import Collector, DomainError, Forbidden, Problem, Unauthenticated
from services.platform.sheet_rows import OUTCOME_LABELS, Column, Layout, RowOutcome, RowProblem, RowResult, read_layout
from services.platform.text_columns import multiline

T = TypeVar("T")

YES = frozenset({"是", "Y", "YES", "TRUE", "1"})
NO = frozenset({"否", "N", "NO", "FALSE", "0"})


@dataclass(frozen=True)
class SheetFile:
    filename: str
    data: bytes


@dataclass(frozen=True)
class ImportReport:
    filename: str
    dry_run: bool
    applied: bool  # stored: not a dry run, and no row refused
    rows: list[RowResult]
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, outcome: RowOutcome) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def summary(self) -> str:
        counts = "，".join(f"{OUTCOME_LABELS[o]} {self.count(o)} 行" for o in RowOutcome)
        if self.applied:
            return f"已导入：{counts}"
        if self.count(RowOutcome.REJECTED):
            return f"有 {self.count(RowOutcome.REJECTED)} 行被拒绝，整个文件未导入（{counts}）"
        return f"试运行，未保存：{counts}"


class Saved(Protocol):
    """What an upsert tells the import: whether the row is new, whether anything changed."""

    @property
    def created(self) -> bool: ...

    @property
    def changed(self) -> bool: ...


class RowReader:
    """One row's cells by field name; what cannot be read becomes the row's problems."""

    def __init__(self, row: sheets.SheetRow, layout: Layout) -> None:
        self.row, self.layout = row, layout
        self.problems: list[RowProblem] = []

    def text(self, name: str) -> str:
        """The cell's text, trimmed; what breaks the text rule is the row's problem (INVALID_TEXT)."""
        if name not in self.layout.index:
            return ""
        value = self.row.cell(self.layout.index[name])
        if isinstance(value, date):
            return value.isoformat()
        found = Collector()
        cleaned = checks.characters(value, self.layout.headers[name], name, found, multiline=multiline(name))
        for problem in found.problems:
            if not any(p.code == problem.code and p.column == self.layout.column_of(name) for p in self.problems):
                self.refuse(name, problem.code, problem.message)
        return cleaned.strip()

    def refuse(self, name: str, code: str, message: str) -> None:
        self.problems.append(RowProblem(self.layout.column_of(name), code, message))

    def day(self, name: str) -> date:
        found = Collector()
        read = checks.day(self.row.cell(self.layout.index[name]), self.layout.headers[name], name, found)
        for problem in found.problems:
            self.refuse(name, problem.code, problem.message)
        return read or date.min

    def flag(
        self, name: str, code: str, blank: bool, yes: frozenset[str] = frozenset(), no: frozenset[str] = frozenset()
    ) -> bool:
        """是/否 (or Y/N, TRUE/FALSE, 1/0, and the import's own words); blank means `blank`."""
        folded = unicodedata.normalize("NFKC", self.text(name)).strip().upper()
        if not folded:
            return blank
        if folded in YES | yes:
            return True
        if folded in NO | no:
            return False
        self.refuse(name, code, f"{self.layout.headers[name]}“{self.text(name)}”无效：应为“是”或“否”")
        return blank


def _row_problems(problems: Sequence[Problem], layout: Layout) -> tuple[RowProblem, ...]:
    """A service's problems on the file's columns: its field regionCode is the column region_code."""

    def column(api_field: str | None) -> str:
        return layout.column_of(re.sub(r"(?<!^)(?=[A-Z])", "_", api_field or "").lower().split(".")[0])

    return tuple(RowProblem(column(p.field), p.code, p.message) for p in problems)


async def apply_row(
    session: AsyncSession, number: int, code: str, save: Callable[[], Awaitable[Saved]], layout: Layout
) -> RowResult:
    """One row through its upsert in a savepoint: a refused row is undone and reported, and the
    import goes on; who may not import at all stops the whole file."""
    try:
        async with session.begin_nested():
            saved = await save()
    except (Unauthenticated, Forbidden):
        raise
    except DomainError as error:
        return RowResult(number, code, RowOutcome.REJECTED, _row_problems(error.problems, layout))
    except IntegrityError:
        conflict = RowProblem("", "CONFLICT", "与同时进行的另一项修改冲突，请重新导入")
        return RowResult(number, code, RowOutcome.REJECTED, (conflict,))
    if saved.created:
        return RowResult(number, code, RowOutcome.CREATED)
    return RowResult(number, code, RowOutcome.UPDATED if saved.changed else RowOutcome.UNCHANGED)


async def import_sheet(
    session: AsyncSession,
    file: SheetFile,
    columns: Sequence[Column],
    key: str,
    read_row: Callable[[RowReader], T | None],
    save: Callable[[AsyncSession, T], Awaitable[Saved]],
    dry_run: bool = False,
    key_upper: bool = False,
) -> ImportReport:
    """Apply a file all or nothing. `key` is the field naming a row (two rows naming the same,
    case aside, are one too many), shown upper-cased when `key_upper`; `read_row` gives the
    service's input, or None after refusing; `save` is the upsert. The caller checks first who
    may import."""
    # Off the event loop: parsing a large XLSX holds the CPU for seconds.
    sheet = await asyncio.to_thread(sheets.read_sheet, file.filename, file.data)
    layout = read_layout(sheet.header, columns)
    whole = await session.begin_nested()
    seen: dict[str, int] = {}
    results: list[RowResult] = []
    for row in sheet.rows:
        reader = RowReader(row, layout)
        code = reader.text(key).upper() if key_upper else reader.text(key)
        if code and code.upper() in seen:
            message = f"{layout.headers[key]}“{code}”在第 {seen[code.upper()]} 行已出现，本行未导入"
            reader.refuse(key, "DUPLICATE_ROW", message)
        given = read_row(reader)
        if given is None or reader.problems:  # a cell the reader refused is never saved
            results.append(RowResult(row.number, code, RowOutcome.REJECTED, tuple(reader.problems)))
            continue
        seen.setdefault(code.upper(), row.number)
        results.append(await apply_row(session, row.number, code, partial(save, session, given), layout))
    applied = not dry_run and not any(r.outcome is RowOutcome.REJECTED for r in results)
    if applied:
        await whole.commit()
    else:
        await whole.rollback()
    return ImportReport(file.filename, dry_run, applied, results, layout.ignored)


def template_csv(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> bytes:
    dated = [[v.isoformat() if isinstance(v, date) else v for v in row] for row in rows]
    return sheets.write_csv([c.header for c in columns], dated)


def template_xlsx(title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> bytes:
    return sheets.write_xlsx(title, [c.header for c in columns], rows, [c.width for c in columns])
