"""双归集: every department's licenses, penalties and complaints, gathered under the entity.

One source department owns each record (一数一源); the idempotency key is the source
department and the decision document number (the hotline's reference for complaints)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import ComplaintCategory, LicenseCategory, PenaltyCategory, RecordStatus
from models.types import CodeListArray, Money, UTCDateTime, code_list, utcnow


class License(SQLModel, table=True):
    """行政许可: a license decision with the data items of the 双公示 format."""

    __tablename__ = "license"
    __table_args__ = (
        sa.UniqueConstraint("source_department_id", "document_number"),
        # 四色警示 counts an entity's revoked licenses from this index alone.
        sa.Index("ix_license_entity_status", "entity_id", "status", "revoked_by_id"),
        # Statistics count a period's licences by department and category from this index alone.
        sa.Index("ix_license_statistics", "decision_date", "source_department_id", "category", "entity_id"),
        # 绩效考核 counts the licences stored in a period by department and lag from this index alone.
        sa.Index("ix_license_performance", "created_at", "source_department_id", "decision_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="market_entity.id")  # indexed first in the colour-rule index
    source_department_id: int = Field(foreign_key="department.id", index=True)
    party_name: str = Field(max_length=256)  # 行政相对人名称, as the decision names it
    legal_representative: str | None = Field(default=None, max_length=128)
    document_number: str = Field(max_length=128)  # 行政许可决定文书号
    document_name: str = Field(max_length=256)  # 行政许可决定文书名称
    category: LicenseCategory = Field(sa_type=code_list(LicenseCategory))
    certificate_name: str | None = Field(default=None, max_length=256)
    license_number: str | None = Field(default=None, max_length=128, index=True)
    content: str = Field(sa_type=sa.Text)
    decision_date: date
    valid_from: date
    valid_to: date  # 2099-12-31 means 长期
    authority_name: str = Field(max_length=256)  # 许可机关
    public_until: date = Field(index=True)
    status: RecordStatus = Field(sa_type=code_list(RecordStatus), index=True)
    status_reason: str | None = Field(default=None, sa_type=sa.Text)
    # The penalty (吊销许可证件) that revoked it: withdrawing that penalty restores the license.
    revoked_by_id: int | None = Field(default=None, foreign_key="penalty.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Penalty(SQLModel, table=True):
    """行政处罚: a penalty decision with the data items of the 双公示 format."""

    __tablename__ = "penalty"
    __table_args__ = (
        sa.UniqueConstraint("source_department_id", "document_number"),
        # 四色警示 counts an entity's effective penalties in the window from this index alone.
        sa.Index("ix_penalty_entity_status_decided", "entity_id", "status", "decision_date"),
        # Statistics count a period's penalties by department and category and add up their fines from
        # ix_penalty_statistics alone: its shape differs by engine, so migration 0025 builds it, not the models.
        # 绩效考核 counts the penalties stored in a period by department and lag from this index alone.
        sa.Index("ix_penalty_performance", "created_at", "source_department_id", "decision_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="market_entity.id")  # indexed first in the colour-rule index
    source_department_id: int = Field(foreign_key="department.id", index=True)
    party_name: str = Field(max_length=256)
    legal_representative: str | None = Field(default=None, max_length=128)
    document_number: str = Field(max_length=128)  # 行政处罚决定书文号
    violation_type: str = Field(max_length=256)  # 违法行为类型
    facts: str = Field(sa_type=sa.Text)  # 违法事实
    basis: str = Field(sa_type=sa.Text)  # 处罚依据
    categories: list[PenaltyCategory] = Field(default_factory=list, sa_type=CodeListArray(PenaltyCategory))
    content: str = Field(sa_type=sa.Text)  # 处罚内容
    fine_amount: Decimal | None = Field(default=None, sa_type=Money())  # yuan
    confiscated_amount: Decimal | None = Field(default=None, sa_type=Money())  # yuan
    revoked_license_number: str | None = Field(default=None, max_length=128)
    decision_date: date = Field(index=True)
    authority_name: str = Field(max_length=256)  # 处罚机关
    public_until: date = Field(index=True)
    status: RecordStatus = Field(sa_type=code_list(RecordStatus), index=True)
    status_reason: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Complaint(SQLModel, table=True):
    """12345投诉: a hotline complaint about the entity, resolved or not."""

    __tablename__ = "complaint"
    __table_args__ = (
        sa.UniqueConstraint("source_department_id", "reference"),
        # 四色警示 counts an entity's complaints in the window, and the resolved ones, from this index alone.
        sa.Index("ix_complaint_entity_received", "entity_id", "received_on", "resolved", "resolved_on"),
        # Statistics count a period's complaints by department and category from this index alone.
        sa.Index("ix_complaint_statistics", "received_on", "source_department_id", "category", "entity_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="market_entity.id")  # indexed first in the colour-rule index
    source_department_id: int = Field(foreign_key="department.id", index=True)
    reference: str = Field(max_length=128)  # the hotline's own work-order number
    received_on: date = Field(index=True)
    category: ComplaintCategory = Field(sa_type=code_list(ComplaintCategory))
    summary: str | None = Field(default=None, sa_type=sa.Text)
    resolved: bool = False
    resolved_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
