"""监管职责目录 as a file: import a CSV/XLSX row by row through `upsert_supervision_matter`,
and export the whole catalog with the same headers, so an export re-imports unchanged.

Each row is applied in its own savepoint: a bad row is rolled back alone and reported by
row and column, the rest of the file is applied. A file that cannot be read as a catalog
(not CSV/XLSX, unknown encoding, a required column missing, empty) is refused whole."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, SupervisionMatter
from models.enums import ApprovalLevel, MatterMode
from services.catalog.catalog import MatterInput, upsert_supervision_matter
from services.platform import checks, sheets
from services.platform.access import principal_of, require_maintainer
from services.platform.errors import Collector, DomainError, Forbidden, Problem, Unauthenticated
from services.platform.labels import label, parse_label
from services.platform.sheet_rows import Column, Layout, RowOutcome, RowProblem, RowResult, read_layout
from services.platform.text_columns import multiline

DEFAULT_DEADLINE_DAYS = 5
_LIST_SEPARATORS = re.compile(r"[；;，,、\n]+")


COLUMNS: tuple[Column, ...] = (
    Column("code", "事项代码", True, 12),
    Column("name", "事项名称", True, 32),
    Column("mode", "监管模式", True, 26),
    Column("legal_basis", "设定依据", True, 44),
    Column("line", "负责条线", True, 10),
    Column("approval_level", "审批层级", True, 10),
    Column("handling_department_code", "承接部门", False, 14),
    Column("entry_codes", "经营范围条目代码", False, 20),
    Column("keywords", "关键词", False, 32),
    Column("industry_codes", "行业代码", False, 14),
    Column("claim_deadline_days", "认领时限（工作日）", False, 10),
    Column("effective_from", "生效日期", True, 12),
    Column("effective_to", "失效日期", False, 12),
)
HEADERS: dict[str, str] = {c.field: c.header for c in COLUMNS}
_MATCH_RULES = ("keywords", "entry_codes")


@dataclass(frozen=True)
class ImportReport:
    rows: list[RowResult]
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, outcome: RowOutcome) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


def split_items(text: str) -> list[str]:
    """A list in one cell or form field: keywords, entry codes, industry codes."""
    return [item.strip() for item in _LIST_SEPARATORS.split(text) if item.strip()]


# Each column answers to its Chinese header and to its field name (snake_case or camelCase).
def _layout(header: Sequence[str]) -> Layout:
    layout = read_layout(header, COLUMNS)
    if not any(name in layout.index for name in _MATCH_RULES):
        raise DomainError("MISSING_COLUMNS", "须有“关键词”或“经营范围条目代码”列；未导入任何内容", "file")
    return layout


class _RowReader:
    """One row's cells as MatterInput values; a column the file leaves out keeps the stored
    value of an existing matter (and the default for a new one)."""

    def __init__(self, row: sheets.SheetRow, layout: Layout, stored: MatterInput | None) -> None:
        self.row, self.layout, self.stored = row, layout, stored
        self.problems: list[RowProblem] = []

    def present(self, name: str) -> bool:
        return name in self.layout.index

    def text(self, name: str) -> str:
        """The cell's text, trimmed; what breaks the text rule is the row's problem (INVALID_TEXT)."""
        value = self.row.cell(self.layout.index[name]) if self.present(name) else ""
        if isinstance(value, date):
            return value.isoformat()
        found = Collector()
        cleaned = checks.characters(value, HEADERS[name], name, found, multiline=multiline(name))
        column = self.layout.column_of(name)
        for problem in found.problems:
            if not any(p.code == problem.code and p.column == column for p in self.problems):
                self.problem(name, problem.code, problem.message)
        return cleaned.strip()

    def problem(self, name: str, code: str, message: str) -> None:
        self.problems.append(RowProblem(self.layout.column_of(name), code, message))

    def kept(self, name: str, default: Any) -> Any:
        return getattr(self.stored, name) if self.stored is not None else default

    def items(self, name: str) -> list[str]:
        if not self.present(name):
            return list(self.kept(name, ()))
        return split_items(self.text(name))

    def choice(self, name: str, enum: type[MatterMode] | type[ApprovalLevel]) -> Any:
        text = self.text(name)
        found = parse_label(enum, text)
        if found is None:
            spelled = "、".join(label(member) for member in enum)
            codes = "、".join(member.value for member in enum)
            what = f"“{text}”无效" if text else "不能为空"
            self.problem(name, f"INVALID_{name.upper()}", f"{HEADERS[name]}{what}：应为 {spelled}（或 {codes}）")
        return found

    def day(self, name: str, required: bool) -> date | None:
        if not self.present(name):
            return self.kept(name, None)  # type: ignore[no-any-return]
        found = Collector()
        read = checks.day(self.row.cell(self.layout.index[name]), HEADERS[name], name, found, required)
        for problem in found.problems:
            self.problem(name, problem.code, problem.message)
        return read

    def deadline(self) -> int:
        name = "claim_deadline_days"
        if not self.present(name):
            return int(self.kept(name, DEFAULT_DEADLINE_DAYS))
        text = self.text(name)
        if not text:
            return DEFAULT_DEADLINE_DAYS
        if not re.fullmatch(r"-?[0-9]{1,9}", text):  # ASCII digits: \d also takes "٣", and int() reads it
            self.problem(name, "INVALID_NUMBER", f"{HEADERS[name]}“{text}”应为整数")
            return DEFAULT_DEADLINE_DAYS
        return int(text)

    def matter_input(self) -> MatterInput | None:
        handling = (
            self.text("handling_department_code")
            if self.present("handling_department_code")
            else self.kept("handling_department_code", None)
        )
        data = MatterInput(
            code=self.text("code"),
            name=self.text("name"),
            mode=self.choice("mode", MatterMode),
            legal_basis=self.text("legal_basis"),
            line=self.text("line"),
            approval_level=self.choice("approval_level", ApprovalLevel),
            effective_from=self.day("effective_from", required=True) or date.min,
            handling_department_code=handling or None,
            entry_codes=self.items("entry_codes"),
            keywords=self.items("keywords"),
            industry_codes=self.items("industry_codes"),
            claim_deadline_days=self.deadline(),
            effective_to=self.day("effective_to", required=False),
        )
        return None if self.problems else data


def _field_name(api_field: str | None) -> str:
    """services name fields as the API does (handlingDepartmentCode)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api_field or "").lower().split(".")[0]


async def _stored(session: AsyncSession) -> dict[str, MatterInput]:
    """Every matter as an import row would state it."""
    matters = (await session.scalars(select(SupervisionMatter))).all()
    department_codes = await _department_codes(session, matters)
    return {m.code: _as_input(m, department_codes) for m in matters}


async def _department_codes(session: AsyncSession, matters: Sequence[SupervisionMatter]) -> dict[int, str]:
    ids = {m.handling_department_id for m in matters if m.handling_department_id is not None}
    if not ids:
        return {}
    rows = await session.execute(select(Department.id, Department.code).where(col(Department.id).in_(ids)))
    return {int(row[0]): str(row[1]) for row in rows}


def _as_input(matter: SupervisionMatter, department_codes: dict[int, str]) -> MatterInput:
    handling = matter.handling_department_id
    return MatterInput(
        code=matter.code,
        name=matter.name,
        mode=matter.mode,
        legal_basis=matter.legal_basis,
        line=matter.line,
        approval_level=matter.approval_level,
        effective_from=matter.effective_from,
        handling_department_code=department_codes.get(handling) if handling is not None else None,
        entry_codes=tuple(matter.entry_codes),
        keywords=tuple(matter.keywords),
        industry_codes=tuple(matter.industry_codes),
        claim_deadline_days=matter.claim_deadline_days,
        effective_to=matter.effective_to,
    )


async def import_catalog(session: AsyncSession, filename: str, data: bytes) -> ImportReport:
    """Apply a catalog file; the report says, row by row, what became of each."""
    require_maintainer(principal_of(session))
    sheet = await asyncio.to_thread(sheets.read_sheet, filename, data)  # off the event loop
    layout = _layout(sheet.header)
    inputs = await _stored(session)
    seen: dict[str, int] = {}
    results: list[RowResult] = []
    for row in sheet.rows:
        row_code = _row_code(row, layout)
        reader = _RowReader(row, layout, inputs.get(row_code))
        if row_code in seen:
            first = seen[row_code]
            reader.problem("code", "DUPLICATE_ROW", f"事项代码“{row_code}”在第 {first} 行已出现，本行未导入")
        matter_input = reader.matter_input()
        if matter_input is None:
            results.append(RowResult(row.number, row_code, RowOutcome.REJECTED, tuple(reader.problems)))
            continue
        seen.setdefault(row_code, row.number)
        results.append(await _apply(session, row.number, matter_input, layout))
    return ImportReport(results, layout.ignored)


def _row_code(row: sheets.SheetRow, layout: Layout) -> str:
    value = row.cell(layout.index["code"])
    return value.isoformat() if isinstance(value, date) else value.strip()


async def _apply(session: AsyncSession, number: int, data: MatterInput, layout: Layout) -> RowResult:
    try:
        async with session.begin_nested():
            done = await upsert_supervision_matter(session, data)
    except (Unauthenticated, Forbidden):
        raise
    except DomainError as error:
        return RowResult(number, data.code, RowOutcome.REJECTED, _row_problems(error.problems, layout))
    except IntegrityError:
        conflict = RowProblem("", "CONFLICT", "与同时进行的另一项修改冲突，本行未导入，请重新导入")
        return RowResult(number, data.code, RowOutcome.REJECTED, (conflict,))
    if done.created:
        return RowResult(number, data.code, RowOutcome.CREATED)
    return RowResult(number, data.code, RowOutcome.UPDATED if done.changed else RowOutcome.UNCHANGED)


def _row_problems(problems: Sequence[Problem], layout: Layout) -> tuple[RowProblem, ...]:
    return tuple(RowProblem(layout.column_of(_field_name(p.field)), p.code, p.message) for p in problems)


async def catalog_rows(session: AsyncSession) -> list[list[Any]]:
    """The whole catalog in COLUMNS order, values as a file states them."""
    require_maintainer(principal_of(session))
    matters = (await session.scalars(select(SupervisionMatter).order_by(col(SupervisionMatter.code)))).all()
    department_codes = await _department_codes(session, matters)
    rows: list[list[Any]] = []
    for matter in matters:
        stated = _as_input(matter, department_codes)
        values: dict[str, Any] = {
            **{c.field: getattr(stated, c.field) for c in COLUMNS},
            "mode": label(matter.mode),
            "approval_level": label(matter.approval_level),
            "handling_department_code": stated.handling_department_code or "",
            "entry_codes": "；".join(stated.entry_codes),
            "keywords": "；".join(stated.keywords),
            "industry_codes": "；".join(stated.industry_codes),
        }
        rows.append([values[c.field] for c in COLUMNS])
    return rows


async def template_example(session: AsyncSession, on: date) -> list[Any]:
    """The import template's one row: a new matter that imports as it is (a maintainer replaces it);
    its code says it is an example, and a second import of it changes nothing. Its 负责条线 is one the
    city has: the maintainer's own department's, else the first department's that has one."""
    principal = principal_of(session)
    require_maintainer(principal)
    lines = select(Department.line).where(col(Department.line).is_not(None))
    line = await session.scalar(lines.where(col(Department.id) == principal.department_id)) or await session.scalar(
        lines.order_by(col(Department.id)).limit(1)
    )
    values: dict[str, Any] = {
        "code": "EXAMPLE-01",
        "name": "示例监管事项（请替换）",
        "mode": label(MatterMode.APPROVAL),
        "legal_basis": "《示例条例》第一条（请替换为设定依据）",
        "line": line or "",
        "approval_level": label(ApprovalLevel.DISTRICT),
        "handling_department_code": "",
        "entry_codes": "",
        "keywords": "示例经营项目",
        "industry_codes": "",
        "claim_deadline_days": DEFAULT_DEADLINE_DAYS,
        "effective_from": on,
        "effective_to": None,
    }
    return [values[c.field] for c in COLUMNS]


def _template_headers() -> list[str]:
    return [f"{c.header}*" if c.required else c.header for c in COLUMNS]


async def template_csv(session: AsyncSession, on: date) -> bytes:
    example = await template_example(session, on)
    as_text = [v.isoformat() if isinstance(v, date) else ("" if v is None else str(v)) for v in example]
    return sheets.write_csv(_template_headers(), [as_text])


async def template_xlsx(session: AsyncSession, on: date) -> bytes:
    example = await template_example(session, on)
    widths = [c.width for c in COLUMNS]
    return sheets.write_xlsx("监管职责目录导入模板", _template_headers(), [example], widths)


async def export_csv(session: AsyncSession) -> bytes:
    rows = await catalog_rows(session)
    as_text = [[v.isoformat() if isinstance(v, date) else ("" if v is None else v) for v in row] for row in rows]
    return sheets.write_csv([c.header for c in COLUMNS], as_text)


async def export_xlsx(session: AsyncSession) -> bytes:
    rows = [[None if v == "" else v for v in row] for row in await catalog_rows(session)]
    return sheets.write_xlsx("监管职责目录", [c.header for c in COLUMNS], rows, [c.width for c in COLUMNS])
