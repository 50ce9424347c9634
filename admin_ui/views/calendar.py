"""工作日历: holidays and 调休 days, kept by maintainers through services.platform.calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette_admin import BooleanField, DateField, DateTimeField, StringField

from admin_ui.base import ServiceView, day_of, value_of
from models import CalendarDay
from services.platform.calendar import CalendarDayInput, set_calendar_days


class CalendarDayView(ServiceView):
    fields = [
        DateField("day", label="日期"),
        BooleanField("is_workday", label="上班", help_text="节假日不勾选；周末调休上班勾选"),
        StringField("name", label="名称", help_text="如“国庆节”“国庆节调休上班”"),
        DateTimeField("updated_at", label="最近修改", exclude_from_create=True, exclude_from_edit=True),
    ]
    exclude_fields_from_edit = ["day"]
    searchable_fields = ["name", "day", "is_workday"]
    sortable_fields = ["day"]
    fields_default_sort = [("day", True)]
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(CalendarDay, icon="fa fa-calendar", display_name="工作日历", menu_label="工作日历")

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.day.isoformat()} {obj.name}"

    async def _save(self, request: Request, day: date, data: dict[str, Any]) -> Any:
        item = CalendarDayInput(day, bool(data.get("is_workday")), value_of(data, "name"))
        stored = await self.change(request, lambda session: set_calendar_days(session, [item]))
        # A day set back to its weekday default is no exception any more.
        return stored[0] if stored else CalendarDay(day=day, is_workday=item.is_workday, name=item.name)

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        day = day_of(data, "day", "日期")
        assert day is not None  # required: a blank date was refused beside the field
        return await self._save(request, day, data)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        return await self._save(request, current.day, data)
