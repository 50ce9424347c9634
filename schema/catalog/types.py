"""The duty catalog's GraphQL types."""

from __future__ import annotations

import datetime

import strawberry

from resolvers.catalog import catalog
from schema.enums import (
    ApprovalLevel,
    MatterMode,
)
from schema.platform.common import UserError
from schema.registry.types import Department


@strawberry.type(
    description="监管事项 / One duty-catalog entry: which line of departments supervises it, at which level."
)
class SupervisionMatter:
    code: str = strawberry.field(description="事项代码 / The matter's code.")
    name: str = strawberry.field(description="事项名称 / The matter's name, such as 食品经营许可.")
    mode: MatterMode = strawberry.field(
        description="审管一体或审管分离 / Who supervises: the approver or the competent department."
    )
    legal_basis: str = strawberry.field(description="设定依据 / Legal basis.")
    line: str = strawberry.field(description="负责条线（如 WJ）/ The line of departments responsible, such as WJ.")
    approval_level: ApprovalLevel = strawberry.field(
        description=(
            "审批层级：区县级以外由承接部门认领 / "
            "Where it is approved; above the district, the handling department claims."
        )
    )
    entry_codes: list[str] = strawberry.field(
        description=(
            "经营范围规范表述条目代码：登记给出代码时按其匹配 / "
            "Standard scope entry codes, matched when a registration gives codes."
        )
    )
    keywords: list[str] = strawberry.field(
        description=("经营范围关键词：按规范化后的经营范围文本匹配 / Keywords matched in the normalised scope text.")
    )
    industry_codes: list[str] = strawberry.field(
        description=(
            "相关行业代码（GB/T 4754），供查阅，不参与匹配 / "
            "Related industry codes, for reference; not used for matching."
        )
    )
    claim_deadline_days: int = strawberry.field(
        description="认领时限（工作日），默认 5 / Working days to claim its notices; default 5."
    )
    effective_from: datetime.date = strawberry.field(description="生效日期 / First day it is in force.")
    effective_to: datetime.date | None = strawberry.field(
        description="失效日期（为空即长期有效）/ Last day it is in force; null while open-ended."
    )
    handling_department = strawberry.field(
        resolver=catalog.handling_department,
        graphql_type=Department | None,
        description="承接部门（市级及以上审批）/ Takes the notices of matters approved above the district.",
    )


@strawberry.type(
    description="目录版本 / A published version of the duty catalog (e.g. 2026版); the newest routes new notices."
)
class CatalogVersion:
    name: str = strawberry.field(description="版本名称，如“2026版” / The version's name, such as 2026版.")
    note: str | None = strawberry.field(description="版本说明 / What changed, as the publisher wrote.")
    matter_count: int = strawberry.field(description="所含监管事项数 / Matters in the version.")
    published_at: datetime.datetime = strawberry.field(description="发布时间（UTC）/ When it was published (UTC).")
    published_by: str = strawberry.field(
        description="发布人（令牌或用户名称）/ Who published it (the token's or user's name)."
    )


@strawberry.type(description="发布目录版本的结果 / The answer to publishCatalogVersion.")
class PublishCatalogVersionPayload:
    version: CatalogVersion | None = strawberry.field(
        description="新发布的版本（有错误时为空）/ The new version; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="维护监管事项的结果 / The answer to upsertSupervisionMatter.")
class UpsertSupervisionMatterPayload:
    matter: SupervisionMatter | None = strawberry.field(
        description="保存后的监管事项（有错误时为空）/ The matter as stored; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )
