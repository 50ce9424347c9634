"""双告知: registration notices pushed to the departments that must supervise an entity."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import FeedbackKind, NoticeStatus
from models.types import UTCDateTime, code_list, utcnow


class Notice(SQLModel, table=True):
    __tablename__ = "notice"
    # Never a second notice for the same entity, matter and department.
    __table_args__ = (
        sa.UniqueConstraint("entity_id", "matter_id", "department_id"),
        # 绩效考核 counts a period's notices by department, status, days and reason from this index alone.
        sa.Index(
            "ix_notice_performance",
            "pushed_at",
            "department_id",
            "status",
            "claimed_at",
            "deadline",
            "feedback_at",
            "reason",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="market_entity.id", index=True)
    matter_id: int = Field(foreign_key="supervision_matter.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    # The published catalog version whose rules routed it (None for a claim from the pool before any publication).
    catalog_version_id: int | None = Field(default=None, foreign_key="catalog_version.id", index=True)
    status: NoticeStatus = Field(sa_type=code_list(NoticeStatus), index=True)
    pushed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deadline: date = Field(index=True)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # What triggered it: the registration, a change of scope, or a forward from another notice.
    reason: str = Field(max_length=32)
    forwarded_from_id: int | None = Field(default=None, foreign_key="notice.id")
    # Why it was forwarded or returned.
    note: str | None = Field(default=None, sa_type=sa.Text)
    feedback_kind: FeedbackKind | None = Field(default=None, sa_type=code_list(FeedbackKind))
    license_number: str | None = Field(default=None, max_length=64)
    feedback_note: str | None = Field(default=None, sa_type=sa.Text)
    feedback_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
