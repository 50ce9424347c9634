"""The working-day calendar: only the exceptions to Monday–Friday are stored."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class CalendarDay(SQLModel, table=True):
    """A public holiday on a weekday (is_workday false) or a weekend day worked in
    exchange (调休, is_workday true)."""

    __tablename__ = "calendar_day"

    day: date = Field(primary_key=True)
    is_workday: bool
    name: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
