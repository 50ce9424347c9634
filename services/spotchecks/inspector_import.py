"""执法检查人员名录库 as a file: import a CSV/XLSX of inspectors row by row through
`upsert_inspector`, and the template to fill in (the caller's inspectors as they stand, so a
template sent back unchanged changes nothing).

Headers are Chinese (姓名, 部门编码, 执法证号, 有效期起, 有效期止, 在岗) or the field names. The
file is all or nothing: each row is tried in its own savepoint so that every bad row is reported
(row, column, code, reason), and when any row is refused, or on a dry run, nothing is stored.
Conflicts (回避) and the linked user are not in the file: an import keeps them as they are."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department
from services.platform import checks, sheets
from services.platform.access import Operation, principal_of, require
from services.platform.errors import Collector, DomainError, Forbidden, Problem, Unauthenticated
from services.platform.principal import Principal
from services.platform.sheet_rows import OUTCOME_LABELS, Column, Layout, RowOutcome, RowProblem, RowResult, read_layout
from services.spotchecks.inspectors import InspectorInput, list_inspectors, upsert_inspector

__all__ = ["OUTCOME_LABELS", "RowOutcome"]


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, 12),
    Column("department_code", "部门编码", False, 16),
    Column("certificate_no", "执法证号", True, 18),
    Column("valid_from", "有效期起", True, 12),
    Column("valid_to", "有效期止", True, 12),
    Column("active", "在岗", False, 8),
)
HEADERS: dict[str, str] = {c.field: c.header for c in COLUMNS}
_YES = frozenset({"是", "在岗", "Y", "YES", "TRUE", "1"})
_NO = frozenset({"否", "不在岗", "离岗", "N", "NO", "FALSE", "0"})


@dataclass(frozen=True)
class SheetFile:
    filename: str
    data: bytes


@dataclass(frozen=True)
class InspectorImportReport:
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


class _RowReader:
    def __init__(self, row: sheets.SheetRow, layout: Layout) -> None:
        self.row, self.layout = row, layout
        self.problems: list[RowProblem] = []

    def text(self, name: str) -> str:
        if name not in self.layout.index:
            return ""
        value = self.row.cell(self.layout.index[name])
        return value.isoformat() if isinstance(value, date) else value.strip()

    def day(self, name: str) -> date:
        found = Collector()
        read = checks.day(self.row.cell(self.layout.index[name]), HEADERS[name], name, found)
        for problem in found.problems:
            self.problems.append(RowProblem(self.layout.column_of(name), problem.code, problem.message))
        return read or date.min

    def active(self) -> bool:
        text = unicodedata.normalize("NFKC", self.text("active")).strip().upper()
        if not text or text in _YES:
            return True
        if text in _NO:
            return False
        message = f"在岗“{self.text('active')}”无效：应为“是”或“否”"
        self.problems.append(RowProblem(self.layout.column_of("active"), "INVALID_ACTIVE", message))
        return True

    def inspector_input(self) -> InspectorInput | None:
        data = InspectorInput(
            certificate_no=self.text("certificate_no"),
            name=self.text("name"),
            valid_from=self.day("valid_from"),
            valid_to=self.day("valid_to"),
            active=self.active(),
            department_code=self.text("department_code") or None,
        )
        return None if self.problems else data


def _field_name(api_field: str | None) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api_field or "").lower().split(".")[0]


def _row_problems(problems: Sequence[Problem], layout: Layout) -> tuple[RowProblem, ...]:
    return tuple(RowProblem(layout.column_of(_field_name(p.field)), p.code, p.message) for p in problems)


async def _apply(session: AsyncSession, number: int, data: InspectorInput, layout: Layout) -> RowResult:
    code = data.certificate_no.strip().upper()
    try:
        async with session.begin_nested():
            saved = await upsert_inspector(session, data)
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


def _own_row(principal: Principal, given: InspectorInput) -> bool:
    """A department's file keeps its own inspectors (as a record file its own records): a row
    naming another department is that row's problem, told with the record import's code."""
    return principal.is_maintainer or not given.department_code or given.department_code == principal.department_code


async def import_inspectors(session: AsyncSession, file: SheetFile, dry_run: bool = False) -> InspectorImportReport:
    """Apply an inspector file, all or nothing; the report says, row by row, what became (or
    would have become) of each. A department's rows are its own (a blank 部门编码 means its
    own); a maintainer's rows each name their department."""
    principal = principal_of(session)
    require(principal, Operation.IMPORT_INSPECTORS)
    sheet = sheets.read_sheet(file.filename, file.data)
    layout = read_layout(sheet.header, COLUMNS)
    whole = await session.begin_nested()
    seen: dict[str, int] = {}
    results: list[RowResult] = []
    for row in sheet.rows:
        reader = _RowReader(row, layout)
        number = reader.text("certificate_no").upper()
        if number and number in seen:
            message = f"执法证号“{number}”在第 {seen[number]} 行已出现，本行未导入"
            reader.problems.append(RowProblem(layout.column_of("certificate_no"), "DUPLICATE_ROW", message))
        given = reader.inspector_input()
        if given is not None and not _own_row(principal, given):
            message = f"部门编码“{given.department_code}”不是本部门：只能导入本部门的执法检查人员"
            reader.problems.append(RowProblem(layout.column_of("department_code"), "OTHER_DEPARTMENT", message))
            given = None
        if given is None:
            results.append(RowResult(row.number, number, RowOutcome.REJECTED, tuple(reader.problems)))
            continue
        seen.setdefault(number, row.number)
        results.append(await _apply(session, row.number, given, layout))
    applied = not dry_run and not any(r.outcome is RowOutcome.REJECTED for r in results)
    if applied:
        await whole.commit()
    else:
        await whole.rollback()
    return InspectorImportReport(file.filename, dry_run, applied, results, layout.ignored)


async def template_rows(session: AsyncSession) -> list[list[Any]]:
    """The caller's inspectors (all of them, for a maintainer) in COLUMNS order."""
    views = await list_inspectors(session)
    ids = {v.department_id for v in views}
    codes: dict[int, str] = {}
    if ids:
        query = select(col(Department.id), col(Department.code)).where(col(Department.id).in_(ids))
        found = await session.execute(query)
        codes = {department_id: str(code) for department_id, code in found if department_id is not None}
    return [
        [v.name, codes.get(v.department_id, ""), v.certificate_no, v.valid_from, v.valid_to, "是" if v.active else "否"]
        for v in views
    ]


async def template_csv(session: AsyncSession) -> bytes:
    rows = [[v.isoformat() if isinstance(v, date) else v for v in row] for row in await template_rows(session)]
    return sheets.write_csv([c.header for c in COLUMNS], rows)


async def template_xlsx(session: AsyncSession) -> bytes:
    rows = await template_rows(session)
    return sheets.write_xlsx("执法检查人员", [c.header for c in COLUMNS], rows, [c.width for c in COLUMNS])
