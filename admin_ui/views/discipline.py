"""惩戒措施: maintainers keep the discipline-measure catalog here, through services.credit.discipline."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette_admin import BooleanField, DateTimeField, EnumField, StringField, TextAreaField

from admin_ui.base import ServiceView, choice, value_of
from admin_ui.export import CSV
from admin_ui.labels import choices
from models import DisciplineMeasure
from models.enums import ListingKind
from services.credit.discipline import MeasureInput, upsert_discipline_measure
from services.platform.errors import Expect


class DisciplineMeasureView(ServiceView):
    fields = [
        StringField("code", label="措施代码", help_text="2–32 位字母、数字、点、下划线或连字符，如 YZ-ZFCG"),
        StringField("name", label="惩戒措施"),
        EnumField("listing_kind", label="适用名录", choices=choices(ListingKind)),
        TextAreaField("legal_basis", label="法律依据", exclude_from_list=True),
        StringField("applied_by", label="实施部门"),
        BooleanField("active", label="在用", help_text="停用的措施保留在目录中，但不再出现在惩戒结论里"),
        DateTimeField("updated_at", label="最近修改", exclude_from_create=True, exclude_from_edit=True),
    ]
    exclude_fields_from_edit = ["code"]
    searchable_fields = ["code", "name", "listing_kind", "applied_by", "active"]
    sortable_fields = ["code", "name", "listing_kind"]
    fields_default_sort = ["code"]
    exporters = CSV
    importers: list[str] = []
    page_size = 25

    def __init__(self) -> None:
        super().__init__(DisciplineMeasure, icon="fa fa-gavel", display_name="惩戒措施", menu_label="惩戒措施")

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.code}）"

    async def _save(self, request: Request, code: str, data: dict[str, Any], expect: Expect) -> Any:
        measure_input = MeasureInput(
            code=code,
            name=value_of(data, "name"),
            listing_kind=choice(data, "listing_kind", ListingKind),
            legal_basis=value_of(data, "legal_basis"),
            applied_by=value_of(data, "applied_by"),
            active=bool(data.get("active")),
        )
        measure, _ = await self.change(
            request, lambda session: upsert_discipline_measure(session, measure_input, expect)
        )
        return measure

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        return await self._save(request, value_of(data, "code"), data, Expect.NEW)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        return await self._save(request, current.code, data, Expect.EXISTING)
