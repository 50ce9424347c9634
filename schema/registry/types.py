"""The registry's GraphQL types: entities, persons, regions, departments.

An entity links to every domain above the registry; those types are named lazily
(strawberry.lazy), as the domains' own types import this module."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.credit import listings as listing_resolvers
from resolvers.credit import referrals as referral_resolvers
from resolvers.credit import risk as risk_resolvers
from resolvers.notices import notices
from resolvers.records import records
from resolvers.registry import registry
from resolvers.spotchecks import tasks as task_resolvers
from schema.enums import (
    DataQualityIssue,
    DepartmentLevel,
    EntityStatus,
    EntityType,
    PersonRole,
    RegionLevel,
    RiskColour,
)
from schema.platform.common import Connection, UserError

if TYPE_CHECKING:
    from schema.credit.risk import RiskAssessment, RiskColourChange
    from schema.credit.types import DisciplineVerdict, Listing, Referral
    from schema.notices.types import Notice
    from schema.records.types import Complaint, License, Penalty
    from schema.spotchecks.tasks import InspectionTask


@strawberry.type(description="行政区划 (GB/T 2260) / A region.")
class Region:
    code: str = strawberry.field(description="6 位行政区划代码 / Six-digit GB/T 2260 code.")
    name: str = strawberry.field(description="区划名称 / Name, such as 中山区.")
    level: RegionLevel = strawberry.field(description="层级 / Province, city or district.")
    parent_code: str | None = strawberry.field(
        description="上级区划代码（省级为空）/ The code of the region it belongs to; null for a province."
    )


@strawberry.type(description="部门 / A government department, city or district level.")
class Department:
    code: str = strawberry.field(description="部门代码 / The department's code, such as SCJG-210202.")
    name: str = strawberry.field(description="部门名称 / Full name, such as 中山区市场监督管理局.")
    level: DepartmentLevel = strawberry.field(description="层级 / City or district.")
    region_code: str = strawberry.field(
        description="所在行政区划代码 / The region it serves (its district, or the city)."
    )
    is_registration_authority: bool = strawberry.field(description="是否登记机关 / Whether it registers entities.")
    line: str | None = strawberry.field(description="条线 / The line it shares with its counterparts.")
    region = strawberry.field(
        resolver=registry.region, graphql_type=Region | None, description="所在行政区划 / The region it serves."
    )


@strawberry.type(description="主体相关人员 / A person's role in an entity.")
class EntityPerson:
    person_id: strawberry.ID = strawberry.field(
        resolver=registry.person_id,
        description=(
            "人员标识：不透明的字符串，同一人在各主体中相同，与主体网图（entityGraph）中该人员节点的 id 相同；"
            "不含身份证件号码，也不是数据库编号 / Opaque; the same person across entities, and the id of that "
            "person's node in entityGraph. Neither an identity number nor a database id."
        ),
    )
    name: str = strawberry.field(description="姓名 / The person's name.")
    role: PersonRole = strawberry.field(description="角色 / Legal representative, shareholder or executive.")
    share_percent: Decimal | None = strawberry.field(description="出资比例（%）/ Share, percent.")
    title: str | None = strawberry.field(description="职务（董监高）/ Title, such as 董事长; for executives.")


@strawberry.type(description="市场主体 / A registered company, sole trader or cooperative.")
class MarketEntity:
    uscc: str = strawberry.field(description="统一社会信用代码 / Unified social credit code.")
    name: str = strawberry.field(description="名称 / Registered name.")
    entity_type: EntityType = strawberry.field(description="主体类型 / Company, partnership, sole trader, ….")
    legal_representative: str = strawberry.field(description="法定代表人 / Legal representative.")
    registered_capital: Decimal | None = strawberry.field(description="注册资本（元）/ Registered capital, yuan.")
    established_on: datetime.date = strawberry.field(description="成立日期 / Date of establishment.")
    status: EntityStatus = strawberry.field(description="登记状态 / Active, revoked or deregistered.")
    region_code: str = strawberry.field(
        description="住所所在行政区划代码 / The GB/T 2260 code of the region of its address."
    )
    address: str = strawberry.field(description="住所 / Registered address.")
    longitude: Decimal | None = strawberry.field(
        description="住所经度（WGS-84 十进制度）/ Longitude of the address, WGS-84 degrees; null when not known."
    )
    latitude: Decimal | None = strawberry.field(
        description="住所纬度（WGS-84 十进制度）/ Latitude of the address, WGS-84 degrees; null when not known."
    )
    industry_code: str = strawberry.field(description="国民经济行业分类 / GB/T 4754-2017 code.")
    business_scope: str = strawberry.field(description="经营范围 / Registered business scope.")
    business_scope_codes: list[str] = strawberry.field(
        description="经营范围规范表述条目代码 / Standard scope entry codes.",
        resolver=registry.business_scope_codes,
    )
    data_quality_issue: DataQualityIssue | None = strawberry.field(
        description="数据质量问题（如校验位不符）/ Set when the registry row failed a check."
    )
    created_at: datetime.datetime = strawberry.field(
        description="首次报送平台的时间（UTC）/ When the platform first received it (UTC)."
    )
    updated_at: datetime.datetime = strawberry.field(
        description="最近一次变更的时间（UTC）/ When the platform last changed it (UTC)."
    )
    registration_authority = strawberry.field(
        resolver=registry.registration_authority,
        graphql_type=Department | None,
        description="登记机关 / The registration authority.",
    )
    region = strawberry.field(
        resolver=registry.region,
        graphql_type=Region | None,
        description="住所所在行政区划 / The region of its address.",
    )
    notices = strawberry.field(
        resolver=notices.entity_notices,
        graphql_type=list[Annotated["Notice", strawberry.lazy("schema.notices.types")]],
        description="本部门收到的告知（维护人员可见全部）/ The caller's notices about this entity.",
    )
    former_names = strawberry.field(
        resolver=registry.former_names,
        graphql_type=list[str],
        description="曾用名，最近的在前 / Former names, the latest first.",
    )
    persons = strawberry.field(
        resolver=registry.persons,
        graphql_type=list[EntityPerson],
        description="法定代表人、股东、董监高 / Legal representative, shareholders and executives.",
    )
    licenses = strawberry.field(
        resolver=records.entity_licenses,
        graphql_type=Connection[Annotated["License", strawberry.lazy("schema.records.types")]],
        description="各部门归集的行政许可，新的在前 / Licenses from every department, newest first.",
    )
    penalties = strawberry.field(
        resolver=records.entity_penalties,
        graphql_type=Connection[Annotated["Penalty", strawberry.lazy("schema.records.types")]],
        description="各部门归集的行政处罚，新的在前 / Penalties from every department, newest first.",
    )
    complaints = strawberry.field(
        resolver=records.entity_complaints,
        graphql_type=Connection[Annotated["Complaint", strawberry.lazy("schema.records.types")]],
        description="12345 投诉，新的在前 / Hotline complaints, newest first.",
    )
    listings = strawberry.field(
        resolver=listing_resolvers.entity_listings,
        graphql_type=list[Annotated["Listing", strawberry.lazy("schema.credit.types")]],
        description="经营异常名录、严重违法失信名单（含已移出），新的在前 / Its listings, newest first.",
    )
    discipline = strawberry.field(
        resolver=listing_resolvers.entity_discipline,
        graphql_type=Annotated["DisciplineVerdict", strawberry.lazy("schema.credit.types")],
        description="联合惩戒（今天）/ Joint discipline that applies today.",
    )
    referrals = strawberry.field(
        resolver=referral_resolvers.entity_referrals,
        graphql_type=list[Annotated["Referral", strawberry.lazy("schema.credit.types")]],
        description="本部门发出或收到的联动告知（维护人员可见全部）/ The caller's referrals about this entity.",
    )
    inspection_tasks = strawberry.field(
        resolver=task_resolvers.entity_inspection_tasks,
        graphql_type=list[Annotated["InspectionTask", strawberry.lazy("schema.spotchecks.tasks")]],
        description=(
            "本部门的检查任务及本部门牵头计划的任务（维护人员可见全部）/ The caller's inspection tasks about this "
            "entity: its own and those of plans it leads; maintainers all."
        ),
    )
    colour = strawberry.field(
        resolver=risk_resolvers.colour,
        graphql_type=RiskColour,
        description="四色警示（随记录变化即时更新的当前颜色）/ The stored risk colour, kept current as records arrive.",
    )
    risk_colour = strawberry.field(
        resolver=risk_resolvers.risk_colour,
        graphql_type=Annotated["RiskAssessment", strawberry.lazy("schema.credit.risk")],
        description=(
            "四色警示评定：asOf 当日（默认今天，不能晚于今天）的颜色与成立的全部规则及其依据 / "
            "The colour on `asOf` (default today, never later), with every rule that held and its records."
        ),
    )
    colour_history = strawberry.field(
        resolver=risk_resolvers.colour_history,
        graphql_type=list[Annotated["RiskColourChange", strawberry.lazy("schema.credit.risk")]],
        description="颜色变化记录，新的在前 / Changes of the stored colour, newest first.",
    )


@strawberry.type(description="登记报送的结果 / The answer to registerEntity.")
class RegisterEntityPayload:
    entity: MarketEntity | None = strawberry.field(
        description="登记后的主体（有错误时为空）/ The entity as stored; null when there are errors."
    )
    created: bool = strawberry.field(description="新登记（而非变更）/ A new registration, not a change.")
    changed: bool = strawberry.field(description="有任何变化 / Anything changed.")
    scope_changed: bool = strawberry.field(description="经营范围有变化 / The business scope changed.")
    notices: list[Annotated[Notice, strawberry.lazy("schema.notices.types")]] = strawberry.field(
        description="本次推送的告知 / The notices this registration pushed."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="维护行政区划的结果 / The answer to upsertRegion.")
class UpsertRegionPayload:
    region: Region | None = strawberry.field(
        description="保存后的行政区划（有错误时为空）/ The region as stored; null when there are errors."
    )
    created: bool = strawberry.field(description="新建（而非更新）/ A new region, not a change.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="维护部门的结果 / The answer to upsertDepartment.")
class UpsertDepartmentPayload:
    department: Department | None = strawberry.field(
        description="保存后的部门（有错误时为空）/ The department as stored; null when there are errors."
    )
    created: bool = strawberry.field(description="新建（而非更新）/ A new department, not a change.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )
