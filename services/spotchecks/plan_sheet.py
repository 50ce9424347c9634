"""抽查计划 as a page shows it: a plan with its departments, check items, draw record, the
platform's own verification of that record, its tasks and every draw attempt; and what the
create form offers (departments, check items, the caller's directories).

Reads only: creating, accepting, approving, drawing and replacing are services.spotchecks.plans
and .draw, the same for the admin pages as for the API. The verification runs the pure rule
exported from services.spotchecks (`recompute`) on the record as published, as anyone may."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import CheckItem, Department, DrawAttempt, InspectionTask, SpotCheckPlan, SpotCheckPlanItem
from models.enums import PlanRole
from models.spotchecks import EntityDirectory, SpotCheckPlanDepartment
from services.platform.access import Operation, principal_of, require
from services.platform.errors import DomainError
from services.spotchecks import DrawRuleError, recompute
from services.spotchecks.check_items import list_check_items
from services.spotchecks.directory import describe, list_directories
from services.spotchecks.draw_record import plan_draw_record
from services.spotchecks.plans import get_plan, plan_departments
from services.spotchecks.task_sheet import TaskRow, task_rows


@dataclass(frozen=True)
class Member:
    """A department of the plan: the lead or a partner, and whether it has accepted."""

    row: SpotCheckPlanDepartment
    department: Department

    @property
    def is_lead(self) -> bool:
        return self.row.role is PlanRole.LEAD


@dataclass(frozen=True)
class Verification:
    """The record recomputed by the rule: `differences` empty when every published figure agrees."""

    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class PlanSheet:
    plan: SpotCheckPlan
    members: list[Member]
    check_items: list[CheckItem]
    filter_text: str
    record: dict[str, Any] | None
    verification: Verification | None
    tasks: list[TaskRow]
    attempts: list[DrawAttempt]
    # What the caller's department is in the plan: None for a maintainer.
    own: Member | None = None
    departments_by_code: dict[str, Department] = field(default_factory=dict)

    @property
    def is_lead(self) -> bool:
        return self.own is not None and self.own.is_lead

    @property
    def awaiting_acceptance(self) -> list[Member]:
        return [m for m in self.members if m.row.accepted_at is None]


def plan_not_found(plan_id: int) -> DomainError:
    return DomainError("PLAN_NOT_FOUND", f"抽查计划 {plan_id} 不存在或与本部门无关", "id")


def verify(record: dict[str, Any]) -> Verification | None:
    """The platform's own recomputation of a published record; None before the draw."""
    if not record.get("seed"):
        return None
    try:
        again = recompute(record)
    except (DrawRuleError, KeyError, ValueError) as error:
        return Verification([f"按公布的规则无法重算：{error}"])
    differences = []
    if not again["seedCommitmentOk"]:
        differences.append("种子与审批时公布的承诺值不符")
    if again["candidateListHash"] != record.get("candidateListHash"):
        differences.append("候选名单的哈希与公布的不符")
    if record.get("candidateCount") != len(record.get("candidates") or []):
        differences.append("候选数量与候选名单不符")
    if again["strata"] != record.get("strata"):
        differences.append("分层及各层抽取数量与公布的不符")
    published = record.get("selections") or []
    for n, (mine, theirs) in enumerate(zip(again["selections"], published, strict=False), start=1):
        if mine != theirs:
            differences.append(f"第 {n} 个抽中对象不符：重算为 {mine['uscc']}，公布为 {theirs.get('uscc')}")
    if len(again["selections"]) != len(published):
        differences.append(f"抽中对象数量不符：重算 {len(again['selections'])} 个，公布 {len(published)} 个")
    return Verification(differences)


async def plan_sheet(session: AsyncSession, plan_id: int) -> PlanSheet:
    plan = await get_plan(session, plan_id)
    if plan is None or plan.id is None:
        raise plan_not_found(plan_id)
    rows = (await plan_departments(session, [plan.id])).get(plan.id, [])
    found = await session.scalars(select(Department).where(col(Department.id).in_([r.department_id for r in rows])))
    by_id = {d.id: d for d in found}
    members = [Member(r, by_id[r.department_id]) for r in rows if r.department_id in by_id]
    principal = principal_of(session)
    mine = [m for m in members if m.row.department_id == principal.department_id and not principal.is_maintainer]
    items = await session.scalars(
        select(CheckItem)
        .join(SpotCheckPlanItem, col(SpotCheckPlanItem.check_item_id) == col(CheckItem.id))
        .where(col(SpotCheckPlanItem.plan_id) == plan.id)
        .order_by(col(CheckItem.code))
    )
    record = await plan_draw_record(session, plan)
    tasks = await session.scalars(
        select(InspectionTask).where(col(InspectionTask.plan_id) == plan.id).order_by(col(InspectionTask.id))
    )
    attempts = await session.scalars(
        select(DrawAttempt).where(col(DrawAttempt.plan_id) == plan.id).order_by(col(DrawAttempt.id))
    )
    return PlanSheet(
        plan=plan,
        members=members,
        check_items=list(items.all()),
        filter_text=describe(plan.filter),
        record=record,
        verification=verify(record) if record else None,
        tasks=await task_rows(session, list(tasks.all())),
        attempts=list(attempts.all()),
        own=mine[0] if mine else None,
        departments_by_code={m.department.code: m.department for m in members},
    )


@dataclass(frozen=True)
class PlanChoices:
    """What the create form offers: departments to join, check items, the caller's directories."""

    departments: list[Department]
    check_items: list[tuple[CheckItem, Department]]
    directories: list[EntityDirectory]


async def plan_choices(session: AsyncSession) -> PlanChoices:
    require(principal_of(session), Operation.CREATE_SPOT_CHECK_PLAN)
    departments = list((await session.scalars(select(Department).order_by(col(Department.code)))).all())
    by_id = {d.id: d for d in departments}
    active = await list_check_items(session, active=True)
    items = [(i, by_id[i.department_id]) for i in active if i.department_id in by_id]
    return PlanChoices(departments, items, await list_directories(session))


async def plans_led_or_joined(session: AsyncSession, plan_ids: list[int]) -> dict[int, PlanRole]:
    """The caller's department's role in each plan (none for a maintainer)."""
    own = principal_of(session).department_id
    rows = await session.execute(
        select(col(SpotCheckPlanDepartment.plan_id), col(SpotCheckPlanDepartment.role)).where(
            col(SpotCheckPlanDepartment.plan_id).in_(plan_ids), col(SpotCheckPlanDepartment.department_id) == own
        )
    )
    return {plan_id: role for plan_id, role in rows.all()}
