"""公示: what the public may see of one entity."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.credit import listings as listing_resolvers
from resolvers.credit import publicity as publicity_resolvers
from resolvers.spotchecks import publicity as inspection_publicity
from schema.enums import (
    LicenseCategory,
    ListingKind,
    ListingReason,
    PenaltyCategory,
)

if TYPE_CHECKING:
    from schema.spotchecks.publicity import PublicInspectionResult


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
        graphql_type=list[Annotated["PublicListing", strawberry.lazy("schema.credit.publicity")]],
        description="当前所在的经营异常名录、严重违法失信名单 / The lists it stands on today.",
    )
    inspection_results = strawberry.field(
        resolver=inspection_publicity.public_inspection_results,
        graphql_type=list[Annotated["PublicInspectionResult", strawberry.lazy("schema.spotchecks.publicity")]],
        description="已公示的抽查检查结果，新的在前 / Published inspection results, newest first.",
    )


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
