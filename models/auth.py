"""API tokens: only the hash of a token is kept."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import TokenRole
from models.types import UTCDateTime, utcnow


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128)
    token_hash: str = Field(unique=True, max_length=64)
    department_id: int = Field(foreign_key="department.id", index=True)
    role: TokenRole = Field(sa_type=sa.Enum(TokenRole, native_enum=False, create_constraint=False, length=32))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
