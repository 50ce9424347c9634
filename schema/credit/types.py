"""Credit's GraphQL types: referrals, listings and joint discipline."""

from __future__ import annotations

import datetime

import strawberry

from resolvers.credit import listings as listing_resolvers
from resolvers.credit import referrals as referral_resolvers
from schema.enums import (
    DisciplineLevel,
    ListingKind,
    ListingReason,
    ReferralReason,
    ReferralStatus,
    RemovalReason,
)
from schema.platform.common import UserError
from schema.records.types import License
from schema.registry.types import Department, MarketEntity


@strawberry.type(description="联动告知 / One department's alert to another about an entity.")
class Referral:
    id = strawberry.field(
        resolver=referral_resolvers.referral_id,
        graphql_type=strawberry.ID,
        description="联动告知标识 / The referral's id.",
    )
    reason: ReferralReason = strawberry.field(description="告知事由 / Why it was sent.")
    status: ReferralStatus = strawberry.field(description="办理状态 / Sent, acknowledged or handled.")
    message: str = strawberry.field(description="告知内容 / What the recipient is told.")
    outcome: str | None = strawberry.field(description="办理结果 / What the recipient did; set when HANDLED.")
    sent_at: datetime.datetime = strawberry.field(description="发出时间（UTC）/ When it was sent (UTC).")
    acknowledged_at: datetime.datetime | None = strawberry.field(
        description="签收时间（UTC）/ When the recipient acknowledged it (UTC)."
    )
    handled_at: datetime.datetime | None = strawberry.field(
        description="办结时间（UTC）/ When the recipient handled it (UTC)."
    )
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


@strawberry.type(description="联动告知操作的结果 / The answer to sending, acknowledging or handling a referral.")
class ReferralPayload:
    referral: Referral | None = strawberry.field(
        description="操作后的联动告知（有错误时为空）/ The referral after it; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="名录记录（经营异常名录、严重违法失信名单）/ An entity's listing, and its removal.")
class Listing:
    id = strawberry.field(
        resolver=listing_resolvers.listing_id,
        graphql_type=strawberry.ID,
        description="名录记录标识 / The listing's id.",
    )
    kind: ListingKind = strawberry.field(description="名录 / Which list.")
    reason: ListingReason = strawberry.field(description="列入事由 / Why it was listed.")
    reason_label = strawberry.field(
        resolver=listing_resolvers.reason_label, graphql_type=str, description="列入事由 / The reason, in Chinese."
    )
    facts: str | None = strawberry.field(description="列入事实 / The facts.")
    document_number: str = strawberry.field(description="列入决定书文号 / The listing decision's number.")
    listed_on: datetime.date = strawberry.field(description="列入日期 / The listing date.")
    department = strawberry.field(
        resolver=listing_resolvers.listing_department, graphql_type=Department | None, description="作出决定机关 / By."
    )
    removed_on: datetime.date | None = strawberry.field(
        description="移出日期（仍在名录中为空）/ The removal date; null while it stands."
    )
    removal_reason: RemovalReason | None = strawberry.field(description="移出事由 / Why it was removed.")
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
    entity = strawberry.field(
        resolver=listing_resolvers.listing_entity,
        graphql_type=MarketEntity | None,
        description="被列入的主体（调用方无权查看时为 null）/ The entity; null where the caller may not see it.",
    )
    created_at: datetime.datetime = strawberry.field(
        description="报送平台的时间（UTC）/ When the platform received it (UTC)."
    )
    updated_at: datetime.datetime = strawberry.field(
        description="最近一次变更的时间（UTC）/ When the platform last changed it (UTC)."
    )


@strawberry.type(description="惩戒措施 / One restriction that follows from a list, with its legal basis.")
class DisciplineMeasure:
    code: str = strawberry.field(description="措施代码 / The measure's code.")
    name: str = strawberry.field(
        description="措施名称，如“限制参加政府采购” / What it restricts, such as government procurement."
    )
    listing_kind: ListingKind = strawberry.field(description="适用的名录 / The list it follows from.")
    legal_basis: str = strawberry.field(description="法律依据 / Legal basis.")
    applied_by: str = strawberry.field(description="实施部门 / Who applies it.")
    active: bool = strawberry.field(
        description="在用（停用的措施不再列入惩戒结论）/ In use; a retired measure no longer appears in verdicts."
    )


@strawberry.type(description="惩戒理由：主体今天所在的一项名录 / A listing that stands today.")
class DisciplineReason:
    kind: ListingKind = strawberry.field(description="名录 / Which list.")
    reason: ListingReason = strawberry.field(description="列入事由 / Why it was listed.")
    reason_label = strawberry.field(
        resolver=listing_resolvers.reason_label, graphql_type=str, description="列入事由 / The reason, in Chinese."
    )
    listed_on: datetime.date = strawberry.field(description="列入日期 / The listing date.")
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
    level: DisciplineLevel = strawberry.field(description="惩戒程度 / None, restricted or banned.")
    as_of: datetime.date = strawberry.field(description="评价日（今天）/ The day it holds for (today).")
    reasons: list[DisciplineReason] = strawberry.field(description="今天所在的名录 / The listings that stand today.")
    measures: list[DisciplineMeasure] = strawberry.field(
        description="适用的在用惩戒措施 / The active measures of the lists it stands on."
    )


@strawberry.type(description="列入名录的结果 / The answer to listEntity.")
class ListEntityPayload:
    listing: Listing | None = strawberry.field(
        description="新的名录记录（有错误时为空）/ The new listing; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="移出名录的结果 / The answer to delistEntity.")
class DelistEntityPayload:
    listing: Listing | None = strawberry.field(description="被移出的名录记录 / The listing removed.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="维护惩戒措施的结果 / The answer to upsertDisciplineMeasure.")
class UpsertDisciplineMeasurePayload:
    measure: DisciplineMeasure | None = strawberry.field(
        description="保存后的惩戒措施（有错误时为空）/ The measure as stored; null on errors."
    )
    created: bool = strawberry.field(description="新建（而非更新）/ A new measure, not a change.")
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )
