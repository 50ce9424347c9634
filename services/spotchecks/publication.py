"""一公开: publishing a recorded result, and what the public reads of published results.

The public reads, of a published result: the plan's name, the inspecting department, the day
it was inspected (recorded) and published, and its categories with their names. Never the
inspectors, the item-by-item findings, notes, attachments or the rectification deadline: those
stay with the departments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import Department, InspectionResult, InspectionTask, MarketEntity, ResultCategory, SpotCheckPlan
from models.enums import InspectionTaskKind, InspectionTaskStatus
from models.types import utcnow
from services.platform import audit
from services.platform.access import UNRESTRICTED, Operation, principal_of, require, require_handler
from services.platform.clock import SHANGHAI
from services.platform.errors import DomainError
from services.platform.labels import label
from services.platform.transitions import transition
from services.spotchecks import plan_progress
from services.spotchecks.results import task_not_found
from services.spotchecks.tasks import NamedCategory


@dataclass(frozen=True)
class PublishedResult:
    """One published result as the public reads it."""

    task_id: int
    uscc: str
    entity_name: str
    plan_id: int | None
    plan_name: str | None
    department_name: str
    kind: InspectionTaskKind
    inspected_on: date
    published_on: date
    categories: list[NamedCategory]


def _day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _not_recorded(task: InspectionTask) -> DomainError:
    if task.status is InspectionTaskStatus.PUBLISHED:
        return DomainError("ALREADY_PUBLISHED", "该检查结果已公示", "taskId")
    if task.status is InspectionTaskStatus.REPLACED:
        return DomainError("TASK_REPLACED", "该检查对象已注销或关闭并已替补，没有可公示的结果", "taskId")
    return DomainError("NOT_RECORDED", f"该检查任务{label(task.status)}，须先录入检查结果才能公示", "taskId")


async def publish_inspection_result(session: AsyncSession, task_id: int) -> InspectionTask:
    """RECORDED → PUBLISHED, by the task's own department; the plan is DONE when this was its last."""
    principal = principal_of(session)
    require(principal, Operation.PUBLISH_INSPECTION_RESULT)
    own = require_handler(principal)
    task = await transition(
        session, InspectionTask, task_id, (InspectionTaskStatus.RECORDED,), InspectionTaskStatus.PUBLISHED,
        {"published_at": utcnow(), "updated_at": utcnow()}, where=[col(InspectionTask.department_id) == own],
        not_found=lambda _: task_not_found(task_id), wrong_state=_not_recorded,
    )  # fmt: skip
    after = {"status": task.status.value, "published_at": task.published_at}
    await audit.record(session, "inspection_result.published", "InspectionTask", str(task_id),
                       {"status": InspectionTaskStatus.RECORDED.value}, after)  # fmt: skip
    await plan_progress.mark_done_if_complete(session, task.plan_id)
    return task


async def _published(session: AsyncSession, *conditions: sa.ColumnElement[bool]) -> list[PublishedResult]:
    """Published results, unrestricted: what is public is the same for every caller."""
    rows = await session.execute(
        sa.select(InspectionTask, InspectionResult, MarketEntity, Department, col(SpotCheckPlan.name))
        .join(InspectionResult, col(InspectionResult.task_id) == col(InspectionTask.id))
        .join(MarketEntity, col(MarketEntity.id) == col(InspectionTask.entity_id))
        .join(Department, col(Department.id) == col(InspectionTask.department_id))
        .outerjoin(SpotCheckPlan, col(SpotCheckPlan.id) == col(InspectionTask.plan_id))
        .where(col(InspectionTask.status) == InspectionTaskStatus.PUBLISHED, *conditions)
        .order_by(col(InspectionTask.published_at).desc(), col(InspectionTask.id).desc())
        .execution_options(**UNRESTRICTED)
    )
    found = rows.all()
    versions = sorted({result.category_version for _, result, _, _, _ in found})
    names: dict[tuple[int, str], str] = {}
    if versions:
        categories = await session.scalars(
            select(ResultCategory).where(col(ResultCategory.version).in_(versions)).execution_options(**UNRESTRICTED)
        )
        names = {(c.version, c.code): c.name for c in categories}
    published = []
    for task, result, entity, department, plan_name in found:
        assert task.id is not None and task.published_at is not None
        published.append(
            PublishedResult(
                task_id=task.id,
                uscc=entity.uscc,
                entity_name=entity.name,
                plan_id=task.plan_id,
                plan_name=plan_name,
                department_name=department.name,
                kind=task.kind,
                inspected_on=_day(result.recorded_at),
                published_on=_day(task.published_at),
                categories=[
                    NamedCategory(code, names.get((result.category_version, code), code)) for code in result.categories
                ],
            )
        )
    return published


async def public_results_of_entity(session: AsyncSession, uscc: str) -> list[PublishedResult]:
    """An entity's published results, newest first (for `publicity`)."""
    return await _published(session, col(MarketEntity.uscc) == uscc)


async def published_results_of_plan(session: AsyncSession, plan_id: int) -> list[PublishedResult]:
    """A plan's published results, newest first (for the public draw page)."""
    return await _published(session, col(InspectionTask.plan_id) == plan_id)


async def public_results_of_entities(session: AsyncSession, usccs: Sequence[str]) -> list[list[PublishedResult]]:
    """For a DataLoader: each entity's published results, newest first."""
    grouped: dict[str, list[PublishedResult]] = defaultdict(list)
    for result in await _published(session, col(MarketEntity.uscc).in_(list(usccs))):
        grouped[result.uscc].append(result)
    return [grouped.get(code, []) for code in usccs]
