"""Today, in the city's time zone: dates of decisions and deadlines are Beijing dates."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def seconds() -> float:
    """A clock for durations (monotonic, never set back); tests move it by replacing this function."""
    return time.monotonic()


def today() -> date:
    return datetime.now(SHANGHAI).date()


def beijing(moment: datetime) -> datetime:
    """The wall-clock time in Beijing (naive, as a page or a spreadsheet cell shows it). Stored
    times are UTC; one without a zone is taken as UTC, as the database keeps it."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(SHANGHAI).replace(tzinfo=None)
