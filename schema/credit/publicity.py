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
    document_number: str = strawberry.field(description="行政许可决定文书号 / Decision document number.")
    document_name: str = strawberry.field(description="行政许可决定文书名称 / Decision document name.")
    category: LicenseCategory = strawberry.field(description="许可类别 / Licence category.")
    certificate_name: str | None = strawberry.field(description="许可证书名称 / Certificate name.")
    license_number: str | None = strawberry.field(description="许可编号 / Licence number.")
    content: str = strawberry.field(description="许可内容 / What is licensed.")
    decision_date: datetime.date = strawberry.field(description="许可决定日期 / Decision date.")
    valid_from: datetime.date = strawberry.field(description="有效期自 / First day of validity.")
    valid_to: datetime.date = strawberry.field(
        description="有效期至（2099-12-31 表示长期）/ Last day of validity; 2099-12-31 means indefinite."
    )
    authority_name: str = strawberry.field(description="许可机关 / Issuing authority.")
    public_until: datetime.date = strawberry.field(description="公示截止期 / Shown to the public until this day.")


@strawberry.type(description="公示的行政处罚 / A penalty as the public sees it.")
class PublicPenalty:
    document_number: str = strawberry.field(description="行政处罚决定书文号 / Decision document number.")
    violation_type: str = strawberry.field(description="违法行为类型 / Kind of violation.")
    facts: str = strawberry.field(description="违法事实 / The facts.")
    basis: str = strawberry.field(description="处罚依据 / Legal basis.")
    categories: list[PenaltyCategory] = strawberry.field(description="处罚类别 / Penalty categories.")
    content: str = strawberry.field(description="处罚内容 / The penalty imposed.")
    fine_amount: Decimal | None = strawberry.field(description="罚款金额（元）/ Fine, yuan.")
    confiscated_amount: Decimal | None = strawberry.field(description="没收金额（元）/ Confiscated, yuan.")
    decision_date: datetime.date = strawberry.field(description="处罚决定日期 / Decision date.")
    authority_name: str = strawberry.field(description="处罚机关 / Deciding authority.")
    public_until: datetime.date = strawberry.field(description="公示截止期 / Shown to the public until this day.")


@strawberry.type(description="公示信息 / What the public may see of one entity.")
class Publicity:
    uscc: str = strawberry.field(description="统一社会信用代码 / Unified social credit code.")
    name: str = strawberry.field(description="名称 / Registered name.")
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
    kind: ListingKind = strawberry.field(description="名录 / Which list.")
    reason: ListingReason = strawberry.field(description="列入事由 / Why it was listed.")
    reason_label = strawberry.field(
        resolver=listing_resolvers.reason_label, graphql_type=str, description="列入事由 / The reason, in Chinese."
    )
    listed_on: datetime.date = strawberry.field(description="列入日期 / The listing date.")
    document_number: str = strawberry.field(description="列入决定书文号 / The listing decision's number.")
    authority_name: str = strawberry.field(description="作出决定机关 / The listing authority.")
