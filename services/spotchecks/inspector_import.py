"""执法检查人员名录库 as a file: import a CSV/XLSX of inspectors row by row through
`upsert_inspector`, and the template to fill in (the caller's inspectors as they stand, so a
template sent back unchanged changes nothing).

Headers are Chinese (姓名, 部门编码, 执法证号, 有效期起, 有效期止, 在岗) or the field names. The
file is all or nothing (services.platform.sheet_import).
Conflicts (回避) and the linked user are not in the file: an import keeps them as they are."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department
from services.platform import sheet_import
from services.platform.access import Operation, principal_of, require
from services.platform.principal import Principal
from services.platform.sheet_import import ImportReport, RowReader, SheetFile
from services.platform.sheet_rows import Column
from services.spotchecks.inspectors import InspectorInput, list_inspectors, upsert_inspector

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, 12),
    Column("department_code", "部门编码", False, 16),
    Column("certificate_no", "执法证号", True, 18),
    Column("valid_from", "有效期起", True, 12),
    Column("valid_to", "有效期止", True, 12),
    Column("active", "在岗", False, 8),
)
_ACTIVE = frozenset({"在岗"})
_AWAY = frozenset({"不在岗", "离岗"})


def _inspector(reader: RowReader) -> InspectorInput | None:
    data = InspectorInput(
        certificate_no=reader.text("certificate_no"),
        name=reader.text("name"),
        valid_from=reader.day("valid_from"),
        valid_to=reader.day("valid_to"),
        active=reader.flag("active", "INVALID_ACTIVE", blank=True, yes=_ACTIVE, no=_AWAY),
        department_code=reader.text("department_code") or None,
    )
    return None if reader.problems else data


def _own_row(principal: Principal, given: InspectorInput) -> bool:
    """A department's file keeps its own inspectors (as a record file its own records): a row
    naming another department is that row's problem, told with the record import's code."""
    return principal.is_maintainer or not given.department_code or given.department_code == principal.department_code


async def import_inspectors(session: AsyncSession, file: SheetFile, dry_run: bool = False) -> ImportReport:
    """Apply an inspector file, all or nothing; the report says, row by row, what became (or
    would have become) of each. A department's rows are its own (a blank 部门编码 means its
    own); a maintainer's rows each name their department."""
    principal = principal_of(session)
    require(principal, Operation.IMPORT_INSPECTORS)

    def read_row(reader: RowReader) -> InspectorInput | None:
        given = _inspector(reader)
        if given is not None and not _own_row(principal, given):
            message = f"部门编码“{given.department_code}”不是本部门：只能导入本部门的执法检查人员"
            reader.refuse("department_code", "OTHER_DEPARTMENT", message)
            return None
        return given

    return await sheet_import.import_sheet(
        session, file, COLUMNS, "certificate_no", read_row, upsert_inspector, dry_run, key_upper=True
    )


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
    return sheet_import.template_csv(COLUMNS, await template_rows(session))


async def template_xlsx(session: AsyncSession) -> bytes:
    return sheet_import.template_xlsx("执法检查人员", COLUMNS, await template_rows(session))
