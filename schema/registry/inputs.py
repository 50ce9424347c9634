"""The registry's GraphQL inputs; the field names integrators count on are fixed by api.md."""

from __future__ import annotations

import datetime

import strawberry

from schema.enums import (
    DepartmentLevel,
    EntityStatus,
    EntityType,
    PersonRole,
    RiskColour,
)


@strawberry.input(description="行政区划 / A GB/T 2260 region.")
class UpsertRegionInput:
    code: str = strawberry.field(description="6 位行政区划代码 / Six-digit code.")
    name: str
    parent_code: str | None = strawberry.field(default=None, description="上级区划代码 / Parent code.")


@strawberry.input(description="部门 / A department.")
class UpsertDepartmentInput:
    code: str
    name: str
    level: DepartmentLevel
    region_code: str
    is_registration_authority: bool = False
    line: str | None = strawberry.field(
        default=None,
        description="条线（市级部门与其区县对口部门相同，如 WJ）/ Shared by a city department and its counterparts.",
    )


@strawberry.input(description="股东或董监高 / A shareholder or executive of the entity.")
class EntityPersonInput:
    name: str
    role: PersonRole
    id_number: str | None = strawberry.field(
        default=None, description="证件号码，仅保存其带密钥的哈希 / Identity number; only a keyed hash is kept."
    )
    share_percent: str | None = strawberry.field(default=None, description="出资比例（%）/ Share, percent.")
    title: str | None = strawberry.field(default=None, description="职务 / Title.")


@strawberry.input(description="市场主体登记信息 / A registration or a change, from the registration authority.")
class RegisterEntityInput:
    uscc: str = strawberry.field(description="统一社会信用代码 / USCC.")
    name: str
    entity_type: EntityType
    legal_representative: str
    registered_capital: str | None = strawberry.field(
        default=None, description="注册资本（元，十进制字符串）/ Registered capital in yuan, as a decimal string."
    )
    established_on: datetime.date
    region_code: str
    address: str
    industry_code: str = strawberry.field(description="国民经济行业分类 GB/T 4754-2017，如 F5211 / Industry code.")
    business_scope: str
    business_scope_codes: list[str] | None = strawberry.field(
        default=None,
        description=(
            "经营范围规范表述条目代码；给出时先按代码匹配职责目录，给出即替换原有代码 / "
            "Standard scope entry codes: matched before the text; replace the old ones when given."
        ),
    )
    status: EntityStatus | None = strawberry.field(default=None, description="默认 ACTIVE / Default ACTIVE.")
    legal_representative_id_number: str | None = None
    persons: list[EntityPersonInput] | None = strawberry.field(
        default=None,
        description="股东与董监高；给出时替换原有名单 / Shareholders and executives; replaces the list when given.",
    )
    department_code: str | None = strawberry.field(
        default=None, description="登记机关代码（维护人员代为登记时必填）/ The registration authority, for maintainers."
    )


@strawberry.input(description="市场主体筛选条件 / Entity filter.")
class EntityFilter:
    region_code: str | None = None
    industry_code: str | None = strawberry.field(
        default=None, description="行业代码或其前缀（如 F、F52）/ Industry code or prefix."
    )
    entity_type: EntityType | None = None
    status: EntityStatus | None = None
    text: str | None = strawberry.field(
        default=None, description="名称、统一社会信用代码或法定代表人 / Name, USCC or legal representative."
    )
    data_quality_issue: bool | None = strawberry.field(
        default=None, description="仅列出（或排除）有数据质量问题的主体 / Only (or no) rows with a data-quality issue."
    )
    colour: RiskColour | None = strawberry.field(
        default=None, description="四色警示（当前存储的颜色）/ The stored risk colour."
    )
