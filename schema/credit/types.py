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
