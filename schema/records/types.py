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
    document_name: str = strawberry.field(description="行政许可决定文书名称 / Decision document name.")
    category: LicenseCategory = strawberry.field(description="许可类别 / Licence category (codes 01–06).")
    certificate_name: str | None = strawberry.field(description="许可证书名称 / Certificate name.")
    license_number: str | None = strawberry.field(description="许可编号 / License number.")
    content: str = strawberry.field(description="许可内容 / What is licensed.")
    decision_date: datetime.date = strawberry.field(description="许可决定日期 / Decision date.")
    valid_from: datetime.date = strawberry.field(description="有效期自 / First day of validity.")
    valid_to: datetime.date = strawberry.field(
        description="有效期至（2099-12-31 表示长期）/ Last day of validity; 2099-12-31 means indefinite."
    )
    long_term = strawberry.field(resolver=records.long_term, graphql_type=bool, description="长期有效 / Indefinite.")
    party_name: str = strawberry.field(description="行政相对人名称 / The party, as the decision names it.")
    legal_representative: str | None = strawberry.field(
        description="法定代表人（决定所载）/ Legal representative, as the decision names them."
    )
    authority_name: str = strawberry.field(description="许可机关 / Issuing authority.")
    public_until: datetime.date = strawberry.field(description="公示截止期 / Public until.")
    status: RecordStatus = strawberry.field(description="记录状态 / Effective, revoked, withdrawn or repaired.")
    status_reason: str | None = strawberry.field(
        description="状态原因，如吊销它的处罚决定书 / Why it has its status, such as the penalty that revoked it."
    )
    source_department = strawberry.field(
        resolver=records.source_department, graphql_type=Department | None, description="数据来源单位 / Source."
    )
    updated_at: datetime.datetime = strawberry.field(
        description="最近一次变更的时间（UTC）/ When the platform last changed it (UTC)."
    )


@strawberry.type(description="行政处罚（双公示）/ A penalty decision, as its source department sent it.")
class Penalty:
    document_number: str = strawberry.field(description="行政处罚决定书文号 / Decision document number.")
    violation_type: str = strawberry.field(description="违法行为类型 / Kind of violation.")
    facts: str = strawberry.field(description="违法事实 / The facts.")
    basis: str = strawberry.field(description="处罚依据 / Legal basis.")
    categories: list[PenaltyCategory] = strawberry.field(
        description="处罚类别（可多项）/ Penalty categories; one or more."
    )
    content: str = strawberry.field(description="处罚内容 / The penalty imposed.")
    fine_amount: Decimal | None = strawberry.field(description="罚款金额（元）/ Fine, yuan.")
    confiscated_amount: Decimal | None = strawberry.field(description="没收金额（元）/ Confiscated, yuan.")
    revoked_license_number: str | None = strawberry.field(
        description="吊销许可证件时被吊销的许可编号 / The licence number a revocation revoked."
    )
    decision_date: datetime.date = strawberry.field(description="处罚决定日期 / Decision date.")
    party_name: str = strawberry.field(description="行政相对人名称 / The party, as the decision names it.")
    legal_representative: str | None = strawberry.field(
        description="法定代表人（决定所载）/ Legal representative, as the decision names them."
    )
    authority_name: str = strawberry.field(description="处罚机关 / Deciding authority.")
    public_until: datetime.date = strawberry.field(description="公示截止期 / Public until.")
    status: RecordStatus = strawberry.field(description="记录状态 / Effective, withdrawn or repaired.")
    status_reason: str | None = strawberry.field(description="撤销或信用修复的理由 / Why it was withdrawn or repaired.")
    source_department = strawberry.field(
        resolver=records.source_department, graphql_type=Department | None, description="数据来源单位 / Source."
    )
    updated_at: datetime.datetime = strawberry.field(
        description="最近一次变更的时间（UTC）/ When the platform last changed it (UTC)."
    )


@strawberry.type(description="12345 投诉 / A hotline complaint about the entity.")
class Complaint:
    reference: str = strawberry.field(description="工单编号 / Work-order number.")
    received_on: datetime.date = strawberry.field(description="受理日期 / The day the hotline received it.")
    category: ComplaintCategory = strawberry.field(description="投诉类别 / Complaint category.")
    summary: str | None = strawberry.field(description="投诉摘要 / What it is about.")
    resolved: bool = strawberry.field(description="是否办结 / Whether it is resolved.")
    resolved_on: datetime.date | None = strawberry.field(description="办结日期 / The day it was resolved.")
    source_department = strawberry.field(
        resolver=records.source_department, graphql_type=Department | None, description="数据来源单位 / Source."
    )


@strawberry.type(description="报送行政许可的结果 / The answer to recordLicense.")
class RecordLicensePayload:
    license: License | None = strawberry.field(
        description="保存后的行政许可（有错误时为空）/ The licence as stored; null on errors."
    )
    outcome: RecordOutcome | None = strawberry.field(
        description="结果：新增、更正或无变化（有错误时为空）/ Created, corrected or unchanged; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="报送行政处罚的结果 / The answer to recordPenalty.")
class RecordPenaltyPayload:
    penalty: Penalty | None = strawberry.field(
        description="保存后的行政处罚（有错误时为空）/ The penalty as stored; null on errors."
    )
    outcome: RecordOutcome | None = strawberry.field(
        description="结果：新增、更正或无变化（有错误时为空）/ Created, corrected or unchanged; null on errors."
    )
    revoked_license: License | None = strawberry.field(
        description="本次吊销的许可（吊销许可证件）/ The license this penalty revoked."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="撤销行政处罚的结果 / The answer to withdrawPenalty.")
class WithdrawPenaltyPayload:
    penalty: Penalty | None = strawberry.field(
        description="撤销后的行政处罚（有错误时为空）/ The penalty, now WITHDRAWN; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="信用修复的结果 / The answer to repairPenalty.")
class RepairPenaltyPayload:
    penalty: Penalty | None = strawberry.field(
        description="修复后的行政处罚（有错误时为空）/ The penalty, now REPAIRED; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )


@strawberry.type(description="报送 12345 投诉的结果 / The answer to recordComplaint.")
class RecordComplaintPayload:
    complaint: Complaint | None = strawberry.field(
        description="保存后的投诉（有错误时为空）/ The complaint as stored; null on errors."
    )
    outcome: RecordOutcome | None = strawberry.field(
        description="结果：新增、更正或无变化（有错误时为空）/ Created, corrected or unchanged; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )
