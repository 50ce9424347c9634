"""The GraphQL types of inspection tasks and results."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from resolvers.spotchecks import tasks as task_resolvers
from schema.enums import InspectionFinding, InspectionTaskKind, InspectionTaskStatus
from schema.platform.common import UserError
from schema.registry.types import Department, MarketEntity


@strawberry.type(description="检查任务所属的抽查计划 / The plan a task belongs to.")
class InspectionTaskPlan:
    id = strawberry.field(
        resolver=task_resolvers.plan_id, graphql_type=strawberry.ID, description="计划标识 / The plan's id."
    )
    name: str = strawberry.field(description="计划名称 / The plan's name.")


@strawberry.type(description="检查人员（执法人员）/ An inspector assigned to a task.")
class AssignedInspector:
    name: str = strawberry.field(description="姓名 / The inspector's name.")
    certificate_no: str = strawberry.field(description="执法证号 / Law-enforcement certificate number.")


@strawberry.type(description="检查项结论 / The finding on one item of the result form.")
class InspectionResultItem:
    check_item_code: str = strawberry.field(description="抽查事项代码 / The check item.")
    form_item_code: str = strawberry.field(description="检查项代码 / The form item.")
    form_item_name: str = strawberry.field(description="检查项名称 / The form item's name.")
    finding: InspectionFinding = strawberry.field(description="结论 / Conforming, not, or not checked.")
    note: str | None = strawberry.field(description="说明 / Note.")


@strawberry.type(description="检查结果类别 / A result category, named as in the version the result was recorded under.")
class InspectionResultCategory:
    code: str = strawberry.field(description="类别代码 / The category's code.")
    name: str = strawberry.field(description="类别名称 / Its name.")


@strawberry.type(description="检查结果 / An inspection's recorded outcome, item by item, and its categories.")
class InspectionResult:
    items = strawberry.field(
        resolver=task_resolvers.result_items,
        graphql_type=list[InspectionResultItem],
        description="逐项结论，按检查表顺序 / Item by item, in form order.",
    )
    categories = strawberry.field(
        resolver=task_resolvers.result_categories,
        graphql_type=list[InspectionResultCategory],
        description="检查结果类别 / The result's categories.",
    )
    category_version: int = strawberry.field(description="结果类别表版本 / The category table version it used.")
    notes: str | None = strawberry.field(description="检查情况说明（内部）/ Notes; internal.")
    attachments: list[str] = strawberry.field(description="附件文件名 / Attachment file names.")
    rectification_due_on: datetime.date | None = strawberry.field(
        description="整改期限（责令改正时）/ The rectification deadline, with RECTIFICATION_ORDERED."
    )
    recorded_at: datetime.datetime = strawberry.field(description="录入时间（UTC）/ When it was recorded (UTC).")
    recorded_by: str = strawberry.field(description="录入人 / Who recorded it.")


@strawberry.type(description="检查任务 / One entity for one department to inspect, with its inspectors and due date.")
class InspectionTask:
    id = strawberry.field(
        resolver=task_resolvers.task_id, graphql_type=strawberry.ID, description="任务标识 / The task's id."
    )
    plan = strawberry.field(
        resolver=task_resolvers.task_plan,
        graphql_type=InspectionTaskPlan | None,
        description="抽查计划 / The plan.",
    )
    entity = strawberry.field(
        resolver=task_resolvers.task_entity,
        graphql_type=MarketEntity | None,
        description="检查对象；辖区外时为 null / The entity; null outside the caller's jurisdiction.",
    )
    department = strawberry.field(
        resolver=task_resolvers.task_department,
        graphql_type=Department | None,
        description="检查部门 / The inspecting department.",
    )
    kind: InspectionTaskKind = strawberry.field(description="任务类型 / Drawn, or a follow-up.")
    status: InspectionTaskStatus = strawberry.field(description="任务状态 / Its state.")
    due_on: datetime.date = strawberry.field(description="检查期限 / Inspect by this day.")
    overdue = strawberry.field(
        resolver=task_resolvers.overdue,
        graphql_type=bool,
        description="检查逾期：待检查且已过检查期限 / Still ASSIGNED after its due date.",
    )
    inspectors = strawberry.field(
        resolver=task_resolvers.task_inspectors,
        graphql_type=list[AssignedInspector],
        description=(
            "检查人员（仅本部门的检查人员可见，维护人员可见全部）/ Its inspectors the caller may see: a department "
            "its own department's; maintainers all."
        ),
    )
    result = strawberry.field(
        resolver=task_resolvers.task_result,
        graphql_type=InspectionResult | None,
        description="检查结果 / The result, once recorded.",
    )
    recorded_at: datetime.datetime | None = strawberry.field(description="结果录入时间 / When it was recorded.")
    publish_due_on: datetime.date | None = strawberry.field(
        description="公示期限：录入后 20 个工作日 / Publish by: 20 working days after recording."
    )
    publication_overdue = strawberry.field(
        resolver=task_resolvers.publication_overdue,
        graphql_type=bool,
        description="公示逾期：已录入未公示且已过公示期限 / RECORDED and past its publication deadline.",
    )
    published_at: datetime.datetime | None = strawberry.field(description="公示时间 / When it was published.")
    parent_task = strawberry.field(
        resolver=task_resolvers.parent_task,
        graphql_type=Annotated["InspectionTask", strawberry.lazy("schema.spotchecks.tasks")] | None,
        description="后续检查所跟进的任务 / The task a follow-up follows.",
    )
    follow_up_task = strawberry.field(
        resolver=task_resolvers.follow_up_task,
        graphql_type=Annotated["InspectionTask", strawberry.lazy("schema.spotchecks.tasks")] | None,
        description="本任务的后续检查任务 / This task's follow-up, once one is opened.",
    )


@strawberry.type(description="检查任务操作的结果 / The answer to recording or publishing a result.")
class InspectionTaskPayload:
    task: InspectionTask | None = strawberry.field(
        description="操作后的任务（有错误时为空）/ The task after it; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )
