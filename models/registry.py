"""The entity registry (法人库): regions, departments, market entities, persons."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import (
    DataQualityIssue,
    DepartmentLevel,
    EntityStatus,
    EntityType,
    PersonRole,
    RegionLevel,
    RiskColour,
)
from models.types import Money, ScaledDecimal, UTCDateTime, code_list, utcnow


class Region(SQLModel, table=True):
    """行政区划 (GB/T 2260)."""

    __tablename__ = "region"

    code: str = Field(primary_key=True, max_length=6)
    name: str = Field(max_length=64)
    level: RegionLevel = Field(sa_type=code_list(RegionLevel))
    parent_code: str | None = Field(default=None, foreign_key="region.code", max_length=6)


class Department(SQLModel, table=True):
    """部门: a government department at city or district level."""

    __tablename__ = "department"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=128)
    level: DepartmentLevel = Field(sa_type=code_list(DepartmentLevel))
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    is_registration_authority: bool = Field(default=False)
    # 条线: a city department and its district counterparts share one (e.g. "WJ", 卫生健康).
    line: str | None = Field(default=None, max_length=16, index=True)


class MarketEntity(SQLModel, table=True):
    """市场主体: one registered company, sole trader or cooperative."""

    __tablename__ = "market_entity"
    __table_args__ = (
        sa.Index("ix_market_entity_region_colour", "region_code", "risk_colour"),
        # Statistics read the stock counts from this index alone, in its order (no sort).
        sa.Index("ix_market_entity_statistics", "region_code", "industry_code", "entity_type", "status", "risk_colour"),
        # ... and a period's new registrations, by day and district.
        sa.Index("ix_market_entity_established", "established_on", "region_code"),
        # A crowded box is counted by testing every point, in this index without the table. A box's
        # hits are found by the spatial index of migration 0021 (services.platform.point_index).
        sa.Index("ix_market_entity_longitude_latitude", "longitude", "latitude"),
        # A district's entities in USCC order (a box read, an exact name), and by name: a district
        # department's search page walks only its own rows, in the order it shows them. A desk's USCC
        # fragment is matched in this index alone (the id in it: SQLite's rowid; PostgreSQL's INCLUDE,
        # migration 0027, which the models-versus-migrations check does not compare).
        sa.Index("ix_market_entity_region_uscc", "region_code", "uscc", postgresql_include=["id"]),
        sa.Index("ix_market_entity_region_name", "region_code", "name", "uscc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(unique=True, max_length=18)
    name: str = Field(max_length=256, index=True)
    entity_type: EntityType = Field(sa_type=code_list(EntityType))
    legal_representative: str = Field(max_length=128, index=True)
    registered_capital: Decimal | None = Field(default=None, sa_type=Money())
    established_on: date
    status: EntityStatus = Field(sa_type=code_list(EntityStatus), index=True)
    region_code: str = Field(foreign_key="region.code", max_length=6, index=True)
    address: str = Field(max_length=512)
    # WGS-84 degrees of its address, both or neither (services.platform.checks.coordinates).
    longitude: Decimal | None = Field(default=None, sa_type=ScaledDecimal(6))
    latitude: Decimal | None = Field(default=None, sa_type=ScaledDecimal(6))
    industry_code: str = Field(max_length=5, index=True)
    business_scope: str = Field(sa_type=sa.Text)
    # 经营范围规范表述条目代码, when the registration gives them: matched before the text.
    scope_entry_codes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    registration_authority_id: int = Field(foreign_key="department.id", index=True)
    data_quality_issue: DataQualityIssue | None = Field(default=None, sa_type=code_list(DataQualityIssue), index=True)
    # 四色警示 as last rated (services.credit.risk keeps it current); counted by district on the dashboard.
    risk_colour: RiskColour = Field(
        default=RiskColour.GREEN, sa_type=code_list(RiskColour), sa_column_kwargs={"server_default": "GREEN"}
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EntityFormerName(SQLModel, table=True):
    """曾用名: a name the entity was registered under before a change registration renamed it."""

    __tablename__ = "entity_former_name"

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="market_entity.id", index=True)
    name: str = Field(max_length=256)
    # When the change registration replaced it.
    until: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Person(SQLModel, table=True):
    """A natural person: what links their roles across entities. Only a keyed hash of
    the identity number is kept; the name belongs to each role, as registered."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    id_number_hash: str | None = Field(default=None, unique=True, max_length=64)


class EntityPerson(SQLModel, table=True):
    """A person's role in an entity: legal representative, shareholder or executive."""

    __tablename__ = "entity_person"
    __table_args__ = (sa.UniqueConstraint("entity_id", "person_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="market_entity.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: PersonRole = Field(sa_type=code_list(PersonRole))
    name: str = Field(max_length=128, index=True)
    share_percent: Decimal | None = Field(default=None, sa_type=ScaledDecimal(4))
    title: str | None = Field(default=None, max_length=64)
