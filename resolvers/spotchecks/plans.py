"""双随机 over GraphQL: directories, plans, the draw and its published record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from sqlmodel import col, select

from models import Department
from models.spotchecks import (
    CheckItem,
    DrawAttempt,
    EntityDirectory,
    InspectionTask,
    SpotCheckPlan,
    SpotCheckPlanDepartment,
    SpotCheckPlanItem,
)
from resolvers.platform.arguments import After, First
from resolvers.platform.by_name import from_input
from resolvers.platform.common import Connection, paged
from resolvers.platform.context import GqlInfo
from schema.spotchecks.plan_inputs import SpotCheckPlanFilter
from services.platform.access import Operation, principal_of, require
from services.platform.errors import DomainError, Problem
from services.platform.ids import existing_id, row_id
from services.platform.principal import Principal
from services.spotchecks import directory as directory_service
from services.spotchecks import draw as draw_service
from services.spotchecks import draw_record as record_service
from services.spotchecks import plans as plan_service
from services.spotchecks import tasks as task_service

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class Published:
    """A published record's JSON object read as a GraphQL object (its keys in snake case); the
    filter stays JSON, as the record has it."""

    def __init__(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            setattr(self, _CAMEL.sub("_", key).lower(), value if key == "filter" else _published(value))


def _published(value: Any) -> Any:
    if isinstance(value, dict):
        return Published(value)
    if isinstance(value, list):
        return [_published(v) for v in value]
    return value


def published(record: dict[str, Any] | None) -> Published | None:
    return None if record is None else Published(record)


def parse_id(code: str, what: str, field: str) -> Any:
    def parse(raw: strawberry.ID) -> int:
        return existing_id(raw, code, what + "{id}不存在", field)

    return parse


plan_id = parse_id("PLAN_NOT_FOUND", "抽查计划", "id")
draw_plan_id = parse_id("PLAN_NOT_FOUND", "抽查计划", "planId")
task_id = parse_id("TASK_NOT_FOUND", "检查任务", "taskId")


# -- directories --------------------------------------------------------------------------------------


async def entity_directories(
    info: GqlInfo,
    department_code: Annotated[
        str | None, strawberry.argument(description="维护人员查看某部门的名录库 / For maintainers: whose directories.")
    ] = None,
) -> list[EntityDirectory]:
    async with info.context.session() as session:
        return await directory_service.list_directories(session, department_code)


async def directory_entity_count(root: EntityDirectory, info: GqlInfo) -> int:
    async with info.context.session() as session:
        return await directory_service.count_matching(session, root.filter)


def object_id(root: Any) -> strawberry.ID:
    return strawberry.ID(str(root.id))


async def directory_department(root: EntityDirectory, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.department_id)


def stored_filter(root: EntityDirectory | SpotCheckPlan) -> Published:
    return Published(root.filter)


def filter_text(root: EntityDirectory | SpotCheckPlan) -> str:
    return directory_service.describe(root.filter)


# -- plans -----------------------------------------------------------------------------------------------


async def spot_check_plan(
    info: GqlInfo, id: Annotated[strawberry.ID, strawberry.argument(description="计划标识 / The plan's id.")]
) -> SpotCheckPlan | None:
    number = row_id(id)
    if number is None:
        return None
    async with info.context.session() as session:
        return await plan_service.get_plan(session, number)


async def spot_check_plans(
    info: GqlInfo,
    filter: Annotated[
        SpotCheckPlanFilter | None,
        strawberry.argument(
            description="筛选条件；不填为调用方可见的全部计划 / Which plans; all the caller sees when absent."
        ),
    ] = None,
    first: First = None,
    after: After = None,
) -> Connection[SpotCheckPlan]:
    flt = from_input(plan_service.PlanFilter, filter)
    return await paged(
        info.context,
        first,
        after,
        lambda session, size, after: plan_service.list_plans(session, flt, size, after),
        lambda session: plan_service.count_plans(session, flt),
    )


async def plan_lead(root: SpotCheckPlan, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.lead_department_id)


async def plan_members(root: SpotCheckPlan, info: GqlInfo) -> list[SpotCheckPlanDepartment]:
    assert root.id is not None
    async with info.context.session() as session:
        return (await plan_service.plan_departments(session, [root.id])).get(root.id, [])


async def member_department(root: SpotCheckPlanDepartment, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.department_id)


async def plan_check_item_codes(root: SpotCheckPlan, info: GqlInfo) -> list[str]:
    async with info.context.session() as session:
        rows = await session.scalars(
            select(col(CheckItem.code))
            .join(SpotCheckPlanItem, col(SpotCheckPlanItem.check_item_id) == CheckItem.id)
            .where(col(SpotCheckPlanItem.plan_id) == root.id)
            .order_by(col(CheckItem.code))
        )
        return list(dict.fromkeys(rows.all()))


def plan_sample(root: SpotCheckPlan) -> Published:
    return Published(record_service.sample_json(root))


def directory_ref(root: SpotCheckPlan) -> strawberry.ID | None:
    return None if root.directory_id is None else strawberry.ID(str(root.directory_id))


async def plan_tasks(
    root: SpotCheckPlan, info: GqlInfo, first: First = None, after: After = None
) -> Connection[InspectionTask]:
    flt = task_service.TaskFilter(plan_id=root.id)
    return await paged(
        info.context,
        first,
        after,
        lambda session, size, after: task_service.list_tasks(session, flt, size, after),
        lambda session: task_service.count_tasks(session, flt),
    )


async def plan_draw_attempts(root: SpotCheckPlan, info: GqlInfo) -> list[DrawAttempt]:
    async with info.context.session() as session:
        rows = await session.scalars(
            select(DrawAttempt).where(col(DrawAttempt.plan_id) == root.id).order_by(col(DrawAttempt.id))
        )
        return list(rows.all())


async def plan_draw_record(root: SpotCheckPlan, info: GqlInfo) -> Published | None:
    async with info.context.session() as session:
        return published(await record_service.plan_draw_record(session, root))


async def public_draw_record(
    info: GqlInfo, plan_id: Annotated[strawberry.ID, strawberry.argument(description="计划标识 / The plan's id.")]
) -> Published | None:
    number = row_id(plan_id)
    async with info.context.session() as session:
        if number is None:
            require(principal_of(session), Operation.PUBLIC_DRAW_RECORD)
            return None  # no plan has such an id
        return published(await record_service.public_draw_record(session, number))


# -- the draw --------------------------------------------------------------------------------------------


@dataclass
class DrawOutcome:
    plan: SpotCheckPlan | None
    draw_record: Published | None
    errors: list[Problem]


async def draw(info: GqlInfo, plan_id: strawberry.ID) -> DrawOutcome:
    context = info.context
    principal: Principal = context.principal
    try:
        number = draw_plan_id(plan_id)
    except DomainError as error:
        return DrawOutcome(None, None, error.problems)
    record, problems = await draw_service.draw_spot_check(context.db, principal, number)
    if record is None:
        return DrawOutcome(None, None, problems)
    async with context.session() as session:
        plan = await session.get(SpotCheckPlan, number)
        assert plan is not None
        return DrawOutcome(plan, published(await record_service.plan_draw_record(session, plan)), [])
