"""部门 as a file: a CSV/XLSX of departments applied row by row through `upsert_department`, all
or nothing, and the template to fill in (the Chinese headers and one example row).

Headers are Chinese (部门编码, 部门名称, 层级, 行政区划代码, 登记机关, 条线) or the field names.
Each row is tried in its own savepoint so that every bad row is reported (row, column, code,
reason); when any row is refused, or on a dry run, nothing is stored. Re-importing a file
changes nothing and writes no audit event."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import DepartmentLevel
from services.platform import sheets
from services.platform.access import principal_of, require_maintainer
from services.platform.errors import DomainError, Forbidden, Problem, Unauthenticated
from services.platform.labels import listed, parse_label
from services.platform.sheet_rows import OUTCOME_LABELS, Column, Layout, RowOutcome, RowProblem, RowResult, read_layout
from services.registry.departments import DepartmentInput, upsert_department

__all__ = ["OUTCOME_LABELS", "RowOutcome"]

COLUMNS: tuple[Column, ...] = (
    Column("code", "部门编码", True, 16),
    Column("name", "部门名称", True, 28),
    Column("level", "层级", True, 10),
    Column("region_code", "行政区划代码", True, 14),
    Column("is_registration_authority", "登记机关", False, 10),
    Column("line", "条线", False, 10),
)
EXAMPLE: tuple[str, ...] = ("WJ-210200", "大连市卫生健康委员会", "市级", "210200", "否", "WJ")
_YES = frozenset({"是", "Y", "YES", "TRUE", "1"})
_NO = frozenset({"否", "", "N", "NO", "FALSE", "0"})


@dataclass(frozen=True)
class SheetFile:
    filename: str
    data: bytes


@dataclass(frozen=True)
class DepartmentImportReport:
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


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().upper()


class _RowReader:
    def __init__(self, row: sheets.SheetRow, layout: Layout) -> None:
        self.row, self.layout = row, layout
        self.problems: list[RowProblem] = []

    def text(self, name: str) -> str:
        if name not in self.layout.index:
            return ""
        return str(self.row.cell(self.layout.index[name])).strip()

    def refuse(self, name: str, code: str, message: str) -> None:
        self.problems.append(RowProblem(self.layout.column_of(name), code, message))

    def level(self) -> DepartmentLevel:
        text = self.text("level")
        found = parse_label(DepartmentLevel, text)
        if found is None:
            message = f"层级“{text}”无效：应为{listed(DepartmentLevel)}" if text else "层级不能为空"
            self.refuse("level", "INVALID_LEVEL", message)
        return found or DepartmentLevel.CITY

    def registers(self) -> bool:
        text = _fold(self.text("is_registration_authority"))
        if text in _YES:
            return True
        if text not in _NO:
            message = f"登记机关“{self.text('is_registration_authority')}”无效：应为“是”或“否”"
            self.refuse("is_registration_authority", "INVALID_FLAG", message)
        return False

    def department_input(self) -> DepartmentInput | None:
        data = DepartmentInput(
            code=self.text("code"),
            name=self.text("name"),
            level=self.level(),
            region_code=self.text("region_code"),
            is_registration_authority=self.registers(),
            line=self.text("line") or None,
        )
        return None if self.problems else data


def _row_problems(problems: Sequence[Problem], layout: Layout) -> tuple[RowProblem, ...]:
    def column(api_field: str | None) -> str:
        return layout.column_of(re.sub(r"(?<!^)(?=[A-Z])", "_", api_field or "").lower())

    return tuple(RowProblem(column(p.field), p.code, p.message) for p in problems)


async def _apply(session: AsyncSession, number: int, data: DepartmentInput, layout: Layout) -> RowResult:
    code = data.code.strip()
    try:
        async with session.begin_nested():
            saved = await upsert_department(session, data)
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


async def import_departments(session: AsyncSession, file: SheetFile, dry_run: bool = False) -> DepartmentImportReport:
    """Apply a department file, all or nothing (maintainers only); the report says, row by row,
    what became (or would have become) of each. A row's region must exist already, or come
    from `setup` / the 行政区划 page: regions are not created from this file."""
    require_maintainer(principal_of(session))
    sheet = sheets.read_sheet(file.filename, file.data)
    layout = read_layout(sheet.header, COLUMNS)
    whole = await session.begin_nested()
    seen: dict[str, int] = {}
    results: list[RowResult] = []
    for row in sheet.rows:
        reader = _RowReader(row, layout)
        code = reader.text("code")
        if code and code.upper() in seen:
            reader.refuse("code", "DUPLICATE_ROW", f"部门编码“{code}”在第 {seen[code.upper()]} 行已出现，本行未导入")
        given = reader.department_input()
        if given is None:
            results.append(RowResult(row.number, code, RowOutcome.REJECTED, tuple(reader.problems)))
            continue
        seen.setdefault(code.upper(), row.number)
        results.append(await _apply(session, row.number, given, layout))
    applied = not dry_run and not any(r.outcome is RowOutcome.REJECTED for r in results)
    if applied:
        await whole.commit()
    else:
        await whole.rollback()
    return DepartmentImportReport(file.filename, dry_run, applied, results, layout.ignored)


def template_csv() -> bytes:
    return sheets.write_csv([c.header for c in COLUMNS], [EXAMPLE])


def template_xlsx() -> bytes:
    return sheets.write_xlsx("部门", [c.header for c in COLUMNS], [EXAMPLE], [c.width for c in COLUMNS])
