"""四色警示规则参数: maintainers set the colour rules' thresholds; each setting is kept, newest in force.
Above the settings, every threshold in force and where it came from, defaults included."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from starlette.requests import Request
from starlette_admin import DateTimeField, DecimalField, IntegerField, StringField
from starlette_admin.exceptions import FormValidationError
from starlette_admin.filters import FilterGroup

from admin_ui.base import ServiceView, value_of
from admin_ui.formats import beijing
from models import RiskParameters
from services.credit.risk import set_rule_parameters
from services.credit.risk_parameters import DEFAULTS, Parameters, parameters_with_source
from services.platform.ids import whole_number

_INTEGERS = ("window_days", "yellow_penalties", "red_penalties", "complaint_count")
_RATES = ("red_resolution_rate", "yellow_resolution_rate")


def _whole(raw: str) -> int:
    """A count or a number of days as typed: ASCII digits, within an INTEGER column."""
    number = whole_number(raw.strip())
    if number is None:
        raise ValueError(raw)
    return number


def _parameters(data: dict[str, Any]) -> Parameters:
    """The form's values; a field left empty keeps domain.md's default."""
    values: dict[str, Any] = {}
    errors: dict[str | int, Any] = {}
    for name in (*_INTEGERS, *_RATES):
        raw = value_of(data, name)
        if not raw:
            values[name] = getattr(DEFAULTS, name)
            continue
        try:
            values[name] = _whole(raw) if name in _INTEGERS else Decimal(raw)
        except (ValueError, InvalidOperation):
            errors[name] = "请输入数字"
    if errors:
        raise FormValidationError(errors)
    return Parameters(**values)


async def _set(session: AsyncSession, wanted: Parameters) -> RiskParameters:
    await set_rule_parameters(session, wanted)
    newest = await session.scalar(select(RiskParameters).order_by(col(RiskParameters.id).desc()).limit(1))
    if newest is None:  # the defaults confirmed: nothing to store
        raise FormValidationError({"window_days": "与现行参数相同，未作更改"})
    return newest


class RiskParametersView(ServiceView):
    fields = [
        IntegerField("window_days", label="统计窗口（天）", help_text=f"默认 {DEFAULTS.window_days}"),
        IntegerField("yellow_penalties", label="黄色：有效处罚次数下限", help_text="默认 1（1–2 次为黄色）"),
        IntegerField("red_penalties", label="红色：有效处罚次数下限", help_text="默认 3；须大于黄色下限"),
        IntegerField("complaint_count", label="投诉件数下限", help_text="默认 4；达到此数才计算办结率"),
        DecimalField("red_resolution_rate", label="红色：办结率低于（%）", help_text="默认 50"),
        DecimalField("yellow_resolution_rate", label="黄色：办结率低于（%）", help_text="默认 80；须高于红色界限"),
        DateTimeField("set_at", label="设置时间", exclude_from_create=True, exclude_from_edit=True),
        StringField("set_by", label="设置人", exclude_from_create=True, exclude_from_edit=True),
    ]
    sortable_fields = ["set_at"]
    fields_default_sort = [("set_at", True)]
    exporters: list[str] = []
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(
            RiskParameters, icon="fa fa-traffic-light", display_name="四色警示参数", menu_label="四色警示参数"
        )

    list_template = "risk_parameters_list.html"

    def label_of(self, name: str) -> str:
        return next(field.label or name for field in self.fields if field.name == name)

    async def find_all(
        self,
        request: Request,
        skip: int = 0,
        limit: int = 100,
        q: str | None = None,
        sorts: Sequence[tuple[str, str]] | None = None,
        filters: FilterGroup | None = None,
    ) -> Sequence[Any]:
        # The list page's context is starlette-admin's; the thresholds in force ride on the request.
        request.state.risk_in_force = [
            (item, self.label_of(item.name), beijing(item.set_at))
            for item in await parameters_with_source(request.state.session)
        ]
        return await super().find_all(request, skip, limit, q, sorts, filters)

    def can_edit(self, request: Request) -> bool:
        return False  # each setting is kept as it was: the newest is in force

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.set_at:%Y-%m-%d %H:%M} 的设置"

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        wanted = _parameters(data)
        return await self.change(request, lambda session: _set(session, wanted))
