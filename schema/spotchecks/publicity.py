"""一公开: a published inspection result as the public sees it (on `publicity`)."""

from __future__ import annotations

import datetime

import strawberry

from schema.enums import InspectionTaskKind


@strawberry.type(description="公示的检查结果类别 / A published result's category.")
class PublicResultCategory:
    code: str = strawberry.field(description="类别代码 / The category's code.")
    name: str = strawberry.field(description="类别名称 / Its name.")


@strawberry.type(
    description=(
        "公示的抽查检查结果（不含检查人员、逐项结论与内部说明）/ A published inspection result: no inspectors, "
        "findings or internal notes."
    )
)
class PublicInspectionResult:
    plan_name: str | None = strawberry.field(description="抽查计划 / The plan's name.")
    department_name: str = strawberry.field(description="检查部门 / The inspecting department.")
    kind: InspectionTaskKind = strawberry.field(description="任务类型 / Drawn at random, or a follow-up.")
    inspected_on: datetime.date = strawberry.field(description="检查（录入结果）日期 / The day it was inspected.")
    published_on: datetime.date = strawberry.field(description="公示日期 / The day it was published.")
    categories: list[PublicResultCategory] = strawberry.field(description="检查结果 / The result's categories.")
