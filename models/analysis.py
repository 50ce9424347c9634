"""Analysis settings kept by catalog maintainers (绩效考核, statistics)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class AnalysisParameters(SQLModel, table=True):
    """The analyses' limits, one row per setting: the newest is in force."""

    __tablename__ = "analysis_parameters"

    id: int | None = Field(default=None, primary_key=True)
    max_period_days: int  # the longest period an analysis may cover, both ends included
    set_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    set_by: str = Field(max_length=128)
