"""双随机's mutations: directories, plans, the draw and replacements, each declared once."""

from __future__ import annotations

import strawberry

from resolvers.spotchecks import plans as resolvers
from schema.platform.mutation import Arg, declared_mutation, service_mutation
from schema.spotchecks.plan_inputs import CreateSpotCheckPlanInput, UpsertEntityDirectoryInput
from schema.spotchecks.plan_types import (
    DrawSpotCheckPayload,
    EntityDirectoryPayload,
    ReplaceDrawnEntityPayload,
    SpotCheckPlanPayload,
)
from services.platform.access import Operation
from services.spotchecks import directory, draw, plans

_TEXT = ("INVALID_TEXT", "REQUIRED", "TOO_LONG")
_FILTER = ("INVALID_INDUSTRY_PREFIX", "INVALID_REGION_CODE", "UNKNOWN_MATTER", "UNKNOWN_REGION")
_PLAN = Arg(strawberry.ID, to="plan_id", parse=resolvers.plan_id, description="计划标识 / The plan's id.")

upsert_entity_directory = service_mutation(
    service=directory.upsert_entity_directory,
    input=UpsertEntityDirectoryInput,
    payload=EntityDirectoryPayload,
    returns={"directory": "directory", "entity_count": "entity_count"},
    permission=Operation.UPSERT_ENTITY_DIRECTORY,
    codes=(*_TEXT, *_FILTER, "DEPARTMENT_REQUIRED", "UNKNOWN_DEPARTMENT"),
    description=(
        "保存检查对象名录库（部门 + 名称；维护人员须指定部门），返回现在符合条件的主体数 / "
        "Save an entity directory by department and name, with how many entities it matches now."
    ),
)

create_spot_check_plan = service_mutation(
    service=plans.create_spot_check_plan,
    input=CreateSpotCheckPlanInput,
    payload=SpotCheckPlanPayload,
    returns="plan",
    permission=Operation.CREATE_SPOT_CHECK_PLAN,
    codes=(
        *_TEXT,
        *_FILTER,
        "DIRECTORY_OR_FILTER",
        "INVALID_COUNT",
        "INVALID_DAYS",
        "INVALID_INSPECTORS",
        "INVALID_RANGE",
        "INVALID_RATIO",
        "INVALID_SAMPLE",
        "RATIO_OUT_OF_RANGE",
        "SAME_DEPARTMENT",
        "TOO_FEW_INSPECTORS",
        "UNKNOWN_CHECK_ITEM",
        "UNKNOWN_DEPARTMENT",
        "UNKNOWN_DIRECTORY",
    ),
    description=(
        "新建抽查计划（草拟；联合抽查须各配合部门确认）/ "
        "Create a DRAFT plan led by the caller's department; a joint plan waits for its partners."
    ),
)

accept_spot_check_plan = service_mutation(
    service=plans.accept_spot_check_plan,
    arguments={"id": _PLAN},
    payload=SpotCheckPlanPayload,
    returns="plan",
    permission=Operation.ACCEPT_SPOT_CHECK_PLAN,
    codes=("ALREADY_ACCEPTED", "NOT_PARTNER", "PLAN_NOT_DRAFT", "PLAN_NOT_FOUND"),
    description="配合部门确认联合抽查计划 / A partner accepts a joint plan.",
)

approve_spot_check_plan = service_mutation(
    service=plans.approve_spot_check_plan,
    arguments={"id": _PLAN},
    payload=SpotCheckPlanPayload,
    returns="plan",
    permission=Operation.APPROVE_SPOT_CHECK_PLAN,
    codes=("ALREADY_APPROVED", "NOT_LEAD", "PARTNERS_PENDING", "PLAN_NOT_FOUND"),
    description=(
        "牵头部门审批计划：生成随机种子，只公布其承诺值 sha256(种子)；同时审批时只有一个成功 / "
        "The lead approves: the seed is drawn and only its commitment is published."
    ),
)

draw_spot_check = declared_mutation(
    resolvers.draw,
    {"plan_id": Arg(strawberry.ID, description="计划标识 / The plan's id.")},
    DrawSpotCheckPayload,
    (
        "牵头部门抽取（每个计划一次；每次尝试无论成败都记录）：随机抽取检查对象与检查人员，"
        "生成检查任务并公布抽取记录 / "
        "Draw the plan's targets and inspectors once, create the tasks and publish the record; every attempt is logged."
    ),
    Operation.DRAW_SPOT_CHECK,
    (
        "ALREADY_DRAWN",
        "NO_CANDIDATES",
        "NOT_ENOUGH_INSPECTORS",
        "NOT_LEAD",
        "PLAN_NOT_APPROVED",
        "PLAN_NOT_FOUND",
    ),
)

replace_drawn_entity = service_mutation(
    service=draw.replace_drawn_entity,
    arguments={
        "task_id": Arg(
            strawberry.ID,
            parse=resolvers.task_id,
            description="被替补对象的检查任务标识 / The task of the entity to replace.",
        ),
        "reason": Arg(str, description="替补理由，如已注销、已关闭 / Why, such as deregistered or closed."),
    },
    payload=ReplaceDrawnEntityPayload,
    returns={
        "plan": "plan",
        "replaced_uscc": "replaced_uscc",
        "replacement_uscc": "replacement_uscc",
        "order": "order",
    },
    permission=Operation.REPLACE_DRAWN_ENTITY,
    codes=(
        *_TEXT,
        "ALREADY_REPLACED",
        "ENTITY_STILL_ACTIVE",
        "NO_REPLACEMENT_LEFT",
        "NOT_DRAWN_TASK",
        "NOT_ENOUGH_INSPECTORS",
        "TASK_NOT_ASSIGNED",
        "TASK_NOT_FOUND",
    ),
    description=(
        "替补已注销或吊销的抽中对象：按规则取同层下一个未抽中的对象（非人工指定）/ "
        "Replace a drawn entity now deregistered or revoked by the next one of its stratum by key."
    ),
)
