"""部门 as a file: a CSV/XLSX of departments applied row by row through `upsert_department`, all
or nothing (services.platform.sheet_import), and the template to fill in (the Chinese headers
and one example row).

Headers are Chinese (部门编码, 部门名称, 层级, 行政区划代码, 登记机关, 条线) or the field names.
Re-importing a file changes nothing and writes no audit event."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import DepartmentLevel
from services.platform import sheet_import
from services.platform.access import principal_of, require_maintainer
from services.platform.labels import listed, parse_label
from services.platform.sheet_import import ImportReport, RowReader, SheetFile
from services.platform.sheet_rows import Column
from services.registry.departments import DepartmentInput, upsert_department

COLUMNS: tuple[Column, ...] = (
    Column("code", "部门编码", True, 16),
    Column("name", "部门名称", True, 28),
    Column("level", "层级", True, 10),
    Column("region_code", "行政区划代码", True, 14),
    Column("is_registration_authority", "登记机关", False, 10),
    Column("line", "条线", False, 10),
)
EXAMPLE: tuple[str, ...] = ("WJ-210200", "大连市卫生健康委员会", "市级", "210200", "否", "WJ")


def _level(reader: RowReader) -> DepartmentLevel:
    text = reader.text("level")
    found = parse_label(DepartmentLevel, text)
    if found is None:
        message = f"层级“{text}”无效：应为{listed(DepartmentLevel)}" if text else "层级不能为空"
        reader.refuse("level", "INVALID_LEVEL", message)
    return found or DepartmentLevel.CITY


def _department(reader: RowReader) -> DepartmentInput | None:
    data = DepartmentInput(
        code=reader.text("code"),
        name=reader.text("name"),
        level=_level(reader),
        region_code=reader.text("region_code"),
        is_registration_authority=reader.flag("is_registration_authority", "INVALID_FLAG", blank=False),
        line=reader.text("line") or None,
    )
    return None if reader.problems else data


async def import_departments(session: AsyncSession, file: SheetFile, dry_run: bool = False) -> ImportReport:
    """Apply a department file, all or nothing (maintainers only); the report says, row by row,
    what became (or would have become) of each. A row's region must exist already, or come
    from `setup` / the 行政区划 page: regions are not created from this file."""
    require_maintainer(principal_of(session))
    return await sheet_import.import_sheet(session, file, COLUMNS, "code", _department, upsert_department, dry_run)


def template_csv() -> bytes:
    return sheet_import.template_csv(COLUMNS, [EXAMPLE])


def template_xlsx() -> bytes:
    return sheet_import.template_xlsx("部门", COLUMNS, [EXAMPLE])
