"""监管职责目录: the duty catalog, which department supervises which matter, at which level."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import ApprovalLevel, MatterMode
from models.types import UTCDateTime, code_list, utcnow


class SupervisionMatter(SQLModel, table=True):
    """监管事项: one catalog entry, a licensed or supervised business matter."""

    __tablename__ = "supervision_matter"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=128)
    mode: MatterMode = Field(sa_type=code_list(MatterMode))
    legal_basis: str = Field(sa_type=sa.Text)
    line: str = Field(max_length=16, index=True)
    approval_level: ApprovalLevel = Field(sa_type=code_list(ApprovalLevel))
    # For matters approved above the district: the local department that takes the notices.
    handling_department_id: int | None = Field(default=None, foreign_key="department.id")
    entry_codes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    keywords: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    industry_codes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    claim_deadline_days: int = Field(default=5)
    effective_from: date
    effective_to: date | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CatalogVersion(SQLModel, table=True):
    """目录版本: the catalog as a maintainer published it (e.g. "2026版"). Routing reads
    the newest published version, never the catalog being edited; a version is never
    changed once published, so the notices it routed can always say what rules routed them."""

    __tablename__ = "catalog_version"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=32)
    note: str | None = Field(default=None, sa_type=sa.Text)
    # The routing-relevant fields of every matter, frozen at publication.
    matters: list[dict[str, object]] = Field(default_factory=list, sa_type=sa.JSON)
    matter_count: int
    # SHA-256 of the frozen matters: publishing an unchanged catalog again is refused.
    digest: str = Field(max_length=64)
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_by: str = Field(max_length=128)
