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
