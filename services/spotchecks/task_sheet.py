"""检查任务 as a page shows it: one task with its entity, plan, check items and their form
items, inspectors, result and follow-up, and the result categories a result may take now; and
我的检查任务, the tasks of the inspector a signed-in user is (Inspector.user_id).

Reads only: recording and publishing are services.spotchecks.results and .publication, the
same for the admin pages as for the API. What a caller reads is the row policy's (a
department its own tasks and those of the plans it leads, maintainers all); a task it may not
read is TASK_NOT_FOUND, as for the mutations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import (
    CheckItem,
    Department,
    InspectionResult,
    InspectionTask,
    InspectionTaskInspector,
    Inspector,
    MarketEntity,
    ResultCategory,
    SpotCheckPlan,
    SpotCheckPlanItem,
)
from services.platform.access import Operation, principal_of, require, seeing_all
from services.platform.paging import Page
from services.spotchecks.result_categories import categories_in_force, categories_of
from services.spotchecks.results import plan_of, task_not_found
from services.spotchecks.tasks import (
    NamedCategory,
    TaskFilter,
    TaskPlan,
    follow_ups_of,
    inspectors_of,
    list_tasks,
    plans_of,
    results_of,
)

NOT_AN_INSPECTOR = (
    "您的账号没有关联执法检查人员，因此没有分配给您的检查任务。"
    "请联系本部门在“执法检查人员”中把您的账号关联到您的执法证。"
)


@dataclass(frozen=True)
class TaskRow:
    """One task as a list shows it: the entity (None when outside the caller's reach), the plan,
    the department and the inspectors the caller may see."""

    task: InspectionTask
    entity: MarketEntity | None
    plan: TaskPlan | None
    department: Department | None
    inspectors: list[Inspector]


@dataclass(frozen=True)
class TaskSheet:
    """One task and all a page needs to show it and, while ASSIGNED, the result form."""

    row: TaskRow
    check_items: list[CheckItem]
    result: InspectionResult | None
    # The result's categories as named in the version it was recorded under.
    result_categories: list[NamedCategory]
    follow_up: InspectionTask | None
    version_in_force: int
    categories: list[ResultCategory] = field(default_factory=list)

    @property
    def task(self) -> InspectionTask:
        return self.row.task


async def task_rows(session: AsyncSession, tasks: Sequence[InspectionTask]) -> list[TaskRow]:
    ids = [t.id for t in tasks if t.id is not None]
    plans = await plans_of(session, [t.plan_id or 0 for t in tasks])
    inspectors = await inspectors_of(session, ids)
    entity_ids = sorted({t.entity_id for t in tasks})
    entities = {
        e.id: e for e in await session.scalars(select(MarketEntity).where(col(MarketEntity.id).in_(entity_ids)))
    }
    department_ids = sorted({t.department_id for t in tasks})
    departments = {
        d.id: d for d in await session.scalars(select(Department).where(col(Department.id).in_(department_ids)))
    }
    return [
        TaskRow(task, entities.get(task.entity_id), plan, departments.get(task.department_id), people)
        for task, plan, people in zip(tasks, plans, inspectors, strict=True)
    ]


async def task_page(session: AsyncSession, flt: TaskFilter, first: int, after: str | None) -> Page[TaskRow]:
    """A page of the caller's tasks (services.spotchecks.tasks.list_tasks), each with what a list shows."""
    page = await list_tasks(session, flt, first, after)
    return Page(await task_rows(session, page.items), page.cursors, page.has_next_page, page.has_previous_page)


async def visible_plans(session: AsyncSession) -> list[TaskPlan]:
    """The plans the caller reads (those its department leads or joins; maintainers all), newest
    first: a task list's plan filter."""
    require(principal_of(session), Operation.INSPECTION_TASKS)
    rows = await session.execute(
        select(col(SpotCheckPlan.id), col(SpotCheckPlan.name)).order_by(col(SpotCheckPlan.id).desc())
    )
    return [TaskPlan(plan_id, name) for plan_id, name in rows.all() if plan_id is not None]


async def task_sheet(session: AsyncSession, task_id: int) -> TaskSheet:
    require(principal_of(session), Operation.INSPECTION_TASKS)
    task = await session.scalar(select(InspectionTask).where(col(InspectionTask.id) == task_id))
    if task is None:
        raise task_not_found(task_id)
    (row,) = await task_rows(session, [task])
    plan_id = await plan_of(session, task)
    # The plan's check items: the plan's own rows, read for a task the caller reads (as results.form_of).
    items = (
        list(
            await session.scalars(
                select(CheckItem)
                .join(SpotCheckPlanItem, col(SpotCheckPlanItem.check_item_id) == col(CheckItem.id))
                .where(col(SpotCheckPlanItem.plan_id) == plan_id)
                .order_by(col(CheckItem.code))
                .execution_options(**seeing_all(SpotCheckPlanItem))
            )
        )
        if plan_id is not None
        else []
    )
    (result,) = await results_of(session, [task_id])
    (follow_up,) = await follow_ups_of(session, [task_id])
    named: list[NamedCategory] = []
    if result is not None:
        recorded = await categories_of(session, result.category_version)
        named = [NamedCategory(code, recorded[code].name if code in recorded else code) for code in result.categories]
    version, in_force = await categories_in_force(session)
    return TaskSheet(row, items, result, named, follow_up, version, sorted(in_force.values(), key=lambda c: c.position))


# -- 我的检查任务 ----------------------------------------------------------------------------------------


async def inspector_of_user(session: AsyncSession, user_id: int) -> Inspector | None:
    """The inspector this signed-in user is, if any (among the inspectors the caller may see)."""
    require(principal_of(session), Operation.INSPECTION_TASKS)
    return await session.scalar(select(Inspector).where(col(Inspector.user_id) == user_id))


async def my_task_page(
    session: AsyncSession, inspector: Inspector, flt: TaskFilter, first: int, after: str | None
) -> Page[TaskRow]:
    """The tasks this inspector is assigned to, of the caller's tasks."""
    mine = TaskFilter(
        plan_id=flt.plan_id,
        status=flt.status,
        overdue=flt.overdue,
        uscc=flt.uscc,
        inspector_certificate_no=inspector.certificate_no,
    )
    return await task_page(session, mine, first, after)


async def my_task_sheet(session: AsyncSession, inspector: Inspector, task_id: int) -> TaskSheet:
    """A task of this inspector's; any other is TASK_NOT_FOUND, as it is for another department."""
    assigned = await session.scalar(
        select(InspectionTaskInspector.id).where(
            col(InspectionTaskInspector.task_id) == task_id, col(InspectionTaskInspector.inspector_id) == inspector.id
        )
    )
    if assigned is None:
        raise task_not_found(task_id)
    return await task_sheet(session, task_id)
