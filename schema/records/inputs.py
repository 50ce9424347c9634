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
    uscc: str = strawberry.field(
        description="行政相对人的统一社会信用代码，须为已登记主体 / The licensee; must be a registered entity."
    )
    document_number: str = strawberry.field(description="行政许可决定文书号 / Decision document number.")
    document_name: str = strawberry.field(description="行政许可决定文书名称 / Decision document name.")
    category: LicenseCategory = strawberry.field(description="许可类别 / Licence category.")
    content: str = strawberry.field(description="许可内容 / What is licensed.")
    decision_date: datetime.date = strawberry.field(
        description="许可决定日期，不晚于今天 / Decision date; not in the future."
    )
    valid_from: datetime.date = strawberry.field(description="有效期自 / First day of validity.")
    valid_to: datetime.date = strawberry.field(
        description="有效期至；2099-12-31 表示长期 / 2099-12-31 means indefinite."
    )
    certificate_name: str | None = strawberry.field(default=None, description="许可证书名称 / Certificate name.")
    license_number: str | None = strawberry.field(default=None, description="许可编号 / License number.")
    party_name: str | None = strawberry.field(default=None, description="行政相对人名称，默认为登记名称 / Party.")
    legal_representative: str | None = strawberry.field(
        default=None, description="法定代表人（决定所载）/ Legal representative, as the decision names them."
    )
    authority_name: str | None = strawberry.field(default=None, description="许可机关，默认为本部门 / Authority.")
    department_code: str | None = strawberry.field(default=None, description="维护人员代报送的部门 / For maintainers.")


@strawberry.input(
    description="行政处罚（双公示）/ A penalty decision; idempotent per source department and document number."
)
class RecordPenaltyInput:
    uscc: str = strawberry.field(
        description="行政相对人的统一社会信用代码，须为已登记主体 / The penalised entity; must be registered."
    )
    document_number: str = strawberry.field(description="行政处罚决定书文号 / Decision document number.")
    violation_type: str = strawberry.field(description="违法行为类型 / Kind of violation.")
    facts: str = strawberry.field(description="违法事实 / Facts.")
    basis: str = strawberry.field(description="处罚依据 / Legal basis.")
    categories: list[PenaltyCategory] = strawberry.field(
        description="处罚类别（至少一项）/ Penalty categories; at least one."
    )
    content: str = strawberry.field(description="处罚内容 / The penalty imposed.")
    decision_date: datetime.date = strawberry.field(
        description="处罚决定日期，不晚于今天 / Decision date; not in the future."
    )
    fine_amount: str | None = strawberry.field(default=None, description="罚款金额（元）/ Fine, yuan, decimal string.")
    confiscated_amount: str | None = strawberry.field(default=None, description="没收金额（元）/ Confiscated, yuan.")
    revoked_license_number: str | None = strawberry.field(
        default=None, description="吊销许可证件时被吊销的许可编号 / The license number a revocation revokes."
    )
    public_until: datetime.date | None = strawberry.field(
        default=None, description="公示截止期；不填按处罚类别推算 / Publicity end; derived when absent."
    )
    party_name: str | None = strawberry.field(
        default=None, description="行政相对人名称，默认为登记名称 / The party; defaults to the registered name."
    )
    legal_representative: str | None = strawberry.field(
        default=None, description="法定代表人（决定所载）/ Legal representative, as the decision names them."
    )
    authority_name: str | None = strawberry.field(
        default=None, description="处罚机关，默认为本部门 / Deciding authority; defaults to the source department."
    )
    department_code: str | None = strawberry.field(
        default=None, description="维护人员代报送的来源部门 / For maintainers: the source department."
    )


@strawberry.input(description="信用修复 / A penalty leaves the public view early; the decision stands.")
class RepairPenaltyInput:
    document_number: str = strawberry.field(description="行政处罚决定书文号 / The penalty's document number.")
    reason: str = strawberry.field(description="信用修复的理由 / Why its credit was repaired.")
    department_code: str | None = strawberry.field(
        default=None, description="维护人员代报送的来源部门 / For maintainers: the source department."
    )


@strawberry.input(description="撤销行政处罚 / Withdraw (annul) a penalty decision.")
class WithdrawPenaltyInput:
    document_number: str = strawberry.field(description="行政处罚决定书文号 / The penalty's document number.")
    reason: str = strawberry.field(
        description="撤销理由（如复议撤销）/ Why it was withdrawn, such as annulled on review."
    )
    department_code: str | None = strawberry.field(
        default=None, description="维护人员代报送的来源部门 / For maintainers: the source department."
    )


@strawberry.input(description="12345 投诉 / A hotline complaint; idempotent per source department and reference.")
class RecordComplaintInput:
    uscc: str = strawberry.field(
        description="被投诉主体的统一社会信用代码，须为已登记主体 / The entity complained about; must be registered."
    )
    reference: str = strawberry.field(description="工单编号 / The hotline's work-order number.")
    received_on: datetime.date = strawberry.field(description="受理日期 / The day the hotline received it.")
    category: ComplaintCategory = strawberry.field(description="投诉类别 / Complaint category.")
    resolved: bool = strawberry.field(
        default=False, description="是否办结，默认否 / Whether it is resolved; default false."
    )
    resolved_on: datetime.date | None = strawberry.field(
        default=None, description="办结日期（办结时）/ The day it was resolved."
    )
    summary: str | None = strawberry.field(default=None, description="投诉摘要 / What it is about.")
    department_code: str | None = strawberry.field(
        default=None, description="维护人员代报送的来源部门 / For maintainers: the source department."
    )
