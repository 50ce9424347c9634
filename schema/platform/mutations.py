"""The platform's own mutation: the working-day calendar."""

from __future__ import annotations

from schema.platform.calendar import SetCalendarDaysInput, SetCalendarDaysPayload
from schema.platform.mutation import service_mutation
from services.platform import calendar
from services.platform.access import Operation

set_calendar_days = service_mutation(
    service=calendar.set_calendar_days,
    input=SetCalendarDaysInput,
    rename={"day": "date"},
    payload=SetCalendarDaysPayload,
    returns="days",
    permission=Operation.SET_CALENDAR_DAYS,
    codes=("DUPLICATE_DAY", "INVALID_TEXT", "REQUIRED", "TOO_LONG"),
    description="维护节假日与调休 / Keep holidays and 调休 working days (maintainers).",
)
