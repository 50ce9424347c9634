"""The registry's GraphQL inputs; the field names integrators count on are fixed by api.md."""

from __future__ import annotations

import datetime
from decimal import Decimal

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
    name: str = strawberry.field(description="区划名称 / Name.")
    parent_code: str | None = strawberry.field(default=None, description="上级区划代码 / Parent code.")


@strawberry.input(description="部门 / A department.")
class UpsertDepartmentInput:
    code: str = strawberry.field(
        description="部门代码（按代码新建或更新）/ The department's code: an existing one is updated."
    )
    name: str = strawberry.field(description="部门名称 / Full name.")
    level: DepartmentLevel = strawberry.field(
        description="层级，须与区划相符 / City or district; must match the region's level."
    )
    region_code: str = strawberry.field(description="所在行政区划代码 / The region it serves.")
    is_registration_authority: bool = strawberry.field(
        default=False, description="是否登记机关（市场监管部门）/ Whether it registers entities (a market regulator)."
    )
    line: str | None = strawberry.field(
        default=None,
        description="条线（市级部门与其区县对口部门相同，如 WJ）/ Shared by a city department and its counterparts.",
    )


@strawberry.input(description="股东或董监高 / A shareholder or executive of the entity.")
class EntityPersonInput:
    name: str = strawberry.field(description="姓名 / The person's name.")
    role: PersonRole = strawberry.field(description="角色：股东或董监高 / Shareholder or executive.")
    id_number: str | None = strawberry.field(
        default=None, description="证件号码，仅保存其带密钥的哈希 / Identity number; only a keyed hash is kept."
    )
    share_percent: str | None = strawberry.field(default=None, description="出资比例（%）/ Share, percent.")
    title: str | None = strawberry.field(default=None, description="职务 / Title.")


@strawberry.input(description="市场主体登记信息 / A registration or a change, from the registration authority.")
class RegisterEntityInput:
    uscc: str = strawberry.field(description="统一社会信用代码 / USCC.")
    name: str = strawberry.field(description="名称 / Registered name.")
    entity_type: EntityType = strawberry.field(description="主体类型 / Kind of entity.")
    legal_representative: str = strawberry.field(
        description="法定代表人（负责人、经营者）姓名 / Legal representative's name."
    )
    registered_capital: str | None = strawberry.field(
        default=None, description="注册资本（元，十进制字符串）/ Registered capital in yuan, as a decimal string."
    )
    established_on: datetime.date = strawberry.field(
        description="成立日期，不能晚于今天 / Date of establishment; not in the future."
    )
    region_code: str = strawberry.field(
        description=(
            "住所所在行政区划代码，须在登记机关辖区内 / Region of its address, within the authority's jurisdiction."
        )
    )
    address: str = strawberry.field(description="住所 / Registered address.")
    industry_code: str = strawberry.field(description="国民经济行业分类 GB/T 4754-2017，如 F5211 / Industry code.")
    business_scope: str = strawberry.field(
        description=(
            "经营范围，按其匹配职责目录并推送告知 / Business scope: matched against the duty catalog to push notices."
        )
    )
    business_scope_codes: list[str] | None = strawberry.field(
        default=None,
        description=(
            "经营范围规范表述条目代码；给出时先按代码匹配职责目录，给出即替换原有代码 / "
            "Standard scope entry codes: matched before the text; replace the old ones when given."
        ),
    )
    status: EntityStatus | None = strawberry.field(default=None, description="默认 ACTIVE / Default ACTIVE.")
    legal_representative_id_number: str | None = strawberry.field(
        default=None,
        description=(
            "法定代表人证件号码，仅保存其带密钥的哈希 / "
            "Legal representative's identity number; only a keyed hash is kept."
        ),
    )
    persons: list[EntityPersonInput] | None = strawberry.field(
        default=None,
        description="股东与董监高；给出时替换原有名单 / Shareholders and executives; replaces the list when given.",
    )
    department_code: str | None = strawberry.field(
        default=None, description="登记机关代码（维护人员代为登记时必填）/ The registration authority, for maintainers."
    )
    longitude: Decimal | None = strawberry.field(
        default=None,
        description=(
            "住所经度（WGS-84 十进制度，-180 至 180，保留六位小数），与纬度同时填写；变更登记不填时，"
            "住所和行政区划都未变则保留原值，否则清空 / "
            "Longitude of the address, WGS-84 degrees; with the latitude or not at all. Left out, the stored "
            "point is kept while the address and region are unchanged, and cleared when either changes."
        ),
    )
    latitude: Decimal | None = strawberry.field(
        default=None,
        description=(
            "住所纬度（WGS-84 十进制度，-90 至 90，保留六位小数），与经度同时填写；不填时同经度一起保留或清空 / "
            "Latitude of the address, WGS-84 degrees; with the longitude or not at all; kept or cleared with it."
        ),
    )


@strawberry.input(description="经纬度范围，四边都包含在内 / A longitude/latitude box, its edges included.")
class BoxInput:
    west: Decimal = strawberry.field(description="西边经度 / Western edge, degrees of longitude.")
    south: Decimal = strawberry.field(description="南边纬度 / Southern edge, degrees of latitude.")
    east: Decimal = strawberry.field(description="东边经度，须大于西边 / Eastern edge; greater than the western.")
    north: Decimal = strawberry.field(description="北边纬度，须大于南边 / Northern edge; greater than the southern.")


@strawberry.input(description="市场主体筛选条件 / Entity filter.")
class EntityFilter:
    region_code: str | None = strawberry.field(
        default=None, description="住所所在行政区划代码（精确匹配）/ Entities of exactly this region."
    )
    industry_code: str | None = strawberry.field(
        default=None, description="行业代码或其前缀（如 F、F52）/ Industry code or prefix."
    )
    entity_type: EntityType | None = strawberry.field(default=None, description="主体类型 / Kind of entity.")
    status: EntityStatus | None = strawberry.field(default=None, description="登记状态 / Registration status.")
    text: str | None = strawberry.field(
        default=None,
        description="名称、曾用名、统一社会信用代码、法定代表人或住所中含有此文字（与 searchEntities 同一匹配）"
        "/ The text in the name, a former name, the USCC, the legal representative or the address (searchEntities'"
        " match).",
    )
    data_quality_issue: bool | None = strawberry.field(
        default=None, description="仅列出（或排除）有数据质量问题的主体 / Only (or no) rows with a data-quality issue."
    )
    colour: RiskColour | None = strawberry.field(
        default=None, description="四色警示（当前存储的颜色）/ The stored risk colour."
    )
    matter_code: str | None = strawberry.field(
        default=None,
        description=(
            "监管事项代码：有该事项告知的主体（不论告知由哪个部门持有；不存在的代码答 UNKNOWN_MATTER）/ "
            "Entities with a notice of this supervision matter, whichever department holds it; "
            "UNKNOWN_MATTER for a code no matter has."
        ),
    )
    within_box: BoxInput | None = strawberry.field(
        default=None,
        description=(
            "住所坐标在此范围内（含边界；没有坐标的主体不在任何范围内；西大于东或南大于北答 BOX_CORNERS_SWAPPED）/ "
            "Entities whose coordinates lie in the box, edges included; never those without coordinates."
        ),
    )
