"""抽查计划: a department's plan, joint plans' acceptance by each partner, and approval.

DRAFT → APPROVED → DRAWN → IN_PROGRESS → DONE (services.spotchecks.draw moves it to DRAWN, the
tasks and results move it on). Approval draws the 32-byte seed and publishes only its
commitment: the seed itself stays out of every answer and audit event until the draw."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department
from models.enums import PlanRole, RiskColour, SampleKind, SpotCheckPlanStatus
from models.spotchecks import CheckItem, EntityDirectory, SpotCheckPlan, SpotCheckPlanDepartment, SpotCheckPlanItem
from models.types import utcnow
from services.platform import audit, checks
from services.platform.access import Operation, principal_of, require, require_handler
from services.platform.errors import Collector, DomainError
from services.platform.ids import row_id
from services.platform.labels import label
from services.platform.paging import Page, count_rows, keyset_page
from services.platform.transitions import conditional_update, transition
from services.spotchecks.directory import DirectoryFilter, checked_filter

NAME_LIMIT = 256
MAX_EXCLUDE_DAYS = 3650
MAX_INSPECTORS_PER_TARGET = 20
RATIO_PLACES = 4
_CURSOR = "spot_check_plan"
# What an audit event may say of a plan: never the seed (until the draw, services.spotchecks.draw).
_AUDITED = (
    "name", "status", "directory_id", "filter", "sample_kind", "sample_count", "sample_ratio", "colour_ratios",
    "inspectors_per_target", "period_start", "period_end", "exclude_checked_within_days", "seed_commitment",
)  # fmt: skip


@dataclass(frozen=True)
class ColourRatioInput:
    colour: RiskColour
    ratio: str


@dataclass(frozen=True)
class SampleInput:
    count: int | None = None
    ratio: str | None = None
    colour_ratios: list[ColourRatioInput] | None = None


@dataclass(frozen=True)
class DepartmentInspectorsInput:
    department_code: str
    count: int


@dataclass(frozen=True)
class PlanInput:
    name: str
    check_item_codes: list[str]
    sample: SampleInput
    period_start: date
    period_end: date
    partner_department_codes: list[str] | None = None
    directory_id: str | None = None
    filter: DirectoryFilter | None = None
    inspectors_per_target: int | None = None
    inspectors_per_department: list[DepartmentInspectorsInput] | None = None
    exclude_checked_within_days: int | None = None


@dataclass(frozen=True)
class PlanFilter:
    status: SpotCheckPlanStatus | None = None


def ratio_text(value: Decimal) -> str:
    """A ratio as published: plain decimal notation, no trailing zeros ("0.05", "1")."""
    return format(value.normalize(), "f")


def parse_ratio(raw: str | None, field: str, problems: Collector) -> Decimal | None:
    value = checks.parse_decimal(raw or "")
    if value is None:
        problems.add("INVALID_RATIO", f"比例“{(raw or '').strip()}”不是有效的小数（如 0.05）", field)
        return None
    if not Decimal(0) < value <= Decimal(1):
        problems.add("RATIO_OUT_OF_RANGE", f"比例须大于 0 且不超过 1（如 0.05 表示 5%），收到 {raw}", field)
        return None
    if checks.decimal_places(value) > RATIO_PLACES:
        problems.add("INVALID_RATIO", f"比例最多 {RATIO_PLACES} 位小数", field)
        return None
    return value


def _sample(sample: SampleInput, problems: Collector) -> dict[str, Any]:
    given = [sample.count is not None, sample.ratio is not None, bool(sample.colour_ratios)]
    if sum(given) != 1:
        problems.add(
            "INVALID_SAMPLE", "抽取数量（count）、比例（ratio）与分颜色比例（colourRatios）须且只能填写一项", "sample"
        )
        return {}
    if sample.count is not None:
        if sample.count < 1:
            problems.add("INVALID_COUNT", "抽取数量须为正整数", "sample.count")
        return {"sample_kind": SampleKind.COUNT, "sample_count": sample.count}
    if sample.ratio is not None:
        ratio = parse_ratio(sample.ratio, "sample.ratio", problems)
        return {"sample_kind": SampleKind.RATIO, "sample_ratio": ratio}
    ratios: dict[str, str] = {}
    for position, entry in enumerate(sample.colour_ratios or []):
        field = f"sample.colourRatios.{position}.ratio"
        if entry.colour.value in ratios:
            problems.add("INVALID_SAMPLE", f"{label(entry.colour)}的比例重复填写", f"sample.colourRatios.{position}")
            continue
        value = parse_ratio(entry.ratio, field, problems)
        if value is not None:
            ratios[entry.colour.value] = ratio_text(value)
    ordered = {c.value: ratios[c.value] for c in RiskColour if c.value in ratios}
    return {"sample_kind": SampleKind.COLOUR_RATIO, "colour_ratios": ordered}


async def _partners(session: AsyncSession, lead: Department, codes: list[str], problems: Collector) -> list[Department]:
    cleaned = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if lead.code in cleaned:
        problems.add("SAME_DEPARTMENT", "牵头部门不能同时作为配合部门", "partnerDepartmentCodes")
        cleaned.remove(lead.code)
    if not cleaned:
        return []
    found = (await session.scalars(select(Department).where(col(Department.code).in_(cleaned)))).all()
    by_code = {d.code: d for d in found}
    unknown = [c for c in cleaned if c not in by_code]
    if unknown:
        problems.add("UNKNOWN_DEPARTMENT", f"部门“{'、'.join(unknown)}”不存在", "partnerDepartmentCodes")
    return sorted(by_code.values(), key=lambda d: d.code)


def _inspectors(data: PlanInput, lead: Department, partners: list[Department], problems: Collector) -> dict[str, int]:
    """Each plan department's inspectors per target: at least 2 in all (by law), and in a joint
    plan at least 1 from each department (two departments or more: at least 2 in all)."""
    if not partners:
        count = 2 if data.inspectors_per_target is None else data.inspectors_per_target
        if data.inspectors_per_department:
            problems.add("INVALID_INSPECTORS", "非联合抽查请填写 inspectorsPerTarget", "inspectorsPerDepartment")
        if not 2 <= count <= MAX_INSPECTORS_PER_TARGET:
            problems.add(
                "TOO_FEW_INSPECTORS" if count < 2 else "INVALID_INSPECTORS",
                f"每个检查对象须派 2–{MAX_INSPECTORS_PER_TARGET} 名执法检查人员（法定不少于 2 名）",
                "inspectorsPerTarget",
            )
        return {lead.code: count}
    codes = [lead.code, *(p.code for p in partners)]
    counts = dict.fromkeys(codes, 1)
    if data.inspectors_per_target is not None:
        problems.add("INVALID_INSPECTORS", "联合抽查请按部门填写 inspectorsPerDepartment", "inspectorsPerTarget")
    for position, entry in enumerate(data.inspectors_per_department or []):
        code = entry.department_code.strip()
        field = f"inspectorsPerDepartment.{position}"
        if code not in counts:
            problems.add("INVALID_INSPECTORS", f"部门“{code}”不是本计划的牵头或配合部门", field)
        elif entry.count < 1:
            problems.add("TOO_FEW_INSPECTORS", f"联合抽查中每个部门至少派 1 名执法检查人员（{code}）", field)
        elif entry.count > MAX_INSPECTORS_PER_TARGET:
            problems.add(
                "INVALID_INSPECTORS", f"每个部门每个对象最多派 {MAX_INSPECTORS_PER_TARGET} 名（{code}）", field
            )
        else:
            counts[code] = entry.count
    return counts


async def _check_items(
    session: AsyncSession, codes: list[str], department_ids: list[int], problems: Collector
) -> list[int]:
    cleaned = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not cleaned:
        problems.add("REQUIRED", "抽查事项不能为空", "checkItemCodes")
        return []
    rows = (
        await session.execute(
            select(col(CheckItem.id), col(CheckItem.code)).where(
                col(CheckItem.code).in_(cleaned),
                col(CheckItem.department_id).in_(department_ids),
                col(CheckItem.active).is_(True),
            )
        )
    ).all()
    unknown = [c for c in cleaned if c not in {code for _, code in rows}]
    if unknown:
        problems.add(
            "UNKNOWN_CHECK_ITEM", f"抽查事项“{'、'.join(unknown)}”不是本计划各部门在用的抽查事项", "checkItemCodes"
        )
    return sorted(item_id for item_id, _ in rows if item_id is not None)


async def _target_filter(
    session: AsyncSession, data: PlanInput, problems: Collector
) -> tuple[int | None, dict[str, Any]]:
    """The directory's filter (copied: a later edit of the directory does not move an approved
    plan's candidates), or the plan's own."""
    if data.directory_id is not None and data.filter is not None:
        problems.add(
            "DIRECTORY_OR_FILTER", "检查对象名录库（directoryId）与筛选条件（filter）只能填写一项", "directoryId"
        )
        return None, {}
    if data.directory_id is None:
        return None, await checked_filter(session, data.filter, problems)
    raw = str(data.directory_id).strip()
    # The row policy: a department's own directories only.
    number = row_id(raw)
    directory = await session.get(EntityDirectory, number) if number is not None else None
    principal = principal_of(session)
    if directory is None or directory.department_id != principal.department_id:
        problems.add("UNKNOWN_DIRECTORY", f"本部门没有编号为{checks.quoted(raw)}的检查对象名录库", "directoryId")
        return None, {}
    return directory.id, dict(directory.filter)


def plan_audit(plan: SpotCheckPlan) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in _AUDITED}


async def create_spot_check_plan(session: AsyncSession, data: PlanInput) -> SpotCheckPlan:
    """A DRAFT plan led by the caller's department; a joint plan waits for each partner's acceptance."""
    principal = principal_of(session)
    require(principal, Operation.CREATE_SPOT_CHECK_PLAN)
    own = require_handler(principal)
    lead = await session.get(Department, own)
    assert lead is not None and lead.id is not None
    problems = Collector()
    name = checks.text(data.name, "计划名称", "name", problems, limit=NAME_LIMIT)
    partners = await _partners(session, lead, data.partner_department_codes or [], problems)
    per_department = _inspectors(data, lead, partners, problems)
    department_ids = [d.id for d in (lead, *partners) if d.id is not None]
    item_ids = await _check_items(session, data.check_item_codes, department_ids, problems)
    directory_id, stored = await _target_filter(session, data, problems)
    sample = _sample(data.sample, problems)
    checks.not_before(data.period_end, data.period_start, "检查期限截止日", "开始日", "periodEnd", problems)
    days = data.exclude_checked_within_days
    if days is not None and not 1 <= days <= MAX_EXCLUDE_DAYS:
        problems.add(
            "INVALID_DAYS", f"排除近期已检查对象的天数须在 1–{MAX_EXCLUDE_DAYS} 之间", "excludeCheckedWithinDays"
        )
    problems.raise_if_any()
    plan = SpotCheckPlan(
        name=name,
        lead_department_id=lead.id,
        status=SpotCheckPlanStatus.DRAFT,
        directory_id=directory_id,
        filter=stored,
        inspectors_per_target=sum(per_department.values()),
        period_start=data.period_start,
        period_end=data.period_end,
        exclude_checked_within_days=days,
        created_by=principal.name,
        **sample,
    )
    session.add(plan)
    await session.flush()
    assert plan.id is not None
    now = utcnow()
    session.add(
        SpotCheckPlanDepartment(
            plan_id=plan.id,
            department_id=lead.id,
            role=PlanRole.LEAD,
            inspectors_per_target=per_department[lead.code],
            accepted_at=now,
        )
    )
    for partner in partners:
        assert partner.id is not None
        session.add(
            SpotCheckPlanDepartment(
                plan_id=plan.id,
                department_id=partner.id,
                role=PlanRole.PARTNER,
                inspectors_per_target=per_department[partner.code],
            )
        )
    for item_id in item_ids:
        session.add(SpotCheckPlanItem(plan_id=plan.id, check_item_id=item_id))
    await session.flush()
    after = {**plan_audit(plan), "partners": [p.code for p in partners], "inspectorsPerDepartment": per_department}
    await audit.record(session, "spot_check_plan.created", "SpotCheckPlan", str(plan.id), None, after)
    return plan


def _plan_not_found(plan_id: int) -> DomainError:
    return DomainError("PLAN_NOT_FOUND", f"抽查计划 {plan_id} 不存在或与本部门无关", "id")


async def accept_spot_check_plan(session: AsyncSession, plan_id: int) -> SpotCheckPlan:
    """A partner accepts a joint plan, on its own row; only while the plan is a DRAFT."""
    principal = principal_of(session)
    require(principal, Operation.ACCEPT_SPOT_CHECK_PLAN)
    own = require_handler(principal)
    plan = await session.get(SpotCheckPlan, plan_id)
    if plan is None:
        raise _plan_not_found(plan_id)
    member = await session.scalar(
        select(SpotCheckPlanDepartment).where(
            col(SpotCheckPlanDepartment.plan_id) == plan_id, col(SpotCheckPlanDepartment.department_id) == own
        )
    )
    if member is None or member.role is not PlanRole.PARTNER:
        raise DomainError("NOT_PARTNER", "只有联合抽查的配合部门需要确认计划（牵头部门无需确认）", "id")
    assert member.id is not None
    plan_table = SpotCheckPlan.__table__.c  # type: ignore[attr-defined]
    still_draft = sa.exists().where(plan_table.id == plan_id, plan_table.status == SpotCheckPlanStatus.DRAFT.value)
    accepted = await conditional_update(
        session,
        SpotCheckPlanDepartment,
        member.id,
        [col(SpotCheckPlanDepartment.accepted_at).is_(None), still_draft],
        {"accepted_at": utcnow()},
    )
    if accepted is None:
        await session.refresh(plan)
        if plan.status is not SpotCheckPlanStatus.DRAFT:
            raise DomainError("PLAN_NOT_DRAFT", f"该计划{label(plan.status)}，不能再确认", "id")
        raise DomainError("ALREADY_ACCEPTED", "本部门已确认该计划", "id")
    await audit.record(
        session,
        "spot_check_plan.accepted",
        "SpotCheckPlan",
        str(plan_id),
        None,
        {"department": principal.department_code},
    )
    return plan


async def approve_spot_check_plan(session: AsyncSession, plan_id: int) -> SpotCheckPlan:
    """The lead approves once every partner has accepted: the seed is drawn now and only its
    commitment is published. Of two approvals at once one wins; the other's seed is never stored."""
    principal = principal_of(session)
    require(principal, Operation.APPROVE_SPOT_CHECK_PLAN)
    own = require_handler(principal)
    seed = secrets.token_bytes(32)
    commitment = hashlib.sha256(seed).hexdigest()
    members = SpotCheckPlanDepartment.__table__.c  # type: ignore[attr-defined]
    everyone_accepted = ~sa.exists().where(members.plan_id == plan_id, members.accepted_at.is_(None))

    def not_found(row: SpotCheckPlan | None) -> DomainError:
        if row is None:
            return _plan_not_found(plan_id)
        if row.lead_department_id != own:
            return DomainError("NOT_LEAD", "只有牵头部门可以审批抽查计划", "id")
        return DomainError("PARTNERS_PENDING", "联合抽查的配合部门尚未全部确认，不能审批", "id")

    def wrong_state(row: SpotCheckPlan) -> DomainError:
        if row.lead_department_id != own:
            return DomainError("NOT_LEAD", "只有牵头部门可以审批抽查计划", "id")
        return DomainError("ALREADY_APPROVED", f"该计划{label(row.status)}，不能再审批", "id")

    lead_only = col(SpotCheckPlan.lead_department_id) == own
    plan = await transition(
        session,
        SpotCheckPlan,
        plan_id,
        (SpotCheckPlanStatus.DRAFT,),
        SpotCheckPlanStatus.APPROVED,
        {"seed_hex": seed.hex(), "seed_commitment": commitment, "approved_at": utcnow(), "updated_at": utcnow()},
        where=[lead_only, everyone_accepted],
        not_found=not_found,
        wrong_state=wrong_state,
    )
    before = {"status": SpotCheckPlanStatus.DRAFT.value}
    after = {"status": plan.status.value, "seed_commitment": commitment}
    await audit.record(session, "spot_check_plan.approved", "SpotCheckPlan", str(plan_id), before, after)
    return plan


async def get_plan(session: AsyncSession, plan_id: int) -> SpotCheckPlan | None:
    """One plan the caller leads or joins (maintainers: any); None otherwise."""
    require(principal_of(session), Operation.SPOT_CHECK_PLAN)
    return await session.get(SpotCheckPlan, plan_id)


def _plans_query(flt: PlanFilter) -> Any:
    query = select(SpotCheckPlan)
    if flt.status is not None:
        query = query.where(col(SpotCheckPlan.status) == flt.status)
    return query


async def list_plans(session: AsyncSession, flt: PlanFilter, first: int, after: str | None) -> Page[SpotCheckPlan]:
    """The plans the caller leads or joins (maintainers: all), newest first."""
    require(principal_of(session), Operation.SPOT_CHECK_PLANS)
    return await keyset_page(session, _plans_query(flt), col(SpotCheckPlan.id), _CURSOR, first, after, descending=True)


async def count_plans(session: AsyncSession, flt: PlanFilter) -> int:
    require(principal_of(session), Operation.SPOT_CHECK_PLANS)
    return await count_rows(session, _plans_query(flt), col(SpotCheckPlan.id))


async def plan_departments(session: AsyncSession, plan_ids: list[int]) -> dict[int, list[SpotCheckPlanDepartment]]:
    """Each plan's departments: the lead first, then partners by department code."""
    rows = (
        await session.execute(
            select(SpotCheckPlanDepartment, col(Department.code))
            .join(Department, col(Department.id) == SpotCheckPlanDepartment.department_id)
            .where(col(SpotCheckPlanDepartment.plan_id).in_(plan_ids))
        )
    ).all()
    found: dict[int, list[tuple[bool, str, SpotCheckPlanDepartment]]] = {}
    for member, code in rows:
        found.setdefault(member.plan_id, []).append((member.role is not PlanRole.LEAD, code, member))
    return {plan_id: [m for _, _, m in sorted(members, key=lambda t: t[:2])] for plan_id, members in found.items()}
