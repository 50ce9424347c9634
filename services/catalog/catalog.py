"""监管职责目录: supervision matters, kept by maintainers; the routing of notices reads them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, SupervisionMatter
from models.enums import ApprovalLevel, DepartmentLevel, MatterMode
from services.platform import checks
from services.platform.access import principal_of, require_authenticated, require_maintainer
from services.platform.errors import Collector, Expect
from services.platform.text_columns import column_limit
from services.platform.upsert import Upserted, upsert

MAX_DEADLINE_DAYS = 60


@dataclass(frozen=True)
class MatterInput:
    code: str
    name: str
    mode: MatterMode
    legal_basis: str
    line: str
    approval_level: ApprovalLevel
    effective_from: date
    handling_department_code: str | None = None
    entry_codes: Sequence[str] = ()
    keywords: Sequence[str] = ()
    industry_codes: Sequence[str] = ()
    claim_deadline_days: int = 5
    effective_to: date | None = None


def _clean(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(item.strip() for item in items if item.strip()))


async def _handling_department(
    session: AsyncSession, data: MatterInput, line: str, problems: Collector
) -> Department | None:
    """Above the district, notices go to the department the catalog names, by default
    the city department of the matter's line."""
    if data.handling_department_code:
        found = await session.scalar(
            select(Department).where(col(Department.code) == data.handling_department_code.strip())
        )
        if found is None:
            problems.add("UNKNOWN_DEPARTMENT", f"部门“{data.handling_department_code}”不存在", "handlingDepartmentCode")
        return found
    if data.approval_level is ApprovalLevel.DISTRICT:
        return None
    found = await session.scalar(
        select(Department).where(col(Department.line) == line, col(Department.level) == DepartmentLevel.CITY)
    )
    if found is None:
        problems.add(
            "HANDLING_DEPARTMENT_REQUIRED",
            f"条线“{line}”没有市级部门，市级及以上审批的事项须写明承接部门",
            "handlingDepartmentCode",
        )
    return found


async def upsert_supervision_matter(
    session: AsyncSession, data: MatterInput, expect: Expect = Expect.ANY
) -> Upserted[SupervisionMatter]:
    require_maintainer(principal_of(session))
    problems = Collector()
    code = checks.code(data.code, checks.MATTER_CODE, "code", problems)
    name = checks.text(data.name, "事项名称", "name", problems, limit=column_limit(SupervisionMatter.name))
    legal_basis = checks.text(data.legal_basis, "设定依据", "legalBasis", problems, limit=4000, hint="（法律法规条款）")
    line = data.line.strip().upper()
    if not await session.scalar(select(Department.id).where(col(Department.line) == line)):
        problems.add("UNKNOWN_LINE", f"没有属于条线“{line}”的部门", "line")
    entry_codes = checks.codes(data.entry_codes, checks.ENTRY_CODE, "entryCodes", problems, checks.MAX_ENTRY_CODES)
    keywords = _clean(data.keywords)
    checks.characters("".join(keywords), "关键词", "keywords", problems)
    industry_codes = checks.codes(data.industry_codes, checks.INDUSTRY_CODE, "industryCodes", problems)
    if not entry_codes and not keywords:
        problems.add("MATCH_RULE_REQUIRED", "至少给出一个经营范围条目代码或关键词，否则无法匹配", "keywords")
    if not 1 <= data.claim_deadline_days <= MAX_DEADLINE_DAYS:
        problems.add("INVALID_DEADLINE", f"认领时限为 1–{MAX_DEADLINE_DAYS} 个工作日", "claimDeadlineDays")
    if data.effective_to is not None:
        checks.not_before(data.effective_to, data.effective_from, "失效日期", "生效日期", "effectiveTo", problems)
    handling = await _handling_department(session, data, line, problems)
    problems.raise_if_any()

    values = {
        "name": name,
        "mode": data.mode,
        "legal_basis": legal_basis,
        "line": line,
        "approval_level": data.approval_level,
        "handling_department_id": handling.id if handling else None,
        "entry_codes": entry_codes,
        "keywords": keywords,
        "industry_codes": industry_codes,
        "claim_deadline_days": data.claim_deadline_days,
        "effective_from": data.effective_from,
        "effective_to": data.effective_to,
    }
    return await upsert(
        session,
        SupervisionMatter,
        {"code": code},
        values,
        expect=expect,
        label="监管事项",
        action="matter.upserted",
        exclude=("id", "updated_at"),
        stamp="updated_at",
    )


def in_force(effective_from: date, effective_to: date | None, on: date) -> bool:
    """A matter is in force from its first day to its last, both included; open-ended without one.
    Live matters and the frozen ones of a published version are judged by this one rule."""
    return effective_from <= on and (effective_to is None or effective_to >= on)


async def list_matters(session: AsyncSession, effective_on: date | None = None) -> list[SupervisionMatter]:
    require_authenticated(principal_of(session))
    matters = (await session.scalars(select(SupervisionMatter).order_by(col(SupervisionMatter.code)))).all()
    # The catalog is a few hundred rows: filtered here, by the same rule as a frozen version's.
    return [m for m in matters if effective_on is None or in_force(m.effective_from, m.effective_to, effective_on)]
