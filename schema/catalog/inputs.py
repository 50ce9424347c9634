"""The duty catalog's GraphQL inputs."""

from __future__ import annotations

import datetime

import strawberry

from schema.enums import (
    ApprovalLevel,
    MatterMode,
)


@strawberry.input(description="监管事项 / A duty-catalog entry.")
class UpsertSupervisionMatterInput:
    code: str = strawberry.field(
        description="事项代码（按代码新建或更新）/ The matter's code: an existing one is updated."
    )
    name: str = strawberry.field(description="事项名称 / The matter's name.")
    mode: MatterMode = strawberry.field(
        description="审管一体或审管分离 / Who supervises: the approver or the competent department."
    )
    legal_basis: str = strawberry.field(description="设定依据 / Legal basis.")
    line: str = strawberry.field(description="负责条线（如 WJ）/ The responsible line of departments.")
    approval_level: ApprovalLevel = strawberry.field(description="审批层级 / Where it is approved.")
    effective_from: datetime.date = strawberry.field(description="生效日期 / First day it is in force.")
    handling_department_code: str | None = strawberry.field(
        default=None,
        description=(
            "市级及以上审批事项的承接部门（默认该条线的市级部门）/ "
            "Takes the notices of matters approved above the district."
        ),
    )
    entry_codes: list[str] = strawberry.field(
        default_factory=list, description="经营范围规范表述条目代码 / Entry codes."
    )
    keywords: list[str] = strawberry.field(default_factory=list, description="经营范围关键词 / Scope keywords.")
    industry_codes: list[str] = strawberry.field(default_factory=list, description="行业代码 / GB/T 4754 codes.")
    claim_deadline_days: int = strawberry.field(default=5, description="认领时限（工作日）/ Working days to claim.")
    effective_to: datetime.date | None = strawberry.field(
        default=None,
        description=(
            "失效日期（不早于生效日期；为空即长期有效） / Last day in force, not before the first; null for open-ended."
        ),
    )
