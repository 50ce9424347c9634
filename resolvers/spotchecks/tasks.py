"""检查任务 and 检查结果 over GraphQL."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import Department, InspectionResult, InspectionTask, Inspector, MarketEntity
from resolvers.platform.arguments import After, First
from resolvers.platform.by_name import build, fields_of
from resolvers.platform.common import Connection, paged
from resolvers.platform.context import GqlInfo
from schema.spotchecks.task_inputs import InspectionTaskFilter
from services.platform.ids import existing_id
from services.spotchecks import tasks as task_service
from services.spotchecks.tasks import NamedCategory, ResultItem, TaskFilter, TaskPlan


def _filter(given: InspectionTaskFilter | None) -> TaskFilter:
    values = {} if given is None else fields_of(given)
    plan_id = values.get("plan_id")
    if plan_id is not None:
        values["plan_id"] = existing_id(plan_id, "INVALID_PLAN_ID", "抽查计划{id}不存在", "planId")
    return build(TaskFilter, values)


async def inspection_tasks(
    info: GqlInfo,
    filter: Annotated[
        InspectionTaskFilter | None,
        strawberry.argument(
            description="筛选条件；不填为调用方可见的全部任务 / Which tasks; all the caller sees when absent."
        ),
    ] = None,
    first: First = None,
    after: After = None,
) -> Connection[InspectionTask]:
    flt = _filter(filter)
    return await paged(
        info.context,
        first,
        after,
        lambda session, size, after: task_service.list_tasks(session, flt, size, after),
        lambda session: task_service.count_tasks(session, flt),
    )


async def entity_inspection_tasks(root: MarketEntity, info: GqlInfo) -> list[InspectionTask]:
    assert root.id is not None
    return await info.context.loaders.tasks_by_entity_id.load(root.id)


def task_id(root: InspectionTask) -> strawberry.ID:
    return strawberry.ID(str(root.id))


async def task_plan(root: InspectionTask, info: GqlInfo) -> TaskPlan | None:
    if root.plan_id is None:
        return None
    return await info.context.loaders.task_plan_by_id.load(root.plan_id)


def plan_id(root: TaskPlan) -> strawberry.ID:
    return strawberry.ID(str(root.id))


async def task_entity(root: InspectionTask, info: GqlInfo) -> MarketEntity | None:
    return await info.context.loaders.entity_by_id.load(root.entity_id)


async def task_department(root: InspectionTask, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.department_id)


async def task_inspectors(root: InspectionTask, info: GqlInfo) -> list[Inspector]:
    assert root.id is not None
    return await info.context.loaders.inspectors_by_task_id.load(root.id)


async def task_result(root: InspectionTask, info: GqlInfo) -> InspectionResult | None:
    assert root.id is not None
    return await info.context.loaders.result_by_task_id.load(root.id)


async def parent_task(root: InspectionTask, info: GqlInfo) -> InspectionTask | None:
    if root.parent_task_id is None:
        return None
    return await info.context.loaders.task_by_id.load(root.parent_task_id)


async def follow_up_task(root: InspectionTask, info: GqlInfo) -> InspectionTask | None:
    assert root.id is not None
    return await info.context.loaders.follow_up_by_task_id.load(root.id)


def overdue(root: InspectionTask) -> bool:
    return task_service.is_overdue(root)


def publication_overdue(root: InspectionTask) -> bool:
    return task_service.is_publication_overdue(root)


def result_items(root: InspectionResult) -> list[ResultItem]:
    return task_service.items_of(root)


async def result_categories(root: InspectionResult, info: GqlInfo) -> list[NamedCategory]:
    keys = [(root.category_version, code) for code in root.categories]
    names = await info.context.loaders.category_name.load_many(keys)
    return [NamedCategory(code, name or code) for (_, code), name in zip(keys, names, strict=True)]
