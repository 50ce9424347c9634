"""检查任务: the tasks a caller may see, filtered and paged, and what a task shows (its plan,
inspectors, result, follow-up).

The row policy decides whose tasks a caller reads (a department its own and those of the
plans it leads; maintainers all) and whose inspectors it sees (a department its own). A task
is overdue while ASSIGNED past its due date, and its publication is overdue while RECORDED
past its publication deadline (20 working days from recording)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import (
    Department,
    InspectionResult,
    InspectionTask,
    InspectionTaskInspector,
    Inspector,
    MarketEntity,
    ResultCategory,
    SpotCheckPlan,
)
from models.enums import InspectionFinding, InspectionTaskStatus
from services.platform.access import Operation, principal_of, require, seeing_all
from services.platform.clock import today
from services.platform.paging import Page, count_rows, keyset_page

_CURSOR = "inspection-task"
T = TypeVar("T")


@dataclass(frozen=True)
class TaskFilter:
    plan_id: int | None = None
    department_code: str | None = None
    inspector_certificate_no: str | None = None
    status: InspectionTaskStatus | None = None
    # True: inspection or publication overdue; False: neither.
    overdue: bool | None = None
    uscc: str | None = None


@dataclass(frozen=True)
class TaskPlan:
    """The plan a task belongs to, as a task shows it (the plan's own type lives with the plans)."""

    id: int
    name: str


@dataclass(frozen=True)
class NamedCategory:
    """A result category as a result shows it: named as in the version it was recorded under."""

    code: str
    name: str


@dataclass(frozen=True)
class ResultItem:
    """One answered form item of a result."""

    check_item_code: str
    form_item_code: str
    form_item_name: str
    finding: InspectionFinding
    note: str | None


def items_of(result: InspectionResult) -> list[ResultItem]:
    return [
        ResultItem(
            item["checkItemCode"],
            item["formItemCode"],
            item.get("formItemName") or item["formItemCode"],
            InspectionFinding(item["finding"]),
            item.get("note"),
        )
        for item in result.items
    ]


def is_overdue(task: InspectionTask, on: date | None = None) -> bool:
    return task.status is InspectionTaskStatus.ASSIGNED and task.due_on < (on or today())


def is_publication_overdue(task: InspectionTask, on: date | None = None) -> bool:
    due = task.publish_due_on
    return task.status is InspectionTaskStatus.RECORDED and due is not None and due < (on or today())


def _overdue(on: date) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(col(InspectionTask.status) == InspectionTaskStatus.ASSIGNED, col(InspectionTask.due_on) < on),
        sa.and_(col(InspectionTask.status) == InspectionTaskStatus.RECORDED, col(InspectionTask.publish_due_on) < on),
    )


def visible_tasks(session: AsyncSession, query: Select[T], flt: TaskFilter) -> Select[T]:
    """The tasks the caller reads (the row policy), narrowed by the filter: one rule for a page and its count."""
    require(principal_of(session), Operation.INSPECTION_TASKS)
    if flt.plan_id is not None:
        query = query.where(col(InspectionTask.plan_id) == flt.plan_id)
    if flt.department_code:
        department = select(col(Department.id)).where(col(Department.code) == flt.department_code.strip())
        query = query.where(col(InspectionTask.department_id).in_(department))
    if flt.inspector_certificate_no:
        # Only the inspectors the caller may see can be searched for: the row policy narrows this subquery too.
        assigned = (
            select(col(InspectionTaskInspector.task_id))
            .join(Inspector, col(Inspector.id) == col(InspectionTaskInspector.inspector_id))
            .where(col(Inspector.certificate_no) == flt.inspector_certificate_no.strip())
        )
        query = query.where(col(InspectionTask.id).in_(assigned))
    if flt.status is not None:
        query = query.where(col(InspectionTask.status) == flt.status)
    if flt.overdue is not None:
        overdue = _overdue(today())
        query = query.where(overdue if flt.overdue else sa.not_(overdue))
    if flt.uscc:
        entity = select(col(MarketEntity.id)).where(col(MarketEntity.uscc) == flt.uscc.strip().upper())
        query = query.where(col(InspectionTask.entity_id).in_(entity))
    return query


async def list_tasks(session: AsyncSession, flt: TaskFilter, first: int, after: str | None) -> Page[InspectionTask]:
    """In the order the tasks were made (a draw's in draw order)."""
    query = visible_tasks(session, select(InspectionTask), flt)
    return await keyset_page(session, query, col(InspectionTask.id), _CURSOR, first, after)


async def count_tasks(session: AsyncSession, flt: TaskFilter) -> int:
    return await count_rows(session, visible_tasks(session, select(InspectionTask), flt), col(InspectionTask.id))


# -- for DataLoaders ----------------------------------------------------------------------------------


async def tasks_of_entities(session: AsyncSession, entity_ids: Sequence[int]) -> list[list[InspectionTask]]:
    """The caller's tasks about these entities, oldest first."""
    rows = await session.scalars(
        select(InspectionTask)
        .where(col(InspectionTask.entity_id).in_(list(entity_ids)))
        .order_by(col(InspectionTask.id))
    )
    grouped: dict[int, list[InspectionTask]] = defaultdict(list)
    for task in rows:
        grouped[task.entity_id].append(task)
    return [grouped.get(key, []) for key in entity_ids]


async def tasks_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[InspectionTask | None]:
    """Parent tasks as the caller may read them (a follow-up's parent is the same department's)."""
    rows = await session.scalars(select(InspectionTask).where(col(InspectionTask.id).in_(list(ids))))
    by_id = {row.id: row for row in rows}
    return [by_id.get(key) for key in ids]


async def follow_ups_of(session: AsyncSession, parent_ids: Sequence[int]) -> list[InspectionTask | None]:
    rows = await session.scalars(select(InspectionTask).where(col(InspectionTask.parent_task_id).in_(list(parent_ids))))
    by_parent = {row.parent_task_id: row for row in rows}
    return [by_parent.get(key) for key in parent_ids]


async def plans_of(session: AsyncSession, plan_ids: Sequence[int]) -> list[TaskPlan | None]:
    """The plans of tasks the caller reads. A partner reads the plans it joins and the lead its
    own, so every task's plan is readable; said explicitly because a task is shown with its plan's
    name whoever lists it."""
    rows = await session.execute(
        sa.select(col(SpotCheckPlan.id), col(SpotCheckPlan.name))
        .where(col(SpotCheckPlan.id).in_(list(plan_ids)))
        .execution_options(**seeing_all(SpotCheckPlan))
    )
    by_id = {plan_id: TaskPlan(plan_id, name) for plan_id, name in rows.all() if plan_id is not None}
    return [by_id.get(key) for key in plan_ids]


async def inspectors_of(session: AsyncSession, task_ids: Sequence[int]) -> list[list[Inspector]]:
    """Each task's inspectors the caller may see (the row policy: a department its own
    department's inspectors, maintainers all), by certificate number."""
    rows = await session.execute(
        select(col(InspectionTaskInspector.task_id), Inspector)
        .join(Inspector, col(Inspector.id) == col(InspectionTaskInspector.inspector_id))
        .where(col(InspectionTaskInspector.task_id).in_(list(task_ids)))
        .order_by(col(Inspector.certificate_no))
    )
    grouped: dict[int, list[Inspector]] = defaultdict(list)
    for task_id, inspector in rows.all():
        grouped[task_id].append(inspector)
    return [grouped.get(key, []) for key in task_ids]


async def results_of(session: AsyncSession, task_ids: Sequence[int]) -> list[InspectionResult | None]:
    rows = await session.scalars(select(InspectionResult).where(col(InspectionResult.task_id).in_(list(task_ids))))
    by_task = {row.task_id: row for row in rows}
    return [by_task.get(key) for key in task_ids]


async def category_names(session: AsyncSession, keys: Sequence[tuple[int, str]]) -> list[str | None]:
    """The names of (version, code) pairs: a result shows its categories as they were named
    in the version it was recorded under."""
    versions = sorted({version for version, _ in keys})
    rows = await session.execute(
        sa.select(col(ResultCategory.version), col(ResultCategory.code), col(ResultCategory.name)).where(
            col(ResultCategory.version).in_(versions)
        )
    )
    names: dict[tuple[int, str], str] = {(version, code): name for version, code, name in rows.all()}
    return [names.get(key) for key in keys]
