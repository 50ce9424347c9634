"""双归集's GraphQL inputs; the field names integrators count on are fixed by api.md."""

from __future__ import annotations

import datetime

import strawberry

from schema.enums import (
    ComplaintCategory,
    LicenseCategory,
    PenaltyCategory,
)


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
