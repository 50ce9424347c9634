"""Credit's GraphQL inputs."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from schema.enums import (
    ListingKind,
    ListingReason,
    ReferralDirection,
    ReferralReason,
    ReferralStatus,
    RemovalReason,
)


@strawberry.input(description="联动告知筛选 / Referral filter.")
class ReferralFilter:
    direction: ReferralDirection | None = strawberry.field(
        default=None,
        description="发出的或收到的（维护人员须同时指定部门）/ Sent or received; maintainers name a department.",
    )
    status: ReferralStatus | None = strawberry.field(
        default=None, description="办理状态 / Only referrals in this state."
    )
    reason: ReferralReason | None = strawberry.field(
        default=None, description="告知事由 / Only referrals for this reason."
    )
    uscc: str | None = strawberry.field(
        default=None, description="统一社会信用代码 / Only referrals about this entity."
    )
    department_code: str | None = strawberry.field(
        default=None, description="维护人员查看某部门的联动告知 / For maintainers: whose referrals."
    )


@strawberry.input(description="联动告知 / Alert another department about an entity.")
class SendReferralInput:
    uscc: str = strawberry.field(description="所涉主体的统一社会信用代码 / The entity it is about.")
    to_department_code: str = strawberry.field(description="接收部门代码 / The receiving department's code.")
    message: str = strawberry.field(description="告知内容 / What the receiving department should know.")
    reason: ReferralReason = strawberry.field(
        default=ReferralReason.MANUAL,
        description="MANUAL 或 INSPECTION_FINDING；其余由平台自动发送 / The others the platform sends itself.",
    )


@strawberry.input(description="列入名录 / List an entity (经营异常名录 or 严重违法失信名单).")
class ListEntityInput:
    uscc: str = strawberry.field(description="被列入主体的统一社会信用代码 / The entity to list.")
    kind: ListingKind = strawberry.field(description="名录 / Which list.")
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
    uscc: str = strawberry.field(description="被移出主体的统一社会信用代码 / The entity to remove.")
    kind: ListingKind = strawberry.field(description="从哪个名录移出 / Which list it leaves.")
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
    uscc: str | None = strawberry.field(default=None, description="统一社会信用代码 / Only listings of this entity.")
    kind: ListingKind | None = strawberry.field(default=None, description="名录 / Only this list.")
    reason: ListingReason | None = strawberry.field(
        default=None, description="列入事由 / Only listings for this reason."
    )
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
    code: str = strawberry.field(
        description="措施代码（按代码新建或更新）/ The measure's code: an existing one is updated."
    )
    name: str = strawberry.field(description="措施名称 / What it restricts.")
    listing_kind: ListingKind = strawberry.field(description="适用的名录 / The list it follows from.")
    legal_basis: str = strawberry.field(description="法律依据 / Legal basis.")
    applied_by: str = strawberry.field(description="实施部门 / Who applies it.")
    active: bool = strawberry.field(default=True, description="在用，默认是 / In use; default true.")


@strawberry.input(description="四色警示规则参数 / New thresholds, in force from the next evaluation.")
class SetRuleParametersInput:
    window_days: int = strawberry.field(
        description="统计窗口（天），默认 730 / The window in days, counted back from the assessment day; default 730."
    )
    yellow_penalties: int = strawberry.field(
        description="黄色：窗口内有效处罚次数下限，默认 1 / Effective penalties in the window for YELLOW; default 1."
    )
    red_penalties: int = strawberry.field(
        description="红色：有效处罚次数下限，须大于黄色的，默认 3 / Penalties for RED, more than for YELLOW; default 3."
    )
    complaint_count: int = strawberry.field(
        description=(
            "办结率自多少件投诉起计，默认 4 / "
            "Complaints in the window from which the resolution rate counts; default 4."
        )
    )
    red_resolution_rate: Decimal = strawberry.field(
        description=(
            "红色：办结率低于此值（%），默认 50 / RED when the resolution rate is below this percentage; default 50."
        )
    )
    yellow_resolution_rate: Decimal = strawberry.field(
        description=(
            "黄色：办结率低于此值（%），须高于红色的，默认 80 / YELLOW below this percentage, above RED's; default 80."
        )
    )
