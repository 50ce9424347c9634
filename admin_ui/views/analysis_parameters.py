"""统计分析参数: maintainers set the longest period an analysis may cover (绩效考核, statistics); each
setting is kept, newest in force. Above the settings, the value in force and where it came from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette_admin import DateTimeField, IntegerField, StringField
from starlette_admin.exceptions import FormValidationError
from starlette_admin.filters import FilterGroup

from admin_ui.base import ServiceView, value_of
from admin_ui.formats import beijing
from models import AnalysisParameters
from services.analysis.parameters import DEFAULT_MAX_PERIOD_DAYS, in_force, set_max_period_days
from services.platform.ids import whole_number


async def _set(session: AsyncSession, days: int) -> AnalysisParameters:
    row = await set_max_period_days(session, days)
    if row is None:
        raise FormValidationError({"max_period_days": "与现行参数相同，未作更改"})
    return row


class AnalysisParametersView(ServiceView):
    fields = [
        IntegerField(
            "max_period_days",
            label="最长统计期间（天，含首尾两天）",
            help_text=f"默认 {DEFAULT_MAX_PERIOD_DAYS}；绩效考核和统计分析的期间不得长于此",
        ),
        DateTimeField("set_at", label="设置时间", exclude_from_create=True, exclude_from_edit=True),
        StringField("set_by", label="设置人", exclude_from_create=True, exclude_from_edit=True),
    ]
    sortable_fields = ["set_at"]
    fields_default_sort = [("set_at", True)]
    exporters: list[str] = []
    importers: list[str] = []
    list_template = "analysis_parameters_list.html"

    def __init__(self) -> None:
        super().__init__(
            AnalysisParameters, icon="fa fa-sliders", display_name="统计分析参数", menu_label="统计分析参数"
        )

    async def find_all(
        self,
        request: Request,
        skip: int = 0,
        limit: int = 100,
        q: str | None = None,
        sorts: Sequence[tuple[str, str]] | None = None,
        filters: FilterGroup | None = None,
    ) -> Sequence[Any]:
        # The list page's context is starlette-admin's; the value in force rides on the request.
        current = await in_force(request.state.session)
        request.state.analysis_in_force = (current, beijing(current.set_at))
        return await super().find_all(request, skip, limit, q, sorts, filters)

    def can_edit(self, request: Request) -> bool:
        return False  # each setting is kept as it was: the newest is in force

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.set_at:%Y-%m-%d %H:%M} 的设置"

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        days = whole_number(value_of(data, "max_period_days"))
        if days is None:
            raise FormValidationError({"max_period_days": "请输入天数（整数）"})
        return await self.change(request, lambda session: _set(session, days))
