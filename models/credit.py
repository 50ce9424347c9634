"""Credit supervision: listings (经营异常名录, 严重违法失信名单), the discipline-measure
catalog, the four-colour rating's parameters and history, and referrals (联动告知)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import ListingKind, ListingReason, ReferralReason, ReferralStatus, RemovalReason, RiskColour
from models.types import ScaledDecimal, UTCDateTime, code_list, utcnow

_STANDING = sa.text("removed_on IS NULL")


class Listing(SQLModel, table=True):
    """An entity put on a list by a department, and its removal."""

    __tablename__ = "listing"
    __table_args__ = (
        # Never listed twice for the same reason while listed, however many writers race.
        sa.Index(
            "uq_listing_standing",
            "entity_id",
            "kind",
            "reason",
            unique=True,
            sqlite_where=_STANDING,
            postgresql_where=_STANDING,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="market_entity.id", index=True)
    kind: ListingKind = Field(sa_type=code_list(ListingKind), index=True)
    reason: ListingReason = Field(sa_type=code_list(ListingReason))
    facts: str | None = Field(default=None, sa_type=sa.Text)  # 列入事实
    document_number: str = Field(max_length=128)  # 列入决定书文号
    listed_on: date = Field(index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    removed_on: date | None = Field(default=None, index=True)
    removal_reason: RemovalReason | None = Field(default=None, sa_type=code_list(RemovalReason))
    removal_note: str | None = Field(default=None, sa_type=sa.Text)
    removed_by_department_id: int | None = Field(default=None, foreign_key="department.id")
    # The 3-year escalation reminder (60 days ahead) went out: sent once.
    escalation_reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DisciplineMeasure(SQLModel, table=True):
    """惩戒措施: one restriction that follows from a listing kind, with its legal basis."""

    __tablename__ = "discipline_measure"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=256)
    listing_kind: ListingKind = Field(sa_type=code_list(ListingKind), index=True)
    legal_basis: str = Field(sa_type=sa.Text)
    applied_by: str = Field(max_length=256)  # 实施部门
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RiskParameters(SQLModel, table=True):
    """The colour rules' thresholds, one row per setting: the newest is in force."""

    __tablename__ = "risk_parameters"

    id: int | None = Field(default=None, primary_key=True)
    window_days: int
    yellow_penalties: int  # from this many effective penalties in the window: YELLOW
    red_penalties: int  # from this many: RED
    complaint_count: int  # the resolution rate counts from this many complaints in the window
    red_resolution_rate: Decimal = Field(sa_type=ScaledDecimal(2))  # percent; below it: RED
    yellow_resolution_rate: Decimal = Field(sa_type=ScaledDecimal(2))  # percent; below it: YELLOW
    set_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    set_by: str = Field(max_length=128)


class RiskColourChange(SQLModel, table=True):
    """A change of an entity's stored colour: when, from what, to what, and why."""

    __tablename__ = "risk_colour_change"

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="market_entity.id", index=True)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    old_colour: RiskColour | None = Field(default=None, sa_type=code_list(RiskColour))
    new_colour: RiskColour = Field(sa_type=code_list(RiskColour))
    reasons: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # the codes of the rules that held
    cause: str = Field(max_length=64)  # what re-rated it: a record's audit action, or the full recompute


class Referral(SQLModel, table=True):
    """联动告知: one department alerts another about an entity."""

    __tablename__ = "referral"
    # An automatic referral (one revocation, one reminder) reaches each department once.
    __table_args__ = (sa.UniqueConstraint("source_key", "to_department_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="market_entity.id", index=True)
    from_department_id: int | None = Field(default=None, foreign_key="department.id", index=True)  # None: the platform
    to_department_id: int = Field(foreign_key="department.id", index=True)
    reason: ReferralReason = Field(sa_type=code_list(ReferralReason))
    message: str = Field(sa_type=sa.Text)
    status: ReferralStatus = Field(sa_type=code_list(ReferralStatus), index=True)
    outcome: str | None = Field(default=None, sa_type=sa.Text)
    source_key: str | None = Field(default=None, max_length=128)
    license_id: int | None = Field(default=None, foreign_key="license.id")
    listing_id: int | None = Field(default=None, foreign_key="listing.id")
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
