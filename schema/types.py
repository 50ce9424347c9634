"""GraphQL object types. Resolvers hand back model rows and service dataclasses;
these declare the shape, and relations resolve through the request's DataLoaders."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Generic, TypeVar

import strawberry

from resolvers import catalog, catalog_versions, common, notices, records, registry, viewer
from resolvers import listings as listing_resolvers
from resolvers import publicity as publicity_resolvers
from resolvers import referrals as referral_resolvers
from resolvers import risk as risk_resolvers
from schema.enums import (
    ApprovalLevel,
    ComplaintCategory,
    DataQualityIssue,
    DepartmentLevel,
    DisciplineLevel,
    EntityStatus,
    EntityType,
    FeedbackKind,
    LicenseCategory,
    ListingKind,
    ListingReason,
    MatterMode,
    NoticeStatus,
    PenaltyCategory,
    PersonRole,
    PrincipalKind,
    RecordOutcome,
    RecordStatus,
    ReferralReason,
    ReferralStatus,
    RegionLevel,
    RemovalReason,
    RiskColour,
    Role,
)

if TYPE_CHECKING:
    from schema.risk import RiskAssessment, RiskColourChange  # lazily: schema.risk imports this module

T = TypeVar("T")


@strawberry.type(description="用户可见的错误 / An expected failure: nothing was stored.")
class UserError:
    field: str | None = strawberry.field(description="出错的输入字段 / The input field at fault.")
    code: str = strawberry.field(description="稳定的错误代码 / Stable code for programs.")
    message: str = strawberry.field(description="中文说明 / Message for people, in Chinese.")


@strawberry.type(description="行政区划 (GB/T 2260) / A region.")
class Region:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None


@strawberry.type(description="部门 / A government department, city or district level.")
class Department:
    code: str
    name: str
    level: DepartmentLevel
    region_code: str
    is_registration_authority: bool = strawberry.field(description="是否登记机关 / Whether it registers entities.")
    line: str | None = strawberry.field(description="条线 / The line it shares with its counterparts.")
    region = strawberry.field(resolver=registry.region, graphql_type=Region | None)


@strawberry.type(description="主体相关人员 / A person's role in an entity.")
class EntityPerson:
    person_id: strawberry.ID = strawberry.field(description="人员标识，跨主体相同 / Same person across entities.")
    name: str
    role: PersonRole
    share_percent: Decimal | None = strawberry.field(description="出资比例（%）/ Share, percent.")
    title: str | None


@strawberry.type(description="分页信息 / Relay page info.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="Relay 连接 / A keyset-paginated Relay connection.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count = strawberry.field(
        resolver=common.total_count, description="符合条件的总数（另需一次计数）/ Total matches; costs a count."
    )


@strawberry.type(description="行政许可（双公示）/ A license decision, as its source department sent it.")
class License:
    document_number: str = strawberry.field(description="行政许可决定文书号 / Decision document number.")
    document_name: str
    category: LicenseCategory
    certificate_name: str | None
    license_number: str | None = strawberry.field(description="许可编号 / License number.")
    content: str
    decision_date: datetime.date
    valid_from: datetime.date
    valid_to: datetime.date
    long_term = strawberry.field(resolver=records.long_term, graphql_type=bool, description="长期有效 / Indefinite.")
    party_name: str = strawberry.field(description="行政相对人名称 / The party, as the decision names it.")
    legal_representative: str | None
    authority_name: str = strawberry.field(description="许可机关 / Issuing authority.")
    public_until: datetime.date = strawberry.field(description="公示截止期 / Public until.")
    status: RecordStatus
    status_reason: str | None
    source_department = strawberry.field(
        resolver=records.source_department, graphql_type=Department | None, description="数据来源单位 / Source."
    )
    updated_at: datetime.datetime


@strawberry.type(description="行政处罚（双公示）/ A penalty decision, as its source department sent it.")
class Penalty:
    document_number: str = strawberry.field(description="行政处罚决定书文号 / Decision document number.")
    violation_type: str
    facts: str
    basis: str
    categories: list[PenaltyCategory]
    content: str
    fine_amount: Decimal | None = strawberry.field(description="罚款金额（元）/ Fine, yuan.")
    confiscated_amount: Decimal | None = strawberry.field(description="没收金额（元）/ Confiscated, yuan.")
    revoked_license_number: str | None
    decision_date: datetime.date
    party_name: str
    legal_representative: str | None
    authority_name: str = strawberry.field(description="处罚机关 / Deciding authority.")
    public_until: datetime.date = strawberry.field(description="公示截止期 / Public until.")
    status: RecordStatus
    status_reason: str | None
    source_department = strawberry.field(
        resolver=records.source_department, graphql_type=Department | None, description="数据来源单位 / Source."
    )
    updated_at: datetime.datetime


@strawberry.type(description="12345 投诉 / A hotline complaint about the entity.")
class Complaint:
    reference: str = strawberry.field(description="工单编号 / Work-order number.")
    received_on: datetime.date
    category: ComplaintCategory
    summary: str | None
    resolved: bool
    resolved_on: datetime.date | None
    source_department = strawberry.field(
        resolver=records.source_department, graphql_type=Department | None, description="数据来源单位 / Source."
    )


@strawberry.type(description="公示的行政许可 / A license as the public sees it.")
class PublicLicense:
    document_number: str
    document_name: str
    category: LicenseCategory
    certificate_name: str | None
    license_number: str | None
    content: str
    decision_date: datetime.date
    valid_from: datetime.date
    valid_to: datetime.date
    authority_name: str
    public_until: datetime.date


@strawberry.type(description="公示的行政处罚 / A penalty as the public sees it.")
class PublicPenalty:
    document_number: str
    violation_type: str
    facts: str
    basis: str
    categories: list[PenaltyCategory]
    content: str
    fine_amount: Decimal | None
    confiscated_amount: Decimal | None
    decision_date: datetime.date
    authority_name: str
    public_until: datetime.date


@strawberry.type(description="市场主体 / A registered company, sole trader or cooperative.")
class MarketEntity:
    uscc: str = strawberry.field(description="统一社会信用代码 / Unified social credit code.")
    name: str
    entity_type: EntityType
    legal_representative: str = strawberry.field(description="法定代表人 / Legal representative.")
    registered_capital: Decimal | None = strawberry.field(description="注册资本（元）/ Registered capital, yuan.")
    established_on: datetime.date
    status: EntityStatus
    region_code: str
    address: str = strawberry.field(description="住所 / Registered address.")
    industry_code: str = strawberry.field(description="国民经济行业分类 / GB/T 4754-2017 code.")
    business_scope: str = strawberry.field(description="经营范围 / Registered business scope.")
    business_scope_codes: list[str] = strawberry.field(
        description="经营范围规范表述条目代码 / Standard scope entry codes.",
        resolver=registry.business_scope_codes,
    )
    data_quality_issue: DataQualityIssue | None = strawberry.field(
        description="数据质量问题（如校验位不符）/ Set when the registry row failed a check."
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime
    registration_authority = strawberry.field(
        resolver=registry.registration_authority,
        graphql_type=Department | None,
        description="登记机关 / The registration authority.",
    )
    region = strawberry.field(resolver=registry.region, graphql_type=Region | None)
    notices = strawberry.field(
        resolver=notices.entity_notices,
        graphql_type=list[Annotated["Notice", strawberry.lazy("schema.types")]],
        description="本部门收到的告知（维护人员可见全部）/ The caller's notices about this entity.",
    )
    persons = strawberry.field(
        resolver=registry.persons,
        graphql_type=list[EntityPerson],
        description="法定代表人、股东、董监高 / Legal representative, shareholders and executives.",
    )
    licenses = strawberry.field(
        resolver=records.entity_licenses,
        graphql_type=Connection[License],
        description="各部门归集的行政许可，新的在前 / Licenses from every department, newest first.",
    )
    penalties = strawberry.field(
        resolver=records.entity_penalties,
        graphql_type=Connection[Penalty],
        description="各部门归集的行政处罚，新的在前 / Penalties from every department, newest first.",
    )
    complaints = strawberry.field(
        resolver=records.entity_complaints,
        graphql_type=Connection[Complaint],
        description="12345 投诉，新的在前 / Hotline complaints, newest first.",
    )
    listings = strawberry.field(
        resolver=listing_resolvers.entity_listings,
        graphql_type=list[Annotated["Listing", strawberry.lazy("schema.types")]],
        description="经营异常名录、严重违法失信名单（含已移出），新的在前 / Its listings, newest first.",
    )
    discipline = strawberry.field(
        resolver=listing_resolvers.entity_discipline,
        graphql_type=Annotated["DisciplineVerdict", strawberry.lazy("schema.types")],
        description="联合惩戒（今天）/ Joint discipline that applies today.",
    )
    referrals = strawberry.field(
        resolver=referral_resolvers.entity_referrals,
        graphql_type=list[Annotated["Referral", strawberry.lazy("schema.types")]],
        description="本部门发出或收到的联动告知（维护人员可见全部）/ The caller's referrals about this entity.",
    )
    colour = strawberry.field(
        resolver=risk_resolvers.colour,
        graphql_type=RiskColour,
        description="四色警示（随记录变化即时更新的当前颜色）/ The stored risk colour, kept current as records arrive.",
    )
    risk_colour = strawberry.field(
        resolver=risk_resolvers.risk_colour,
        graphql_type=Annotated["RiskAssessment", strawberry.lazy("schema.risk")],
        description=(
            "四色警示评定：asOf 当日（默认今天，不能晚于今天）的颜色与成立的全部规则及其依据 / "
            "The colour on `asOf` (default today, never later), with every rule that held and its records."
        ),
    )
    colour_history = strawberry.field(
        resolver=risk_resolvers.colour_history,
        graphql_type=list[Annotated["RiskColourChange", strawberry.lazy("schema.risk")]],
        description="颜色变化记录，新的在前 / Changes of the stored colour, newest first.",
    )


@strawberry.type(description="当前调用方 / The caller.")
class Viewer:
    kind: PrincipalKind
    role: Role = strawberry.field(description="角色 / The token's role.")
    name: str = strawberry.field(description="令牌名称 / The token's name.")
    department = strawberry.field(resolver=viewer.viewer_department, graphql_type=Department | None)


@strawberry.type(description="公示信息 / What the public may see of one entity.")
class Publicity:
    uscc: str
    name: str
    licenses: list[PublicLicense] = strawberry.field(
        description="公示期内的有效行政许可 / Effective licenses within their publicity period."
    )
    penalties: list[PublicPenalty] = strawberry.field(
        description="公示期内的有效行政处罚 / Effective penalties within their publicity period."
    )
    listings = strawberry.field(
        resolver=publicity_resolvers.public_listings,
        graphql_type=list[Annotated["PublicListing", strawberry.lazy("schema.types")]],
        description="当前所在的经营异常名录、严重违法失信名单 / The lists it stands on today.",
    )


@strawberry.type(
    description="监管事项 / One duty-catalog entry: which line of departments supervises it, at which level."
)
class SupervisionMatter:
    code: str
    name: str
    mode: MatterMode
    legal_basis: str
    line: str
    approval_level: ApprovalLevel
    entry_codes: list[str]
    keywords: list[str]
    industry_codes: list[str]
    claim_deadline_days: int
    effective_from: datetime.date
    effective_to: datetime.date | None
    handling_department = strawberry.field(
        resolver=catalog.handling_department,
        graphql_type=Department | None,
        description="承接部门（市级及以上审批）/ Takes the notices of matters approved above the district.",
    )


@strawberry.type(
    description="目录版本 / A published version of the duty catalog (e.g. 2026版); the newest routes new notices."
)
class CatalogVersion:
    name: str
    note: str | None
    matter_count: int = strawberry.field(description="所含监管事项数 / Matters in the version.")
    published_at: datetime.datetime
    published_by: str


@strawberry.type
class PublishCatalogVersionPayload:
    version: CatalogVersion | None
    errors: list[UserError]


@strawberry.type(description="告知 / A registration notice pushed to a department (双告知).")
class Notice:
    id = strawberry.field(resolver=notices.notice_id, graphql_type=strawberry.ID)
    status: NoticeStatus
    pushed_at: datetime.datetime
    deadline: datetime.date = strawberry.field(
        description="认领截止日（工作日计算）/ Last day to claim, in working days."
    )
    overdue = strawberry.field(resolver=notices.notice_overdue, graphql_type=bool, description="逾期未认领 / Past it.")
    claimed_at: datetime.datetime | None
    note: str | None = strawberry.field(description="转交或退回的理由 / Why it was forwarded or returned.")
    feedback_kind: FeedbackKind | None
    license_number: str | None
    feedback_note: str | None
    feedback_at: datetime.datetime | None
    reason: str = strawberry.field(description="REGISTERED、SCOPE_CHANGED、FORWARDED 或 POOL / What pushed it.")
    entity = strawberry.field(resolver=notices.notice_entity, graphql_type=MarketEntity | None)
    matter = strawberry.field(resolver=notices.notice_matter, graphql_type=SupervisionMatter | None)
    department = strawberry.field(resolver=notices.notice_department, graphql_type=Department | None)
    catalog_version = strawberry.field(
        resolver=catalog_versions.notice_catalog_version,
        graphql_type=CatalogVersion | None,
        description="推送该告知时所依据的目录版本 / The catalog version that routed it.",
    )


@strawberry.type
class RecordLicensePayload:
    license: License | None
    outcome: RecordOutcome | None
    errors: list[UserError]


@strawberry.type
class RecordPenaltyPayload:
    penalty: Penalty | None
    outcome: RecordOutcome | None
    revoked_license: License | None = strawberry.field(
        description="本次吊销的许可（吊销许可证件）/ The license this penalty revoked."
    )
    errors: list[UserError]


@strawberry.type
class WithdrawPenaltyPayload:
    penalty: Penalty | None
    errors: list[UserError]


@strawberry.type
class RepairPenaltyPayload:
    penalty: Penalty | None
    errors: list[UserError]


@strawberry.type
class RecordComplaintPayload:
    complaint: Complaint | None
    outcome: RecordOutcome | None
    errors: list[UserError]


@strawberry.type
class ClaimNoticePayload:
    notice: Notice | None
    errors: list[UserError]


@strawberry.type
class RegisterEntityPayload:
    entity: MarketEntity | None
    created: bool = strawberry.field(description="新登记（而非变更）/ A new registration, not a change.")
    changed: bool = strawberry.field(description="有任何变化 / Anything changed.")
    scope_changed: bool = strawberry.field(description="经营范围有变化 / The business scope changed.")
    notices: list[Notice] = strawberry.field(description="本次推送的告知 / The notices this registration pushed.")
    errors: list[UserError]


@strawberry.type
class UpsertRegionPayload:
    region: Region | None
    created: bool
    errors: list[UserError]


@strawberry.type
class UpsertDepartmentPayload:
    department: Department | None
    created: bool
    errors: list[UserError]


@strawberry.type(description="工作日历中的一天 / One day of the working-day calendar.")
class CalendarDay:
    day: datetime.date = strawberry.field(name="date")
    is_workday: bool
    name: str | None = strawberry.field(description="节假日或调休名称 / The holiday or 调休 it belongs to.")


@strawberry.type
class SetCalendarDaysPayload:
    days: list[CalendarDay] = strawberry.field(description="保存的例外日 / The exceptions stored.")
    errors: list[UserError]


@strawberry.type
class UpsertSupervisionMatterPayload:
    matter: SupervisionMatter | None
    errors: list[UserError]


@strawberry.type(description="联动告知 / One department's alert to another about an entity.")
class Referral:
    id = strawberry.field(resolver=referral_resolvers.referral_id, graphql_type=strawberry.ID)
    reason: ReferralReason
    status: ReferralStatus
    message: str = strawberry.field(description="告知内容 / What the recipient is told.")
    outcome: str | None = strawberry.field(description="办理结果 / What the recipient did; set when HANDLED.")
    sent_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    handled_at: datetime.datetime | None
    entity = strawberry.field(
        resolver=referral_resolvers.referral_entity,
        graphql_type=MarketEntity | None,
        description="所涉主体；辖区外时为 null / The entity; null outside the caller's jurisdiction.",
    )
    from_department = strawberry.field(
        resolver=referral_resolvers.referral_from,
        graphql_type=Department | None,
        description="发出部门；平台自动发出的（如将满三年提醒）为 null / Sender; null when the platform sent it.",
    )
    to_department = strawberry.field(
        resolver=referral_resolvers.referral_to, graphql_type=Department | None, description="接收部门 / Recipient."
    )
    license = strawberry.field(
        resolver=referral_resolvers.referral_license,
        graphql_type=License | None,
        description="被吊销的许可（许可证件被吊销时）/ The revoked license, for LICENSE_REVOKED.",
    )


@strawberry.type
class ReferralPayload:
    referral: Referral | None
    errors: list[UserError]


@strawberry.type(description="名录记录（经营异常名录、严重违法失信名单）/ An entity's listing, and its removal.")
class Listing:
    id = strawberry.field(resolver=listing_resolvers.listing_id, graphql_type=strawberry.ID)
    kind: ListingKind
    reason: ListingReason
    reason_label = strawberry.field(
        resolver=listing_resolvers.reason_label, graphql_type=str, description="列入事由 / The reason, in Chinese."
    )
    facts: str | None = strawberry.field(description="列入事实 / The facts.")
    document_number: str = strawberry.field(description="列入决定书文号 / The listing decision's number.")
    listed_on: datetime.date
    department = strawberry.field(
        resolver=listing_resolvers.listing_department, graphql_type=Department | None, description="作出决定机关 / By."
    )
    removed_on: datetime.date | None
    removal_reason: RemovalReason | None
    removal_note: str | None = strawberry.field(description="移出决定书文号与说明 / Removal decision and note.")
    removed_by = strawberry.field(
        resolver=listing_resolvers.removed_by, graphql_type=Department | None, description="移出机关 / Removed by."
    )
    standing = strawberry.field(
        resolver=listing_resolvers.standing, graphql_type=bool, description="今天仍在名录中 / Stands today."
    )
    escalation_due_on = strawberry.field(
        resolver=listing_resolvers.escalation_due_on,
        graphql_type=datetime.date | None,
        description=(
            "经营异常名录列入满三年之日（届时仍未移出的应列入严重违法失信名单）；严重违法失信名单为 null / "
            "The day an abnormal-operation listing has stood 3 years; null for the serious list."
        ),
    )
    due_for_escalation = strawberry.field(
        resolver=listing_resolvers.due_for_escalation,
        graphql_type=bool,
        description=(
            "仍在经营异常名录中，且距满三年不足 60 天（或已满）/ "
            "Still standing on the abnormal list, within 60 days of 3 years or past them."
        ),
    )
    escalation_reminded_at: datetime.datetime | None = strawberry.field(
        description="已向登记机关发出满三年提醒的时间 / When the registration authority was reminded."
    )
    entity = strawberry.field(resolver=listing_resolvers.listing_entity, graphql_type=MarketEntity | None)
    created_at: datetime.datetime
    updated_at: datetime.datetime


@strawberry.type(description="公示的名录记录 / A current listing as the public sees it.")
class PublicListing:
    kind: ListingKind
    reason: ListingReason
    reason_label = strawberry.field(
        resolver=listing_resolvers.reason_label, graphql_type=str, description="列入事由 / The reason, in Chinese."
    )
    listed_on: datetime.date
    document_number: str
    authority_name: str = strawberry.field(description="作出决定机关 / The listing authority.")


@strawberry.type(description="惩戒措施 / One restriction that follows from a list, with its legal basis.")
class DisciplineMeasure:
    code: str
    name: str
    listing_kind: ListingKind = strawberry.field(description="适用的名录 / The list it follows from.")
    legal_basis: str = strawberry.field(description="法律依据 / Legal basis.")
    applied_by: str = strawberry.field(description="实施部门 / Who applies it.")
    active: bool


@strawberry.type(description="惩戒理由：主体今天所在的一项名录 / A listing that stands today.")
class DisciplineReason:
    kind: ListingKind
    reason: ListingReason
    reason_label = strawberry.field(
        resolver=listing_resolvers.reason_label, graphql_type=str, description="列入事由 / The reason, in Chinese."
    )
    listed_on: datetime.date
    document_number: str = strawberry.field(description="列入决定书文号 / The listing decision's number.")
    department = strawberry.field(
        resolver=listing_resolvers.listing_department, graphql_type=Department | None, description="作出决定机关 / By."
    )


@strawberry.type(
    description=(
        "联合惩戒结论：NONE、RESTRICTED（经营异常名录）或 BANNED（严重违法失信名单），及其理由和措施 / "
        "What discipline applies to the entity today, why, and which measures."
    )
)
class DisciplineVerdict:
    level: DisciplineLevel
    as_of: datetime.date = strawberry.field(description="评价日（今天）/ The day it holds for (today).")
    reasons: list[DisciplineReason]
    measures: list[DisciplineMeasure] = strawberry.field(
        description="适用的在用惩戒措施 / The active measures of the lists it stands on."
    )


@strawberry.type
class ListEntityPayload:
    listing: Listing | None
    errors: list[UserError]


@strawberry.type
class DelistEntityPayload:
    listing: Listing | None = strawberry.field(description="被移出的名录记录 / The listing removed.")
    errors: list[UserError]


@strawberry.type
class UpsertDisciplineMeasurePayload:
    measure: DisciplineMeasure | None
    created: bool
    errors: list[UserError]
