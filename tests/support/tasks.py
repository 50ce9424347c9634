"""Inspection tasks as a draw leaves them (the reference setup until the draw lands): a plan,
DRAWN, with its check items and departments, inspectors, and one ASSIGNED task per entity per
department of the plan, inserted directly as the platform; and the API documents of tasks and
results.

Departments of the demo city: SCJG-210202 (中山区市场监督管理局, the 中山区 registration
authority, token `district`), WJ-210202 (中山区卫生健康局, `district_health`), SCJG-210203
(西岗区市场监督管理局, `other_district`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select

from models import (
    CheckItem,
    Department,
    InspectionResult,
    InspectionTask,
    InspectionTaskInspector,
    Inspector,
    MarketEntity,
    Referral,
    SpotCheckPlan,
    SpotCheckPlanDepartment,
    SpotCheckPlanItem,
)
from models.enums import (
    InspectionTaskKind,
    InspectionTaskStatus,
    PlanRole,
    ReferralReason,
    SampleKind,
    SpotCheckPlanStatus,
)
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.spotchecks.inspectors import InspectorInput, upsert_inspector

SYSTEM = Principal.system("tasks-test")
DISTRICT, HEALTH, OTHER = "SCJG-210202", "WJ-210202", "SCJG-210203"
# The check item of every test plan and its result form.
CHECK_ITEM = "SPJY-01"
FORM = [("F1", "经营许可证照是否齐全有效"), ("F2", "从业人员健康证明"), ("F3", "场所卫生状况")]


@dataclass(frozen=True)
class Drawn:
    plan_id: int
    # (uscc, department code) → task id
    tasks: dict[tuple[str, str], int]
    # department code → the certificate numbers of its inspectors on every task
    inspectors: dict[str, list[str]]

    def task(self, uscc: str, department: str = HEALTH) -> str:
        return str(self.tasks[(uscc, department)])


async def drawn_plan(
    db: Database,
    usccs: list[str],
    departments: tuple[str, ...] = (HEALTH,),
    *,
    name: str = "2026年度餐饮服务双随机抽查",
    due_on: date | None = None,
    form: list[tuple[str, str]] | None = None,
) -> Drawn:
    """A drawn plan led by `departments[0]` (the others partners, each accepted), with one check
    item of the lead whose form is `form`, two inspectors per department, and an ASSIGNED task
    per entity per department, due `due_on` (default 30 days from today)."""
    async with db.session(SYSTEM) as session:
        by_code = {
            d.code: d for d in await session.scalars(select(Department).where(col(Department.code).in_(departments)))
        }
        entities = {
            e.uscc: e for e in await session.scalars(select(MarketEntity).where(col(MarketEntity.uscc).in_(usccs)))
        }
    session = await db.write_session(SYSTEM)
    try:
        lead = by_code[departments[0]]
        assert lead.id is not None
        plan = SpotCheckPlan(
            name=name,
            lead_department_id=lead.id,
            status=SpotCheckPlanStatus.DRAWN,
            sample_kind=SampleKind.COUNT,
            sample_count=len(usccs),
            inspectors_per_target=2 * len(departments),
            period_start=today(),
            period_end=due_on or today() + timedelta(days=30),
            created_by="tasks-test",
        )
        session.add(plan)
        await session.flush()
        assert plan.id is not None
        existing = await session.scalar(
            select(CheckItem).where(col(CheckItem.department_id) == lead.id, col(CheckItem.code) == CHECK_ITEM)
        )
        item = existing or CheckItem(
            department_id=lead.id,
            code=CHECK_ITEM,
            name="餐饮服务经营者监督检查",
            legal_basis="《中华人民共和国食品安全法》第八十七条",
            form_items=[{"code": code, "name": text} for code, text in (form or FORM)],
        )
        session.add(item)
        await session.flush()
        assert item.id is not None
        session.add(SpotCheckPlanItem(plan_id=plan.id, check_item_id=item.id))
        inspectors: dict[str, list[Inspector]] = {}
        for n, code in enumerate(departments):
            department = by_code[code]
            assert department.id is not None
            role = PlanRole.LEAD if n == 0 else PlanRole.PARTNER
            session.add(
                SpotCheckPlanDepartment(
                    plan_id=plan.id, department_id=department.id, role=role, inspectors_per_target=2,
                    accepted_at=None if n == 0 else plan.created_at,
                )
            )  # fmt: skip
            found = list(
                await session.scalars(
                    select(Inspector).where(col(Inspector.department_id) == department.id).order_by(col(Inspector.id))
                )
            )
            for k in range(len(found), 2):
                # As the maintainers' pages keep them, audit event and all.
                saved = await upsert_inspector(
                    session,
                    InspectorInput(
                        certificate_no=f"{code.replace('-', '')}{k + 1:03d}",
                        name=("王检查", "李执法")[k] + code[-2:],
                        valid_from=date(2024, 1, 1),
                        valid_to=date(2028, 12, 31),
                        department_code=code,
                    ),
                )
                found.append(saved.inspector.row)
            await session.flush()
            inspectors[code] = found[:2]
        tasks: dict[tuple[str, str], int] = {}
        for uscc in usccs:
            for code in departments:
                entity_id = entities[uscc].id
                department_id = by_code[code].id
                assert entity_id is not None and department_id is not None
                task = InspectionTask(
                    plan_id=plan.id,
                    entity_id=entity_id,
                    department_id=department_id,
                    kind=InspectionTaskKind.DRAWN,
                    status=InspectionTaskStatus.ASSIGNED,
                    due_on=plan.period_end,
                )
                session.add(task)
                await session.flush()
                assert task.id is not None
                for inspector in inspectors[code]:
                    assert inspector.id is not None
                    session.add(InspectionTaskInspector(task_id=task.id, inspector_id=inspector.id))
                tasks[(uscc, code)] = task.id
        await session.commit()
        certificates = {code: [i.certificate_no for i in found] for code, found in inspectors.items()}
        return Drawn(plan.id, tasks, certificates)
    finally:
        await session.close()


def answers(finding: str = "CONFORMING", form: list[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """Every form item of the test plan answered."""
    return [{"checkItemCode": CHECK_ITEM, "formItemCode": code, "finding": finding} for code, _ in (form or FORM)]


def result(categories: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    return {"items": answers(), "categories": categories or ["NO_PROBLEM"], **overrides}


async def plan_status(db: Database, plan_id: int) -> SpotCheckPlanStatus:
    async with db.session(SYSTEM) as session:
        plan = await session.get(SpotCheckPlan, plan_id)
        assert plan is not None
        return plan.status


async def stored_results(db: Database) -> int:
    async with db.session(SYSTEM) as session:
        return len(list(await session.scalars(select(InspectionResult))))


async def proposals(db: Database, uscc: str) -> list[Referral]:
    async with db.session(SYSTEM) as session:
        rows = await session.scalars(
            select(Referral)
            .join(MarketEntity, col(MarketEntity.id) == col(Referral.entity_id))
            .where(col(MarketEntity.uscc) == uscc, col(Referral.reason) == ReferralReason.LISTING_PROPOSAL)
        )
        return list(rows.all())


async def set_task(db: Database, task_id: str, **values: Any) -> None:
    """Move a task by hand (a replacement, an old due date): what the draw or time would do."""
    session = await db.write_session(SYSTEM)
    try:
        task = await session.get(InspectionTask, int(task_id))
        assert task is not None
        for key, value in values.items():
            setattr(task, key, value)
        await session.commit()
    finally:
        await session.close()


async def set_rectification_due(db: Database, task_id: str, day: date) -> None:
    """Move a recorded rectification deadline (time passing, for the command line that runs for today)."""
    session = await db.write_session(SYSTEM)
    try:
        found = await session.scalar(select(InspectionResult).where(col(InspectionResult.task_id) == int(task_id)))
        assert found is not None
        found.rectification_due_on = day
        await session.commit()
    finally:
        await session.close()


TASK_FIELDS = """
  id kind status dueOn overdue publishDueOn publicationOverdue recordedAt publishedAt
  plan { id name } entity { uscc } department { code }
  inspectors { name certificateNo }
  parentTask { id }
  followUpTask { id kind status dueOn department { code } entity { uscc } inspectors { certificateNo } }
  result {
    items { checkItemCode formItemCode formItemName finding note }
    categories { code name } categoryVersion notes attachments rectificationDueOn recordedBy
  }
"""

TASKS = f"""
query($f: InspectionTaskFilter, $first: Int, $after: String) {{
  inspectionTasks(filter: $f, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {TASK_FIELDS} }} }}
  }}
}}
"""

RECORD = f"""
mutation($t: ID!, $i: RecordInspectionResultInput!) {{
  recordInspectionResult(taskId: $t, input: $i) {{ task {{ {TASK_FIELDS} }} errors {{ field code message }} }}
}}
"""

PUBLISH = f"""
mutation($t: ID!) {{
  publishInspectionResult(taskId: $t) {{ task {{ {TASK_FIELDS} }} errors {{ field code message }} }}
}}
"""

PUBLICITY = """
query($u: String!) {
  publicity(uscc: $u) {
    name
    inspectionResults { planName departmentName kind inspectedOn publishedOn categories { code name } }
  }
}
"""
