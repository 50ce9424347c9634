"""GraphQL inputs; the field names integrators count on are fixed by api.md."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from schema.enums import (
    ApprovalLevel,
    ComplaintCategory,
    DepartmentLevel,
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
    ReferralDirection,
    ReferralReason,
    ReferralStatus,
    RemovalReason,
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


@strawberry.input(description="节假日或调休日 / A holiday, or a weekend day worked in exchange (调休).")
class CalendarDayInput:
    date: datetime.date
    is_workday: bool = strawberry.field(description="是否工作日 / Whether it is a working day.")
    name: str | None = strawberry.field(default=None, description="如“国庆节”“国庆节调休上班” / Its name.")


@strawberry.input(description="工作日历 / Days that differ from Monday–Friday; a day given its default is cleared.")
class SetCalendarDaysInput:
    days: list[CalendarDayInput]


@strawberry.input(description="监管事项 / A duty-catalog entry.")
class UpsertSupervisionMatterInput:
    code: str
    name: str
    mode: MatterMode
    legal_basis: str = strawberry.field(description="设定依据 / Legal basis.")
    line: str = strawberry.field(description="负责条线（如 WJ）/ The responsible line of departments.")
    approval_level: ApprovalLevel
    effective_from: datetime.date
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
    effective_to: datetime.date | None = None


@strawberry.input(description="告知筛选 / Notice filter.")
class NoticeFilter:
    status: NoticeStatus | None = None
    overdue: bool | None = strawberry.field(default=None, description="逾期未认领 / Unclaimed past the deadline.")
    department_code: str | None = strawberry.field(default=None, description="维护人员可按部门筛选 / For maintainers.")
    uscc: str | None = None


@strawberry.input(description="双反馈 / What the department reports after claiming.")
class NoticeFeedbackInput:
    kind: FeedbackKind
    license_number: str | None = strawberry.field(
        default=None, description="许可证号（已取得许可时必填）/ License number."
    )
    note: str | None = None


@strawberry.input(
    description="行政许可（双公示）/ A license decision; idempotent per source department and document number."
)
class RecordLicenseInput:
    uscc: str
    document_number: str = strawberry.field(description="行政许可决定文书号 / Decision document number.")
    document_name: str = strawberry.field(description="行政许可决定文书名称 / Decision document name.")
    category: LicenseCategory
    content: str = strawberry.field(description="许可内容 / What is licensed.")
    decision_date: datetime.date
    valid_from: datetime.date
    valid_to: datetime.date = strawberry.field(
        description="有效期至；2099-12-31 表示长期 / 2099-12-31 means indefinite."
    )
    certificate_name: str | None = None
    license_number: str | None = strawberry.field(default=None, description="许可编号 / License number.")
    party_name: str | None = strawberry.field(default=None, description="行政相对人名称，默认为登记名称 / Party.")
    legal_representative: str | None = None
    authority_name: str | None = strawberry.field(default=None, description="许可机关，默认为本部门 / Authority.")
    department_code: str | None = strawberry.field(default=None, description="维护人员代报送的部门 / For maintainers.")


@strawberry.input(
    description="行政处罚（双公示）/ A penalty decision; idempotent per source department and document number."
)
class RecordPenaltyInput:
    uscc: str
    document_number: str = strawberry.field(description="行政处罚决定书文号 / Decision document number.")
    violation_type: str = strawberry.field(description="违法行为类型 / Kind of violation.")
    facts: str = strawberry.field(description="违法事实 / Facts.")
    basis: str = strawberry.field(description="处罚依据 / Legal basis.")
    categories: list[PenaltyCategory]
    content: str = strawberry.field(description="处罚内容 / The penalty imposed.")
    decision_date: datetime.date
    fine_amount: str | None = strawberry.field(default=None, description="罚款金额（元）/ Fine, yuan, decimal string.")
    confiscated_amount: str | None = strawberry.field(default=None, description="没收金额（元）/ Confiscated, yuan.")
    revoked_license_number: str | None = strawberry.field(
        default=None, description="吊销许可证件时被吊销的许可编号 / The license number a revocation revokes."
    )
    public_until: datetime.date | None = strawberry.field(
        default=None, description="公示截止期；不填按处罚类别推算 / Publicity end; derived when absent."
    )
    party_name: str | None = None
    legal_representative: str | None = None
    authority_name: str | None = None
    department_code: str | None = None


@strawberry.input(description="信用修复 / A penalty leaves the public view early; the decision stands.")
class RepairPenaltyInput:
    document_number: str
    reason: str
    department_code: str | None = None


@strawberry.input(description="撤销行政处罚 / Withdraw (annul) a penalty decision.")
class WithdrawPenaltyInput:
    document_number: str
    reason: str
    department_code: str | None = None


@strawberry.input(description="12345 投诉 / A hotline complaint; idempotent per source department and reference.")
class RecordComplaintInput:
    uscc: str
    reference: str = strawberry.field(description="工单编号 / The hotline's work-order number.")
    received_on: datetime.date
    category: ComplaintCategory
    resolved: bool = False
    resolved_on: datetime.date | None = None
    summary: str | None = None
    department_code: str | None = None


@strawberry.input(description="联动告知筛选 / Referral filter.")
class ReferralFilter:
    direction: ReferralDirection | None = strawberry.field(
        default=None,
        description="发出的或收到的（维护人员须同时指定部门）/ Sent or received; maintainers name a department.",
    )
    status: ReferralStatus | None = None
    reason: ReferralReason | None = None
    uscc: str | None = None
    department_code: str | None = strawberry.field(
        default=None, description="维护人员查看某部门的联动告知 / For maintainers: whose referrals."
    )


@strawberry.input(description="联动告知 / Alert another department about an entity.")
class SendReferralInput:
    uscc: str
    to_department_code: str = strawberry.field(description="接收部门代码 / The receiving department's code.")
    message: str = strawberry.field(description="告知内容 / What the receiving department should know.")
    reason: ReferralReason = strawberry.field(
        default=ReferralReason.MANUAL,
        description="MANUAL 或 INSPECTION_FINDING；其余由平台自动发送 / The others the platform sends itself.",
    )


@strawberry.input(description="列入名录 / List an entity (经营异常名录 or 严重违法失信名单).")
class ListEntityInput:
    uscc: str
    kind: ListingKind
    reason: ListingReason = strawberry.field(
        description=(
            "列入事由：经营异常名录为四项法定事由之一，严重违法失信名单为 SERIOUS_VIOLATION / "
            "One of the four legal reasons for ABNORMAL_OPERATION; SERIOUS_VIOLATION for SERIOUS_DISHONEST."
        )
    )
    document_number: str = strawberry.field(description="列入决定书文号 / The listing decision's number.")
    listed_on: datetime.date = strawberry.field(description="列入日期，不晚于今天 / Listing date; not in the future.")
    facts: str | None = strawberry.field(default=None, description="列入事实 / The facts.")
    department_code: str | None = strawberry.field(default=None, description="维护人员代报送的部门 / For maintainers.")


@strawberry.input(description="移出名录 / Remove an entity from a list.")
class DelistEntityInput:
    uscc: str
    kind: ListingKind
    removed_on: datetime.date = strawberry.field(
        description="移出日期，不早于列入日期、不晚于今天 / Not before the listing date, not in the future."
    )
    reason: RemovalReason = strawberry.field(description="移出事由 / Why it is removed.")
    listing_reason: ListingReason | None = strawberry.field(
        default=None,
        description=(
            "因多项事由同时列入时，移出哪一项（只有一项时可不填）/ "
            "Which listing, when the entity stands on the list for more than one reason."
        ),
    )
    document_number: str | None = strawberry.field(default=None, description="移出决定书文号 / Decision number.")
    note: str | None = strawberry.field(default=None, description="移出说明 / A note.")
    department_code: str | None = strawberry.field(default=None, description="维护人员代报送的部门 / For maintainers.")


@strawberry.input(description="名录筛选 / Listing filter.")
class ListingFilter:
    uscc: str | None = None
    kind: ListingKind | None = None
    reason: ListingReason | None = None
    standing: bool | None = strawberry.field(
        default=None, description="今天仍在名录中（或已移出）/ Standing today (or removed)."
    )
    due_for_escalation: bool | None = strawberry.field(
        default=None,
        description=(
            "列入经营异常名录将满（或已满）三年、提醒期已到且仍未移出 / "
            "Abnormal-operation listings within 60 days of (or past) 3 years, still standing."
        ),
    )
    department_code: str | None = strawberry.field(default=None, description="作出列入决定的部门 / Listed by.")


@strawberry.input(description="惩戒措施 / A discipline measure of the catalog.")
class UpsertDisciplineMeasureInput:
    code: str
    name: str
    listing_kind: ListingKind = strawberry.field(description="适用的名录 / The list it follows from.")
    legal_basis: str = strawberry.field(description="法律依据 / Legal basis.")
    applied_by: str = strawberry.field(description="实施部门 / Who applies it.")
    active: bool = True


@strawberry.input(description="四色警示规则参数 / New thresholds, in force from the next evaluation.")
class SetRuleParametersInput:
    window_days: int
    yellow_penalties: int
    red_penalties: int
    complaint_count: int
    red_resolution_rate: Decimal
    yellow_resolution_rate: Decimal
