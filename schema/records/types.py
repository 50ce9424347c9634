"""双归集's GraphQL types: licenses, penalties and complaints, as their source departments sent them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from resolvers.records import records
from schema.enums import (
    ComplaintCategory,
    LicenseCategory,
    PenaltyCategory,
    RecordOutcome,
    RecordStatus,
)
from schema.platform.common import UserError
from schema.registry.types import Department


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
